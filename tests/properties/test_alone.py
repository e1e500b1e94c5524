"""A promotion priced alone takes a shortcut through `evaluate` (`evaluate._alone`).

The search prices every candidate on its own (bounds, the greedy pass), so a combination of
one skips the steps only a combination needs: rank order, the validity test, parts, contested
lines. The shortcut must give the same `Evaluation`, field for field and in the same order,
as pricing the combination of one in one piece (`evaluate._whole`), for every kind of
benefit, stacking groups, conditions on other scopes, unit caps, budgets, an order cap,
shipping and points. Each side gets its own cart, so that no memo is shared between them.
"""

from __future__ import annotations

import decimal

from hypothesis import given, note, settings
from test_parts import category_carts, category_rules

from promokit.check.frontend import parse_text
from promokit.compile.compiler import CompiledPromotion
from promokit.engine import evaluate as E
from promokit.engine.actions.cart import Cart
from promokit.engine.actions.eligibility import prepare
from promokit.engine.line_choices import line_choices
from promokit.engine.ruleset import RuleSet
from promokit.language import ast
from promokit.models import CheckoutRequest
from promokit.money import PRICING_CONTEXT
from strategies import compile_rules, describe, full_pricing_cases, pricing_cases


def _general(cart: Cart, p: CompiledPromotion) -> E.Evaluation:
    choices = line_choices(cart, [p] if p.layer is ast.Layer.ITEM else [])
    count = 1
    for options in choices.values():
        count *= len(options)
    return E._whole(cart, [p], choices, count > E.MAX_ASSIGNMENTS)


def _check(rules: RuleSet, request: CheckoutRequest) -> int:
    """Every candidate alone, both ways; returns how many were compared."""
    with decimal.localcontext(PRICING_CONTEXT):
        one = prepare(rules._compiled, request)
        other = prepare(rules._compiled, request)
        for p in one.candidates:
            fast = E.evaluate(one.cart, [p])
            slow = _general(other.cart, other.cart.promotions[p.id])
            assert fast is not None
            assert list(fast.effects.items()) == list(slow.effects.items())
            assert list(fast.misses.items()) == list(slow.misses.items())
            assert list(fast.assignment.items()) == list(slow.assignment.items())
            assert list(fast.before.items()) == list(slow.before.items())
            assert str(fast.saving) == str(slow.saving)
            assert fast == slow
        return len(one.candidates)


@settings(max_examples=120, deadline=None)
@given(pricing_cases(max_promotions=6, max_lines=5, max_quantity=3))
def test_a_promotion_alone_is_priced_as_a_combination_of_one(
    case: tuple[ast.RuleFile, CheckoutRequest],
) -> None:
    rule_file, request = case
    note(describe(rule_file, request))
    _check(compile_rules(rule_file), request)


@settings(max_examples=60, deadline=None)
@given(full_pricing_cases())
def test_every_construct_alone_is_priced_as_a_combination_of_one(
    case: tuple[ast.RuleFile, CheckoutRequest],
) -> None:
    rule_file, request = case
    note(describe(rule_file, request))
    _check(compile_rules(rule_file), request)


@settings(max_examples=60, deadline=None)
@given(category_rules(), category_carts())
def test_overlapping_offers_alone_are_priced_as_combinations_of_one(
    text: str, request: CheckoutRequest
) -> None:
    note(text)
    _check(RuleSet(parse_text(text, name="alone.promo")), request)


def test_the_shortcut_is_taken_for_each_layer() -> None:
    text = """timezone Asia/Shanghai
promotion a {\n  on category "c0"\n  10% off\n}
promotion b {\n  spend 10 get 2 off\n}
promotion c {\n  free shipping over 10\n}
promotion d {\n  earn 1 point per 1\n}
"""
    request = CheckoutRequest.model_validate(
        {
            "at": "2026-06-01T10:00:00+08:00",
            "shipping": "6.00",
            "lines": [{"id": "l0", "sku": "S0", "category": "c0", "unit_price": "20.00", "quantity": 2}],
        }
    )
    assert _check(RuleSet(parse_text(text, name="alone.promo")), request) == 4
