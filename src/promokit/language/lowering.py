"""Parse tree -> typed AST (`ast.py`), with a span on every node.

The parse tree never leaves this module. Lowering runs after parsing (not inside a lark
Transformer), so a problem here is a `Diagnostic`, never an exception wrapped in
`VisitError`. It reports what the grammar cannot: invalid dates and times, a fraction
where a count is needed, a clause given twice, a promotion without an action. Semantic
checks (unknown names, tier order, percentages in range) are the checker's.

Codes: S020 not a whole number, S021 invalid date, S022 invalid time, S023 bad string
escape, S024 a value without its kind, S011 condition nested too deep, S030 setting given
twice, S031 clause given twice, S032 no action, S033 `single use` without `codes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lark import Token, Tree

from . import ast
from .diagnostics import Diagnostic
from .lowering_base import Invalid
from .lowering_compose import CLAUSE_RULES, lower_clause, lower_promotion_action
from .lowering_points import lower_mall_item, lower_points_rule
from .lowering_terms import TermLowerer
from .source import NO_SPAN, Source, Span

__all__ = ["lower_file"]


def lower_file(
    source: Source, trees: Sequence[tuple[Tree[Token], int]], max_nesting: int = 50
) -> tuple[ast.RuleFile, list[Diagnostic]]:
    """Lower the parsed declarations of one file (each tree with its chunk offset)."""
    settings: dict[str, tuple[Any, Span]] = {}
    segments: list[ast.SegmentDecl] = []
    scopes: list[ast.ScopeDecl] = []
    promotions: list[ast.Promotion] = []
    points_rules: list[ast.PointsRule] = []
    mall_items: list[ast.MallItem] = []
    diagnostics: list[Diagnostic] = []
    for tree, offset in trees:
        low = _FileLowerer(source, offset, max_nesting)
        for decl in tree.children:
            if not isinstance(decl, Tree):
                continue
            try:
                if decl.data.startswith("set_"):
                    low.setting(decl, settings)
                elif decl.data == "segment_decl":
                    segments.append(low.segment(decl))
                elif decl.data == "scope_decl":
                    scopes.append(low.scope_decl(decl))
                elif decl.data == "promotion":
                    promotion = low.promotion(decl)
                    if promotion is not None:
                        promotions.append(promotion)
                elif decl.data == "points_rule":
                    rule = lower_points_rule(low, decl)
                    if rule is not None:
                        points_rules.append(rule)
                elif decl.data == "mall_item":
                    item = lower_mall_item(low, decl)
                    if item is not None:
                        mall_items.append(item)
            except Invalid:
                pass
            except Exception as exc:  # noqa: BLE001 - a lowering bug must not become a traceback
                low.error(
                    "S999",
                    f"internal error while reading this declaration ({type(exc).__name__}); please report it",
                    low.span(decl),
                    "the rest of the file was still checked",
                )
        diagnostics.extend(low.diagnostics)
    whole = source.span(0, len(source.text))
    rule_file = ast.RuleFile(
        name=source.name,
        settings=_settings(settings, source),
        segments=tuple(segments),
        scopes=tuple(scopes),
        promotions=tuple(promotions),
        points_rules=tuple(points_rules),
        mall_items=tuple(mall_items),
        span=whole,
    )
    return rule_file, diagnostics


def _settings(found: dict[str, tuple[Any, Span]], source: Source) -> ast.Settings:
    spans = [span for _, span in found.values()]
    first = min(spans, key=lambda s: s.start) if spans else source.span(0, 0)

    def value(key: str) -> Any:
        return found[key][0] if key in found else None

    def where(key: str) -> Span:
        return found[key][1] if key in found else NO_SPAN

    return ast.Settings(
        timezone=value("timezone"),
        currency=value("currency"),
        rounding=value("rounding"),
        max_order_discount=value("max_order_discount"),
        prices_include_tax=None if value("prices_tax") is None else value("prices_tax")[0],
        prices_tax_notation=ast.Notation.EN if value("prices_tax") is None else value("prices_tax")[1],
        shipping_methods=value("shipping_methods"),
        timezone_span=where("timezone"),
        currency_span=where("currency"),
        rounding_span=where("rounding"),
        max_order_discount_span=where("max_order_discount"),
        prices_include_tax_span=where("prices_tax"),
        shipping_methods_span=where("shipping_methods"),
        span=first,
    )


def _has_token(tree: Tree[Token], kind: str) -> bool:
    return any(isinstance(t, Token) and t.type == kind for t in tree.children)


_ROUNDING = {
    "HALF_UP": ast.Rounding.HALF_UP,
    "HALF_EVEN": ast.Rounding.HALF_EVEN,
    "DOWN": ast.Rounding.DOWN,
    "UP": ast.Rounding.UP,
}
_LAYERS = {
    "ITEM": ast.Layer.ITEM,
    "ORDER": ast.Layer.ORDER,
    "COUPON": ast.Layer.COUPON,
    "SHIPPING": ast.Layer.SHIPPING,
    "POINTS": ast.Layer.POINTS,
}
_ZH_LIMITS = {
    "每人限": (ast.Per.CUSTOMER, False),
    "每人每天限": (ast.Per.CUSTOMER, True),
    "每单限": (ast.Per.ORDER, False),
    "每天限": (ast.Per.TOTAL, True),
    "总限": (ast.Per.TOTAL, False),
}

#: Clauses a promotion has at most once (the AST holds one value).
_SINGLE = {
    "priority": "priority",
    "kind": "kind",
    "timezone": "timezone",
    "scope": "on",
    "audience": "for",
    "codes": "codes",
    "single_use": "single use",
    "stock": "stock",
    "budget": "budget",
    "cap": "at most",
    "exclusive": "exclusive",
    "exclusive_group": "exclusive group",
    "variant": "experiment",
    "invite_points": "invite reward",
    "invite_credit": "invite reward",
    "invite_coupon": "invite reward",
    "threshold_original": "threshold",
    "threshold_after": "threshold",
}
_THRESHOLDS = ("threshold_original", "threshold_after")
_TIME_CLAUSES = ("during", "weekdays", "monthdays", "hours")


class _FileLowerer(TermLowerer):
    # ------------------------------------------------------------------ declarations

    def setting(self, tree: Tree[Token], found: dict[str, tuple[Any, Span]]) -> None:
        token = self.last_token(tree)
        span = self.span(tree)
        key: str
        value: Any
        if tree.data == "set_timezone":
            key, value = "timezone", str(token)
        elif tree.data == "set_currency":
            key, value = "currency", str(token)
        elif tree.data == "set_rounding":
            mode = self.first_token(self.subtree(tree, "rounding_mode"))
            key, value = "rounding", _ROUNDING[mode.type]
        elif tree.data == "set_prices_tax":
            first = self.first_token(tree)
            include = first.type == "ZH_PRICES_INCLUDE_TAX" or _has_token(tree, "INCLUDE")
            zh = first.type.startswith("ZH_")
            key, value = "prices_tax", (include, ast.Notation.ZH if zh else ast.Notation.EN)
        elif tree.data == "set_shipping_methods":
            names = self.tokens(tree, "NAME")
            key, value = "shipping_methods", tuple(str(n) for n in names)
        else:
            key, value = "max_order_discount", self.decimal(token)
        if key in found:
            line = found[key][1].line
            word = {
                "max_order_discount": "order cap",
                "prices_tax": "prices include/exclude tax",
                "shipping_methods": "shipping methods",
            }.get(key, key)
            self.error(
                "S030",
                f"`{word}` is already set on line {line} of this file",
                span,
                f"keep one `{word}` line and delete the other",
            )
            raise Invalid
        found[key] = (value, span)

    def segment(self, tree: Tree[Token]) -> ast.SegmentDecl:
        name = self.token(tree, "NAME")
        condition = self.condition(self.children_trees(tree)[-1], 0)
        return ast.SegmentDecl(name=str(name), condition=condition, span=self.span(tree))

    def scope_decl(self, tree: Tree[Token]) -> ast.ScopeDecl:
        name = self.token(tree, "NAME")
        scope = self.scope_expr(self.subtree(tree, "scope_expr"))
        title = next((t for t in tree.children if isinstance(t, Token) and t.type == "STRING"), None)
        return ast.ScopeDecl(
            name=str(name),
            scope=scope,
            span=self.span(tree),
            title=None if title is None else self.string(title),
        )

    def promotion(self, tree: Tree[Token]) -> ast.Promotion | None:
        head = [c for c in tree.children if isinstance(c, Token)]
        id_token = next(t for t in head if t.type == "NAME")
        title_token = next((t for t in head if t.type == "STRING"), None)
        fields: dict[str, Any] = {}
        seen: dict[str, Span] = {}
        action: ast.Action | None = None
        action_span: Span | None = None
        when: list[ast.TimeCondition] = []
        limits: list[ast.Limit] = []
        channels: list[str] = []
        stackable: list[ast.Name] = []
        invite_limits: list[ast.InviteLimit] = []
        failed = False
        for clause in self.children_trees(tree):
            span = self.span(clause)
            kind = clause.data
            try:
                if kind in _SINGLE:
                    key = "threshold" if kind in _THRESHOLDS else kind
                    if key in seen:
                        word = _SINGLE[kind]
                        self.error(
                            "S031",
                            f"`{word}` is already given on line {seen[key].line}",
                            span,
                            "a promotion has one such clause; remove one of them",
                        )
                        raise Invalid
                    seen[key] = span
                if kind in CLAUSE_RULES:
                    once = CLAUSE_RULES[kind][0]
                    if once is not None and kind in seen:
                        self.error(
                            "S031",
                            f"`{once}` is already given on line {seen[kind].line}",
                            span,
                            "a promotion has one such clause; remove one of them",
                        )
                        raise Invalid
                    seen[kind] = span
                    lower_clause(self, clause, fields, limits, self.scope_expr)
                elif kind in _TIME_CLAUSES:
                    when.extend(self.time_conditions(clause))
                elif kind == "priority":
                    fields["priority"] = self.integer(self.last_token(clause), "a priority")
                elif kind == "kind":
                    fields["kind"] = _LAYERS[self.first_token(self.subtree(clause, "layer")).type]
                    fields["kind_span"] = span
                elif kind == "timezone":
                    fields["timezone"] = str(self.last_token(clause))
                    fields["timezone_span"] = span
                elif kind == "scope":
                    fields["scope"] = self.scope_expr(self.subtree(clause, "scope_expr"))
                elif kind == "audience":
                    fields["audience"] = self.condition(self.children_trees(clause)[0], 0)
                elif kind == "channels":
                    channels.extend(self.string(t) for t in self.tokens(clause, "STRING"))
                elif kind == "codes":
                    patterns = tuple(
                        ast.CodePattern(text=self.string(t), span=self.span(t))
                        for t in self.tokens(clause, "STRING")
                    )
                    single = bool(self.tokens(clause, "SINGLE") or self.tokens(clause, "ZH_SINGLE_USE"))
                    fields["codes"] = ast.Codes(patterns=patterns, single_use=single, span=span)
                elif kind == "single_use":
                    fields["single_use"] = span
                elif kind == "limit":
                    limits.append(self.limit(clause))
                elif kind == "stock":
                    fields["stock"] = ast.Stock(
                        units=self.integer(self.last_token(clause), "stock"), span=span
                    )
                elif kind == "budget":
                    amount = self.decimal(self.token(clause, "NUMBER"))
                    per_day = bool(self.tokens(clause, "DAY") or self.tokens(clause, "ZH_EVERY_DAY"))
                    fields["budget"] = ast.Budget(amount=amount, per_day=per_day, span=span)
                elif kind == "cap":
                    fields["cap"] = ast.Cap(amount=self.decimal(self.token(clause, "NUMBER")), span=span)
                elif kind == "exclusive":
                    fields["exclusive"] = True
                elif kind == "exclusive_group":
                    name = self.token(clause, "NAME")
                    fields["exclusive_group"] = ast.Name(text=str(name), span=self.span(name))
                elif kind == "stackable":
                    stackable.extend(
                        ast.Name(text=str(t), span=self.span(t)) for t in self.tokens(clause, "NAME")
                    )
                elif kind == "variant":
                    experiment, variant = self.tokens(clause, "NAME")
                    fields["variant"] = ast.Variant(
                        experiment=str(experiment),
                        name=str(variant),
                        weight=self.decimal(self.token(clause, "NUMBER")),
                        notation=ast.Notation.ZH if self.tokens(clause, "ZH_EXPERIMENT") else ast.Notation.EN,
                        span=span,
                    )
                elif kind in ("invite_points", "invite_credit", "invite_coupon"):
                    zh = ast.Notation.ZH if self.tokens(clause, "ZH_INVITE_REWARD") else ast.Notation.EN
                    numbers = self.tokens(clause, "NUMBER")
                    strings = self.tokens(clause, "STRING")
                    fields["invite"] = ast.InviteReward(
                        kind=kind.removeprefix("invite_"),
                        amount=self.decimal(numbers[0]) if numbers else None,
                        pattern=self.string(strings[0]) if strings else None,
                        notation=zh,
                        span=span,
                    )
                elif kind == "invite_limit":
                    per_day = bool(self.tokens(clause, "DAY")) or "每天" in str(self.first_token(clause))
                    invite_limits.append(
                        ast.InviteLimit(
                            count=self.integer(self.token(clause, "NUMBER"), "an invite limit"),
                            per_day=per_day,
                            notation=ast.Notation.ZH
                            if self.tokens(clause, "ZH_INVITE_LIMIT")
                            else ast.Notation.EN,
                            span=span,
                        )
                    )
                elif kind == "threshold_original":
                    fields["threshold_base"] = ast.ThresholdBase.ORIGINAL
                elif kind == "threshold_after":
                    fields["threshold_base"] = ast.ThresholdBase.AFTER_DISCOUNTS
                else:
                    lowered = lower_promotion_action(self, clause)
                    if action_span is not None:
                        self.error(
                            "S031",
                            f"this promotion already has an action on line {action_span.line}",
                            span,
                            "a promotion has exactly one action; split it into two promotions",
                        )
                        raise Invalid
                    action, action_span = lowered, span
            except Invalid:
                failed = True
        id_span = self.span(id_token)
        if action is None and not failed:
            self.error(
                "S032",
                f"promotion '{id_token}' has no action",
                id_span,
                "add one line such as 满100减20, 20% off or free shipping over 99",
            )
        single_use = fields.pop("single_use", None)
        if single_use is not None:
            codes = fields.get("codes")
            if codes is None:
                self.error(
                    "S033",
                    "`single use` needs a `codes` clause",
                    single_use,
                    'list the coupon codes, e.g. codes "WELCOME10"',
                )
                failed = True
            else:
                fields["codes"] = ast.Codes(patterns=codes.patterns, single_use=True, span=codes.span)
        if failed or action is None:
            return None
        return ast.Promotion(
            id=str(id_token),
            title=self.string(title_token) if title_token is not None else None,
            action=action,
            is_coupon=head[0].type == "COUPON",
            when=tuple(when),
            limits=tuple(limits),
            channels=tuple(channels),
            stackable_with=tuple(stackable),
            invite_limits=tuple(invite_limits),
            id_span=id_span,
            span=self.span(tree),
            **fields,
        )

    # ------------------------------------------------------------------ time

    def limit(self, tree: Tree[Token]) -> ast.Limit:
        span = self.span(tree)
        count = self.integer(self.token(tree, "NUMBER"), "a limit")
        zh = self.tokens(tree, "ZH_LIMIT")
        if zh:
            per, per_day = _ZH_LIMITS[str(zh[0])]
            counted = ast.Counted.UNITS if self.tokens(tree, "ZH_UNITS") else ast.Counted.USES
            return ast.Limit(count=count, per=per, counted=counted, per_day=per_day, span=span)
        counted = ast.Counted.UNITS if self.tokens(tree, "UNITS") else ast.Counted.USES
        per_tree = self.children_trees(tree)[0]
        per = {
            "per_customer": ast.Per.CUSTOMER,
            "per_order": ast.Per.ORDER,
            "per_total": ast.Per.TOTAL,
            "per_total_day": ast.Per.TOTAL,
        }[str(per_tree.data)]
        per_day = bool(self.tokens(per_tree, "DAY"))
        return ast.Limit(count=count, per=per, counted=counted, per_day=per_day, span=span)
