"""`2nd unit price 1` / `第2件1元`: every Nth unit of the scope at a fixed price (issue 9).

The units pool like "2nd unit 50% off" (`quantity_deals.NthUnitOff`): every `nth` units of all
the lines, one is priced at `price`, the cheapest units first unless the promotion says
`dearest first` / `高价优先`. A unit already cheaper than the price keeps its own price.
This module is the worked example of docs/architecture.md#adding-a-benefit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Node, Notation, UnitChoice
from ..money import Currency
from .checks import check_count, check_money, num
from .spec import BenefitSpec, Evaluation, LayerPolicy, Money, Problems, Saving
from .text import ZH_NUMERALS, dearest, ordinal

__all__ = ["SPEC", "NthUnitPrice"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class NthUnitPrice(Node):
    """`2nd unit price 1` / `第2件1元`: every `nth` unit at `price`. Layer: item."""

    nth: int
    price: Decimal
    units: UnitChoice = UnitChoice.CHEAPEST
    notation: Notation = Notation.EN


def _check(action: NthUnitPrice, report: Problems, cur: Currency | None) -> None:
    check_count(report, action.nth, 2, "the discounted unit's position (Nth)", action.span, "E032")
    check_money(report, action.price, "the Nth unit's price", action.span, cur, is_price=True)


def _en(node: NthUnitPrice) -> str:
    return f"{ordinal(node.nth)} unit price {num(node.price)}" + dearest(node.units, "dearest")


def _zh(node: NthUnitPrice, forced: bool) -> str:
    nth = ZH_NUMERALS.get(node.nth, str(node.nth))
    return f"第{nth}件{num(node.price)}元" + dearest(node.units, "高价优先")


def _saving(node: NthUnitPrice) -> Saving:
    price = node.price
    return lambda value, n: max(value - price * n, ZERO)


def _rate(node: NthUnitPrice, sku: str, price: Decimal) -> tuple[Decimal, str]:
    off = max(ZERO, price - node.price) / node.nth
    return off, f'every {node.nth} × sku "{sku}" (list price {num(price)}), one at {num(node.price)}'


def _words(node: NthUnitPrice, money: Money) -> str:
    return f"unit {node.nth} is {money(node.price)}"


SPEC = BenefitSpec(
    node=NthUnitPrice,
    name="Nth unit at a price (第N件X元)",
    rules=("nth_unit_price",),
    layer=LayerPolicy.ITEM,
    check=_check,
    format_en=_en,
    format_zh=lambda node, forced: _zh(node, forced),
    evaluation=Evaluation.POOLED,
    # every `nth` units, one is priced; it takes at most the whole of that unit's value
    deal=lambda node: (node.nth, 1, Decimal(1)),
    deal_saving=_saving,
    words=_words,
    units=UnitChoice.CHEAPEST,
    monotone=False,  # given fewer lines it may price a dearer unit
    price_rate=_rate,
    example_units=lambda node: node.nth,
)
