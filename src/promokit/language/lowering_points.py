"""Lowering of a points rule: `points ID "title" on EVENT { earn 5 points ... }` (docs/points.md).

The time, audience, limit and budget clauses are the promotion's own (lowered by the
same methods of the file lowerer); only `earn N points`, `streak N days earn M points`
and `points x K` are new.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from lark import Token, Tree

from . import ast
from .lowering_base import Invalid
from .source import Span

__all__ = ["lower_mall_item", "lower_points_rule"]

_SINGLE = {"award": "earn", "streak": "streak", "award_multiplier": "points x", "timezone": "timezone",
           "audience": "for", "budget": "budget"}  # fmt: skip
_TIME_CLAUSES = ("during", "weekdays", "monthdays", "hours")


class _Lowerer(Protocol):
    """What this needs of lowering.py's file lowerer (a protocol: no import cycle)."""

    def span(self, node: Tree[Token] | Token) -> Span: ...
    def error(self, code: str, message: str, span: Span, help: str | None = None) -> None: ...
    def children_trees(self, tree: Tree[Token]) -> list[Tree[Token]]: ...
    def tokens(self, tree: Tree[Token], kind: str) -> list[Token]: ...
    def token(self, tree: Tree[Token], kind: str) -> Token: ...
    def last_token(self, tree: Tree[Token]) -> Token: ...
    def string(self, token: Token) -> str: ...
    def integer(self, token: Token, what: str) -> int: ...
    def decimal(self, token: Token) -> Decimal: ...
    def time_conditions(self, tree: Tree[Token]) -> list[ast.TimeCondition]: ...
    def condition(self, tree: Tree[Token] | Token, depth: int) -> ast.Condition: ...
    def limit(self, tree: Tree[Token]) -> ast.Limit: ...
    def scope_expr(self, tree: Tree[Token]) -> ast.Scope: ...
    def subtree(self, tree: Tree[Token], name: str) -> Tree[Token]: ...


def lower_points_rule(low: _Lowerer, tree: Tree[Token]) -> ast.PointsRule | None:
    head = [c for c in tree.children if isinstance(c, Token)]
    names = [t for t in head if t.type == "NAME"]
    id_token, event_token = names[0], names[1]
    title_token = next((t for t in head if t.type == "STRING"), None)
    fields: dict[str, Any] = {}
    seen: dict[str, Span] = {}
    when: list[ast.TimeCondition] = []
    limits: list[ast.Limit] = []
    failed = False
    for clause in low.children_trees(tree):
        span = low.span(clause)
        kind = str(clause.data)
        try:
            if kind in _SINGLE:
                if kind in seen:
                    low.error(
                        "S031",
                        f"`{_SINGLE[kind]}` is already given on line {seen[kind].line}",
                        span,
                        "a points rule has one such clause; remove one of them",
                    )
                    raise Invalid
                seen[kind] = span
            if kind in ("award", "streak", "award_multiplier") and low.tokens(clause, "ZH_POINTS"):
                fields["notation"] = ast.Notation.ZH
            if kind in _TIME_CLAUSES:
                when.extend(low.time_conditions(clause))
            elif kind == "award":
                fields["award"] = low.integer(low.token(clause, "NUMBER"), "points")
            elif kind == "streak":
                days, points = low.tokens(clause, "NUMBER")
                fields["streak"] = ast.Streak(
                    days=low.integer(days, "days"), points=low.integer(points, "points"), span=span
                )
            elif kind == "award_multiplier":
                fields["multiplier"] = low.decimal(low.token(clause, "NUMBER"))
            elif kind == "timezone":
                fields["timezone"] = str(low.last_token(clause))
            elif kind == "audience":
                fields["audience"] = low.condition(low.children_trees(clause)[0], 0)
            elif kind == "limit":
                limits.append(low.limit(clause))
            elif kind == "budget":
                amount = low.decimal(low.token(clause, "NUMBER"))
                per_day = bool(low.tokens(clause, "DAY") or low.tokens(clause, "ZH_EVERY_DAY"))
                fields["budget"] = ast.Budget(amount=amount, per_day=per_day, span=span)
        except Invalid:
            failed = True
    id_span = low.span(id_token)
    if not failed and "award" not in fields and "multiplier" not in fields and "streak" not in fields:
        low.error(
            "S032",
            f"points rule '{id_token}' grants nothing",
            id_span,
            "add `earn 5 points`, `streak 7 days earn 20 points` or `points x 2`",
        )
        failed = True
    if failed:
        return None
    return ast.PointsRule(
        id=str(id_token),
        title=low.string(title_token) if title_token is not None else None,
        event=str(event_token),
        when=tuple(when),
        limits=tuple(limits),
        id_span=id_span,
        event_span=low.span(event_token),
        span=low.span(tree),
        **fields,
    )


def lower_mall_item(low: _Lowerer, tree: Tree[Token]) -> ast.MallItem | None:
    head = [c for c in tree.children if isinstance(c, Token)]
    id_token = next(t for t in head if t.type == "NAME")
    title_token = next((t for t in head if t.type == "STRING"), None)
    fields: dict[str, Any] = {}
    seen: dict[str, Span] = {}
    limits: list[ast.Limit] = []
    failed = False
    for clause in low.children_trees(tree):
        span = low.span(clause)
        kind = str(clause.data)
        try:
            if kind in ("scope", "stock"):
                if kind in seen:
                    word = "on" if kind == "scope" else kind
                    low.error("S031", f"`{word}` is already given on line {seen[kind].line}", span,
                              "a mall item has one such clause; remove one of them")  # fmt: skip
                    raise Invalid
                seen[kind] = span
            if kind == "scope":
                fields["scope"] = low.scope_expr(low.subtree(clause, "scope_expr"))
            elif kind == "stock":
                fields["stock"] = ast.Stock(units=low.integer(low.last_token(clause), "stock"), span=span)
            elif kind == "limit":
                limits.append(low.limit(clause))
        except Invalid:
            failed = True
    id_span = low.span(id_token)
    if not failed and "scope" not in fields:
        low.error("S032", f"mall item '{id_token}' names no goods", id_span, 'add `on sku "SKU"`')
        failed = True
    if failed:
        return None
    return ast.MallItem(
        id=str(id_token),
        title=low.string(title_token) if title_token is not None else None,
        limits=tuple(limits),
        id_span=id_span,
        span=low.span(tree),
        **fields,
    )
