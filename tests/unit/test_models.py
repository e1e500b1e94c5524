from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest
from pydantic import ValidationError

from promokit.models import (
    MAX_CATEGORIES,
    MAX_CATEGORY_DEPTH,
    MAX_CATEGORY_PATH,
    MAX_LINES,
    MAX_QUANTITY,
    CheckoutRequest,
)


def request(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "currency": "CNY",
        "at": "2026-10-02T10:00:00+08:00",
        "lines": [{"id": "l1", "sku": "APPLE", "unit_price": "12.50", "quantity": 2}],
    }
    base.update(overrides)
    return base


def errors_of(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        CheckoutRequest.model_validate_json(json.dumps(data))
    return str(info.value)


def test_a_valid_request_parses_money_as_exact_decimals() -> None:
    req = CheckoutRequest.model_validate_json(json.dumps(request()))
    assert req.lines[0].unit_price == D("12.50")
    assert req.customer.orders == 0


def test_money_serialises_as_decimal_strings() -> None:
    req = CheckoutRequest.model_validate_json(json.dumps(request()))
    assert json.loads(req.model_dump_json())["lines"][0]["unit_price"] == "12.50"


def test_float_prices_are_refused_with_a_hint() -> None:
    msg = errors_of(request(lines=[{"id": "l1", "sku": "A", "unit_price": 12.5, "quantity": 1}]))
    assert "lines.0.unit_price" in msg and "not a float" in msg


def test_naive_datetimes_are_rejected() -> None:
    assert "at" in errors_of(request(at="2026-10-02T10:00:00"))


@pytest.mark.parametrize("price", ["-1", "abc", "NaN", "Infinity"])
def test_negative_or_non_numeric_prices_are_rejected(price: str) -> None:
    assert "unit_price" in errors_of(
        request(lines=[{"id": "l1", "sku": "A", "unit_price": price, "quantity": 1}])
    )


@pytest.mark.parametrize("quantity", [-1, MAX_QUANTITY + 1])  # 0 is allowed (issue 12)
def test_quantities_outside_the_documented_range_are_rejected(quantity: int) -> None:
    assert "quantity" in errors_of(
        request(lines=[{"id": "l1", "sku": "A", "unit_price": "1", "quantity": quantity}])
    )


def test_unknown_currency_is_rejected_naming_the_known_ones() -> None:
    assert "unknown currency 'XYZ'" in errors_of(request(currency="XYZ"))


def test_duplicate_line_ids_are_rejected() -> None:
    line = {"id": "l1", "sku": "A", "unit_price": "1", "quantity": 1}
    assert "duplicate line id 'l1'" in errors_of(request(lines=[line, line]))


def test_unknown_fields_are_rejected() -> None:
    assert "colour" in errors_of(request(colour="red"))


def test_carts_above_the_line_limit_are_rejected_not_truncated() -> None:
    lines = [{"id": str(i), "sku": "A", "unit_price": "1", "quantity": 1} for i in range(MAX_LINES + 1)]
    assert "lines" in errors_of(request(lines=lines))


def line(**fields: Any) -> list[dict[str, Any]]:
    return [{"id": "l1", "sku": "APPLE", "unit_price": "12.50", "quantity": 1, **fields}]


@pytest.mark.parametrize(
    ("fields", "path", "words"),
    [
        (
            {"categories": [f"c{i}" for i in range(MAX_CATEGORIES + 1)]},
            "lines.0.categories",
            "at most 20 items",
        ),
        (
            {"category": "/".join(["a"] * (MAX_CATEGORY_DEPTH + 1))},
            "lines.0.category",
            "at most 10 are allowed",
        ),
        (
            {"categories": ["fresh", "x" * (MAX_CATEGORY_PATH + 1)]},
            "lines.0.categories.1",
            "at most 200 characters",
        ),
        ({"categories": ["fresh", "fresh//fruit"]}, "lines.0.categories.1", "empty segment"),
    ],
)
def test_category_limits_name_the_field_path(fields: dict[str, Any], path: str, words: str) -> None:
    text = errors_of(request(lines=line(**fields)))
    assert f"\n{path}\n" in text and words in text


def test_categories_at_the_limits_are_accepted() -> None:
    deep = "/".join(["a"] * MAX_CATEGORY_DEPTH)
    extra = [f"c{i}" for i in range(MAX_CATEGORIES - 1)] + ["x" * MAX_CATEGORY_PATH]
    req = CheckoutRequest.model_validate_json(
        json.dumps(request(lines=line(category=deep, categories=extra)))
    )
    assert len(req.lines[0].categories) == MAX_CATEGORIES and deep in req.lines[0].category_paths


def test_prices_with_more_decimals_than_the_currency_are_rejected() -> None:
    msg = errors_of(
        request(currency="JPY", lines=[{"id": "l1", "sku": "A", "unit_price": "1.5", "quantity": 1}])
    )
    assert "more decimals than JPY allows" in msg


def test_requests_are_frozen() -> None:
    req = CheckoutRequest.model_validate_json(json.dumps(request()))
    with pytest.raises(ValidationError):
        req.currency = "USD"  # type: ignore[misc]
