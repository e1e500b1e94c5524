"""Checks of composed offers: conditions, the new benefits, unit caps and stacking groups.

Codes (docs/lint.md#error-codes): E080 a count below 1 in a condition or benefit, E081 a
condition that can never be met (its scope matches no item, or names fewer skus than the
different skus it counts), E082 a unit cap or
unit choice on a benefit that takes no units, E083 a stacking group with one member, E084 a
category path with an empty segment (in values.py, with the other scope checks), E085 tiers
of a tiered offer out of order, with rewards that do not increase, or mixing percentages
and amounts. Each benefit kind has one check function in `ACTION_CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from ..language.ast import (
    Action,
    AmountOff,
    Counted,
    FreeUnits,
    Measure,
    PointsEarn,
    PointsRedeem,
    Promotion,
    Requirement,
    SelectorKind,
    ShippingOff,
    TieredOffer,
)
from ..language.source import Span
from ..money import Currency
from .report import Report, best_span
from .values import check_count, check_money, check_percent, check_scope, num

__all__ = ["ACTION_CHECKS", "check_composed", "check_stack_groups", "takes_units"]


def _amount_off(action: Action, report: Report, cur: Currency | None) -> None:
    assert isinstance(action, AmountOff)
    check_money(report, action.amount, "the amount off", action.span, cur)


def _free_units(action: Action, report: Report, cur: Currency | None) -> None:
    assert isinstance(action, FreeUnits)
    check_count(report, action.count, 1, "the number of free units", action.span, "E080")


def _tiered(action: Action, report: Report, cur: Currency | None) -> None:
    assert isinstance(action, TieredOffer)
    previous: Decimal | None = None
    previous_reward: Decimal | None = None
    kinds = {tier.percent is not None for tier in action.tiers}
    if len(kinds) > 1:
        report.error(
            "E085",
            "the tiers mix percentages and amounts, so a higher tier may give less",
            action.span,
            "write every tier as a percentage (满2件9折，满3件8折) or every tier as an amount (满2件减5，满3件减10)",
        )
    for tier in action.tiers:
        span = best_span(tier.span, action.span)
        if tier.measure is Measure.UNITS:
            check_count(report, int(tier.at_least), 1, "a tier's number of units", span, "E080")
        else:
            check_money(report, tier.at_least, "a tier threshold", span, cur)
        if tier.percent is not None:
            check_percent(report, tier.percent, "a tier's percentage off", allow_full=True)
        if tier.off is not None:
            check_money(report, tier.off, "a tier reward", span, cur)
        out_of_order = previous is not None and tier.at_least <= previous
        if previous is not None and out_of_order:
            report.error(
                "E085",
                f"tier thresholds must increase: {num(tier.at_least)} comes after {num(previous)}",
                span,
                "list tiers from the lowest threshold to the highest (满2件9折，满3件8折)",
            )
        reward = tier.percent.off if tier.percent is not None else tier.off
        if (
            previous_reward is not None
            and reward is not None
            and len(kinds) == 1
            and not out_of_order  # one error per tier: its threshold is already wrong
            and reward <= previous_reward
        ):
            # a higher tier must give more: the best-deal search relies on a smaller spend
            # never saving more (docs/semantics.md#best-deal)
            report.error(
                "E085",
                f"tier rewards must increase: the tier at {num(tier.at_least)} gives no more than the one before",
                span,
                "a higher tier must give a larger reward, or it never helps the customer",
            )
        previous, previous_reward = tier.at_least, reward


#: benefit kind -> its checks (the other actions are checked in values.py)
ACTION_CHECKS: dict[type, Callable[[Action, Report, Currency | None], None]] = {
    AmountOff: _amount_off,
    FreeUnits: _free_units,
    TieredOffer: _tiered,
}


def takes_units(action: Action) -> bool:
    """Whether a benefit discounts units of lines (or gives gift units) that a unit cap can count."""
    return not isinstance(action, ShippingOff | PointsEarn | PointsRedeem)


def _requirement(req: Requirement, report: Report, cur: Currency | None) -> None:
    if req.measure is Measure.SPEND:
        check_money(report, req.at_least, "the condition's spend", req.span, cur)
    else:
        what = "units" if req.measure is Measure.UNITS else "different skus"
        check_count(report, int(req.at_least), 1, f"the condition's number of {what}", req.span, "E080")
    if req.max_times is not None:
        check_count(report, req.max_times, 1, "the condition's repeat cap", req.span, "E080")
    if req.scope is None:
        return
    check_scope(req.scope, report, warn_empty=False)  # E081 below says it as an error
    included = {(s.kind, v) for s in req.scope.include for v in s.values}
    excluded = {(s.kind, v) for s in req.scope.exclude for v in s.values}
    everything_out = any(s.kind.value == "all" for s in req.scope.exclude)
    if everything_out or (included and included <= excluded):
        report.error(
            "E081",
            "the condition's scope excludes everything it includes, so the condition can never be met",
            best_span(req.scope.span, req.span),
            "remove the `except` part, or count the condition on another scope",
        )


def _kinds_reachable(p: Promotion, req: Requirement, report: Report) -> None:
    """`买3种` counted on a scope of named skus only: fewer skus than it counts never meet it (E081)."""
    scope = req.scope or p.scope
    if req.measure is not Measure.KINDS or not scope.include:
        return
    if any(s.kind is not SelectorKind.SKU for s in scope.include):
        return  # categories, brands, tags, named scopes: any number of skus may match
    excluded = {v for s in scope.exclude if s.kind is SelectorKind.SKU for v in s.values}
    named = {v for s in scope.include for v in s.values} - excluded
    if named and len(named) < req.at_least:  # none left: the scope matches nothing (W/E081)
        where = "the condition's scope" if req.scope is not None else f"the scope of '{p.id}'"
        report.error(
            "E081",
            f"the condition counts {num(req.at_least)} different skus, but {where} names only "
            f"{len(named)}, so it can never be met",
            best_span(req.span, p.span),
            f"count at most {len(named)} different skus, or widen the scope (a category counts any of its skus)",
        )


def check_composed(p: Promotion, report: Report, cur: Currency | None) -> None:
    """Every check of one promotion's composed-offer parts."""
    check = ACTION_CHECKS.get(type(p.action))
    if check is not None:
        check(p.action, report, cur)
    if p.condition is not None:
        _requirement(p.condition, report, cur)
        _kinds_reachable(p, p.condition, report)
    if not takes_units(p.action):
        for lim in p.limits:
            if lim.counted is Counted.UNITS:
                report.error(
                    "E082",
                    f"a unit limit on '{p.id}', whose benefit takes no units",
                    best_span(lim.span, p.span),
                    "shipping and points benefits count uses, not units: write `limit 1 per order`",
                )
        if p.pick is not None:
            report.error(
                "E082",
                f"a unit choice on '{p.id}', whose benefit takes no units",
                best_span(p.pick_span, p.action.span, p.span),
                "remove `cheapest first` / `dearest first`",
            )


def check_stack_groups(promotions: Sequence[Promotion], report: Report) -> None:
    """A stacking group needs two members: with one it stacks with nothing (E083)."""
    members: dict[str, list[Promotion]] = {}
    for p in promotions:
        if p.stack_group is not None:
            members.setdefault(p.stack_group.text, []).append(p)
    for name, group in members.items():
        if len(group) == 1:
            (only,) = group
            span: Span = best_span(only.stack_group.span if only.stack_group else only.span, only.span)
            report.error(
                "E083",
                f"stacking group '{name}' has one member ('{only.id}'), so it stacks with nothing",
                span,
                f"add `stack group {name}` to the promotions it should stack with, or remove it",
            )
