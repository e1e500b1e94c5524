"""Points-priced lines (`points_price`) come back quantised like every other line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from promokit.loader import loads
from promokit.models import CheckoutRequest

RULES = loads('currency CNY\npromotion fruit "水果9折" {\n  on category "fruit"\n  10% off\n}\n')


@pytest.mark.parametrize(
    ("given", "shown"), [("0", "0.00"), ("5", "5.00"), ("9.9", "9.90"), ("9.90", "9.90")]
)
def test_a_points_priced_line_has_its_unit_price_in_minor_units(given: str, shown: str) -> None:
    request = CheckoutRequest.model_validate(
        {
            "at": "2026-11-22T10:00:00+08:00",
            "customer": {"id": "c1", "points": 1000},
            "lines": [
                {"id": "a", "sku": "APPLE", "category": "fruit", "unit_price": "10", "quantity": 1},
                {"id": "m", "sku": "MUG", "unit_price": given, "quantity": 2, "points_price": 300},
            ],
        }
    )
    result = RULES.price(request)
    apple, mug = result.lines
    assert mug.unit_price == Decimal(given) and str(mug.unit_price) == shown
    assert mug.unit_price.as_tuple().exponent == apple.unit_price.as_tuple().exponent == -2
    assert result.model_dump(mode="json")["lines"][1]["unit_price"] == shown
    assert mug.points == 600 and result.points_priced == 600
    assert mug.subtotal == mug.total == Decimal(given) * 2
