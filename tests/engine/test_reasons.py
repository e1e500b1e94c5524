"""Every not_applied reason code is produced, with a useful detail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import get_args

from helpers import D, applied, cart, check_invariants, line, load

from promokit.models import Reason


class UsedUpLedger:
    """A read-only stand-in: every counter reports `used` (pricing only calls `usage`)."""

    url = "fake://"

    def __init__(self, used: int) -> None:
        self.used = used
        self.calls = 0

    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        self.calls += 1
        return {k: self.used for k in keys}


SEEN: set[str] = set()


def reason_of(result, pid):  # type: ignore[no-untyped-def]
    check_invariants(result)
    found = {n.promotion: n for n in result.not_applied}[pid]
    SEEN.add(found.reason)
    return found


def test_window():
    rules = load("promotion w {\n during 2026-11-01 to 2026-11-11\n 9折\n}")
    miss = reason_of(rules.price(cart(line("a", "10.00"))), "w")
    assert miss.reason == "window" and "2026-11-01" in miss.detail


def test_audience_names_the_failed_condition():
    rules = load("promotion vip {\n for level >= 3\n 9折\n}")
    miss = reason_of(rules.price(cart(line("a", "10.00"), customer={"level": 1})), "vip")
    assert miss.reason == "audience" and "level" in miss.detail


def test_channel():
    rules = load('promotion app {\n channel "app"\n 9折\n}')
    miss = reason_of(rules.price(cart(line("a", "10.00"), channel="web")), "app")
    assert miss.reason == "channel"


def test_scope_when_the_only_candidate_line_is_excepted():
    rules = load('promotion fruit {\n on category "fruit" except sku "DURIAN"\n 9折\n}')
    miss = reason_of(rules.price(cart(line("d", "80.00", 1, "fruit", sku="DURIAN"))), "fruit")
    assert miss.reason == "scope"


def test_threshold_with_shortfall():
    rules = load("promotion t {\n 满100减20\n}")
    miss = reason_of(rules.price(cart(line("a", "88.00"))), "t")
    assert miss.reason == "threshold" and miss.shortfall == D("12.00")


def test_group_size():
    rules = load('promotion g {\n on sku "A"\n 3人团 9.90\n}')
    miss = reason_of(rules.price(cart(line("a", "20.00", sku="A"))), "g")
    assert miss.reason == "group_size"


def test_limit_from_the_ledger():
    rules = load("promotion once {\n 9折\n limit 1 per customer\n}")
    ledger = UsedUpLedger(1)
    result = rules.price(cart(line("a", "10.00"), customer={"id": "c1"}), ledger=ledger)
    assert reason_of(result, "once").reason == "limit"
    assert ledger.calls == 1  # one round trip


def test_stock_from_the_ledger():
    rules = load('promotion f {\n on sku "EGG"\n flash price 1.00 limit 2 per customer stock 500\n}')
    result = rules.price(
        cart(line("e", "3.00", 2, sku="EGG"), customer={"id": "c1"}), ledger=UsedUpLedger(500)
    )
    assert reason_of(result, "f").reason in ("stock", "limit")
    assert reason_of(result, "f").reason == "stock"


def test_budget_that_cannot_cover_the_whole_discount():
    rules = load("promotion b {\n 满100减20\n budget 10\n}")
    miss = reason_of(rules.price(cart(line("a", "100.00"))), "b")
    assert miss.reason == "budget"


def test_coupon_missing_unknown_expired_and_used():
    rules = load(
        'coupon c {\n codes "SAVE10"\n spend 50 get 10 off\n}\n'
        'coupon old {\n codes "OLD-*"\n during 2026-01-01 to 2026-01-31\n spend 50 get 10 off\n}\n'
        'coupon one {\n codes "ONCE"\n single use\n spend 50 get 5 off\n}\n'
    )
    result = rules.price(cart(line("a", "60.00"), coupons=["nope", "old-77"]))
    assert reason_of(result, "c").reason == "coupon_missing"
    assert reason_of(result, "old").reason == "coupon_expired"
    unknown = reason_of(result, "")
    assert unknown.reason == "coupon_unknown" and unknown.code == "nope"
    used = rules.price(
        cart(line("a", "60.00"), coupons=["once"], customer={"id": "c1"}), ledger=UsedUpLedger(1)
    )
    assert reason_of(used, "one").reason == "coupon_used"


def test_coupon_not_combinable_names_the_coupon_it_lost_to():
    rules = load(
        'coupon big {\n codes "BIG"\n spend 50 get 15 off\n}\n'
        'coupon small {\n codes "SMALL"\n spend 50 get 5 off\n}\n'
    )
    result = rules.price(cart(line("a", "60.00"), coupons=["SMALL", "BIG"]))
    assert applied(result) == {"big": D("15.00")}
    miss = reason_of(result, "small")
    assert miss.reason == "coupon_not_combinable" and miss.lost_to == "big"


def test_stackable_coupons_combine():
    rules = load(
        'coupon big {\n codes "BIG"\n spend 50 get 15 off\n stackable with small\n}\n'
        'coupon small {\n codes "SMALL"\n spend 40 get 5 off\n}\n'
    )
    result = rules.price(cart(line("a", "60.00"), coupons=["SMALL", "BIG"]))
    assert applied(result) == {"big": D("15.00"), "small": D("5.00")}


def test_excluded_names_the_winner():
    rules = load("promotion a {\n 9折\n exclusive\n}\npromotion b {\n 满10减5\n}")
    miss = reason_of(rules.price(cart(line("a", "100.00"))), "b")
    assert miss.reason == "excluded" and miss.lost_to == "a"


def test_no_saving():
    rules = load('promotion sp {\n on sku "A"\n price 50.00\n}')
    assert reason_of(rules.price(cart(line("a", "40.00", sku="A"))), "sp").reason == "no_saving"


def test_order_cap_left_nothing():
    rules = load("order cap 20\npromotion a {\n 20% off\n}\npromotion b {\n 满50减10\n}")
    result = rules.price(cart(line("a", "100.00")))
    assert result.discount == D("20.00")
    assert reason_of(result, "b").reason == "order_cap"


def test_every_reason_code_is_produced_by_a_test_above():
    SEEN.clear()
    for name, fn in sorted(globals().items()):
        if name.startswith("test_") and name != "test_every_reason_code_is_produced_by_a_test_above":
            fn()
    missing = set(get_args(Reason)) - SEEN
    assert not missing, f"reason codes never produced: {sorted(missing)}"
