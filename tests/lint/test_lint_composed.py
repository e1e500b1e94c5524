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


def test_an_amount_off_at_or_above_its_own_spend_condition_is_l001() -> None:
    assert codes("promotion p {\n  when spend 50\n  立减60\n}\n") == ["L001"]
    assert codes("promotion p {\n  when spend 50\n  立减50\n}\n") == ["L001"]
    assert codes("promotion p {\n  when spend 50\n  立减49\n}\n") == []
    # a condition on another scope measures other goods: the reward is not compared with it
    assert (
        codes('promotion p {\n  on category "bakery"\n  when spend 5 on category "dairy"\n  立减10\n}\n')
        == []
    )


def test_l001_words_say_all_of_or_more_than() -> None:
    rules = parse_text("promotion p {\n  满3件减10, spend 20 get 30 off\n}\n", name="l.promo")
    (found,) = [d for d in lint(rules.ast, today=dt.date(2026, 6, 1)) if d.code == "L001"]
    assert "takes off 30, more than the spend" in found.message


def test_composed_rates_with_and_without_a_catalogue() -> None:
    from decimal import Decimal

    from promokit.lint.actions import worst_rate

    def rate(body: str, catalogue: dict[str, Decimal] | None = None) -> Decimal | None:
        rules = parse_text(f"promotion p {{\n{body}\n}}\n", name="r.promo")
        found = worst_rate(rules.ast.promotions[0], rules.ast.scopes, catalogue)
        return None if found is None else found.rate

    assert rate("满2件9折，满3件8折") == Decimal("0.2")
    assert rate("满50减20") is not None and rate("满50减20") == Decimal("0.4")
    assert rate("when spend 50\n立减10") == Decimal("0.2")
    assert rate("立减10") is None  # depends on unit prices
    assert rate('on sku "A"\n立减10', {"A": Decimal(40)}) == Decimal("0.25")
    assert rate('on sku "A"\nwhen buy 2\n立减10', {"A": Decimal(10)}) == Decimal("0.5")  # 10 off 2 × 10
    assert rate('on sku "A"\n满3件减10', {"A": Decimal(5)}) == Decimal(10) / Decimal(15)
    assert rate("when buy 3\nget 1 free") == Decimal(1) / Decimal(3)
    assert rate("when buy 3\nget 1 free\ndearest first") == Decimal(1)
    assert rate("get 1 free") == Decimal(1)
    assert rate('on sku "A"\nwhen spend 30\nget 1 free', {"A": Decimal(10)}) == Decimal(1) / Decimal(3)
    assert rate("免费") == Decimal(1)
