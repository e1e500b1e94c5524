"""Refunds recheck composed offers (issue 9): a `when` condition on another scope, unit and
count thresholds, a tiered percentage dropping a tier; and the money ledger holds over
generated rule sets that use every new kind (docs/refunds.md).

Every expected amount is worked by hand beside it.
"""

from __future__ import annotations

from decimal import Decimal as D
from itertools import product
from typing import Any

from hypothesis import given, note, settings
from hypothesis import strategies as st

import promokit
from promokit.checkout.refund_state import Refunder
from promokit.checkout.refunds import RefundResult, refund
from promokit.models import CheckoutRequest, PricingResult
from strategies import compile_rules, describe, pricing_cases


def request(*lines: tuple[str, str, str, str, int]) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-12-01T12:00:00Z",
            "lines": [
                {"id": i, "sku": sku, "category": c, "unit_price": p, "quantity": q}
                for i, sku, c, p, q in lines
            ],
        }
    )


CROSS = 'promotion p {\n  on category "bakery"\n  when spend 50 on category "dairy"\n  20% off\n}\n'
DAIRY_BAKERY = request(("m", "MILK", "dairy", "25.00", 2), ("b", "BREAD", "bakery", "10.00", 3))


def test_returning_the_condition_scope_claws_back_the_other_scope_discount() -> None:
    # spend 50 on dairy -> 20% off bakery: MILK×2 (50) + BREAD×3 (30) got 6.00 off the bread.
    # Returning one MILK (25.00 paid) leaves dairy at 25: the kept bread gives back its 6.00.
    rules = promokit.loads(CROSS, name="r.promo")
    order = rules.price(DAIRY_BAKERY)
    assert order.discount == D("6.00")
    back = refund(order, {"m": 1}, rules=rules, request=DAIRY_BAKERY)
    assert (back.amount, back.clawback, back.refund) == (D("25.00"), D("6.00"), D("19.00"))
    (claw,) = back.clawbacks
    assert claw.detail == "kept items count ¥25.00 for its condition, which needs ¥50.00"
    # returning bread only keeps the condition: the kept bread keeps its 20%
    assert refund(order, {"b": 1}, rules=rules, request=DAIRY_BAKERY).clawback == D("0.00")


def test_a_cross_scope_condition_without_the_request_counts_every_line() -> None:
    # without the request the result has no categories: the condition counts every kept line
    # (25 + 30 = 55 >= 50), so nothing is clawed back rather than too much (docs/refunds.md)
    rules = promokit.loads(CROSS, name="r.promo")
    back = refund(rules.price(DAIRY_BAKERY), {"m": 1}, rules=rules)
    assert (back.clawback, back.refund) == (D("0.00"), D("25.00"))


def test_a_unit_condition_no_longer_met_gives_back_the_free_unit() -> None:
    # buy 2 TEA get 1 CUP free: TEA×2 + CUP×1, the CUP free (15.00). Returning a TEA (30.00)
    # leaves 1 TEA: the kept CUP gives back its 15.00.
    rules = promokit.loads(
        'promotion p {\n  on sku "CUP"\n  when buy 2 on sku "TEA" repeat\n  get 1 free\n}\n', name="r.promo"
    )
    cart = request(("t", "TEA", "drinks", "30.00", 2), ("c", "CUP", "ware", "15.00", 1))
    order = rules.price(cart)
    assert order.discount == D("15.00")
    back = refund(order, {"t": 1}, rules=rules, request=cart)
    assert (back.clawback, back.refund) == (D("15.00"), D("15.00"))


def test_fewer_applications_keep_the_free_units_still_earned() -> None:
    # TEA×4 + CUP×1: 2 applications but one CUP to free. Returning 2 TEA leaves 1 application,
    # which still earns the one free CUP: nothing to claw back. TEA×4 + CUP×2 (2 free CUPs):
    # the same return leaves 1 of 2 free units, so the kept CUPs give back half (15.00).
    rules = promokit.loads(
        'promotion p {\n  on sku "CUP"\n  when buy 2 on sku "TEA" repeat\n  get 1 free\n}\n', name="r.promo"
    )
    one = request(("t", "TEA", "drinks", "30.00", 4), ("c", "CUP", "ware", "15.00", 1))
    assert refund(rules.price(one), {"t": 2}, rules=rules, request=one).clawback == D("0.00")
    two = request(("t", "TEA", "drinks", "30.00", 4), ("c", "CUP", "ware", "15.00", 2))
    back = refund(rules.price(two), {"t": 2}, rules=rules, request=two)
    assert back.clawback == D("15.00")
    assert back.clawbacks[0].detail == "kept items count 2 units for its condition: 1 time(s) instead of 2"


def test_a_repeating_amount_off_keeps_its_amount_per_time_still_met() -> None:
    # 立减5 per 2 units: BREAD×6 got 15.00. Returning 3 leaves 3 units: once, 5.00; the kept
    # units received 7.50 of the 15.00, so 2.50 comes back. Returning 5 leaves none met: 2.50 back.
    rules = promokit.loads("promotion p {\n  条件 买2件 可叠加\n  立减5\n}\n", name="r.promo")
    cart = request(("b", "BREAD", "bakery", "10.00", 6))
    order = rules.price(cart)
    assert order.discount == D("15.00")
    three = refund(order, {"b": 3}, rules=rules, request=cart)
    assert (three.amount, three.clawback) == (D("22.50"), D("2.50"))
    five = refund(order, {"b": 5}, rules=rules, request=cart)
    assert (five.amount, five.clawback) == (D("37.50"), D("2.50"))


def test_a_condition_on_the_promotion_scope_counts_its_undiscounted_lines_too() -> None:
    # when spend 50, one unit free: A 45.00 + C 9.00 x 6 (99.00) frees one C (9.00). The
    # condition counts A too, though only C was discounted: returning one C keeps 90.00 and
    # the free unit, with or without the request; returning A and a C (45.00 kept) does not.
    rules = promokit.loads("promotion p {\n  when spend 50\n  赠1件\n}\n", name="r.promo")
    cart = request(("a", "A", "x", "45.00", 1), ("c", "C", "x", "9.00", 6))
    order = rules.price(cart)
    assert order.discount == D("9.00")
    assert refund(order, {"c": 1}, rules=rules, request=cart).clawback == D("0.00")
    assert refund(order, {"c": 1}, rules=rules).clawback == D("0.00")
    back = refund(order, {"a": 1, "c": 1}, rules=rules, request=cart)
    assert back.clawback == D("7.50")  # the 5 kept C received 9.00 x 5/6


def test_a_tiered_percentage_drops_to_the_lower_tier() -> None:
    # 满100打9折，满200打8折 on A×21 (210.00): 20% = 42.00, 8.00 paid a unit. Returning 6 units
    # (48.00 paid) keeps 150.00: the 9折 tier. The kept units received 30.00 at 20%; at 10%
    # they keep 15.00, so 15.00 comes back: the order paid 168 - 33 = 135 = 150 - 10%.
    rules = promokit.loads("promotion p {\n  满100打9折，满200打8折\n}\n", name="r.promo")
    cart = request(("a", "A", "misc", "10.00", 21))
    order = rules.price(cart)
    assert order.discount == D("42.00")
    back = refund(order, {"a": 6}, rules=rules, request=cart)
    assert (back.amount, back.clawback, back.refund) == (D("48.00"), D("15.00"), D("33.00"))
    assert (
        back.clawbacks[0].detail
        == "kept items count ¥150.00 and 15 units: the tier at 100 gives 10% instead of 20%"
    )
    # below 满100: the kept units give back all of their 20%
    assert refund(order, {"a": 12}, rules=rules, request=cart).clawback == D("18.00")


def test_a_units_tiered_percentage_drops_to_the_lower_tier() -> None:
    # 满2件9折，满3件8折 on MILK×3 (75.00): 15.00 off. Returning one keeps 2 units: 9折. The kept
    # two received 10.00 at 20%; at 10% they keep 5.00.
    rules = promokit.loads("promotion p {\n  满2件9折，满3件8折\n}\n", name="r.promo")
    cart = request(("m", "MILK", "dairy", "25.00", 3))
    back = refund(rules.price(cart), {"m": 1}, rules=rules, request=cart)
    assert (back.amount, back.clawback) == (D("20.00"), D("5.00"))


# --------------------------------------------------------------------------- the ledger


def _goods(result: PricingResult) -> D:
    return sum((line.total for line in result.lines), D(0))


@settings(max_examples=150)
@given(pricing_cases(max_promotions=4, max_lines=4, max_quantity=3), st.randoms(use_true_random=False))
def test_refunds_of_generated_composed_rules_never_exceed_what_was_paid(case: Any, rnd: Any) -> None:
    """Any partial returns, rules with every new kind (strategies/pricing.py): the refunds never
    add up to more than the goods paid, and to exactly that once every unit is back."""
    rule_file, cart = case
    note(describe(rule_file, cart))
    rules = compile_rules(rule_file)
    order = rules.price(cart)
    units = [line.id for line in order.lines for _ in range(line.quantity)]
    rnd.shuffle(units)
    history: list[RefundResult] = []
    while units:
        take = rnd.randint(1, len(units))
        batch: dict[str, int] = {}
        for line_id in units[:take]:
            batch[line_id] = batch.get(line_id, 0) + 1
        units = units[take:]
        back = refund(order, batch, rules=rules, earlier=history, request=cart)
        assert back.refund >= 0
        history.append(back)
        assert sum(r.refund for r in history) <= _goods(order)
    assert sum(r.refund for r in history) == _goods(order)


@settings(max_examples=100)
@given(pricing_cases(max_promotions=4, max_lines=4, max_quantity=3), st.randoms(use_true_random=False))
def test_refunds_by_units_only_of_generated_composed_rules_never_exceed_what_was_paid(
    case: Any, rnd: Any
) -> None:
    """The same, told by units only (`already_returned=`): never more than the goods paid, and
    the search for the most the earlier units could have refunded equals the plain maximum."""
    rule_file, cart = case
    note(describe(rule_file, cart))
    rules = compile_rules(rule_file)
    order = rules.price(cart)
    units = [line.id for line in order.lines for _ in range(line.quantity)]
    rnd.shuffle(units)
    returned: dict[str, int] = {}
    total = D(0)
    while units:
        take = rnd.choice([1, 1, 2, len(units)])
        batch: dict[str, int] = {}
        for line_id in units[:take]:
            batch[line_id] = batch.get(line_id, 0) + 1
        units = units[take:]
        back = refund(order, batch, rules=rules, already_returned=dict(returned), request=cart)
        assert back.refund >= 0
        total += back.refund
        assert total <= _goods(order)
        for line_id, n in batch.items():
            returned[line_id] = returned.get(line_id, 0) + n
    refunder = Refunder(order, rules, cart)
    part = {line.id: rnd.randint(0, line.quantity) for line in order.lines}
    ids = sorted(part)
    plain = max(
        refunder.state(dict(zip(ids, n, strict=True))).net()
        for n in product(*(range(part[i] + 1) for i in ids))
    )
    assert refunder.most_owed(part) == max(D(0), plain)
