"""Gifts: `buy 2 get gift "BAG" x 1 [repeat [up to 3]]` / `买2赠 "BAG" 1件`, and
`spend 199 get gift "OIL" x 1` / `满199赠 "OIL" 1件`. A gift adds a line; it takes no money off."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Node, Notation
from ..money import Currency
from .checks import check_count, check_gift_sku, check_money, num
from .spec import BenefitSpec, Evaluation, Kept, LayerPolicy, Problems, Refund
from .text import opt, string

__all__ = ["GIFT_ON_BUY", "GIFT_ON_SPEND", "GiftOnBuy", "GiftOnSpend"]


@dataclass(frozen=True, slots=True)
class GiftOnBuy(Node):
    """`buy 2 get gift "BAG" x 1 [repeat [up to 3]]` / `买2赠 "BAG" 1件`. Layer: order."""

    buy: int
    gift_sku: str
    quantity: int = 1
    repeat: bool = False
    max_times: int | None = None
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class GiftOnSpend(Node):
    """`spend 199 get gift "OIL" x 1` / `满199赠 "OIL" 1件`. Layer: order."""

    threshold: Decimal
    gift_sku: str
    quantity: int = 1
    notation: Notation = Notation.EN


def _check_on_buy(action: GiftOnBuy, report: Problems, cur: Currency | None) -> None:
    s = action.span
    check_count(report, action.buy, 1, "the number to buy", s)
    check_count(report, action.quantity, 1, "the gift quantity", s)
    if action.max_times is not None:
        check_count(report, action.max_times, 1, "the repeat cap", s)
    check_gift_sku(action.gift_sku, s, report)


def _check_on_spend(action: GiftOnSpend, report: Problems, cur: Currency | None) -> None:
    s = action.span
    check_money(report, action.threshold, "the spend threshold", s, cur)
    check_count(report, action.quantity, 1, "the gift quantity", s)
    check_gift_sku(action.gift_sku, s, report)


def _on_buy_en(node: GiftOnBuy) -> str:
    text = f"buy {node.buy} get gift {string(node.gift_sku)} x {node.quantity}"
    if node.repeat:
        text += " repeat" + opt(" up to ", node.max_times)
    return text


def _on_buy_zh(node: GiftOnBuy, forced: bool) -> str:
    text = f"买{node.buy}赠 {string(node.gift_sku)} x{node.quantity}"
    if node.repeat:
        text += " 可叠加" + opt(" 最多", node.max_times, "次")
    return text


def _on_buy_refund(node: GiftOnBuy, kept: Kept) -> Refund:
    units = kept.units
    times = units // node.buy
    if not node.repeat:
        times = min(times, 1)
    elif node.max_times is not None:
        times = min(times, node.max_times)
    return Refund(f"kept items count {units} units", gift_units=times * node.quantity)


def _on_spend_refund(node: GiftOnSpend, kept: Kept) -> Refund:
    earned = None if kept.spend >= node.threshold else 0
    return Refund(f"kept items count {kept.money(kept.spend)}", gift_units=earned)


GIFT_ON_BUY = BenefitSpec(
    node=GiftOnBuy,
    name="gift on quantity (买赠)",
    rules=("gift_on_buy",),
    layer=LayerPolicy.ORDER,
    check=_check_on_buy,
    format_en=_on_buy_en,
    format_zh=_on_buy_zh,
    evaluation=Evaluation.GIFT_ON_BUY,
    refund=_on_buy_refund,
    gift=lambda node: (node.gift_sku, node.quantity),
)

GIFT_ON_SPEND = BenefitSpec(
    node=GiftOnSpend,
    name="gift on spend (满赠)",
    rules=("gift_on_spend",),
    layer=LayerPolicy.ORDER,
    check=_check_on_spend,
    format_en=lambda node: f"spend {num(node.threshold)} get gift {string(node.gift_sku)} x {node.quantity}",
    format_zh=lambda node, forced: f"满{num(node.threshold)}赠 {string(node.gift_sku)} x{node.quantity}",
    evaluation=Evaluation.GIFT_ON_SPEND,
    refund=_on_spend_refund,
    gift=lambda node: (node.gift_sku, node.quantity),
)
