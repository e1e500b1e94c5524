"""Lowering of composed offers: a condition on one scope, a benefit on another.

Covers the "composed offers" block of grammar.lark (docs/language.md#composed-offers): tiers
by units or with a percentage (满3件8折, 满100打9折), a plain amount off (立减10), free units
(赠1件), a free price (免费, 0元), the `when` / `条件` condition clause, `dearest first`,
per-line unit limits and stacking groups. Dispatch is by the grammar rule's name
(`ACTION_RULES`, `CLAUSE_RULES`), one function per rule, so a new construct adds one entry
instead of a branch in a chain.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lark import Token, Tree

from . import ast
from .lowering_actions import lower_action, zhe_to_percent
from .lowering_base import Lowerer

__all__ = ["ACTION_RULES", "CLAUSE_RULES", "lower_clause", "lower_promotion_action"]

EN, ZH = ast.Notation.EN, ast.Notation.ZH
_UNIT_CHOICES = {
    "CHEAPEST": ast.UnitChoice.CHEAPEST,
    "ZH_CHEAPEST": ast.UnitChoice.CHEAPEST,
    "DEAREST": ast.UnitChoice.DEAREST,
    "ZH_DEAREST": ast.UnitChoice.DEAREST,
}


def _notation(tree: Tree[Token]) -> ast.Notation:
    tokens = tree.scan_values(lambda v: isinstance(v, Token))
    return ZH if any(t.type.startswith("ZH_") for t in tokens) else EN


def _percent(low: Lowerer, tree: Tree[Token]) -> ast.Percent:
    """`20% off` (rule `otier_percent`) or `8折` / `半价` (rule `otier_zh_percent`)."""
    span = low.span(tree)
    if tree.data == "otier_percent":
        return ast.Percent(off=low.decimal(low.token(tree, "NUMBER")), notation=EN, span=span)
    numbers = low.tokens(tree, "NUMBER")
    off = zhe_to_percent(str(numbers[0])) if numbers else Decimal(50)
    return ast.Percent(off=off, notation=ZH, span=span)


# ----------------------------------------------------------------------------- actions


def _offer_tier(low: Lowerer, tree: Tree[Token]) -> ast.OfferTier:
    span = low.span(tree)
    numbers = [t for t in tree.children if isinstance(t, Token) and t.type == "NUMBER"]
    at_least = low.decimal(numbers[0])
    if tree.data in ("tier_en", "tier_zh"):  # an old 满100减20 tier inside a mixed list
        return ast.OfferTier(
            measure=ast.Measure.SPEND, at_least=at_least, off=low.decimal(numbers[1]), span=span
        )
    measure = ast.Measure.UNITS if tree.data.startswith("otier_units") else ast.Measure.SPEND
    if measure is ast.Measure.UNITS:
        at_least = Decimal(low.integer(numbers[0], "a number of units"))
    if tree.data.endswith("_off"):
        return ast.OfferTier(measure=measure, at_least=at_least, off=low.decimal(numbers[1]), span=span)
    percent = _percent(low, low.children_trees(tree)[0])
    return ast.OfferTier(measure=measure, at_least=at_least, percent=percent, span=span)


def lower_tiers(low: Lowerer, tree: Tree[Token]) -> ast.Action:
    """A list of tiers: plain 满100减20 tiers stay `Tiers`; any unit or percentage tier makes
    the whole list a `TieredOffer`."""
    # `tier: ... | offer_tier` wraps an offer tier in an unaliased `tier` node
    flat = [c if c.data != "tier" else low.children_trees(c)[0] for c in low.children_trees(tree)]
    if all(t.data in ("tier_en", "tier_zh") for t in flat):
        return lower_action(low, tree)
    offer = tuple(_offer_tier(low, t) for t in flat)
    return ast.TieredOffer(tiers=offer, notation=_notation(tree), span=low.span(tree))


def _amount_off(low: Lowerer, tree: Tree[Token]) -> ast.Action:
    amount = low.decimal(low.token(tree, "NUMBER"))
    return ast.AmountOff(amount=amount, notation=_notation(tree), span=low.span(tree))


def _free_units(low: Lowerer, tree: Tree[Token]) -> ast.Action:
    count = low.integer(low.token(tree, "NUMBER"), "a number of free units")
    return ast.FreeUnits(count=count, notation=_notation(tree), span=low.span(tree))


def _free_price(low: Lowerer, tree: Tree[Token]) -> ast.Action:
    """免费 / free / 0元 / 特价 0元: a fixed unit price (0 for 免费 and free)."""
    numbers = low.tokens(tree, "NUMBER")
    price = low.decimal(numbers[0]) if numbers else Decimal(0)
    return ast.SpecialPrice(price=price, notation=_notation(tree), span=low.span(tree))


ACTION_RULES: dict[str, Callable[[Lowerer, Tree[Token]], ast.Action]] = {
    "tiers": lower_tiers,
    "amount_off": _amount_off,
    "free_units": _free_units,
    "free_price": _free_price,
}


def lower_promotion_action(low: Lowerer, tree: Tree[Token]) -> ast.Action:
    """The action of a promotion: a composed-offer rule here, every other rule in lowering_actions."""
    rule = ACTION_RULES.get(str(tree.data))
    return rule(low, tree) if rule is not None else lower_action(low, tree)


# ----------------------------------------------------------------------------- clauses


ScopeReader = Callable[[Tree[Token]], ast.Scope]
Clause = Callable[[Lowerer, Tree[Token], dict[str, Any], list[ast.Limit], ScopeReader], None]


def _requirement(
    low: Lowerer, tree: Tree[Token], fields: dict[str, Any], limits: list[ast.Limit], scope_expr: ScopeReader
) -> None:
    measure_tree = next(c for c in low.children_trees(tree) if c.data.startswith("req_"))
    measure = {
        "req_spend": ast.Measure.SPEND,
        "req_units": ast.Measure.UNITS,
        "req_kinds": ast.Measure.KINDS,
    }[str(measure_tree.data)]
    number = low.token(measure_tree, "NUMBER")
    if measure is ast.Measure.SPEND:
        at_least = low.decimal(number)
    else:
        at_least = Decimal(
            low.integer(number, "a number of units" if measure is ast.Measure.UNITS else "a number of skus")
        )
    scopes = [c for c in low.children_trees(tree) if c.data == "scope_expr"]
    scope = scope_expr(scopes[0]) if scopes else None
    repeat = bool(low.tokens(tree, "REPEAT") or low.tokens(tree, "ZH_REPEAT"))
    most = [t for t in tree.children if isinstance(t, Token) and t.type == "NUMBER"]
    max_times = low.integer(most[0], "a number of times") if most else None
    fields["condition"] = ast.Requirement(
        measure=measure,
        at_least=at_least,
        scope=scope,
        repeat=repeat,
        max_times=max_times,
        notation=_notation(tree),
        span=low.span(tree),
    )


def _pick(
    low: Lowerer, tree: Tree[Token], fields: dict[str, Any], limits: list[ast.Limit], scope_expr: ScopeReader
) -> None:
    fields["pick"] = _UNIT_CHOICES[low.first_token(tree).type]
    fields["pick_span"] = low.span(tree)


def _line_limit(
    low: Lowerer, tree: Tree[Token], fields: dict[str, Any], limits: list[ast.Limit], scope_expr: ScopeReader
) -> None:
    count = low.integer(low.token(tree, "NUMBER"), "a limit")
    limits.append(ast.Limit(count=count, per=ast.Per.LINE, counted=ast.Counted.UNITS, span=low.span(tree)))


def _stack_group(
    low: Lowerer, tree: Tree[Token], fields: dict[str, Any], limits: list[ast.Limit], scope_expr: ScopeReader
) -> None:
    name = low.token(tree, "NAME")
    fields["stack_group"] = ast.Name(text=str(name), span=low.span(name))


#: clause rule -> (word for "given twice" messages or None when repeatable, lowering)
CLAUSE_RULES: dict[str, tuple[str | None, Clause]] = {
    "requirement": ("when", _requirement),
    "pick": ("dearest first", _pick),
    "line_limit": (None, _line_limit),
    "stack_group": ("stack group", _stack_group),
}


def lower_clause(
    low: Lowerer, tree: Tree[Token], fields: dict[str, Any], limits: list[ast.Limit], scope_expr: ScopeReader
) -> None:
    """Lower one composed-offer clause into the promotion's fields (or its limits)."""
    CLAUSE_RULES[str(tree.data)][1](low, tree, fields, limits, scope_expr)
