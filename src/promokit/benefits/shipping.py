"""`free shipping over 99` / `满99包邮` / `shipping 5 off over 59`: the shipping layer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Node, Notation
from ..money import Currency
from .checks import check_money, num
from .spec import BenefitSpec, Evaluation, Kept, LayerPolicy, Problems, Refund
from .text import opt

__all__ = ["SPEC", "ShippingOff"]


@dataclass(frozen=True, slots=True)
class ShippingOff(Node):
    """`free shipping over 99` / `满99包邮` / `shipping 5 off over 59`. Layer: shipping.

    `off` None means free shipping; `threshold` None means no minimum.
    """

    threshold: Decimal | None = None
    off: Decimal | None = None
    notation: Notation = Notation.EN


def _check(action: ShippingOff, report: Problems, cur: Currency | None) -> None:
    if action.threshold is not None:
        check_money(report, action.threshold, "the shipping threshold", action.span, cur)
    if action.off is not None:
        check_money(report, action.off, "the shipping discount", action.span, cur)


def _en(node: ShippingOff) -> str:
    head = "free shipping" if node.off is None else f"shipping {num(node.off)} off"
    return head + opt(" over ", node.threshold)


def _zh(node: ShippingOff, forced: bool) -> str:
    return opt("满", node.threshold) + ("包邮" if node.off is None else f"运费减{num(node.off)}")


def _refund(node: ShippingOff, kept: Kept) -> Refund | None:
    if node.threshold is None or kept.spend >= node.threshold or kept.units == 0:
        return None
    words = f"kept items count {kept.money(kept.spend)}, below {kept.money(node.threshold)} for the shipping discount"
    return Refund(words, whole=True)


SPEC = BenefitSpec(
    node=ShippingOff,
    name="shipping (包邮)",
    rules=("free_shipping_en", "free_shipping_zh", "shipping_off_en", "shipping_off_zh"),
    layer=LayerPolicy.SHIPPING,
    check=_check,
    format_en=_en,
    format_zh=_zh,
    evaluation=Evaluation.SHIPPING,
    takes_units=False,
    refund=_refund,
)
