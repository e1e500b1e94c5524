"""满3件8折 / 满100打9折，满200打8折 / `buy 3 get 20% off` / `buy 3 get 10 off`: tiers of a
percentage or an amount, on spend or on units (docs/language.md#composed-offers)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Measure, Node, Notation, Percent, Requirement, UnitChoice
from ..money import Currency
from .checks import best_span, check_count, check_money, check_percent, num
from .spec import BenefitSpec, Evaluation, Kept, LayerPolicy, LintNote, Problems, RateFacts, Refund
from .text import count, percent_en, percent_zh

__all__ = ["SPEC", "OfferTier", "TieredOffer"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class OfferTier(Node):
    """One tier of a `TieredOffer`: at `at_least` (spend or units), `percent` off or `off` spread."""

    measure: Measure
    at_least: Decimal
    percent: Percent | None = None
    off: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TieredOffer(Node):
    """满3件8折 / 满100打9折，满200打8折 / `buy 3 get 20% off` / `buy 3 get 10 off`.

    The highest reached tier applies, alone. Layer: order (like 满减).
    """

    tiers: tuple[OfferTier, ...]
    notation: Notation = Notation.EN


def _check(action: TieredOffer, report: Problems, cur: Currency | None) -> None:
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


def tier_en(tier: OfferTier) -> str:
    head = f"buy {count(tier.at_least)}" if tier.measure is Measure.UNITS else f"spend {num(tier.at_least)}"
    return (
        head
        + " get "
        + (percent_en(tier.percent) if tier.percent is not None else f"{num(tier.off or ZERO)} off")
    )


def _tier_zh(tier: OfferTier, forced: bool) -> str:
    units = tier.measure is Measure.UNITS
    head = f"满{count(tier.at_least) if units else num(tier.at_least)}" + ("件" if units else "")
    if tier.percent is None:
        return f"{head}减{num(tier.off or ZERO)}"
    percent = percent_zh(tier.percent, half=True)
    if percent is None or (tier.percent.notation is Notation.EN and not forced):
        return tier_en(tier)  # 折 cannot say 100% off; keep `20% off` English
    return head + ("" if units else "打") + percent


def _en(node: TieredOffer) -> str:
    return ", ".join(tier_en(t) for t in node.tiers)


def _zh(node: TieredOffer, forced: bool) -> str:
    """`forced`: every tier in 中文 where 折 can say it; otherwise each tier keeps its percent's notation."""
    return ", ".join(_tier_zh(t, forced) for t in node.tiers)


def reached(node: TieredOffer, spend: Decimal, units: Decimal) -> OfferTier | None:
    """The highest tier reached at this spend and these units (tiers increase: E085)."""
    top = None
    for t in node.tiers:
        if (units if t.measure is Measure.UNITS else spend) >= t.at_least:
            top = t
    return top


def _discount_at(node: TieredOffer, spend: Decimal) -> Decimal:
    found = [t for t in node.tiers if t.measure is Measure.SPEND and spend >= t.at_least]
    if not found:
        return ZERO
    last = found[-1]  # tiers increase (E085)
    return spend * last.percent.off / 100 if last.percent is not None else last.off or ZERO


def _refund(node: TieredOffer, kept: Kept) -> Refund | None:
    # 满3件减10 / 满100打9折: the highest tier the kept items still reach. An amount tier
    # gives its amount, a lower percentage tier its percentage (docs/refunds.md), none
    # reached gives nothing.
    top = reached(node, kept.spend, Decimal(kept.units))
    if top is not None and top.percent is not None:
        # a lower percentage tier: the kept units keep that percentage of what they were
        # discounted at the tier they reached when priced
        first = reached(node, kept.spend_before, Decimal(kept.units_before))
        if first is None or first.percent is None or first.percent.off <= top.percent.off:
            return None
        entitled = kept.round(kept.received * top.percent.off / first.percent.off)
        shown = f"{top.percent.off}% instead of {first.percent.off}%"
    else:
        entitled = top.off or ZERO if top is not None else ZERO
        shown = kept.money(entitled)
    words = f"kept items count {kept.money(kept.spend)} and {kept.units} units: " + (
        f"the tier at {top.at_least} gives {shown}" if top is not None else "no tier is reached"
    )
    return Refund(words, entitled=entitled)


def _offer_rate(
    node: TieredOffer, condition: Requirement | None, pick: UnitChoice | None
) -> RateFacts | None:
    """Peaks at a tier's threshold (a percentage: that percentage); None when a tier is an
    amount over N units (its rate depends on the unit prices)."""
    best: RateFacts | None = None
    for tier in node.tiers:
        units = tier.measure is Measure.UNITS
        if tier.percent is not None:
            r = min(tier.percent.off / 100, Decimal(1))
            where = f"{num(tier.at_least)} units" if units else f"a spend of {num(tier.at_least)}"
            how = f"{num(tier.percent.off)}% off at {where}"
        elif units:
            return None
        else:
            r = min(tier.off or ZERO, tier.at_least) / tier.at_least
            how = f"{num(tier.off or ZERO)} off a spend of {num(tier.at_least)}"
        if best is None or r > best.rate:
            spend = None if units else tier.at_least
            best = RateFacts(r, spend, how, units=int(tier.at_least) if units else 1)
    return best


def _offer_price_rate(
    node: TieredOffer, condition: Requirement | None, sku: str, price: Decimal
) -> RateFacts | None:
    """An amount over N units at a list price: each tier at its N units."""
    best: RateFacts | None = None
    for tier in node.tiers:
        off = min(tier.off or ZERO, price * tier.at_least)
        r = off / (price * tier.at_least)
        if best is None or r > best.rate:
            how = f'{num(tier.off or ZERO)} off {num(tier.at_least)} × sku "{sku}"'
            best = RateFacts(r, price, how, sku, units=int(tier.at_least))
    return best


def _exceeds(node: TieredOffer, condition: Requirement | None) -> list[LintNote]:
    return [
        LintNote(
            "L001",
            f"the tier at {num(tier.at_least)} takes off {num(tier.off)}, "
            + ("all of" if tier.off == tier.at_least else "more than")
            + " the spend that reaches it (the discount stops at what the scope costs)",
            best_span(tier.span, node.span),
            "a reward at or above its threshold makes the order free; check for swapped numbers",
        )
        for tier in node.tiers
        if tier.measure is Measure.SPEND and tier.off is not None and tier.off >= tier.at_least
    ]


SPEC = BenefitSpec(
    node=TieredOffer,
    name="tiered offer (满N件8折)",
    rules=("tiers",),
    layer=LayerPolicy.ORDER,
    check=_check,
    format_en=_en,
    format_zh=_zh,
    evaluation=Evaluation.OFFER_TIERS,
    discount_at=_discount_at,
    offer_rate=_offer_rate,
    lint_exceeds=_exceeds,
    offer_price_rate=_offer_price_rate,
    refund=_refund,
)
