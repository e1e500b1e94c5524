"""Shipping benefits (docs/semantics.md#shipping): `free shipping over 99` / `满99包邮`,
`shipping 5 off over 59`, `shipping 50% off` / `运费半价`, `shipping for 5 on express` /
`运费5元限express`, thresholds on the goods or on the fee. The shipping layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ..language.nodes import Node, Notation, Percent
from ..language.source import Span
from ..money import Currency
from .checks import check_money, check_percent, num
from .spec import BenefitSpec, Evaluation, Kept, LayerPolicy, Problems, Refund
from .text import percent_en, percent_zh

__all__ = ["SPEC", "ShippingBasis", "ShippingOff"]


class ShippingBasis(StrEnum):
    """What a shipping benefit's threshold is measured on (docs/semantics.md#shipping)."""

    GOODS = "goods"  # the promotion's eligible goods, as any order-level threshold
    SHIPPING = "shipping"  # the shipping fee of the matching shipping lines


@dataclass(frozen=True, slots=True)
class ShippingOff(Node):
    """A shipping benefit. Layer: shipping (docs/semantics.md#shipping).

    `free shipping over 99` / `满99包邮`; `shipping 5 off over 59` / `满59运费减5`;
    `shipping 50% off` / `运费5折` / `运费半价`; `shipping for 5 on express` / `运费5元限express`.
    At most one of `off` (amount off), `percent` (percent off) and `price` (a fixed price per
    shipping line) is set; none of them means free shipping. `threshold` None means no
    minimum; `basis` says whether the threshold is on the goods or on the shipping fee
    (`when shipping over 20` / `运费满20`). `methods` names the delivery methods the benefit
    applies to (`on express, pickup` / `限express、pickup`); empty: every shipping line.
    """

    threshold: Decimal | None = None
    off: Decimal | None = None
    notation: Notation = Notation.EN
    percent: Percent | None = None
    price: Decimal | None = None
    basis: ShippingBasis = ShippingBasis.GOODS
    methods: tuple[str, ...] = ()
    # Where each method is written (W030 points there); like `span`, not part of what the
    # benefit says, but unlike it left out of comparisons (strip_spans keeps its length).
    method_spans: tuple[Span, ...] = field(default=(), compare=False)


def _check(action: ShippingOff, report: Problems, cur: Currency | None) -> None:
    s = action.span
    if action.threshold is not None:
        check_money(report, action.threshold, "the shipping threshold", s, cur)
    if action.off is not None:
        check_money(report, action.off, "the shipping discount", s, cur)
    if action.percent is not None:  # 100% off shipping is free shipping
        fix = "write e.g. 50% off shipping (or 运费5折 / 运费半价); free shipping is 100% off"
        check_percent(report, action.percent, "the shipping discount", allow_full=True, fix=fix)
    if action.price is not None:  # 0 is free shipping
        check_money(report, action.price, "the shipping price", s, cur, is_price=True)


def _en(node: ShippingOff) -> str:
    """`free shipping over 99 on standard`, `shipping 50% off when shipping over 20 on express`."""
    if node.percent is not None:
        head = f"shipping {percent_en(node.percent)}"
    elif node.price is not None:
        head = f"shipping for {num(node.price)}"
    elif node.off is not None:
        head = f"shipping {num(node.off)} off"
    else:
        head = "free shipping"
    if node.threshold is not None:
        over = "when shipping over" if node.basis is ShippingBasis.SHIPPING else "over"
        head += f" {over} {num(node.threshold)}"
    return head + ("" if not node.methods else " on " + ", ".join(node.methods))


def _zh(node: ShippingOff, forced: bool) -> str | None:
    """`满99包邮限standard`, `运费满20运费减10`, `满199运费半价限express`, `运费5元限pickup`."""
    if node.percent is not None:
        percent = percent_zh(node.percent, half=True)
        if percent is None:
            return None
        body = f"运费{percent}"
    elif node.price is not None:
        body = f"运费{num(node.price)}元"
    elif node.off is not None:
        body = f"运费减{num(node.off)}"
    else:
        body = "包邮"
    if node.threshold is not None:
        over = "运费满" if node.basis is ShippingBasis.SHIPPING else "满"
        body = f"{over}{num(node.threshold)}{body}"
    return body + ("" if not node.methods else "限" + "、".join(node.methods))


def _refund(node: ShippingOff, kept: Kept) -> Refund | None:
    if node.basis is ShippingBasis.SHIPPING:
        return None  # on the shipping fee, which a return of goods does not change (docs/refunds.md)
    if node.threshold is None or kept.spend >= node.threshold or kept.units == 0:
        return None
    words = f"kept items count {kept.money(kept.spend)}, below {kept.money(node.threshold)} for the shipping discount"
    return Refund(words, whole=True)


SPEC = BenefitSpec(
    node=ShippingOff,
    name="shipping (包邮)",
    rules=(
        "free_shipping_en",
        "free_shipping_zh",
        "shipping_off_en",
        "shipping_off_zh",
        "shipping_percent_en",
        "shipping_percent_zh",
        "shipping_price_en",
        "shipping_price_zh",
    ),
    layer=LayerPolicy.SHIPPING,
    check=_check,
    format_en=_en,
    format_zh=_zh,
    evaluation=Evaluation.SHIPPING,
    takes_units=False,
    refund=_refund,
)
