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
