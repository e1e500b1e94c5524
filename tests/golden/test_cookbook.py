"""docs/cookbook.md stays true: every recipe's rule and request price to the totals it shows."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from promokit.check.frontend import parse_text
from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest

COOKBOOK = Path(__file__).resolve().parents[2] / "docs" / "cookbook.md"
SECTION = re.compile(
    r"^## (?P<title>.+?)\n.*?```(?:promo)?\n(?P<rules>.*?)```.*?```json\n(?P<request>.*?)```\n.*?"
    r"- subtotal (?P<subtotal>[\d.]+), discount (?P<discount>[\d.]+), shipping (?P<shipping>[\d.]+), "
    r"\*\*total (?P<total>[\d.]+)\*\*(?P<rest>.*?)(?=^## |\Z)",
    re.S | re.M,
)
RECIPES = list(SECTION.finditer(COOKBOOK.read_text(encoding="utf-8")))


def test_the_cookbook_has_a_recipe_per_promotion_type() -> None:
    assert len(RECIPES) >= 20


@pytest.mark.parametrize("recipe", RECIPES, ids=[m["title"] for m in RECIPES])
def test_recipe_prices_to_the_outcome_it_shows(recipe: re.Match[str]) -> None:
    rules = RuleSet(
        parse_text("timezone Asia/Shanghai\ncurrency CNY\n" + recipe["rules"], name="recipe.promo")
    )
    result = rules.price(CheckoutRequest.model_validate(json.loads(recipe["request"])))
    shown = tuple(Decimal(recipe[k]) for k in ("subtotal", "discount", "shipping", "total"))
    assert (result.subtotal, result.discount, result.shipping, result.total) == shown
    for line in result.lines:
        for adj in line.adjustments:
            assert f"`{adj.promotion}` −{adj.amount} on {adj.units} unit" in recipe["rest"]
    for gift in result.gifts:
        assert f"gift: {gift.sku} × {gift.quantity} from `{gift.promotion}`" in recipe["rest"]
    for ship in result.shipping_lines:  # requests with a list of shipping lines
        shown = f"shipping line `{ship.id}` ({ship.method}): {ship.amount} → {ship.total}"
        assert shown in recipe["rest"], shown
        for adj in ship.adjustments:
            assert f"`{adj.promotion}` −{adj.amount}" in recipe["rest"]
