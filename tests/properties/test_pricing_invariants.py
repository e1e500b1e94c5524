"""Pricing invariants over generated rule sets and carts (issue 3, "Done when").

Every example prices a small rule set (<= 6 promotions over item, order, coupon, shipping
and points layers, with exclusive groups, stackable pairs and coupons sometimes entered)
against a generated cart, and checks what must hold for *any* rules and cart:

- the money reconciles exactly: total == subtotal - discount + shipping, the line
  discounts sum to the discount, each line's adjustments sum to its discount;
- nothing is negative, and every computed amount is in the currency's minor unit;
- every promotion whose scope touches the cart gets an outcome (applied or a reason);
- each promotion is applied at most once and is not also reported as not applied; line
  adjustments and gifts come from applied promotions; applied amounts add up to the goods
  and shipping discounts;
- the result does not depend on the order of the lines or of the promotions in the file,
  and pricing the same request twice gives identical JSON.
"""

from __future__ import annotations

import dataclasses
import random

from hypothesis import given, note, settings
from hypothesis import strategies as st
from pricing_invariants import (
    assert_every_concerned_promotion_has_an_outcome,
    assert_money_reconciles,
    assert_nothing_negative,
    assert_outcomes_are_consistent,
    assert_quantised,
    canonical,
)

from promokit.language import ast
from promokit.models import CheckoutRequest
from strategies import compile_rules, describe, examples, pricing_cases

EXAMPLES = examples(800, 2000)  # `strategies.budget`: full count in .ci/run


@settings(max_examples=EXAMPLES)
@given(pricing_cases(), st.randoms(use_true_random=False))
def test_every_price_reconciles_is_never_negative_and_ignores_line_and_promotion_order(
    case: tuple[ast.RuleFile, CheckoutRequest], rnd: random.Random
) -> None:
    """One generated case, every invariant: generating cases costs more than pricing them."""
    rule_file, request = case
    note(describe(rule_file, request))
    rules = compile_rules(rule_file)
    result = rules.price(request)
    assert result.currency == request.currency
    assert_money_reconciles(request, result)
    assert_nothing_negative(result)
    assert_quantised(result)
    assert_outcomes_are_consistent(rule_file, result)
    assert_every_concerned_promotion_has_an_outcome(rule_file, request, result)
    assert rules.price(request).model_dump_json() == result.model_dump_json(), "pricing twice differs"

    lines = list(request.lines)
    rnd.shuffle(lines)
    promotions = list(rule_file.promotions)
    rnd.shuffle(promotions)
    shuffled_rules = compile_rules(dataclasses.replace(rule_file, promotions=tuple(promotions)))
    shipping = request.shipping
    if isinstance(shipping, tuple):  # shipping lines: their order does not matter either
        shipping = tuple(rnd.sample(shipping, len(shipping)))
    shuffled_request = request.model_copy(update={"lines": tuple(lines), "shipping": shipping})
    assert canonical(shuffled_rules.price(shuffled_request)) == canonical(result), (
        f"result depends on order: lines {[line.id for line in lines]}, promotions {[p.id for p in promotions]}"
    )
