"""Results built without validating again (`results.trusted`) are the ones validation builds.

`build_result` makes its models from values it computed itself and does not validate them a
second time. These tests rebuild every model of real results through validation, from the
same fields, and ask for the same thing in every respect a caller can see: field order
(the JSON's key order), each value and its type, the fields set, equality and the JSON.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from promokit.check.frontend import parse_paths
from promokit.engine.actions.cart import Cart
from promokit.engine.explain import rounder
from promokit.engine.ruleset import RuleSet
from promokit.language import ast
from promokit.models import Adjustment, CheckoutRequest, LineResult, PricingResult
from promokit.money import Currency, Rounding, currency
from promokit.results import trusted
from strategies import compile_rules, describe, pricing_cases

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: Each example's rules and the requests priced against them.
CASES = [
    ("fresh-market", "fresh-market/requests"),
    ("django-shop/rules", "django-shop/requests"),
    ("fastapi-shop/rules", "fastapi-shop/requests"),
    ("invoice-shop/rules", "invoice-shop/requests"),
    ("shipping", "shipping/requests"),
]


def _typed(value: Any) -> Any:
    """A value with the type of every part spelled out (Decimal("1") == 1, True == 1)."""
    if isinstance(value, BaseModel):
        return (type(value), [(k, _typed(v)) for k, v in value.__dict__.items()])
    if isinstance(value, tuple | list):
        return (type(value), [_typed(v) for v in value])
    if isinstance(value, Decimal):
        return (Decimal, str(value))  # the scale too: "1.0" is not "1.00" in the JSON
    return (type(value), value)


def assert_as_validated(model: BaseModel) -> int:
    """`model` equals, in every respect, the model validation builds from the same fields;
    the same for every model inside it. Returns how many models were compared."""
    given_fields = {k: model.__dict__[k] for k in model.model_fields_set}
    validated = type(model)(**given_fields)
    assert list(model.__dict__) == list(validated.__dict__)
    assert _typed(model) == _typed(validated)
    assert model.model_fields_set == validated.model_fields_set
    assert model == validated
    assert model.model_dump_json() == validated.model_dump_json()
    count = 1
    for value in model.__dict__.values():
        items = value if isinstance(value, tuple) else (value,)
        count += sum(assert_as_validated(v) for v in items if isinstance(v, BaseModel))
    return count


def _requests() -> list[tuple[str, Path]]:
    return [
        (rules, path) for rules, requests in CASES for path in sorted((EXAMPLES / requests).glob("*.json"))
    ]


@pytest.fixture(scope="module")
def rule_sets() -> dict[str, RuleSet]:
    return {rules: RuleSet(parse_paths([EXAMPLES / rules])) for rules, _ in CASES}


@pytest.mark.parametrize(("rules", "path"), _requests(), ids=lambda x: getattr(x, "stem", x))
def test_every_example_result_is_the_validated_one(
    rule_sets: dict[str, RuleSet], rules: str, path: Path
) -> None:
    request = CheckoutRequest.model_validate_json(path.read_text(encoding="utf-8"))
    for result in (
        rule_sets[rules].price(request),
        rule_sets[rules].price(request, locale="zh-CN", strategy="greedy"),
        rule_sets[rules].explain(request).result,
    ):
        assert assert_as_validated(result) > len(result.lines)
        assert PricingResult.model_validate(result.model_dump()) == result
        assert PricingResult.model_validate_json(result.model_dump_json()) == result


@settings(max_examples=150, deadline=None)
@given(pricing_cases())
def test_generated_results_are_the_validated_ones(case: tuple[ast.RuleFile, CheckoutRequest]) -> None:
    rule_file, request = case
    note(describe(rule_file, request))
    result = compile_rules(rule_file).price(request)
    assert_as_validated(result)


def test_an_unknown_or_missing_field_is_refused_as_validation_refuses_it() -> None:
    with pytest.raises(ValidationError):
        trusted(Adjustment, {"promotion": "p", "units": 1, "amount": Decimal("1.00"), "colour": "red"})
    with pytest.raises(ValidationError):
        trusted(Adjustment, {"promotion": "p", "units": 1})


def test_defaults_fill_in_and_stay_unset() -> None:
    line = trusted(
        LineResult,
        {
            "id": "a",
            "sku": "S",
            "quantity": 2,
            "unit_price": Decimal("1.50"),
            "subtotal": Decimal("3.00"),
            "discount": Decimal("0.00"),
            "total": Decimal("3.00"),
        },
    )
    assert line.adjustments == () and line.tax is None and line.points == 0
    assert "tax" not in line.model_fields_set
    assert assert_as_validated(line) == 1
    assert line.model_dump_json() == (
        '{"id":"a","sku":"S","quantity":2,"unit_price":"1.50","subtotal":"3.00",'
        '"discount":"0.00","total":"3.00","adjustments":[]}'
    )


def _cart(cur: Currency, rounding: Rounding) -> Cart:
    request = CheckoutRequest.model_validate({"at": "2026-10-02T10:00:00+08:00", "lines": []})
    return Cart(request, (), (), (), cur, rounding, None, {}, {}, ())


@settings(max_examples=300)
@given(
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=4),
    st.sampled_from(list(Rounding)),
    st.sampled_from(["CNY", "JPY"]),
)
def test_rounder_rounds_as_cart_q(amount: Decimal, rounding: Rounding, code: str) -> None:
    cart = _cart(currency(code), rounding)
    got, want = rounder(cart)(amount), cart.q(amount)
    assert (str(got), got.as_tuple()) == (str(want), want.as_tuple())
