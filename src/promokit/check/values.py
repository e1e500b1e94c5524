"""Value-level checks for one promotion: action numbers, kind, windows, limits, condition types.

Split from `checker.py` to keep each module readable; `checker.check` calls these for
every declaration and collects everything into one `Report` (no early exits: a bad
promotion reports all its problems).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..benefits import spec_for
from ..benefits.checks import check_count, check_money, check_percent, num
from ..language.ast import (
    Action,
    Layer,
    Promotion,
    RuleFile,
    RuleSetAst,
    Scope,
    SegmentDecl,
    SelectorKind,
)
from ..money import CURRENCIES, Currency
from .conditions import (
    check_condition_types,
    check_time,
    check_window_occurs,
    window_end,
    window_start,
)
from .layers import allowed_layers
from .report import Report, best_span

__all__ = [
    "allowed_layers",
    "check_count",
    "check_money",
    "check_percent",
    "check_scope",
    "check_promotion_values",
    "check_segment_values",
    "check_settings_values",
    "num",
    "window_end",
    "window_start",
]

# --------------------------------------------------------------------------- layers


def _check_kind(p: Promotion, report: Report) -> None:
    if p.kind is None:
        return
    span = best_span(p.kind_span, p.action.span, p.span)
    if p.kind is Layer.COUPON and not p.is_coupon:
        report.error(
            "E050",
            f"promotion '{p.id}' declares kind coupon, but it is not a coupon",
            span,
            f"declare it as `coupon {p.id} {{ ... }}` with codes, or remove `kind coupon`",
        )
        return
    allowed = allowed_layers(p.action, p.is_coupon)
    if p.kind not in allowed:
        what = spec_for(p.action).name
        report.error(
            "E050",
            f"kind {p.kind.value} does not fit a {what} action",
            span,
            f"this action runs in the {' or '.join(sorted(layer.value for layer in allowed))} layer; "
            "change the kind or remove it (it is inferred from the action)",
        )


# --------------------------------------------------------------------------- numbers


def _check_action(action: Action, report: Report, cur: Currency | None) -> None:
    """The benefit's own value checks (its module in promokit/benefits/)."""
    spec_for(action).check(action, report, cur)


def check_segment_values(seg: SegmentDecl, report: Report) -> None:
    check_condition_types(seg.condition, report)


# --------------------------------------------------------------------------- scope and limits


def _check_scope(scope: Scope, report: Report, *, warn_empty: bool = True) -> None:
    for sel in (*scope.include, *scope.exclude):
        if sel.kind is SelectorKind.CATEGORY:
            for value in sel.values:
                if value.strip() and any(not part.strip() for part in value.split("/")):
                    report.error(
                        "E084",
                        f'category path "{value}" has an empty segment',
                        best_span(sel.span, scope.span),
                        'write the path from the top without empty parts, e.g. category "fresh/fruit"',
                    )
        if sel.kind is not SelectorKind.ALL and not [v for v in sel.values if v.strip()]:
            report.error(
                "E039",
                f"{sel.kind.value} selector names nothing",
                best_span(sel.span, scope.span),
                f'write at least one value, e.g. {sel.kind.value} "fruit"',
            )
    included = {(s.kind, v) for s in scope.include for v in s.values}
    excluded = {(s.kind, v) for s in scope.exclude for v in s.values}
    everything_out = any(s.kind is SelectorKind.ALL for s in scope.exclude)
    if warn_empty and scope.include and (everything_out or (included and included <= excluded)):
        report.warning(
            "W009",
            "this scope excludes everything it includes, so it matches no item",
            scope.span,
            "remove the `except` part, or exclude something narrower",
        )


def _check_limits(p: Promotion, report: Report, cur: Currency | None) -> None:
    seen: dict[tuple[str, str, bool], int] = {}
    for lim in p.limits:
        check_count(report, lim.count, 1, "a limit", best_span(lim.span, p.span))
        key = (lim.per.value, lim.counted.value, lim.per_day)
        if key in seen:
            report.warning(
                "W013",
                f"a second limit {lim.counted.value} per {lim.per.value}"
                f"{' per day' if lim.per_day else ''}; only the smallest "
                f"({min(seen[key], lim.count)}) binds",
                lim.span,
                "keep one limit of each kind",
            )
            seen[key] = min(seen[key], lim.count)
        else:
            seen[key] = lim.count
    if p.stock is not None:
        check_count(report, p.stock.units, 1, "the stock", best_span(p.stock.span, p.span))
    if p.budget is not None:
        check_money(report, p.budget.amount, "the budget", best_span(p.budget.span, p.span), cur)
    if p.cap is not None:
        check_money(report, p.cap.amount, "the cap", best_span(p.cap.span, p.span), cur)


check_scope = _check_scope


def _currency(rules: RuleSetAst) -> Currency | None:
    return CURRENCIES.get(rules.currency)


def check_promotion_values(p: Promotion, rules: RuleSetAst, report: Report) -> None:
    cur = _currency(rules)
    _check_kind(p, report)
    _check_action(p.action, report, cur)
    _check_limits(p, report, cur)
    _check_scope(p.scope, report)
    for cond in p.when:
        check_time(cond, report)
    check_window_occurs(p.when, report)
    check_condition_types(p.audience, report)


def check_settings_values(files: Sequence[RuleFile], rules: RuleSetAst, report: Report) -> None:
    cur = _currency(rules)
    for f in files:
        s = f.settings
        if s.max_order_discount is not None:
            span = best_span(s.max_order_discount_span, s.span, f.span)
            check_money(report, s.max_order_discount, "the order cap", span, cur)
        for sc in f.scopes:
            _check_scope(sc.scope, report)
