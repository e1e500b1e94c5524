"""Cases where the best-deal search once lost to a combination found by brute force.

Each is a minimal example the property tests in tests/properties found; kept here so
that it runs on every build, whatever hypothesis draws.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import promokit
from promokit import CheckoutRequest

TWO_BOGOFS_AND_ONE_OFF_EACH = """currency CNY

promotion p-b {
  buy 1 get 1 free
}

promotion p-c {
  buy 1 get 1 free
}

promotion p-d {
  1 off each
}
"""

THREE_FRUIT_LINES = (
    '{"at":"2025-06-01T00:00:00Z","lines":['
    '{"id":"L1","sku":"APPLE","category":"fruit","unit_price":"12.50","quantity":1},'
    '{"id":"L2","sku":"APPLE","category":"fruit","unit_price":"12.50","quantity":1},'
    '{"id":"L3","sku":"PEAR","category":"fruit","unit_price":"8.00","quantity":1}]}'
)


def test_search_finds_bogof_on_the_pair_and_one_off_on_the_third_line() -> None:
    rules = promokit.loads(TWO_BOGOFS_AND_ONE_OFF_EACH)
    request = CheckoutRequest.model_validate_json(THREE_FRUIT_LINES)
    best = rules.price(request)
    ids = [p.id for p in rules.ast.promotions]
    for size in range(len(ids) + 1):
        for combo in itertools.combinations(ids, size):
            other = rules.price_combination(request, combo)
            if other is not None:
                assert best.total <= other.total, (combo, other.total, best.total)
    # One free apple (12.50) from a buy-1-get-1 and 1.00 off the pear: 33.00 - 13.50.
    assert best.total == Decimal("19.50")


COMPETING_GROUPS = """currency CNY

promotion g-fruit20 {
  on category "fruit"
  20% off
}

promotion g-fresh10 {
  on category "fruit", "veg"
  10% off
}

promotion g-apple {
  on sku "APPLE"
  price 9.90
}

promotion g-b2g1 {
  on category "dairy"
  buy 2 get 1 free
}

promotion g-half {
  on category "dairy"
  2nd unit 50% off
}

promotion g-tiers {
  spend 99 get 10 off, spend 199 get 30 off
}

promotion g-fresh-tiers {
  on category "fruit", "veg"
  spend 60 get 12 off
}
"""


def _cart(
    quantities: tuple[int, int, int, int, int], prices: tuple[str, str, str, str, str]
) -> CheckoutRequest:
    rows = [("apple", "APPLE", "fruit"), ("pear", "PEAR", "fruit"), ("kale", "KALE", "veg"),
            ("milk", "MILK", "dairy"), ("yog", "YOGURT", "dairy")]  # fmt: skip
    lines = [
        {"id": i, "sku": sku, "category": cat, "unit_price": price, "quantity": n}
        for (i, sku, cat), n, price in zip(rows, quantities, prices, strict=True)
    ]
    return CheckoutRequest.model_validate({"at": "2025-06-01T00:00:00Z", "lines": lines})


def test_search_bounded_by_groups_of_competing_item_deals_still_finds_the_brute_force_best() -> None:
    # The search bounds each group of item promotions sharing lines by the group's exact
    # item-layer maximum, and quantity deals per line by the units they can discount: the
    # answer must still be the cheapest valid combination.
    rules = promokit.loads(COMPETING_GROUPS)
    ids = [p.id for p in rules.ast.promotions]
    carts = [
        _cart((1, 2, 1, 3, 2), ("12.00", "8.50", "6.00", "4.20", "9.90")),
        _cart((3, 1, 2, 1, 4), ("15.90", "22.00", "3.10", "18.00", "5.50")),
        _cart((2, 2, 1, 2, 1), ("9.00", "11.00", "25.00", "7.70", "3.30")),
    ]
    for request in carts:
        best = rules.price(request)
        totals = [
            other.total
            for size in range(len(ids) + 1)
            for combo in itertools.combinations(ids, size)
            if (other := rules.price_combination(request, combo)) is not None
        ]
        assert best.total == min(totals), (best.total, min(totals))


def _priced(text: str, lines: list[dict[str, object]]) -> tuple[promokit.RuleSet, promokit.CheckoutRequest]:
    rules = promokit.loads(text)
    request = promokit.CheckoutRequest.model_validate({"at": "2025-06-01T00:00:00Z", "lines": lines})
    return rules, request


def test_a_stacked_percentage_does_not_pull_a_buy_one_get_one_onto_a_cheaper_line() -> None:
    # Found by the best-deal property: with both on every line, "buy 1 get 1 free" gave away
    # the APPLE (12.50) instead of a DURIAN (99.90); the line choices now include each alone.
    rules, request = _priced(
        """currency CNY
promotion p-a {
  buy 1 get 1 free
  stack group stk
}
promotion p-d {
  9.9折
  stack group stk
}
""",
        [
            {"id": "L1", "sku": "DURIAN", "unit_price": "99.90", "quantity": 2},
            {"id": "L2", "sku": "APPLE", "unit_price": "12.50", "quantity": 1},
        ],
    )
    chosen = rules.price(request)
    for ids in ({"p-a"}, {"p-d"}, {"p-a", "p-d"}):
        other = rules.price_combination(request, ids)
        assert other is None or chosen.discount >= other.discount
    assert chosen.discount >= Decimal("99.90")
