"""Coupon codes: one normalisation for pricing and reservation, one bounded glob matcher."""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from promokit import checkout, codes
from promokit.codes import MAX_CODE_LENGTH, glob_match, normalize_code
from promokit.language.diagnostics import RuleError
from promokit.ledgers import LedgerError, keys, open_ledger
from promokit.loader import loads
from promokit.models import CheckoutRequest

RULES = """
timezone Asia/Shanghai
currency CNY
coupon vip "VIP" {
  codes "VIP-*-*-*-*-2026"
  single use
  spend 10 get 5 off
}
"""


def request(*coupons: str) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-10-02T10:00:00+08:00",
            "customer": {"id": "c1"},
            "coupons": list(coupons),
            "lines": [{"id": "l1", "sku": "A", "unit_price": "20.00", "quantity": 1}],
        }
    )


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("VIP-*", "vip-1", False),  # case is the caller's job (code_key on both sides)
        ("vip-*", "vip-1", True),
        ("vip-*", "vip-", True),
        ("vip-?", "vip-", False),
        ("*-2026", "a-b-2026", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "acb", False),
        ("a*a", "a", False),
        ("*", "", True),
        ("??", "abc", False),
        ("a*?b", "axxb", True),
    ],
)
def test_glob_match_examples(pattern: str, text: str, expected: bool) -> None:
    assert glob_match(pattern, text) is expected


@settings(max_examples=400, deadline=None)
@given(st.text("ab*?", max_size=8), st.text("ab", max_size=10))
def test_glob_match_agrees_with_fnmatch(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) == fnmatch.fnmatchcase(text, pattern)


def test_pathological_pattern_does_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ReDoS case (issue 15): chained stars against a long near-miss. Counted, not timed."""
    calls = 0
    real = codes._fits

    def counting(piece: str, text: str, at: int) -> bool:
        nonlocal calls
        calls += 1
        return real(piece, text, at)

    monkeypatch.setattr(codes, "_fits", counting)
    pattern = "vip-*-*-*-*-2026"
    text = "vip-" + "-" * 600 + "x"
    assert not glob_match(pattern, text)
    assert calls <= len(text) * pattern.count("*") + 2
    # The model refuses such a code before any matching: at most MAX_CODE_LENGTH characters.
    with pytest.raises(ValidationError, match="too long"):
        request("VIP-" + "-" * 600 + "x")


def test_pathological_code_prices_in_bounded_operations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The longest code a request accepts against the ReDoS pattern: counted comparisons."""
    calls = 0
    real = codes._fits

    def counting(piece: str, text: str, at: int) -> bool:
        nonlocal calls
        calls += 1
        return real(piece, text, at)

    monkeypatch.setattr(codes, "_fits", counting)
    rules = loads(RULES, name="vip.promo")
    near_miss = "VIP-" + "-" * (MAX_CODE_LENGTH - 5) + "X"
    result = rules.price(request(near_miss))
    assert "vip" not in [a.promotion for a in result.applied]
    assert 0 < calls <= 10 * MAX_CODE_LENGTH * 4  # a few matcher runs of at most 64 x 4 pieces


@pytest.mark.parametrize(
    ("typed", "normal"),
    [(" SAVE10 ", "SAVE10"), ("ＳＡＶＥ１０", "SAVE10"), ("save10\t", "save10"), ("满100减20", "满100减20")],
)
def test_normalisation_trims_and_folds_width(typed: str, normal: str) -> None:
    assert normalize_code(typed) == normal
    assert request(typed).coupons == (normal,)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("SAVE\u200b10", "invisible"),
        ("SAVE\u202e10", "invisible"),
        ("A" * (MAX_CODE_LENGTH + 1), "too long"),
        ("   ", "empty"),
        ("\ud800", "surrogate"),
        ("A" * 1_000_000, "too long"),
    ],
)
def test_unusable_codes_are_refused_by_the_request_model(typed: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        request(typed)


def test_ledger_keys_use_the_same_normalisation_and_refuse_unusable_codes() -> None:
    assert keys.code("p", " vip-1 ") == keys.code("p", "VIP-1") == keys.code("p", "ｖｉｐ－１")
    with pytest.raises(LedgerError, match="too long"):
        keys.code("p", "A" * 1_000_000)


def test_a_used_code_with_a_trailing_space_is_used_for_pricing_too() -> None:
    """Issue 15: ' CODE' passed pricing as fresh, then failed at reservation."""
    rules = loads(RULES, name="vip.promo")
    ledger = open_ledger("memory://")
    first = request("VIP-a-b-c-d-2026")
    result = rules.price(first, ledger=ledger)
    assert [a.promotion for a in result.applied] == ["vip"]
    assert checkout.reserve(rules, first, result, order_id="o1", ledger=ledger).ok
    checkout.commit(ledger, "o1")
    for variant in ("VIP-a-b-c-d-2026 ", " vip-A-B-C-D-2026", "ＶＩＰ-a-b-c-d-2026"):
        again = rules.price(request(variant), ledger=ledger)
        reasons: dict[str, Any] = {n.promotion: n.reason for n in again.not_applied}
        assert reasons.get("vip") == "coupon_used", variant


def test_rule_file_codes_no_shopper_can_type_are_errors() -> None:
    text = RULES.replace('"VIP-*-*-*-*-2026"', '"' + "V" * 70 + '", "A\u200bB"')
    with pytest.raises(RuleError) as err:
        loads(text, name="bad.promo")
    assert [d.code for d in err.value.diagnostics] == ["E055", "E055"]
