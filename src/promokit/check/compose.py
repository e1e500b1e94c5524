"""Checks of composed offers: conditions, the new benefits, unit caps and stacking groups.

Codes (docs/lint.md#error-codes): E080 a count below 1 in a condition or benefit, E081 a
condition that can never be met (its scope matches no item, or names fewer skus than the
different skus it counts), E082 a unit cap or
unit choice on a benefit that takes no units, E083 a stacking group with one member, E084 a
category path with an empty segment (in values.py, with the other scope checks), E085 tiers
of a tiered offer out of order, with rewards that do not increase, or mixing percentages
and amounts. A benefit's own value checks live in its module of promokit/benefits/ (E080 and
E085 for free units and tiered offers); this module checks conditions, unit caps and groups.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..benefits import spec_for
from ..language.ast import Action, Counted, Measure, Promotion, Requirement, SelectorKind
from ..language.source import Span
from ..money import Currency
from .report import Report, best_span
from .values import check_count, check_money, check_scope, num

__all__ = ["check_composed", "check_stack_groups", "takes_units"]


def takes_units(action: Action) -> bool:
    """Whether a benefit discounts units of lines (or gives gift units) that a unit cap can count."""
    return spec_for(action).takes_units


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
