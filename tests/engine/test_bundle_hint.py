"""A bundle hint is true: adding the units it asks for makes the bundle save (docs/semantics.md#hints).

Regression (found by tests/properties/test_hints_keep_their_promise.py): drinks at 0.01 and
3.34 under 10元任选3件 were told "add 1 more unit", but 0.01 + 3.34 + 3.34 = 6.69 < 10.00.
"""

from __future__ import annotations

from helpers import cart, line, load

RULES = load('promotion bundle "饮料10元任选3件" {\n  on category "drinks"\n  10元任选3件\n}\n')


def test_no_hint_when_the_bundle_would_still_cost_more_than_its_units() -> None:
    result = RULES.price(cart(line("a", "0.01", 1, "drinks"), line("b", "3.34", 1, "drinks")))
    assert [h.promotion for h in result.hints] == []


def test_a_hint_when_one_more_dear_unit_makes_the_bundle_save() -> None:
    result = RULES.price(cart(line("a", "3.34", 2, "drinks")))
    assert [(h.promotion, h.units) for h in result.hints] == [("bundle", 1)]
