"""Checkout glue: pricing reads availability, reserve takes what pricing checked, refunds give back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest

from promokit import checkout
from promokit.ledgers import Claim, Ledger, keys, open_ledger, stats
from promokit.loader import loads
from promokit.models import CheckoutRequest

from .conftest import Store

RULES = """
timezone Asia/Shanghai
currency CNY
promotion eggs "秒杀鸡蛋" {
  on sku "EGG"
  flash price 1.00 limit 2 per customer stock 3
}
promotion fruit "满100减20" {
  on category "fruit"
  满100减20
  limit 1 per customer per day
  budget 30
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


def cart(
    customer: str | None,
    eggs: int = 2,
    apples: int = 6,
    coupons: Sequence[str] = (),
    at: str = "2026-11-22T10:00:00+08:00",
) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": at,
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


def reasons(result: Any) -> dict[str, str]:
    return {n.promotion: n.reason for n in result.not_applied}


class CountingLedger:
    """Wraps a ledger and counts usage() round trips."""

    def __init__(self, inner: Ledger) -> None:
        self.inner, self.usage_calls = inner, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        self.usage_calls += 1
        return self.inner.usage(keys)


def test_reserve_takes_every_counter_pricing_checked_plus_statistics(rules: Any, store: Store) -> None:
    ledger = store.open()
    request = cart("c1", coupons=["welcome10"])
    result = rules.price(request, ledger=ledger)
    assert set(applied(result)) == {"eggs", "fruit", "welcome"}
    r = checkout.reserve(rules, request, result, order_id="o1", ledger=ledger)
    assert r.ok and r.failed == () and r.result == result
    taken = ledger.usage([c.key for c in r.claims])
    assert taken[keys.stock("eggs")] == 2
    assert taken[keys.customer_units("eggs", "c1")] == 2
    assert taken[keys.customer_uses("fruit", "c1", dt.date(2026, 11, 22))] == 1
    assert taken[keys.budget("fruit")] == 2000  # ¥20.00 in fen
    assert taken[keys.code("welcome", "WELCOME10")] == 1
    s = stats(ledger, "eggs")
    assert (s.orders, s.units, s.discount_minor, s.reserved_orders) == (1, 2, 800, 1)


def test_pricing_reads_every_promotion_in_one_usage_call(rules: Any) -> None:
    ledger = CountingLedger(open_ledger("memory://"))
    rules.price(cart("c1", coupons=["WELCOME10"]), ledger=ledger)
    assert ledger.usage_calls == 1


def test_what_is_used_up_is_not_applied_with_its_reason(rules: Any) -> None:
    ledger = open_ledger("memory://")
    first = cart("c1", eggs=3, coupons=["WELCOME10"])
    assert checkout.reserve(rules, first, rules.price(first, ledger=ledger), order_id="o1", ledger=ledger).ok
    second = rules.price(cart("c2", coupons=["WELCOME10"]), ledger=ledger)
    # c1 took 2 eggs (its flash limit), so 1 of the stock of 3 is left for c2
    assert [a.units for a in second.applied if a.promotion == "eggs"] == [1]
    assert reasons(second)["fruit"] == "budget"  # ¥10 left cannot cover ¥20
    assert reasons(second)["welcome"] == "coupon_used"
    again = rules.price(cart("c1"), ledger=ledger)
    assert reasons(again)["eggs"] == "limit" and reasons(again)["fruit"] in ("limit", "budget")


def test_a_reservation_that_lost_the_race_takes_nothing_and_gets_a_repriced_cart(
    rules: Any, store: Store
) -> None:
    ledger = store.open()
    a, b = cart("ca", eggs=2), cart("cb", eggs=2)
    priced_a, priced_b = rules.price(a, ledger=ledger), rules.price(b, ledger=ledger)  # both see 3 eggs left
    assert checkout.reserve(rules, a, priced_a, order_id="A", ledger=ledger).ok
    lost = checkout.reserve(rules, b, priced_b, order_id="B", ledger=ledger)
    # 1 egg left for 2, and ¥10 of budget left for ¥20: both fail, nothing is taken
    assert not lost.ok and lost.failed == ("eggs", "fruit")
    assert ledger.state("B") is None and ledger.usage([keys.stock("eggs")])[keys.stock("eggs")] == 2
    assert not {"eggs", "fruit"} & set(applied(lost.result)) and lost.result.total > priced_b.total
    retry = checkout.reserve(
        rules, b, lost.result, order_id="B", ledger=ledger
    )  # same order id, fewer claims
    assert retry.ok


def test_per_day_limits_follow_the_rule_time_zone() -> None:
    rules = loads(RULES.replace("  budget 30\n", ""), name="daily.promo")
    ledger = open_ledger("memory://")
    late = cart("c1", eggs=1, at="2026-11-22T23:59:00+08:00")
    assert checkout.reserve(rules, late, rules.price(late, ledger=ledger), order_id="o1", ledger=ledger).ok
    same_utc_day = cart("c1", eggs=1, at="2026-11-22T16:30:00+00:00")  # 00:30 on the 23rd in Shanghai
    assert "fruit" in applied(rules.price(same_utc_day, ledger=ledger))
    same_local_day = cart("c1", eggs=1, at="2026-11-22T15:30:00+00:00")  # 23:30 on the 22nd in Shanghai
    assert reasons(rules.price(same_local_day, ledger=ledger))["fruit"] == "limit"


def test_an_anonymous_cart_gets_no_per_customer_limited_promotion(rules: Any) -> None:
    result = rules.price(cart(None), ledger=open_ledger("memory://"))
    assert "eggs" not in applied(result) and "fruit" not in applied(result)
    assert reasons(result)["eggs"] == "limit"
    detail = next(n.detail for n in result.not_applied if n.promotion == "eggs")
    assert "needs a customer id" in detail


def test_refunds_return_units_at_once_and_uses_only_when_all_is_returned(rules: Any, store: Store) -> None:
    ledger = store.open()
    request = cart("c1", eggs=2, coupons=["WELCOME10"])
    result = rules.price(request, ledger=ledger)
    assert checkout.reserve(rules, request, result, order_id="o1", ledger=ledger).ok
    checkout.commit(ledger, "o1")
    state = checkout.refund(rules, result, {"l1": 1}, order_id="o1", refund_id="R1", ledger=ledger)
    back = {c.key: c.amount for c in state.returned}
    assert back[keys.stock("eggs")] == 1 and back[keys.customer_units("eggs", "c1")] == 1
    assert keys.code("welcome", "WELCOME10") not in back  # the coupon's lines are not all back
    assert checkout.refund(rules, result, {"l1": 1}, order_id="o1", refund_id="R1", ledger=ledger) == state
    rest = checkout.refund(
        rules,
        result,
        {"l1": 1, "l2": 6},
        earlier_lines={"l1": 1},
        order_id="o1",
        refund_id="R2",
        ledger=ledger,
    )
    claimed = {c.key: c.amount for c in rest.claims}
    assert {c.key: c.amount for c in rest.returned} == claimed  # everything came back
    assert set(ledger.usage(list(claimed)).values()) == {0}
    assert stats(ledger, "fruit").orders == 0


def test_commit_and_release_pass_through_by_order_id(rules: Any) -> None:
    ledger = open_ledger("memory://")
    request = cart("c1")
    checkout.reserve(rules, request, rules.price(request, ledger=ledger), order_id="o1", ledger=ledger)
    assert checkout.release(ledger, "o1").status == "released"
    assert ledger.usage([keys.stock("eggs")])[keys.stock("eggs")] == 0


def test_claims_for_a_result_without_promotions_is_empty(rules: Any) -> None:
    request = CheckoutRequest.model_validate(
        {
            "at": "2026-11-22T10:00:00+08:00",
            "lines": [{"id": "x", "sku": "SOAP", "unit_price": "3.00", "quantity": 1}],
        }
    )
    assert checkout.claims_for(rules, rules.price(request)) == []


def test_availability_reports_what_is_left_and_what_binds(rules: Any) -> None:
    from promokit.engine.usage import Availability, availability
    from promokit.money import currency

    ledger = open_ledger("memory://")
    promos = [rules.promotion(p) for p in ("eggs", "fruit", "welcome")]
    request = cart("c1", coupons=["WELCOME10"])
    found = availability(promos, ledger, request, "Asia/Shanghai", currency("CNY"))
    assert found["eggs"] == Availability(None, 2, None, "limit", None)  # 2 per customer binds before stock 3
    assert found["fruit"] == Availability(1, None, Decimal("30.00"), None, None)
    assert found["welcome"] == Availability(None, None, None, None, None)
    ledger.reserve(
        "other",
        [
            Claim(keys.stock("eggs"), 2, 3, "eggs"),
            Claim(keys.budget("fruit"), 3000, 3000, "fruit"),
            Claim(keys.code("welcome", "welcome10"), 1, 1, "welcome"),
        ],
        ttl=60,
    )
    found = availability(promos, ledger, request, "Asia/Shanghai", currency("CNY"))
    assert (found["eggs"].units, found["eggs"].limited_by) == (1, "stock")
    assert (found["fruit"].budget, found["fruit"].limited_by) == (Decimal("0.00"), "budget")
    assert (found["welcome"].uses, found["welcome"].limited_by) == (0, "coupon_used")


def test_per_day_counters_use_the_promotion_own_time_zone_and_money_in_minor_units() -> None:
    from promokit.engine.usage import counters
    from promokit.money import currency

    rules = loads(
        """
timezone Asia/Shanghai
promotion p "x" {
  timezone America/New_York
  10% off
  limit 2 units per customer per day
  limit 5 units total
  limit 3 per order
  budget 100 per day
}
""",
        name="tz.promo",
    )
    at = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)  # the 22nd in Shanghai, the 21st in New York
    found = {
        c.key: (c.capacity, c.kind, c.words)
        for c in counters(rules.promotion("p"), "c1", at, "Asia/Shanghai", currency("CNY"))
    }
    day = dt.date(2026, 11, 21)
    assert found == {
        keys.budget("p", day): (10000, "budget", "budget 100 per day"),
        keys.customer_units("p", "c1", day): (2, "units", "limit 2 units per customer per day"),
        keys.total_units("p"): (5, "units", "limit 5 units total"),
    }  # no counter for the per-order limit: the engine enforces it within the order
