"""Pricing invariants over generated rule sets and carts (issue 3, "Done when").

Every example prices a small rule set (<= 6 promotions over item, order, coupon, shipping
and points layers, with exclusive groups, stackable pairs and coupons sometimes entered)
against a generated cart, and checks what must hold for *any* rules and cart:

- the money reconciles exactly: total == subtotal - discount + shipping, the line
  discounts sum to the discount, each line's adjustments sum to its discount;
- nothing is negative, and every computed amount is in the currency's minor unit;
- the result does not depend on the order of the lines or of the promotions in the file,
  and pricing the same request twice gives identical JSON.
"""

from __future__ import annotations

import dataclasses
import json
import random
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from promokit import ast
from promokit.models import CheckoutRequest, PricingResult
from promokit.money import currency
from strategies import compile_rules, pricing_cases

EXAMPLES = 2000


def _computed_amounts(result: PricingResult) -> list[tuple[str, Decimal]]:
    """Every money value the engine computed (not the echoed unit prices), with its path."""
    out = [
        ("subtotal", result.subtotal),
        ("discount", result.discount),
        ("shipping_original", result.shipping_original),
        ("shipping_discount", result.shipping_discount),
        ("shipping", result.shipping),
        ("total", result.total),
    ]
    for line in result.lines:
        out += [
            (f"lines[{line.id}].subtotal", line.subtotal),
            (f"lines[{line.id}].discount", line.discount),
            (f"lines[{line.id}].total", line.total),
        ]
        out += [(f"lines[{line.id}].adjustments[{a.promotion}]", a.amount) for a in line.adjustments]
    out += [(f"applied[{a.promotion}].amount", a.amount) for a in result.applied]
    return out


def assert_money_reconciles(request: CheckoutRequest, result: PricingResult) -> None:
    assert result.total == result.subtotal - result.discount + result.shipping, "total does not reconcile"
    assert result.shipping == result.shipping_original - result.shipping_discount, (
        "shipping does not reconcile"
    )
    assert result.subtotal == sum((line.subtotal for line in result.lines), Decimal(0)), (
        "subtotal != sum of lines"
    )
    assert result.discount == sum((line.discount for line in result.lines), Decimal(0)), (
        "line discounts do not sum to the discount"
    )
    by_id = {line.id: line for line in request.lines}
    for line in result.lines:
        assert line.discount == sum((a.amount for a in line.adjustments), Decimal(0)), (
            f"line {line.id}: adjustments do not sum to its discount"
        )
        assert line.total == line.subtotal - line.discount, f"line {line.id}: total does not reconcile"
        if line.id in by_id:  # request lines (gift lines, if any, are priced at zero)
            asked = by_id[line.id]
            assert line.subtotal == asked.unit_price * asked.quantity, f"line {line.id}: subtotal"
            assert line.quantity == asked.quantity, f"line {line.id}: quantity changed"
    assert {line.id for line in request.lines} <= {line.id for line in result.lines}, (
        "a request line is missing"
    )


def assert_nothing_negative(result: PricingResult) -> None:
    for path, amount in _computed_amounts(result):
        assert amount >= 0, f"{path} is negative: {amount}"
    for line in result.lines:
        for adjustment in line.adjustments:
            assert 0 <= adjustment.units <= line.quantity, f"line {line.id}: adjustment units out of range"
    assert result.points_earned >= 0 and result.points_redeemed >= 0, "negative points"


def assert_quantised(result: PricingResult) -> None:
    """Computed amounts carry exactly the currency's decimals ("12.50", never "12.5" or "12.500")."""
    minor = currency(result.currency).minor_unit
    for path, amount in _computed_amounts(result):
        assert amount.as_tuple().exponent == -minor, f"{path} = {amount!s} is not in minor units"
    for item in (*result.not_applied, *result.hints):
        for amount in (getattr(item, "shortfall", None), getattr(item, "unlocks", None)):
            if amount is not None:
                quantum = Decimal(1).scaleb(-minor)
                assert amount == amount.quantize(quantum), (
                    f"{item.promotion}: {amount} is finer than {quantum}"
                )


def canonical(result: PricingResult) -> dict[str, Any]:
    """The result as JSON data with lines (and each promotion's line list) sorted by line id."""
    data: dict[str, Any] = json.loads(result.model_dump_json())
    data["lines"] = sorted(data["lines"], key=lambda line: line["id"])
    for applied in data["applied"]:
        applied["lines"] = sorted(applied["lines"])
    return data


@settings(max_examples=EXAMPLES)
@given(pricing_cases(), st.randoms(use_true_random=False))
def test_every_price_reconciles_is_never_negative_and_ignores_line_and_promotion_order(
    case: tuple[ast.RuleFile, CheckoutRequest], rnd: random.Random
) -> None:
    """One generated case, every invariant: generating cases costs more than pricing them."""
    rule_file, request = case
    rules = compile_rules(rule_file)
    result = rules.price(request)
    assert result.currency == request.currency
    assert_money_reconciles(request, result)
    assert_nothing_negative(result)
    assert_quantised(result)
    assert rules.price(request).model_dump_json() == result.model_dump_json(), "pricing twice differs"

    lines = list(request.lines)
    rnd.shuffle(lines)
    promotions = list(rule_file.promotions)
    rnd.shuffle(promotions)
    shuffled_rules = compile_rules(dataclasses.replace(rule_file, promotions=tuple(promotions)))
    shuffled_request = request.model_copy(update={"lines": tuple(lines)})
    assert canonical(shuffled_rules.price(shuffled_request)) == canonical(result), (
        f"result depends on order: lines {[line.id for line in lines]}, promotions {[p.id for p in promotions]}"
    )
