"""Refunds of orders with shipping lines (docs/refunds.md, policy 4; examples/shipping)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import promokit
from promokit.checkout.refunds import refund
from promokit.models import CheckoutRequest

ROOT = Path(__file__).resolve().parents[2] / "examples" / "shipping"


def test_a_broken_goods_threshold_claws_back_the_discount_of_its_shipping_line() -> None:
    rules = promokit.load(ROOT)
    order = rules.price(
        CheckoutRequest.model_validate_json((ROOT / "requests" / "two-shipments.json").read_bytes())
    )
    assert order.shipping_discount == D("8.00")  # 满99包邮 on the standard line
    # Keep the rice (59.00) only: below 满99, so the free standard shipping (8.00) is clawed back.
    back = refund(order, {"l2": 2}, rules=rules)
    assert (back.amount, back.clawback, back.refund) == (D("61.00"), D("8.00"), D("53.00"))


def test_a_threshold_on_the_shipping_fee_is_never_clawed_back() -> None:
    rules = promokit.load(ROOT)
    request = (ROOT / "requests" / "pickup-and-heavy.json").read_bytes()
    order = rules.price(CheckoutRequest.model_validate_json(request))
    assert {a.promotion for a in order.applied} == {"ship-heavy", "ship-pickup-price"}
    back = refund(order, {"l1": 1}, rules=rules)
    assert (back.amount, back.clawback, back.refund) == (D("36.00"), D("0.00"), D("36.00"))
