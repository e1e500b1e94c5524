"""`get 1 free` / `赠1件`: units of the scope free per application of the `when` condition
(cheapest first unless the promotion says `dearest first`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from ..language.nodes import Measure, Node, Notation, Requirement, UnitChoice
from ..money import Currency
from .checks import check_count
from .spec import BenefitSpec, Evaluation, LayerPolicy, Problems, RateFacts, own_condition

__all__ = ["SPEC", "FreeUnits"]


@dataclass(frozen=True, slots=True)
class FreeUnits(Node):
    """`get 1 free` / `赠1件`: `count` units of the scope free per application. Layer: item."""

    count: int
    notation: Notation = Notation.EN


def _check(action: FreeUnits, report: Problems, cur: Currency | None) -> None:
    check_count(report, action.count, 1, "the number of free units", action.span, "E080")


def _offer_rate(node: FreeUnits, condition: Requirement | None, pick: UnitChoice | None) -> RateFacts | None:
    """Counted on their own scope, `count` of the `N` units the condition needs (the cheapest:
    at most that share, equal prices reach it); with no condition, a condition on another scope
    or the dearest units first, all of what they apply to; a spend condition needs unit prices."""
    own = own_condition(condition)
    if own is None or pick is UnitChoice.DEAREST:
        why = (
            "dearest first"
            if own is not None
            else "with no condition"
            if condition is None
            else "for a condition on another scope"
        )
        return RateFacts(
            Decimal(1),
            None,
            f"{node.count} free unit(s) {why}: all of a line of {node.count}",
            units=node.count,
        )
    if own.measure is Measure.SPEND:
        return None  # how many units the spend needs depends on their prices
    needed = max(int(own.at_least), node.count)
    return RateFacts(Decimal(node.count) / needed, None, f"{node.count} of {needed} units free", units=needed)


def _offer_price_rate(
    node: FreeUnits, condition: Requirement | None, sku: str, price: Decimal
) -> RateFacts | None:
    """Under a spend condition, on the units that reach the spend at this price."""
    own = own_condition(condition)
    if own is None:  # pragma: no cover - `_offer_rate` answers every other case
        return None
    # The units that reach the spend: a count, so rounded up here (Decimal `//` truncates,
    # which would count 3 units of 3.00 as reaching a spend of 10).
    units = max((own.at_least / price).to_integral_value(rounding=ROUND_CEILING), Decimal(node.count))
    off = price * node.count
    return RateFacts(
        off / (price * units), price, f'{node.count} of {units} × sku "{sku}" free', sku, int(units)
    )


SPEC = BenefitSpec(
    node=FreeUnits,
    name="free units (赠N件)",
    rules=("free_units",),
    layer=LayerPolicy.ITEM,
    check=_check,
    format_en=lambda node: f"get {node.count} free",
    format_zh=lambda node, forced: f"赠{node.count}件",
    evaluation=Evaluation.FREE_UNITS,
    units=UnitChoice.CHEAPEST,
    # given fewer lines (another promotion took the cheap ones) it frees a dearer unit
    monotone=False,
    offer_rate=_offer_rate,
    offer_price_rate=_offer_price_rate,
)
