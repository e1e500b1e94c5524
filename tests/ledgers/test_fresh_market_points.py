"""The fresh-market points program (examples/fresh-market/points) on every ledger adapter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from promokit import checkout
from promokit.check.frontend import parse_paths
from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest, Customer

from .conftest import Store

ROOT = Path(__file__).resolve().parents[2] / "examples" / "fresh-market"
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet(parse_paths([ROOT]))


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 11, 23, 8, tzinfo=SH) + dt.timedelta(days=day)  # 2026-11-23 is a Monday


def test_a_members_first_week(store: Store, rules: RuleSet) -> None:
    ledger: Any = store.open()
    member = Customer(id="c-1", level=1)
    assert checkout.award(rules, "register", member, event_id="reg", at=at(0), ledger=ledger).points == 100
    daily = [
        checkout.award(rules, "checkin", member, event_id=f"checkin:{d}", at=at(d), ledger=ledger).points
        for d in range(7)
    ]
    # 5 a day; Wednesday (day 2) is member day: x2; the 7th day in a row earns 20 more.
    assert daily == [5, 5, 10, 5, 5, 5, 25]
    review = checkout.award(
        rules, "review", member, event_id="review:1", at=at(6), ledger=ledger, attributes={"photo": True}
    )
    assert review.points == 10
    assert ledger.points.account("c-1").balance == 100 + sum(daily) + 10


def test_points_buy_a_fresh_coupon_and_a_tea_set(store: Store, rules: RuleSet) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c-1", 2000, "migration")
    coupon = checkout.exchange(rules, "fresh-coupon", "c-1", points=500, event_id="swap-1", ledger=ledger)
    assert coupon.code.startswith("FRESH-")
    request = CheckoutRequest.model_validate(
        {
            "at": "2026-11-24T15:00:00+08:00",
            "customer": {"id": "c-1", "orders": 3},
            "coupons": [coupon.code],
            "lines": [
                {"id": "veg", "sku": "BROCCOLI", "category": "veg", "unit_price": "5.90", "quantity": 20},
                {"id": "tea", "sku": "TEA-SET", "unit_price": "9.90", "quantity": 1, "points_price": 500},
            ],
        }
    )
    result = rules.price(request, ledger=ledger)
    assert "fresh-coupon" in [a.promotion for a in result.applied] and result.points_priced == 500
    r = checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger)
    assert r.ok
    checkout.commit(ledger, "A-1")
    account = ledger.points.account("c-1")
    assert (account.balance, account.pending) == (1000, result.points_earned)
    # The tea set is limited to one per customer.
    again = request.model_copy(update={"coupons": ()})
    r2 = checkout.reserve(rules, again, rules.price(again, ledger=ledger), order_id="A-2", ledger=ledger)
    assert not r2.ok and "mall.tea-set" in r2.failed
