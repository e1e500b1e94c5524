"""Lint on composed offers: L001 for a reward at or above its spend threshold, none for units."""

from __future__ import annotations

import datetime as dt

import promokit
from promokit.check.frontend import parse_text
from promokit.lint.linter import lint


def codes(text: str) -> list[str]:
    rules = parse_text(text, name="l.promo")
    return [d.code for d in lint(rules.ast, today=dt.date(2026, 6, 1)) if d.code == "L001"]


def test_a_spend_tier_reward_at_or_above_its_threshold_is_l001() -> None:
    assert codes("promotion p {\n  满3件减10, spend 20 get 30 off\n}\n") == ["L001"]
    assert codes("promotion p {\n  满10减10\n}\n") == ["L001"]


def test_a_units_tier_is_not_measured_in_money() -> None:
    assert codes("promotion p {\n  满3件减100\n}\n") == []


def test_a_rule_with_l001_still_loads_and_prices_at_most_the_spend() -> None:
    rules = promokit.loads("promotion p {\n  满50减60\n}\n", name="r.promo")
    request = promokit.models.CheckoutRequest.model_validate(
        {
            "at": "2026-12-01T12:00:00Z",
            "lines": [{"id": "m", "sku": "MILK", "unit_price": "25.00", "quantity": 2}],
        }
    )
    assert str(rules.price(request).discount) == "50.00"
