"""Checks of points rules (`points ID on EVENT { ... }`, docs/points.md#points-for-actions).

    E090 duplicate points rule id      E091 a value out of range      E092 a limit events cannot have
    E093 duplicate mall item id        E094 a mall item's goods are not skus

Windows, audiences and time zones are checked as a promotion's (conditions.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from ..language.ast import Limit, Per, PointsRule, RuleFile, SelectorKind
from ..language.diagnostics import did_you_mean
from ..language.source import Span
from .conditions import check_condition_types, check_time
from .report import Report, best_span, segment_refs

__all__ = ["check_mall_items", "check_points_rules"]

_MAX_MULTIPLIER = Decimal(100)


def check_points_rules(
    files: Sequence[RuleFile],
    segments: Mapping[str, object],
    check_timezone: Callable[[str, Span, Report], None],
    report: Report,
) -> None:
    seen: dict[str, PointsRule] = {}
    for f in files:
        for rule in f.points_rules:
            span = best_span(rule.id_span, rule.span)
            first = seen.get(rule.id)
            if first is not None:
                report.error(
                    "E090",
                    f"duplicate points rule id '{rule.id}'",
                    span,
                    f"'{rule.id}' is already declared at {best_span(first.id_span, first.span)}; rename one",
                )
            else:
                seen[rule.id] = rule
            _values(rule, report)
            for cond in rule.when:
                check_time(cond, report)
            if rule.audience is not None:
                check_condition_types(rule.audience, report)
            for ref in segment_refs(rule.audience):
                if ref.name not in segments:
                    hint = did_you_mean(ref.name, segments)
                    report.error(
                        "E010",
                        f"unknown segment '{ref.name}'",
                        ref.span,
                        hint or "declare it with `segment NAME = condition`",
                    )
            if rule.timezone is not None:
                check_timezone(rule.timezone, span, report)


def check_mall_items(files: Sequence[RuleFile], report: Report) -> None:
    seen: dict[str, Span] = {}
    for f in files:
        for item in f.mall_items:
            span = best_span(item.id_span, item.span)
            if item.id in seen:
                report.error(
                    "E093",
                    f"duplicate mall item id '{item.id}'",
                    span,
                    f"'{item.id}' is already declared at {seen[item.id]}",
                )
            seen.setdefault(item.id, span)
            if item.scope.exclude or any(sel.kind is not SelectorKind.SKU for sel in item.scope.include):
                report.error(
                    "E094",
                    "a mall item names its goods by sku",
                    best_span(item.scope.span, span),
                    'write `on sku "TEA-SET"` (several: `on sku "A", sku "B"`)',
                )
            if item.stock is not None and item.stock.units < 1:
                report.error(
                    "E091",
                    "stock must be at least 1",
                    best_span(item.stock.span, span),
                    "write e.g. `stock 100`",
                )
            for limit in item.limits:
                if limit.per is Per.ORDER:
                    report.error(
                        "E092",
                        "a mall item is limited per customer or in total",
                        best_span(limit.span, span),
                        "write `limit 1 per customer` or `limit 500 units total`",
                    )
                else:
                    _at_least_one(limit, span, report)


def _values(rule: PointsRule, report: Report) -> None:
    span = best_span(rule.id_span, rule.span)
    if rule.multiplier is not None and not (0 < rule.multiplier <= _MAX_MULTIPLIER):
        report.error(
            "E091",
            f"points x {rule.multiplier}: a multiplier must be more than 0 and at most 100",
            span,
            "write e.g. `points x 2` for double points",
        )
    if rule.multiplier is None and rule.award < 1 and rule.streak is None:
        report.error("E091", "a points rule must earn at least 1 point", span, "write e.g. `earn 5 points`")
    if rule.streak is not None and (rule.streak.days < 2 or rule.streak.points < 1):
        report.error(
            "E091",
            f"streak {rule.streak.days} days earn {rule.streak.points} points: a streak needs 2 or more "
            "days and at least 1 point",
            best_span(rule.streak.span, span),
            "write e.g. `streak 7 days earn 20 points`",
        )
    if rule.budget is not None and (
        rule.budget.amount != rule.budget.amount.to_integral_value() or rule.budget.amount < 1
    ):
        report.error(
            "E091",
            f"budget {rule.budget.amount}: a points budget is a whole number of points, at least 1",
            best_span(rule.budget.span, span),
            "write e.g. `budget 100000` (points)",
        )
    for limit in rule.limits:
        if limit.per is Per.ORDER or limit.counted.value == "units":
            report.error(
                "E092",
                "an event has no order and no units: limit a points rule per customer or in total",
                best_span(limit.span, span),
                "write `limit 1 per customer per day` or `limit 1000 total`",
            )
        else:
            _at_least_one(limit, span, report)


def _at_least_one(limit: Limit, span: Span, report: Report) -> None:
    """E091 for `limit 0 ...` on a points rule or a mall item."""
    if limit.count < 1:
        report.error(
            "E091",
            "a limit must be at least 1",
            best_span(limit.span, span),
            "write e.g. `limit 1 per customer`",
        )
