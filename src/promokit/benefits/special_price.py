"""Unit prices: `price 9.90` / `特价 9.90` / 免费, flash sales (`秒杀 1.00 每人限2件 库存500`) and
group prices (`3人团 9.90`). Each unit pays the price; units above it keep theirs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ..language.nodes import Node, Notation
from ..money import Currency
from .checks import check_count, check_money, num
from .spec import BenefitSpec, Evaluation, LayerPolicy, LintNote, Money, Problems, Saving
from .text import opt

__all__ = ["FLASH_PRICE", "FlashPrice", "GROUP_PRICE", "GroupPrice", "SPECIAL_PRICE", "SpecialPrice"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class SpecialPrice(Node):
    """`price 9.90` / `特价 9.90`: fixed unit price. Layer: item."""

    price: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class FlashPrice(Node):
    """`flash price 1.00 limit 2 per customer stock 500` / `秒杀 1.00 每人限2件 库存500`.

    Units over the per-customer limit or the remaining stock pay the normal price.
    Layer: item.
    """

    price: Decimal
    per_customer: int | None = None
    stock: int | None = None
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class GroupPrice(Node):
    """`group price 9.90 for 3 people` / `3人团 9.90`: price when the request's group size >= min_size."""

    price: Decimal
    min_size: int
    notation: Notation = Notation.EN


def _saving(action: SpecialPrice | FlashPrice | GroupPrice) -> Saving:
    price = action.price
    return lambda value, n: max(value - price * n, ZERO)


def _rate(action: SpecialPrice | FlashPrice | GroupPrice, sku: str, price: Decimal) -> tuple[Decimal, str]:
    off = max(ZERO, price - action.price)
    return off, f'sku "{sku}" at {num(price - off)} instead of its list price {num(price)}'


def _words(action: SpecialPrice | FlashPrice | GroupPrice, money: Money) -> str:
    return f"price {money(action.price)} is not below the current price"


def _free_share(action: SpecialPrice | FlashPrice | GroupPrice) -> tuple[Decimal, str] | None:
    """A price of 0 takes every unit whole; any other price needs the list prices."""
    return (Decimal(1), "every unit free (a price of 0)") if action.price == 0 else None


def _at_price(action: SpecialPrice | FlashPrice | GroupPrice, sku: str, price: Decimal) -> LintNote | None:
    if action.price < price:
        return None
    return LintNote(
        "L002",
        f'the price {num(action.price)} is not below the list price of sku "{sku}" ({num(price)}), so it saves nothing',
        action.span,
        "lower the price, or exclude the sku from the scope",
    )


def _check_special(action: SpecialPrice, report: Problems, cur: Currency | None) -> None:
    check_money(report, action.price, "the special price", action.span, cur, is_price=True)


def _check_flash(action: FlashPrice, report: Problems, cur: Currency | None) -> None:
    s = action.span
    check_money(report, action.price, "the flash price", s, cur, is_price=True)
    if action.per_customer is not None:
        check_count(report, action.per_customer, 1, "the per-customer unit limit", s)
    if action.stock is not None:
        check_count(report, action.stock, 1, "the flash-sale stock", s)


def _check_group(action: GroupPrice, report: Problems, cur: Currency | None) -> None:
    check_money(report, action.price, "the group price", action.span, cur, is_price=True)
    check_count(report, action.min_size, 2, "the group size", action.span, "E036")


SPECIAL_PRICE = BenefitSpec(
    node=SpecialPrice,
    name="special price (特价)",
    rules=("special_price", "free_price"),
    layer=LayerPolicy.ITEM,
    check=_check_special,
    format_en=lambda node: "free" if node.price == 0 else f"price {num(node.price)}",
    format_zh=lambda node, forced: "免费" if node.price == 0 else f"特价 {num(node.price)}",
    evaluation=Evaluation.LINEAR,
    unit_saving=_saving,
    words=_words,
    price_rate=_rate,
    lint_at_price=_at_price,
    rate_share=_free_share,
)

#: 秒杀 and 拼团 are unit prices like 特价: the same evaluation, saving and lint facts; only the
#: node, its checks and its printing differ.
FLASH_PRICE = replace(
    SPECIAL_PRICE,
    node=FlashPrice,
    name="flash price (秒杀)",
    rules=("flash_price",),
    check=_check_flash,
    format_en=lambda node: (
        f"flash price {num(node.price)}"
        + opt(" limit ", node.per_customer, " per customer")
        + opt(" stock ", node.stock)
    ),
    format_zh=lambda node, forced: (
        f"秒杀 {num(node.price)}" + opt(" 每人限", node.per_customer, "件") + opt(" 库存", node.stock)
    ),
)

GROUP_PRICE = replace(
    SPECIAL_PRICE,
    node=GroupPrice,
    name="group price (拼团)",
    rules=("group_price",),
    check=_check_group,
    format_en=lambda node: f"group price {num(node.price)} for {node.min_size} people",
    format_zh=lambda node, forced: f"{node.min_size}人团 {num(node.price)}",
)
