"""Amounts off: `10 off` / `立减10` over the promotion's scope (order level), and `5 off each` /
`每件减5` on every unit (item level)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Measure, Node, Notation, Requirement, UnitChoice
from ..money import Currency
from .checks import check_money, num
from .spec import BenefitSpec, Evaluation, LayerPolicy, LintNote, Problems, RateFacts, Saving, own_condition

__all__ = ["AMOUNT_OFF", "AMOUNT_OFF_EACH", "AmountOff", "AmountOffEach"]


@dataclass(frozen=True, slots=True)
class AmountOff(Node):
    """`10 off` / `立减10`: an amount off the promotion's scope, spread over its lines. Layer: order."""

    amount: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class AmountOffEach(Node):
    """`5 off each` / `每件减5`: fixed amount off every unit in scope. Layer: item."""

    amount: Decimal
    notation: Notation = Notation.EN


def _check_amount(action: AmountOff, report: Problems, cur: Currency | None) -> None:
    check_money(report, action.amount, "the amount off", action.span, cur)


def _check_each(action: AmountOffEach, report: Problems, cur: Currency | None) -> None:
    check_money(report, action.amount, "the amount off each unit", action.span, cur)


def _each_saving(action: AmountOffEach) -> Saving:
    each = action.amount
    return lambda value, n: min(each * n, value)


def _each_rate(action: AmountOffEach, sku: str, price: Decimal) -> tuple[Decimal, str]:
    off = min(price, action.amount)
    return off, f'sku "{sku}" at {num(price - off)} instead of its list price {num(price)}'


def _offer_rate(node: AmountOff, condition: Requirement | None, pick: UnitChoice | None) -> RateFacts | None:
    """At its own spend condition: `amount / spend`; otherwise it depends on unit prices."""
    own = own_condition(condition)
    if own is None or own.measure is not Measure.SPEND:
        return None
    spend = own.at_least
    return RateFacts(
        min(node.amount, spend) / spend, spend, f"{num(node.amount)} off a spend of {num(spend)}"
    )


def _offer_price_rate(node: AmountOff, condition: Requirement | None, sku: str, price: Decimal) -> RateFacts:
    """On the units its condition needs (one without a unit condition)."""
    own = own_condition(condition)
    units = own.at_least if own is not None and own.measure is not Measure.SPEND else Decimal(1)
    off = min(node.amount, price * units)
    return RateFacts(
        off / (price * units), price, f'{num(node.amount)} off {num(units)} × sku "{sku}"', sku, int(units)
    )


def _exceeds(node: AmountOff, condition: Requirement | None) -> list[LintNote]:
    req = own_condition(condition)
    if req is None or req.measure is not Measure.SPEND or node.amount < req.at_least:
        return []
    return [
        LintNote(
            "L001",
            f"{num(node.amount)} off when the spend reaches {num(req.at_least)} takes "
            + ("all of" if node.amount == req.at_least else "more than")
            + " the spend that meets its condition (the discount stops at what the scope costs)",
            node.span,
            "a reward at or above its spend condition makes the order free; check for swapped numbers",
        )
    ]


def _each_at_price(node: AmountOffEach, sku: str, price: Decimal) -> LintNote | None:
    if node.amount < price:
        return None
    return LintNote(
        "L001",
        f'{num(node.amount)} off each unit is at least the list price of sku "{sku}" ({num(price)}), so it would be free',
        node.span,
        "exclude the sku from the scope, or lower the amount",
    )


AMOUNT_OFF = BenefitSpec(
    node=AmountOff,
    name="amount off (立减)",
    rules=("amount_off",),
    layer=LayerPolicy.ORDER,
    check=_check_amount,
    format_en=lambda node: f"{num(node.amount)} off",
    format_zh=lambda node, forced: f"立减{num(node.amount)}",
    evaluation=Evaluation.AMOUNT,
    discount_at=lambda node, spend: node.amount,
    offer_rate=_offer_rate,
    lint_exceeds=_exceeds,
    offer_price_rate=_offer_price_rate,
)

AMOUNT_OFF_EACH = BenefitSpec(
    node=AmountOffEach,
    name="amount off each unit",
    rules=("amount_off_each",),
    layer=LayerPolicy.ITEM,
    check=_check_each,
    format_en=lambda node: f"{num(node.amount)} off each",
    format_zh=lambda node, forced: f"每件减{num(node.amount)}",
    evaluation=Evaluation.LINEAR,
    unit_saving=_each_saving,
    words=lambda node, money: f"{node.amount} off each",
    price_rate=_each_rate,
    lint_at_price=_each_at_price,
    discount_range=lambda node: (node.amount, None),
)
