"""docs/cookbook.md stays true: every recipe's rule and request price to the totals it shows."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from promokit.check.frontend import parse_text
from promokit.engine.explain_text import format_rate
from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest, PricingResult

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


def _rules(text: str) -> RuleSet:
    """A recipe's rules with the settings the cookbook leaves out (a recipe may set its currency)."""
    head = "timezone Asia/Shanghai\n" + ("" if re.search(r"^currency ", text, re.M) else "currency CNY\n")
    return RuleSet(parse_text(head + text, name="recipe.promo"))


@pytest.mark.parametrize("recipe", RECIPES, ids=[m["title"] for m in RECIPES])
def test_recipe_prices_to_the_outcome_it_shows(recipe: re.Match[str]) -> None:
    rules = _rules(recipe["rules"])
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
    _check_tax(result, recipe["rest"])


def _check_tax(result: PricingResult, rest: str) -> None:
    """Recipes with tax (docs/semantics.md#tax) show the totals, each line's figures and by rate."""
    tax = result.tax
    if tax is None:
        assert "tax (prices" not in rest
        return
    basis = "include" if tax.prices_include_tax else "exclude"
    assert f"tax (prices {basis} tax): net {tax.net}, tax {tax.tax}, **gross {tax.gross}**" in rest
    for line in result.lines:
        shown = f"net {line.net}, tax {line.tax} at {format_rate(line.tax_rate)}, gross {line.gross}"
        assert f"line `{line.id}`" in rest and shown in rest.split(f"line `{line.id}`")[1].splitlines()[0]
    if tax.shipping_gross:
        assert f"net {tax.shipping_net}, tax {tax.shipping_tax} at {format_rate(tax.shipping_rate)}" in rest
    for row in tax.by_rate:
        assert f"by rate {format_rate(row.rate)}: net {row.net}, tax {row.tax}, gross {row.gross}" in rest


TAX_RECIPES = [m for m in RECIPES if "tax (prices" in m["rest"]]


def test_there_are_tax_recipes() -> None:
    assert len(TAX_RECIPES) >= 3


@pytest.mark.parametrize("recipe", TAX_RECIPES, ids=[m["title"] for m in TAX_RECIPES])
def test_a_tax_recipe_reads_the_same_in_both_notations(recipe: re.Match[str]) -> None:
    request = CheckoutRequest.model_validate(json.loads(recipe["request"]))
    shown = _rules(recipe["rules"]).price(request).model_dump(exclude={"rules_version"})
    blocks = re.findall(r"```promo\n(.*?)```", recipe["rest"], re.S)
    for other in blocks:
        assert _rules(other).price(request).model_dump(exclude={"rules_version"}) == shown
