"""`.promotest` and tax: `tax 0.20` on lines and catalogue entries, `shipping 5 tax 0.2`,
`expect tax|net|gross`, `expect line L1 net 8.00 tax 1.60` (docs/testing.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit.ruletests import render_case, run_paths

RULES = "currency GBP\ntimezone Europe/London\n{setting}\npromotion p {{ 20% off }}\n"

CASE = """\
catalogue shop {{
  WINE price {price} tax 0.20
}}
case "worked example" {{
  at 2026-10-02 10:00
  cart WINE x 1
  {extra}
}}
"""


def run(tmp_path: Path, include: bool, price: str, extra: str) -> object:
    setting = "prices include tax" if include else "prices exclude tax"
    (tmp_path / "rules.promo").write_text(RULES.format(setting=setting), encoding="utf-8")
    (tmp_path / "t.promotest").write_text(CASE.format(price=price, extra=extra), encoding="utf-8")
    (outcome,) = run_paths([tmp_path]).outcomes
    return outcome


@pytest.mark.parametrize(("include", "price"), [(True, "12.00"), (False, "10.00")])
def test_the_worked_example_as_a_rule_test(tmp_path: Path, include: bool, price: str) -> None:
    expect = "expect line WINE net 8.00 tax 1.60 gross 9.60\n  expect tax 1.60\n  expect gross 9.60\n  expect net 8.00"
    outcome = run(tmp_path, include, price, expect)
    assert outcome.status == "passed", render_case(outcome)  # type: ignore[attr-defined]


def test_a_wrong_tax_expectation_fails_with_expected_and_actual(tmp_path: Path) -> None:
    outcome = run(tmp_path, True, "12.00", "expect line WINE net 8.00 tax 1.50")
    assert outcome.status == "failed"  # type: ignore[attr-defined]
    text = render_case(outcome)  # type: ignore[arg-type]
    assert "expected: 1.50" in text and "actual:   1.60" in text


def test_shipping_tax_and_a_line_rate_override_the_catalogue(tmp_path: Path) -> None:
    extra = "shipping 5.00 tax 0.2\n  cart BREAD x 1 price 2.00 tax 0\n  expect tax 2.60\n  expect line BREAD tax 0"
    outcome = run(tmp_path, False, "10.00", extra)
    assert outcome.status == "passed", render_case(outcome)  # type: ignore[attr-defined]


def test_a_result_without_tax_has_net_and_gross_equal_to_the_total(tmp_path: Path) -> None:
    (tmp_path / "rules.promo").write_text(RULES.format(setting=""), encoding="utf-8")
    (tmp_path / "t.promotest").write_text(
        'case "no tax" {\n  at 2026-10-02 10:00\n  cart BREAD x 1 price 2.00\n'
        "  expect tax 0\n  expect gross 1.60\n  expect line BREAD net 1.60 tax 0\n}\n",
        encoding="utf-8",
    )
    (outcome,) = run_paths([tmp_path]).outcomes
    assert outcome.status == "passed", render_case(outcome)


def test_a_bad_rate_is_an_invalid_request_t010(tmp_path: Path) -> None:
    outcome = run(tmp_path, True, "12.00", "cart BREAD x 1 price 2 tax 1.5\n  expect tax 0")
    codes = [d.code for d in outcome.diagnostics]  # type: ignore[attr-defined]
    assert "T010" in codes
    text = render_case(outcome)  # type: ignore[arg-type]
    assert "tax_rate" in text and "less than 1" in text


def test_shipping_lines_take_their_own_tax_rates(tmp_path: Path) -> None:
    extra = "shipping express 6.00 tax 0.2, standard 3.00 id s2\n  expect tax 2.80\n  expect gross 19.80"
    outcome = run(tmp_path, False, "10.00", extra)
    assert outcome.status == "passed", render_case(outcome)  # type: ignore[attr-defined]
