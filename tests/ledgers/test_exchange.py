"""Points for a coupon: a single-use code drawn from the coupon's pattern, owned by the customer."""

from __future__ import annotations

from typing import Any

import pytest

from promokit import checkout
from promokit.language.diagnostics import PromokitError
from promokit.ledgers import InsufficientPoints
from promokit.loader import loads
from promokit.models import CheckoutRequest

from .conftest import Store

RULES = """
timezone Asia/Shanghai
coupon pts-10 "积分兑换10元券" {
  codes "PTS-*" single use
  spend 50 get 10 off
}
coupon fresh "生鲜券" {
  codes "FRESH-*"
  limit 5 per customer
  spend 50 get 8 off
}
coupon welcome "新人券" {
  codes "WELCOME10"
  spend 50 get 5 off
}
"""


@pytest.fixture(scope="module")
def rules() -> Any:
    return loads(RULES, name="coupons.promo")


def cart(customer: str, code: str) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-11-22T10:00:00+08:00",
            "customer": {"id": customer},
            "coupons": [code],
            "lines": [{"id": "l1", "sku": "APPLE", "unit_price": "20.00", "quantity": 3}],
        }
    )


def test_an_exchange_spends_points_and_issues_a_code_only_its_owner_can_use(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 800, "e1")
    issued = checkout.exchange(rules, "pts-10", "c1", points=500, event_id="x-1", ledger=ledger)
    assert issued.code.startswith("PTS-") and len(issued.code) == 14
    again = checkout.exchange(rules, "pts-10", "c1", points=500, event_id="x-1", ledger=ledger)
    assert again.code == issued.code and again.replay
    assert ledger.points.account("c1").balance == 300
    # Someone else's cart with the same code: refused at reserve, re-priced without it.
    theirs = cart("c2", issued.code)
    r = checkout.reserve(rules, theirs, rules.price(theirs, ledger=ledger), order_id="o2", ledger=ledger)
    assert not r.ok and r.failed == ("pts-10",) and r.result.applied == ()
    # The owner's cart gets the discount and reserves it.
    mine = cart("c1", issued.code)
    result = rules.price(mine, ledger=ledger)
    assert [a.promotion for a in result.applied] == ["pts-10"]
    assert checkout.reserve(rules, mine, result, order_id="o1", ledger=ledger).ok


def test_an_issued_code_pays_one_order_whatever_the_coupons_limits(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 800, "e1")
    code = checkout.exchange(rules, "fresh", "c1", points=300, event_id="x-1", ledger=ledger).code
    mine = cart("c1", code)
    assert checkout.reserve(rules, mine, rules.price(mine, ledger=ledger), order_id="o1", ledger=ledger).ok
    again = checkout.reserve(rules, mine, rules.price(mine, ledger=ledger), order_id="o2", ledger=ledger)
    assert not again.ok and again.failed == ("fresh",)
    # Codes of the pattern never issued for points are what the coupon declares (5 per customer).
    other = cart("c1", "FRESH-SUMMER")
    assert checkout.reserve(rules, other, rules.price(other, ledger=ledger), order_id="o3", ledger=ledger).ok


def test_an_exchange_beyond_the_balance_issues_nothing(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 100, "e1")
    with pytest.raises(InsufficientPoints):
        checkout.exchange(rules, "pts-10", "c1", points=500, event_id="x-1", ledger=ledger)
    assert ledger.points.account("c1").balance == 100 and ledger.points.history("c1")[-1].kind == "earn"


@pytest.mark.parametrize(
    ("coupon", "points", "words"),
    [("welcome", 500, "cannot be exchanged"), ("pts-1O", 500, "did you mean"), ("pts-10", -5, ">= 0")],
)
def test_bad_exchanges_are_clear_errors(
    store: Store, rules: Any, coupon: str, points: int, words: str
) -> None:
    ledger: Any = store.open()
    with pytest.raises(PromokitError, match=words):
        checkout.exchange(rules, coupon, "c1", points=points, event_id="x", ledger=ledger)
