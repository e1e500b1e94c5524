"""满100减20, 满200减50 / `spend 100 get 20 off, ...`: the highest spend tier reached, an amount
spread over the scope. Sugar for a tiered offer of amounts on spend (`tiered_offer.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Measure, Node, Notation, Requirement
from ..language.source import Span
from ..money import Currency
from .checks import best_span, check_money, num
from .spec import BenefitSpec, Evaluation, Kept, LayerPolicy, LintNote, Problems, Refund, Sugar
from .tiered_offer import OfferTier, TieredOffer

__all__ = ["SPEC", "Tier", "Tiers", "exceeding", "reached_tier"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Tier(Node):
    threshold: Decimal
    off: Decimal


@dataclass(frozen=True, slots=True)
class Tiers(Node):
    """满100减20, 满200减50 / `spend 100 get 20 off, spend 200 get 50 off`.

    The highest reached tier applies, alone (docs/semantics.md#thresholds). Layer: order.
    """

    tiers: tuple[Tier, ...]
    notation: Notation = Notation.EN


def reached_tier(tiers: Sequence[Tier], spend: Decimal) -> Tier | None:
    """The tier `spend` reaches (inclusive) that gives most; None below the first."""
    found = [t for t in tiers if spend >= t.threshold]
    return max(found, key=lambda t: (t.off, t.threshold)) if found else None


def _tier_text(t: Tier, notation: Notation) -> str:
    if notation is Notation.ZH:
        return f"满{num(t.threshold)}减{num(t.off)}"
    return f"spend {num(t.threshold)} get {num(t.off)} off"


def _check(action: Tiers, report: Problems, cur: Currency | None) -> None:
    prev: Tier | None = None
    for t in action.tiers:
        span = best_span(t.span, action.span)
        check_money(report, t.threshold, "a tier threshold", span, cur)
        check_money(report, t.off, "a tier reward", span, cur)
        text = _tier_text(t, action.notation)
        # A reward at or above its threshold is a real offer (spend 10, get up to 10 off): it
        # loads, lint L001 warns, and the discount never exceeds the spend it applies to.
        if prev is not None:
            before = _tier_text(prev, action.notation)
            if t.threshold <= prev.threshold:
                report.error(
                    "E020",
                    f"tier thresholds must increase: {text} comes after {before}",
                    span,
                    "list tiers from the lowest threshold to the highest, each threshold larger than the one before",
                )
            if t.off <= prev.off:
                report.error(
                    "E021",
                    f"tier rewards must increase: {text} gives no more than {before}",
                    span,
                    "a higher tier must give a larger reward, or it never helps the customer",
                )
        prev = t


def exceeding(tier_span: Span, threshold: Decimal, off: Decimal) -> LintNote:
    """L001 for a tier whose reward is at or above its threshold (tiers and tiered offers)."""
    return LintNote(
        "L001",
        f"the tier at {num(threshold)} takes off {num(off)}, "
        + ("all of" if off == threshold else "more than")
        + " the spend that reaches it (the discount stops at what the scope costs)",
        tier_span,
        "a reward at or above its threshold makes the order free; check for swapped numbers",
    )


def _exceeds(node: Tiers, condition: Requirement | None) -> list[LintNote]:
    return [
        exceeding(best_span(t.span, node.span), t.threshold, t.off)
        for t in node.tiers
        if t.off >= t.threshold
    ]


def _range(node: Tiers) -> tuple[Decimal | None, Decimal | None]:
    offs = [t.off for t in node.tiers]
    return (min(offs), max(offs)) if offs else (None, None)


def _discount_at(node: Tiers, spend: Decimal) -> Decimal:
    top = reached_tier(node.tiers, spend)
    return top.off if top is not None else ZERO


def _refund(node: Tiers, kept: Kept) -> Refund:
    best = reached_tier(node.tiers, kept.spend)
    reach = f"reaches 满{best.threshold}减{best.off}" if best else "reaches no tier"
    return Refund(
        f"kept items count {kept.money(kept.spend)} and {reach}", entitled=best.off if best else ZERO
    )


def _sugar(node: Tiers) -> Sugar:
    """满100减20，满200减50 = spend tiers × amount off (tiers increase: E020, E021)."""
    tiers = tuple(OfferTier(measure=Measure.SPEND, at_least=t.threshold, off=t.off) for t in node.tiers)
    return Sugar(TieredOffer(tiers=tiers, notation=node.notation))


SPEC = BenefitSpec(
    node=Tiers,
    name="full reduction (满减)",
    rules=("tiers",),
    layer=LayerPolicy.ORDER,
    check=_check,
    format_en=lambda node: ", ".join(f"spend {num(t.threshold)} get {num(t.off)} off" for t in node.tiers),
    format_zh=lambda node, forced: ", ".join(f"满{num(t.threshold)}减{num(t.off)}" for t in node.tiers),
    evaluation=Evaluation.SPEND_TIERS,
    discount_at=_discount_at,
    rate_spends=lambda node: [t.threshold for t in node.tiers],
    lint_exceeds=_exceeds,
    discount_range=_range,
    refund=_refund,
    sugar=_sugar,
)
