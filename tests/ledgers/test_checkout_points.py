"""Orders move points: reserve holds, commit spends and earns pending, release and refunds give back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promokit import checkout, refund
from promokit.checkout.points import PointsTerms
from promokit.ledgers import InsufficientPoints, open_ledger
from promokit.ledgers.points_policy import ExpiryPolicy, PointsError
from promokit.loader import loads
from promokit.models import CheckoutRequest

from .conftest import FakeClock, Store

DAY = 86400.0
SH = ZoneInfo("Asia/Shanghai")

RULES = """
timezone Asia/Shanghai
currency CNY
promotion earn "消费积分" {
  每1元积1分
}
promotion redeem "积分抵现" {
  100积分抵1元 最多抵20%
}
promotion fruit "满100减20" {
  on category "fruit"
  满100减20
}
"""


@pytest.fixture(scope="module")
def rules() -> Any:
    return loads(RULES, name="shop.promo")


def cart(redeem: int = 0, balance: int = 0, apples: int = 6, milk: int = 3) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-11-22T10:00:00+08:00",
            "customer": {"id": "c1", "points": balance},
            "redeem_points": redeem,
            "lines": [
                {"id": "l1", "sku": "APPLE", "category": "fruit", "unit_price": "20.00", "quantity": apples},
                {"id": "l2", "sku": "MILK", "category": "dairy", "unit_price": "13.90", "quantity": milk},
            ],
        }
    )


def test_reserve_holds_redeemed_points_and_commit_spends_them_and_earns_pending(
    store: Store, rules: Any
) -> None:
    clock = FakeClock()
    ledger: Any = store.open(clock)
    ledger.points.earn("c1", 3000, "register")
    request = cart(redeem=2000, balance=3000)
    result = rules.price(request, ledger=ledger)
    assert result.points_redeemed == 2000 and result.points_earned > 0
    r = checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger, ttl=900)
    assert r.ok and r.points is not None and r.points.redeemed == 2000
    assert ledger.points.account("c1").held == 2000
    checkout.commit(ledger, "A-1")
    account = ledger.points.account("c1")
    assert (account.balance, account.held, account.pending) == (1000, 0, result.points_earned)
    checkout.commit(ledger, "A-1")  # a replay moves nothing
    assert ledger.points.account("c1").balance == 1000
    clock.advance(7 * DAY)
    assert ledger.points.account("c1").balance == 1000 + result.points_earned


def test_a_cart_redeeming_more_than_the_account_has_is_repriced_and_reserves_nothing(
    store: Store, rules: Any
) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 500, "register")
    request = cart(redeem=2000, balance=5000)  # the request claims a balance the ledger does not have
    result = rules.price(request)  # priced without the ledger: trusts the request
    assert result.points_redeemed == 2000
    r = checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger)
    assert not r.ok and r.failed == ("earn", "redeem")
    assert r.result.points_redeemed == 500  # re-priced with the points actually available
    assert ledger.state("A-1") is None and ledger.points.account("c1").held == 0
    again = checkout.reserve(rules, request, r.result, order_id="A-1", ledger=ledger)
    assert again.ok and ledger.points.account("c1").held == 500


def test_release_returns_held_points(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 3000, "register")
    request = cart(redeem=1000, balance=3000)
    result = rules.price(request, ledger=ledger)
    assert checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger).ok
    checkout.release(ledger, "A-1")
    assert ledger.points.account("c1").available == 3000
    order = ledger.points.order("A-1")
    assert order is not None and order.status == "released"


def test_a_partial_return_gives_back_redeemed_points_and_claws_back_earned_ones(
    store: Store, rules: Any
) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 3000, "register")
    request = cart(redeem=1000, balance=3000)
    result = rules.price(request, ledger=ledger)
    checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger)
    checkout.commit(ledger, "A-1")
    returned = {"l2": 3}
    receipt = refund(result, returned, rules=rules)
    checkout.refund(rules, result, returned, order_id="A-1", refund_id="R-1", ledger=ledger)
    order = ledger.points.order("A-1")
    assert order is not None
    assert (order.returned, order.clawed_back) == (receipt.points_returned, receipt.points_reversed)
    assert receipt.points_returned > 0 and receipt.points_reversed > 0
    account = ledger.points.account("c1")
    assert account.balance == 2000 + receipt.points_returned
    assert account.pending == result.points_earned - receipt.points_reversed


def test_orders_without_a_customer_or_points_move_no_points(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    request = cart().model_copy(update={"customer": cart().customer.model_copy(update={"id": None})})
    result = rules.price(request, ledger=ledger)
    assert checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger).ok
    checkout.commit(ledger, "A-1")
    assert ledger.points.order("A-1") is None


RETURNS = st.lists(
    st.tuples(st.sampled_from(["l1", "l2"]), st.integers(min_value=1, max_value=3)), min_size=1, max_size=5
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=RETURNS, spend_first=st.booleans(), redeem=st.sampled_from([0, 700, 2000]))
def test_earned_minus_clawed_back_is_the_points_of_the_kept_goods(
    rules: Any, steps: list[tuple[str, int]], spend_first: bool, redeem: int
) -> None:
    """Property: however the goods come back (one refund or many, spent points or not), the
    ledger's claw-back (taken + shortfall) equals what one refund of all of them reverses,
    and the redeemed points returned likewise; all goods back claws back every earned point."""
    clock = FakeClock()
    ledger: Any = open_ledger("memory://", clock=clock)
    ledger.points.earn("c1", 3000, "register")
    request = cart(redeem=redeem, balance=3000, apples=3, milk=3)
    result = rules.price(request, ledger=ledger)
    checkout.reserve(
        rules, request, result, order_id="A", ledger=ledger, points=PointsTerms(ExpiryPolicy(), 0)
    )
    checkout.commit(ledger, "A")
    if spend_first:  # the customer spends everything: claw-backs become shortfalls
        ledger.points.spend("c1", ledger.points.account("c1").available, "mall")
    done: dict[str, int] = {}
    for i, (line, n) in enumerate(steps):
        n = min(n, 3 - done.get(line, 0))
        if not n:
            continue
        checkout.refund(
            rules, result, {line: n}, earlier_lines=dict(done), order_id="A", refund_id=f"R{i}", ledger=ledger
        )
        done[line] = done.get(line, 0) + n
        once = refund(result, done, rules=rules)
        order = ledger.points.order("A")
        assert order is not None
        assert order.clawed_back + order.shortfall == once.points_reversed
        assert order.returned == once.points_returned
        kept = result.points_earned - once.points_reversed
        assert 0 <= kept <= result.points_earned
        assert ledger.points.account("c1").balance >= 0
    if done == {"l1": 3, "l2": 3}:
        order = ledger.points.order("A")
        assert order is not None
        assert order.clawed_back + order.shortfall == result.points_earned
        assert order.returned == result.points_redeemed


def mall_cart(balance: int, tea: int = 1) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-11-22T10:00:00+08:00",
            "customer": {"id": "c1", "points": balance},
            "redeem_points": 2000,
            "lines": [
                {"id": "l1", "sku": "APPLE", "category": "fruit", "unit_price": "20.00", "quantity": 6},
                {"id": "tea", "sku": "TEA-SET", "category": "fruit", "unit_price": "9.90", "quantity": tea,
                 "points_price": 500},
            ],
        }
    )  # fmt: skip


def test_a_points_priced_line_costs_points_plus_money_and_takes_no_promotion(rules: Any) -> None:
    plain = rules.price(mall_cart(5000).model_copy(update={"lines": mall_cart(5000).lines[:1]}))
    result = rules.price(mall_cart(5000, tea=2))
    tea = result.lines[1]
    assert (tea.points, tea.discount, tea.total, tea.adjustments) == (1000, 0, Decimal("19.80"), ())
    assert result.points_priced == 1000
    assert result.subtotal == plain.subtotal + Decimal("19.80")
    assert result.total == plain.total + Decimal("19.80") and result.discount == plain.discount
    assert result.points_earned == plain.points_earned  # mall goods earn nothing
    # Redemption sees the balance left after the points price: 5000 - 1000.
    assert rules.price(mall_cart(1500, tea=2)).points_redeemed == 500
    assert "points" not in plain.model_dump(mode="json")["lines"][0]  # absent when no points goods
    assert "points_priced" not in plain.model_dump(mode="json")


def test_a_mall_order_holds_and_spends_its_points_and_a_return_gives_them_back(
    store: Store, rules: Any
) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 5000, "register")
    request = mall_cart(5000, tea=2)
    result = rules.price(request, ledger=ledger)
    assert checkout.reserve(rules, request, result, order_id="M-1", ledger=ledger).ok
    assert ledger.points.account("c1").held == result.points_redeemed + 1000
    checkout.commit(ledger, "M-1")
    checkout.refund(rules, result, {"tea": 1}, order_id="M-1", refund_id="R-1", ledger=ledger)
    order = ledger.points.order("M-1")
    assert order is not None and order.returned == 500


@pytest.mark.parametrize("bad", [2.5, -500, 0, "500"])
def test_a_points_price_must_be_a_whole_positive_number(bad: object) -> None:
    data = mall_cart(0).model_dump(mode="json")
    data["lines"][1]["points_price"] = bad
    with pytest.raises(ValueError, match="points_price"):
        CheckoutRequest.model_validate(data)


def test_mall_goods_beyond_the_balance_are_refused_at_reserve(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 700, "register")
    request = mall_cart(700, tea=2)
    result = rules.price(request, ledger=ledger)
    with pytest.raises(InsufficientPoints, match="700 points available"):
        checkout.reserve(rules, request, result, order_id="M-1", ledger=ledger)
    assert ledger.state("M-1") is None and ledger.points.account("c1").held == 0


def test_pricing_with_the_ledger_uses_the_account_and_shows_points_expiring_soon(
    store: Store, rules: Any
) -> None:
    at = dt.datetime(2026, 11, 22, 10, tzinfo=SH)
    ledger: Any = store.open(FakeClock(at.timestamp()))
    edge = dt.datetime(2026, 12, 15, tzinfo=SH).timestamp()  # 23 days after the request
    ledger.points.earn("c1", 300, "old", expires_at=edge)
    ledger.points.earn("c1", 900, "new", expires_at=edge + 90 * DAY)
    result = rules.price(cart(redeem=5000, balance=99999), ledger=ledger)
    assert result.points_redeemed == 1200  # the account's 1200, not the request's 99999 (under 20%)
    (soon,) = result.points_expiring
    assert soon.points == 300 and soon.expires_at == dt.datetime(2026, 12, 15, tzinfo=SH)
    assert result.model_dump(mode="json")["points_expiring"][0]["points"] == 300
    # A customer the ledger has never seen keeps the request's balance.
    stranger = cart(redeem=500, balance=500).model_copy(
        update={"customer": cart().customer.model_copy(update={"id": "c9", "points": 500})}
    )
    assert rules.price(stranger, ledger=ledger).points_redeemed == 500


def test_an_anonymous_cart_cannot_spend_points(rules: Any) -> None:
    ledger: Any = open_ledger("memory://")
    request = cart(redeem=1000, balance=3000)
    request = request.model_copy(update={"customer": request.customer.model_copy(update={"id": None})})
    with pytest.raises(PointsError, match="no customer id"):
        checkout.reserve(rules, request, rules.price(request), order_id="A-1", ledger=ledger)
    assert ledger.state("A-1") is None


def test_a_retried_checkout_prices_with_its_own_held_points(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 1000, "register")
    request = cart(redeem=1000, balance=0)
    result = rules.price(request, ledger=ledger)
    assert result.points_redeemed == 1000
    assert checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger).ok
    assert rules.price(request, ledger=ledger).points_redeemed == 0  # another order: all held
    assert rules.price(request, ledger=ledger, order_id="A-1").points_redeemed == 1000  # its own


def test_a_lost_race_reprices_with_the_orders_own_held_points(store: Store) -> None:
    # reserve() holds the points before the counters; when the counters lose the race, the
    # re-priced cart must still count those points as the order's own (not as spent).
    rules = loads(RULES + 'promotion flash "牛奶特价" {\n  on sku "MILK"\n  特价 10.00\n  stock 1\n}\n')
    ledger: Any = store.open()
    ledger.points.earn("c1", 1000, "register")
    request = cart(redeem=1000, milk=1)
    result = rules.price(request, ledger=ledger)
    assert result.points_redeemed == 1000 and "flash" in {a.promotion for a in result.applied}
    rival = cart(milk=1).model_copy(update={"customer": cart().customer.model_copy(update={"id": "c2"})})
    assert checkout.reserve(rules, rival, rules.price(rival, ledger=ledger), order_id="B-1", ledger=ledger).ok
    lost = checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger)
    assert not lost.ok and lost.failed == ("flash",)
    assert lost.result.points_redeemed == 1000
