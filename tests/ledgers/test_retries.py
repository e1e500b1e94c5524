"""Retry-safe checkout, end to end on every adapter (memory, SQLite, Redis, PostgreSQL).

The flow of docs/quickstart.md: price with the order id -> reserve -> (retry) -> commit or
release -> refund. A retried request with the same cart prices identically and takes nothing
twice; a changed cart is refused with `CartChanged`; a lost race says which counter ran out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import promokit
from promokit import checkout
from promokit.ledgers import keys
from promokit.loader import loads
from promokit.models import CheckoutRequest

from .conftest import Store

RULES = """
timezone Asia/Shanghai
currency CNY
promotion eggs "秒杀鸡蛋" {
  on sku "EGG"
  flash price 1.00 limit 2 per customer stock 2
}
promotion fruit "满100减20" {
  on category "fruit"
  满100减20
  limit 1 per customer
}
coupon welcome "新人券" {
  codes "WELCOME10"
  single use
  spend 50 get 10 off
}
"""


@pytest.fixture(scope="module")
def rules() -> Any:
    return loads(RULES, name="shop.promo")


def cart(customer: str, eggs: int = 2, apples: int = 6, coupons: tuple[str, ...] = ("WELCOME10",)) -> Any:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-11-22T10:00:00+08:00",
            "customer": {"id": customer},
            "coupons": list(coupons),
            "lines": [
                {"id": "l1", "sku": "EGG", "unit_price": "5.00", "quantity": eggs},
                {"id": "l2", "sku": "APPLE", "category": "fruit", "unit_price": "20.00", "quantity": apples},
            ],
        }
    )


def applied(result: Any) -> dict[str, Decimal]:
    return {a.promotion: a.amount for a in result.applied}


def counted(ledger: Any) -> dict[str, int]:
    watched = [
        keys.stock("eggs"),
        keys.customer_uses("fruit", "c1"),
        keys.code("welcome", "WELCOME10"),
        keys.stats("eggs", keys.STATS_ORDERS),
    ]
    return dict(ledger.usage(watched))


def test_a_retried_checkout_prices_the_same_and_takes_nothing_twice(rules: Any, store: Store) -> None:
    ledger = store.open()
    request = cart("c1")
    first = rules.price(request, ledger=ledger, order_id="o-1")
    assert set(applied(first)) == {"eggs", "fruit", "welcome"}
    assert checkout.reserve(rules, request, first, order_id="o-1", ledger=ledger).ok
    after_first = counted(ledger)
    # Without the order id the order's own hold counts against it: the retry would differ.
    assert rules.price(request, ledger=ledger).total != first.total
    for _ in range(3):  # the client retries POST /checkout
        again = rules.price(request, ledger=ledger, order_id="o-1")
        assert again == first
        r = checkout.reserve(rules, request, again, order_id="o-1", ledger=ledger)
        assert r.ok and r.outcome.status == "reserved" and r.result == first
    assert counted(ledger) == after_first
    # After payment a late retry still prices the same and returns the paid order.
    checkout.commit(ledger, "o-1")
    late = rules.price(request, ledger=ledger, order_id="o-1")
    assert late == first
    r = checkout.reserve(rules, request, late, order_id="o-1", ledger=ledger)
    assert r.ok and r.outcome.status == "committed"
    assert counted(ledger) == after_first


def test_a_changed_cart_under_a_reserved_order_is_refused_and_says_what_to_do(
    rules: Any, store: Store
) -> None:
    ledger = store.open()
    first = cart("c1")
    assert checkout.reserve(
        rules, first, rules.price(first, ledger=ledger, order_id="o-2"), order_id="o-2", ledger=ledger
    ).ok
    before = counted(ledger)
    changed = cart("c1", apples=8)
    priced = rules.price(changed, ledger=ledger, order_id="o-2")
    with pytest.raises(checkout.CartChanged, match="release it .* new order id") as info:
        checkout.reserve(rules, changed, priced, order_id="o-2", ledger=ledger)
    assert isinstance(info.value, promokit.LedgerConflict)  # old handlers still catch it
    assert counted(ledger) == before
    # The documented way out: release, then the new cart under a new order id.
    checkout.release(ledger, "o-2")
    again = rules.price(changed, ledger=ledger, order_id="o-2b")
    assert checkout.reserve(rules, changed, again, order_id="o-2b", ledger=ledger).ok
    assert set(applied(again)) == {"eggs", "fruit", "welcome"}


def test_a_changed_cart_under_a_paid_order_is_refused_with_the_refund_route(rules: Any, store: Store) -> None:
    ledger = store.open()
    first = cart("c1")
    r = checkout.reserve(
        rules, first, rules.price(first, ledger=ledger, order_id="o-3"), order_id="o-3", ledger=ledger
    )
    checkout.commit(ledger, r.order_id)
    changed = cart("c1", eggs=1)
    with pytest.raises(checkout.CartChanged, match="paid: refund"):
        checkout.reserve(
            rules, changed, rules.price(changed, ledger=ledger, order_id="o-3"), order_id="o-3", ledger=ledger
        )
    assert ledger.state("o-3").status == "committed"


def test_a_lost_race_reports_the_counter_that_ran_out(rules: Any, store: Store) -> None:
    ledger = store.open()
    a, b = cart("ca", coupons=()), cart("cb", coupons=())
    priced_a = rules.price(a, ledger=ledger, order_id="A")
    priced_b = rules.price(b, ledger=ledger, order_id="B")  # both see 2 eggs left
    assert checkout.reserve(rules, a, priced_a, order_id="A", ledger=ledger).ok
    lost = checkout.reserve(rules, b, priced_b, order_id="B", ledger=ledger)
    assert not lost.ok and lost.failed == ("eggs",)
    why = {n.promotion: (n.reason, n.detail) for n in lost.result.not_applied}
    fresh = {n.promotion: (n.reason, n.detail) for n in rules.price(b, ledger=ledger).not_applied}
    assert why["eggs"] == ("stock", "stock 2 used up") == fresh["eggs"]
    assert checkout.reserve(rules, b, lost.result, order_id="B", ledger=ledger).ok


def test_a_race_that_leaves_some_stock_says_how_much(rules: Any, store: Store) -> None:
    ledger = store.open()
    a, b = cart("ca", eggs=1, coupons=()), cart("cb", eggs=2, coupons=())
    priced_b = rules.price(b, ledger=ledger)
    assert checkout.reserve(rules, a, rules.price(a, ledger=ledger), order_id="A", ledger=ledger).ok
    lost = checkout.reserve(rules, b, priced_b, order_id="B", ledger=ledger)
    why = {n.promotion: (n.reason, n.detail) for n in lost.result.not_applied}
    assert why["eggs"] == ("stock", "stock 2: only 1 left, this order needs 2")


def test_the_full_flow_with_cancel_and_refund(rules: Any, store: Store) -> None:
    ledger = store.open()
    # cancel: everything comes back
    request = cart("c1")
    result = rules.price(request, ledger=ledger, order_id="cancel-me")
    assert checkout.reserve(rules, request, result, order_id="cancel-me", ledger=ledger).ok
    assert checkout.release(ledger, "cancel-me").status == "released"
    assert checkout.release(ledger, "cancel-me").status == "released"  # a retried cancel
    assert counted(ledger)[keys.stock("eggs")] == 0
    # pay, then return the apples: money from promokit.refund, counters from checkout.refund
    result = rules.price(request, ledger=ledger, order_id="paid")
    assert checkout.reserve(rules, request, result, order_id="paid", ledger=ledger).ok
    checkout.commit(ledger, "paid")
    money = promokit.refund(result, {"l2": 6}, rules=rules)
    assert money.amount > 0
    state = checkout.refund(rules, result, {"l2": 6}, order_id="paid", refund_id="R-1", ledger=ledger)
    assert state.status == "refunded"
    again = checkout.refund(rules, result, {"l2": 6}, order_id="paid", refund_id="R-1", ledger=ledger)
    assert again == state  # a retried refund changes nothing
    assert counted(ledger)[keys.customer_uses("fruit", "c1")] == 0  # every fruit line came back
    assert counted(ledger)[keys.stock("eggs")] == 2  # the eggs were kept


def test_a_lost_race_for_a_single_use_code_says_coupon_used(rules: Any, store: Store) -> None:
    ledger = store.open()
    a, b = cart("ca", eggs=1), cart("cb", eggs=1)  # both enter WELCOME10; 1 egg each fits
    priced_a, priced_b = rules.price(a, ledger=ledger), rules.price(b, ledger=ledger)
    assert checkout.reserve(rules, a, priced_a, order_id="A", ledger=ledger).ok
    lost = checkout.reserve(rules, b, priced_b, order_id="B", ledger=ledger)
    assert lost.failed == ("welcome",)
    why = {n.promotion: (n.reason, n.detail) for n in lost.result.not_applied}
    fresh = {n.promotion: (n.reason, n.detail) for n in rules.price(b, ledger=ledger).not_applied}
    assert why["welcome"] == fresh["welcome"] and why["welcome"][0] == "coupon_used"
