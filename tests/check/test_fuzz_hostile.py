"""Fuzzing with the hostile values of issue 15 (items 8 and 9), bounded by example counts.

Rule texts are built from templates filled with values at the edges: dates at the ends of
the calendar, huge and over-precise numbers, surrogate and out-of-range escapes, mixed-width
and other scripts' digits, deep chains of segments. Requests get the same treatment plus
deeply nested JSON and hostile coupon codes. Only `RuleError` may come out of loading, only
a validation error out of a request, and whatever loads and validates must price without
raising anything else.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from promokit.language.diagnostics import PromokitError, RuleError
from promokit.loader import loads
from promokit.models import CheckoutRequest

from .test_fuzz import check_diagnostics

EDGE_DATES = [
    "9999-12-31",
    "9998-12-31",
    "0001-01-01",
    "1900-01-01",
    "2026-02-29",
    "2028-02-29",
    "9999-01-01",
]
HUGE_NUMBERS = [
    "9" * 33,
    "9" * 17,
    "10000000000000",
    "10000000000001",
    "0." + "0" * 30 + "1",
    "1" + "0" * 27 + ".01",
    str(2**53 + 1),
    str(2**63),
    "0",
]
ESCAPES = ["\\u{D800}", "\\u{DFFF}", "\\u{110000}", "\\u{10FFFF}", "\\u{0}", "\\u{202E}", "\\u{FEFF}", "\\q"]
WIDE_DIGITS = ["１２", "٣", "१०", "1_000", "１0", "½"]

TEMPLATES = [
    'promotion a "A" {{\n  during 2026-01-01 to {date}\n  9折\n}}\n',
    'promotion a "A" {{\n  during {date} to 2026-01-01\n  9折\n}}\n',
    'promotion a "A" {{\n  满{num}减10\n}}\n',
    'promotion a "A" {{\n  每满100减{num}\n}}\n',
    'promotion a "A" {{\n  特价 {num}\n}}\n',
    'promotion a "A" {{\n  9折\n  stock {num}\n}}\n',
    'promotion a "A" {{\n  9折\n  budget {num}\n}}\n',
    'promotion a "A" {{\n  9折\n  limit {num} per customer\n}}\n',
    'promotion a "A{esc}" {{\n  9折\n}}\n',
    'coupon c "C" {{\n  codes "V{esc}-*"\n  single use\n  spend 10 get 1 off\n}}\n',
    'promotion a "A" {{\n  满{wide}减1\n}}\n',
    'segment s = level >= {num}\npromotion a "A" {{\n  for s\n  9折\n}}\n',
]


def chain(depth: int) -> str:
    lines = ["segment s0 = level >= 1", *(f"segment s{i} = s{i - 1}" for i in range(1, depth))]
    return "\n".join(lines) + f'\npromotion a "A" {{\n  for s{depth - 1}\n  9折\n}}\n'


CART = {
    "at": "2026-10-02T10:00:00+08:00",
    "customer": {"id": "c1", "level": 3, "points": 1000},
    "coupons": ["V-1"],
    "lines": [{"id": "l1", "sku": "A", "unit_price": "150.00", "quantity": 2}],
}


def load_and_price(text: str) -> None:
    try:
        rules = loads(text, name="hostile.promo")
    except RuleError as exc:
        assert exc.diagnostics
        check_diagnostics(exc.diagnostics, text, "hostile.promo")
        return
    result = rules.price(CheckoutRequest.model_validate(CART))
    assert result.total >= 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    template=st.sampled_from(TEMPLATES),
    date=st.sampled_from(EDGE_DATES),
    num=st.sampled_from(HUGE_NUMBERS),
    esc=st.sampled_from(ESCAPES),
    wide=st.sampled_from(WIDE_DIGITS),
)
def test_hostile_rule_values_give_diagnostics_or_price(
    template: str, date: str, num: str, esc: str, wide: str
) -> None:
    load_and_price(template.format(date=date, num=num, esc=esc, wide=wide))


@settings(max_examples=8, deadline=None)
@given(st.sampled_from([2, 49, 50, 51, 300, 1200]))
def test_segment_chains_of_any_depth_give_diagnostics_or_price(depth: int) -> None:
    load_and_price(chain(depth))


def _deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


REQUEST_VALUES = st.one_of(
    st.sampled_from(
        [
            "9999-12-31T23:59:59+14:00",
            "9999-12-31T23:59:59-10:00",
            "0001-01-01T00:00:00-10:00",
            "0001-01-01T00:00:00+14:00",
            "9998-12-31T00:00:00+00:00",
            "１２",
            "٣",
            "1_000",
            " 12.50 ",
            "1e3",
            "9" * 33,
            "\ud800",
            "A\u200bB",
            "ＶＩＰ",
            True,
            3.5,
            -1,
            2**70,
            "",
        ]
    ),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.text(max_size=80),
    st.builds(_deep, st.integers(1, 3000)),
)
REQUEST_RULES = loads(
    'promotion a "A" {\n  during 2026-01-01 to 2027-01-01\n  every friday\n  满100减20\n}\n'
    'coupon c "C" {\n  codes "V-*"\n  single use\n  spend 10 get 1 off\n}\n'
    'promotion r "R" {\n  100积分抵1元 最多抵20%\n}\n',
    name="fuzz.promo",
)
FIELDS = [
    ("at",),
    ("shipping",),
    ("redeem_points",),
    ("coupons", 0),
    ("customer", "points"),
    ("customer", "total_spent"),
    ("lines", 0, "unit_price"),
    ("lines", 0, "quantity"),
    ("lines", 0, "id"),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=REQUEST_VALUES, as_json=st.booleans())
def test_hostile_request_values_are_validation_errors_or_price(
    field: tuple[str | int, ...], value: Any, as_json: bool
) -> None:
    data: Any = json.loads(json.dumps(CART))
    target = data
    for part in field[:-1]:
        target = target[part]
    target[field[-1]] = value
    try:
        if as_json:
            text = json.dumps(data, ensure_ascii=True)
            request = CheckoutRequest.model_validate_json(text)
        else:
            request = CheckoutRequest.model_validate(data)
    except ValidationError:
        return
    except RecursionError:  # json.dumps of the test's own deep value, not promokit
        return
    try:
        result = REQUEST_RULES.price(request)
    except PromokitError:
        return
    assert result.total >= Decimal(0)
