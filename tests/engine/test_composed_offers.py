"""Composed offers priced (issue 9): unit caps at every layer, applications per order, per-line
caps, unit choice, conditions on other scopes and after item discounts, category trees.

Every expected amount is worked by hand beside it (docs/semantics.md#composed-offers).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import promokit
from promokit.models import CheckoutRequest, Line, PricingResult

D = Decimal


def price(rules: str, *lines: tuple[str, str, str, int], **line_extra: object) -> PricingResult:
    ruleset = promokit.loads(rules, name="t.promo")
    request = CheckoutRequest(
        at=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC),
        lines=tuple(
            Line(id=f"l{n}", sku=sku, category=category, unit_price=D(unit), quantity=q)
            for n, (sku, category, unit, q) in enumerate(lines, start=1)
        ),
    )
    return ruleset.price(request)


def by_line(result: PricingResult) -> dict[str, Decimal]:
    return {line.sku: line.discount for line in result.lines}


def test_a_unit_limit_per_order_caps_an_order_level_tier() -> None:
    # the defect: `每单限2件` used to be ignored on 满减. 满20减15 over BREAD×3 (30) + TEA×1 (30),
    # at most 2 units, dearest first: TEA (30) and one BREAD (10) carry it: 11.25 / 3.75.
    rules = "promotion p {\n  满20减15\n  每单限2件\n}\n"
    result = price(rules, ("BREAD", "bakery", "10.00", 3), ("TEA", "drinks", "30.00", 1))
    assert result.discount == D("15.00")
    assert by_line(result) == {"BREAD": D("3.75"), "TEA": D("11.25")}
    (bread,) = [line for line in result.lines if line.sku == "BREAD"]
    assert bread.adjustments[0].units == 1


def test_a_unit_limit_caps_what_an_order_level_amount_can_reach() -> None:
    # 立减50 on at most 1 unit, cheapest first: only one BREAD (10.00) is covered
    rules = "promotion p {\n  立减50\n  limit 1 units per order\n  cheapest first\n}\n"
    result = price(rules, ("BREAD", "bakery", "10.00", 3), ("TEA", "drinks", "30.00", 1))
    assert result.discount == D("10.00") and by_line(result) == {"BREAD": D("10.00"), "TEA": D("0.00")}


def test_applications_per_order_cap_a_bundle() -> None:
    # 3 for 10 on six 5.00 units would make two bundles (2 x 5.00 saved); 每单限1次 allows one
    rules = 'promotion p {\n  on sku "A"\n  3 for 10\n  每单限1次\n}\n'
    assert price(rules, ("A", "x", "5.00", 6)).discount == D("5.00")
    assert price(rules.replace("  每单限1次\n", ""), ("A", "x", "5.00", 6)).discount == D("10.00")


def test_applications_per_order_cap_buy_n_get_m() -> None:
    rules = 'promotion p {\n  on sku "A"\n  买1赠1\n  limit 1 per order\n}\n'
    assert price(rules, ("A", "x", "5.00", 6)).discount == D("5.00")  # one free, not three


def test_a_per_line_cap_on_a_percentage() -> None:
    # 50% off, at most 1 unit per line: 50% of one A (4.00) and one B (3.00)
    rules = "promotion p {\n  50% off\n  每行限1件\n}\n"
    result = price(rules, ("A", "x", "8.00", 3), ("B", "x", "6.00", 2))
    assert by_line(result) == {"A": D("4.00"), "B": D("3.00")}


def test_dearest_first_on_free_units() -> None:
    rules = 'promotion p {\n  on category "snacks"\n  赠1件\n  高价优先\n}\n'
    result = price(rules, ("SNACK-A", "snacks", "12.00", 1), ("SNACK-C", "snacks", "9.00", 1))
    assert by_line(result) == {"SNACK-A": D("12.00"), "SNACK-C": D("0.00")}


def test_a_repeating_condition_is_capped() -> None:
    # one CUP per 2 TEA, at most 2 times: TEA×6 would give 3
    rules = 'promotion p {\n  on sku "CUP"\n  when buy 2 on sku "TEA" repeat up to 2\n  get 1 free\n}\n'
    assert price(rules, ("TEA", "drinks", "30.00", 6), ("CUP", "ware", "15.00", 5)).discount == D("30.00")


def test_a_distinct_sku_condition() -> None:
    rules = 'promotion p {\n  on category "snacks"\n  条件 买3种\n  立减5\n}\n'
    three = price(
        rules,
        ("SNACK-A", "snacks", "12.00", 1),
        ("SNACK-B", "snacks", "11.00", 1),
        ("SNACK-C", "snacks", "9.00", 1),
    )
    two = price(rules, ("SNACK-A", "snacks", "12.00", 2), ("SNACK-B", "snacks", "11.00", 1))
    assert three.discount == D("5.00") and two.discount == D("0.00")
    (miss,) = two.not_applied
    assert miss.reason == "threshold"


def test_an_order_level_condition_is_measured_after_item_discounts() -> None:
    # 50% off dairy (item) leaves MILK×2 at 25.00: `when spend 50 on dairy` is not reached
    # for the order-level 立减10, unless it measures on original prices
    rules = (
        'promotion half {\n  on category "dairy"\n  50% off\n}\n'
        'promotion ten {\n  when spend 50 on category "dairy"\n  立减10\n}\n'
    )
    assert price(rules, ("MILK", "dairy", "25.00", 2)).discount == D("25.00")
    original = rules.replace("  立减10\n", "  立减10\n  threshold on original prices\n")
    assert price(original, ("MILK", "dairy", "25.00", 2)).discount == D("35.00")


def test_a_line_in_several_categories_and_old_requests() -> None:
    ruleset = promokit.loads('promotion p {\n  on category "fresh"\n  10% off\n}\n', name="t.promo")
    request = CheckoutRequest.model_validate(
        {
            "at": "2026-12-01T12:00:00Z",
            "lines": [
                {
                    "id": "a",
                    "sku": "APPLE",
                    "category": "fruit",
                    "categories": ["fresh"],
                    "unit_price": "10.00",
                    "quantity": 1,
                },
                {"id": "b", "sku": "RICE", "category": "grain", "unit_price": "10.00", "quantity": 1},
                {"id": "c", "sku": "KALE", "category": "fresh/veg", "unit_price": "10.00", "quantity": 1},
                {"id": "d", "sku": "FISH", "category": "freshwater", "unit_price": "10.00", "quantity": 1},
            ],
        }
    )
    result = ruleset.price(request)
    assert {line.sku: line.discount for line in result.lines} == {
        "APPLE": D("1.00"),
        "RICE": D("0.00"),
        "KALE": D("1.00"),
        "FISH": D("0.00"),  # `freshwater` is not under `fresh`
    }


def test_a_condition_on_another_scope_hints_at_that_scope() -> None:
    rules = 'promotion p {\n  on category "bakery"\n  when spend 50 on category "dairy"\n  20% off\n}\n'
    result = price(rules, ("MILK", "dairy", "25.00", 1), ("BREAD", "bakery", "10.00", 3))
    (miss,) = result.not_applied
    assert miss.reason == "threshold" and miss.shortfall == D("25.00")
    assert "¥25.00 of dairy" in miss.detail
    (hint,) = result.hints
    assert hint.message == "add ¥25.00 of dairy to get 20% off"
    units = 'promotion p {\n  on sku "CUP"\n  when buy 2 on sku "TEA"\n  get 1 free\n}\n'
    (hint,) = price(units, ("TEA", "drinks", "30.00", 1), ("CUP", "ware", "15.00", 1)).hints
    assert hint.message == "add 1 more unit of TEA: 1 free unit of CUP"
