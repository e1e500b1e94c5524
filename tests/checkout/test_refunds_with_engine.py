"""Refunds of orders priced by the real engine (examples/fresh-market)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

import promokit
from promokit.check.frontend import parse_paths
from promokit.checkout.refunds import refund
from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest, Gift, PricingResult

ROOT = Path(__file__).resolve().parents[2] / "examples" / "fresh-market"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet(parse_paths([ROOT]))


def priced(rules: RuleSet, name: str) -> PricingResult:
    text = (ROOT / "requests" / f"{name}.json").read_text(encoding="utf-8")
    return rules.price(CheckoutRequest.model_validate_json(text))


def test_returning_the_salmon_drops_the_tier_and_the_spend_gift(rules: RuleSet) -> None:
    order = priced(rules, "flash-sale-morning")
    # Paid 213.60: eggs 40.95, rice 43.75, beef 59.63, salmon 69.27 (79.00 - 9.73 of 满199减30).
    back = refund(order, {"salmon": 1}, rules=rules)
    # Kept after item discounts: 46.70 + 49.90 + 68.00 = 164.60 -> 满99减10 only. The kept lines
    # received 5.75 + 6.15 + 8.37 = 20.27 of the 30: 10.27 is clawed back from 69.27.
    assert (back.amount, back.clawback, back.refund) == (D("69.27"), D("10.27"), D("59.00"))
    assert order.total - back.refund == D("164.60") - D("10")
    assert back.gifts_to_return == (Gift(sku="OIL-1L", quantity=1, promotion="spend-gift"),)
    # 213 points were earned on 213.60; the net refund 59.00 reverses round(213 * 59 / 213.60) = 59.
    assert back.points_reversed == 59


def test_a_full_return_of_an_engine_priced_order_refunds_everything_paid_for_goods(rules: RuleSet) -> None:
    for name in ("weekday-basket", "vip-seafood-coupon", "points-redeem"):
        order = priced(rules, name)
        back = refund(order, {line.id: line.quantity for line in order.lines}, rules=rules)
        assert back.refund == order.total - order.shipping
        assert back.clawback == 0
        assert back.points_reversed == order.points_earned
        assert back.points_returned == order.points_redeemed


def test_returning_a_line_one_unit_at_a_time_adds_up_to_returning_it_at_once(rules: RuleSet) -> None:
    order = priced(rules, "weekday-basket")
    yogurt = next(line for line in order.lines if line.id == "yogurt")
    total = D(0)
    for k in range(yogurt.quantity):
        total += refund(order, {"yogurt": 1}, rules=rules, already_returned={"yogurt": k}).refund
    assert total == refund(order, {"yogurt": yogurt.quantity}, rules=rules).refund


def test_a_scoped_spend_gift_is_measured_on_its_scope_when_the_request_is_given(rules: RuleSet) -> None:
    text = (ROOT / "requests" / "vip-seafood-coupon.json").read_text(encoding="utf-8")
    request = CheckoutRequest.model_validate_json(text)
    order = rules.price(request)
    assert order.gifts == (Gift(sku="OIL-1L", quantity=1, promotion="spend-gift"),)
    # 满199赠 is on promo-goods (everything but the no-promo FORMULA). Without the salmon the
    # promo-goods count 270.81 - 134.30 = 136.51 after item discounts: the gift goes back.
    back = refund(order, {"salmon": 2}, rules=rules, request=request)
    assert back.gifts_to_return == (Gift(sku="OIL-1L", quantity=1, promotion="spend-gift"),)


def test_a_units_tier_no_longer_reached_is_clawed_back() -> None:
    # 满3件减10 on snacks: SNACK-A×2 (24.00) + SNACK-B×1 (11.00) got 10.00 off (6.86 / 3.14).
    # Returning one SNACK-A leaves 2 units: no tier, so the kept units give back what they got.

    rules = promokit.loads('promotion three {\n  on category "snacks"\n  满3件减10\n}\n', name="r.promo")
    order = rules.price(
        CheckoutRequest.model_validate(
            {
                "at": "2026-12-01T12:00:00Z",
                "lines": [
                    {"id": "a", "sku": "SNACK-A", "category": "snacks", "unit_price": "12.00", "quantity": 2},
                    {"id": "b", "sku": "SNACK-B", "category": "snacks", "unit_price": "11.00", "quantity": 1},
                ],
            }
        )
    )
    assert order.discount == D("10.00")
    a = next(line for line in order.lines if line.id == "a")
    b = next(line for line in order.lines if line.id == "b")
    back = refund(order, {"a": 1}, rules=rules)
    kept = a.discount / 2 + b.discount  # what the kept SNACK-A and SNACK-B received
    assert back.clawback == kept
    assert back.amount == a.total / 2 and back.refund == back.amount - back.clawback
