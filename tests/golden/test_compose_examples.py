"""The pinned table of issue 9: every file of examples/compose prices its carts to these discounts.

Catalogue (docs/cookbook.md#composed-offers): TEA drinks 30.00, CUP ware 15.00, SNACK-A/B/C
snacks 12.00/11.00/9.00, MILK dairy 25.00, BREAD bakery 10.00, APPLE `fresh/fruit` 12.50.
CNY, half-up. Each expected discount is worked by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from promokit.check.frontend import parse_paths
from promokit.engine.ruleset import RuleSet
from promokit.lint.linter import lint
from promokit.models import CheckoutRequest, Line

ROOT = Path(__file__).resolve().parents[2] / "examples" / "compose"

CATALOGUE = {
    "TEA": ("drinks", "30.00"),
    "CUP": ("ware", "15.00"),
    "SNACK-A": ("snacks", "12.00"),
    "SNACK-B": ("snacks", "11.00"),
    "SNACK-C": ("snacks", "9.00"),
    "MILK": ("dairy", "25.00"),
    "BREAD": ("bakery", "10.00"),
    "APPLE": ("fresh/fruit", "12.50"),
}

# (file, cart as {sku: quantity}, discount)
TABLE = [
    ("amount-off", {"MILK": 1}, "10.00"),  # 立减10
    ("amount-off", {"SNACK-C": 1}, "9.00"),  # at most what the order has
    ("count-threshold", {"SNACK-A": 2, "SNACK-B": 1}, "7.00"),  # 3 units: 35 x 20%
    ("count-threshold", {"SNACK-A": 2}, "0.00"),  # 2 units: below 满3件
    ("tiered-percent", {"MILK": 6}, "15.00"),  # 150 reaches 满100: 10%
    ("tiered-percent", {"MILK": 10}, "50.00"),  # 250 reaches 满200: 20%
    ("buy-a-get-b", {"TEA": 2, "CUP": 2}, "15.00"),  # one application: one CUP
    ("buy-a-get-b", {"TEA": 4, "CUP": 3}, "30.00"),  # two applications: two CUPs
    ("buy-a-get-b", {"TEA": 1, "CUP": 1}, "0.00"),  # one TEA: not reached
    ("cross-scope", {"MILK": 2, "BREAD": 3}, "6.00"),  # dairy 50: 20% of bakery 30
    ("cross-scope", {"MILK": 1, "BREAD": 3}, "0.00"),  # dairy 25: not reached
    ("order-unit-cap", {"BREAD": 3, "TEA": 1}, "8.00"),  # 60 >= 50; TEA 30 + BREAD 10, 20%
    ("spend-cheapest-free", {"SNACK-A": 2, "SNACK-C": 1}, "9.00"),  # snacks 33 >= 30: SNACK-C free
    ("spend-cheapest-free", {"SNACK-A": 2}, "0.00"),  # snacks 24: not reached
    ("free-unit", {"BREAD": 3}, "10.00"),  # one unit at 0
    ("reward-equals-threshold", {"BREAD": 1}, "10.00"),  # 满10减10
    ("reward-above-threshold", {"MILK": 2}, "50.00"),  # 满50减60: at most the spend, 50
    ("stack-group", {"MILK": 2}, "7.25"),  # 10% (5.00) then 5% of 45 (2.25) beats 12% (6.00)
    ("category-tree", {"APPLE": 2}, "2.50"),  # fresh/fruit is in fresh: 10% of 25
    ("category-tree", {"BREAD": 1}, "0.00"),  # bakery is not
]

FILES = sorted(p.stem for p in ROOT.glob("*.promo"))


def request(cart: dict[str, int]) -> CheckoutRequest:
    lines = tuple(
        Line(
            id=f"l{n}",
            sku=sku,
            category=CATALOGUE[sku][0],
            unit_price=Decimal(CATALOGUE[sku][1]),
            quantity=quantity,
        )
        for n, (sku, quantity) in enumerate(cart.items(), start=1)
    )
    return CheckoutRequest(at=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), lines=lines)


def test_the_folder_holds_exactly_the_pinned_files() -> None:
    assert FILES == sorted({name for name, _, _ in TABLE})
    assert len(FILES) == 12


@pytest.mark.parametrize(
    ("name", "cart", "discount"),
    TABLE,
    ids=[f"{n}-{'+'.join(f'{k}x{v}' for k, v in c.items())}" for n, c, _ in TABLE],
)
def test_each_file_prices_its_carts(name: str, cart: dict[str, int], discount: str) -> None:
    rules = RuleSet(parse_paths([ROOT / f"{name}.promo"]))
    result = rules.price(request(cart))
    assert result.discount == Decimal(discount)
    assert result.total == result.subtotal - result.discount + result.shipping
    assert sum((line.discount for line in result.lines), Decimal(0)) == result.discount


def test_a_reward_above_its_threshold_loads_with_lint_l001() -> None:
    rules = parse_paths([ROOT / "reward-above-threshold.promo"])
    assert "L001" in [d.code for d in lint(rules.ast)]
