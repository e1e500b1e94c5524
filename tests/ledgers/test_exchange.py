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
    # A code that matches the pattern but was never issued is refused too.
    guess = cart("c1", "PTS-AAAAAAAAAA")
    r = checkout.reserve(rules, guess, rules.price(guess, ledger=ledger), order_id="o3", ledger=ledger)
    assert not r.ok and r.failed == ("pts-10",)


def test_an_exchange_beyond_the_balance_issues_nothing(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    ledger.points.earn("c1", 100, "e1")
    with pytest.raises(InsufficientPoints):
        checkout.exchange(rules, "pts-10", "c1", points=500, event_id="x-1", ledger=ledger)
    assert ledger.points.account("c1").balance == 100
    assert ledger.usage(["exchange:pts-10"])["exchange:pts-10"] == 0


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
