from __future__ import annotations

import decimal
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.money import CURRENCIES, PRICING_CONTEXT, Rounding, allocate, currency, format_money, quantize

CNY = CURRENCIES["CNY"]
JPY = CURRENCIES["JPY"]


def test_quantize_rounds_half_up_by_default() -> None:
    assert quantize(D("0.125"), CNY) == D("0.13")
    assert quantize(D("2.5"), JPY) == D("3")


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (Rounding.HALF_UP, "0.13"),
        (Rounding.HALF_EVEN, "0.12"),
        (Rounding.DOWN, "0.12"),
        (Rounding.UP, "0.13"),
    ],
)
def test_quantize_honours_the_rounding_mode(mode: Rounding, expected: str) -> None:
    assert quantize(D("0.125"), CNY, mode) == D(expected)


def test_unknown_currency_is_a_value_error_listing_known_ones() -> None:
    with pytest.raises(ValueError, match="known: CNY"):
        currency("XYZ")


def test_allocate_splits_by_largest_remainder_with_ties_to_the_earlier_line() -> None:
    assert allocate(D("0.10"), [D(1), D(1), D(1)], CNY) == [D("0.04"), D("0.03"), D("0.03")]


def test_allocate_never_exceeds_a_cap_and_moves_the_rest_to_other_lines() -> None:
    parts = allocate(D("10.00"), [D(90), D(10)], CNY, caps=[D("5.00"), D("100")])
    assert parts == [D("5.00"), D("5.00")]


def test_allocate_refuses_more_than_the_caps_allow() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        allocate(D("10.00"), [D(1)], CNY, caps=[D("9.99")])


def test_allocate_refuses_sub_minor_unit_amounts() -> None:
    with pytest.raises(ValueError, match="minor unit"):
        allocate(D("0.005"), [D(1)], CNY)


def test_pricing_context_traps_float_mixing() -> None:
    with decimal.localcontext(PRICING_CONTEXT), pytest.raises(decimal.FloatOperation):
        _ = D("1.00") < 0.5  # arithmetic with floats is a TypeError anyway; comparison is not


def test_format_money_uses_the_currency_symbol() -> None:
    assert format_money(D("12"), CNY) == "¥12.00"
    assert format_money(D("1234.5"), CNY) == "¥1,234.50"


@settings(max_examples=300)
@given(
    st.integers(min_value=0, max_value=10**7),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12),
)
def test_allocated_parts_always_sum_to_the_whole(cents: int, weights: list[int]) -> None:
    amount = D(cents) / 100
    parts = allocate(amount, [D(w) for w in weights], CNY)
    assert sum(parts, D(0)) == amount
    assert all(p >= 0 and p == p.quantize(D("0.01")) for p in parts)


@settings(max_examples=300)
@given(st.lists(st.integers(min_value=0, max_value=10**5), min_size=1, max_size=8), st.data())
def test_capped_allocation_respects_every_cap(caps: list[int], data: st.DataObject) -> None:
    total = data.draw(st.integers(min_value=0, max_value=sum(caps)))
    weights = data.draw(st.lists(st.integers(0, 1000), min_size=len(caps), max_size=len(caps)))
    cap_money = [D(c) / 100 for c in caps]
    parts = allocate(D(total) / 100, [D(w) for w in weights], CNY, caps=cap_money)
    assert sum(parts, D(0)) == D(total) / 100
    assert all(p <= c for p, c in zip(parts, cap_money, strict=True))
