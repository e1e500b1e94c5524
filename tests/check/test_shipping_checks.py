"""Shipping benefits in the checker: W030 (unknown delivery method) and bad values (docs/semantics.md#shipping)."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit.check.frontend import parse_paths, parse_text
from promokit.language.diagnostics import RuleError

SETTING = "shipping methods standard, express, pickup\n"


def warnings_of(text: str) -> list[tuple[str, int, int]]:
    checked = parse_text(text, "t.promo")
    return [(d.code, d.span.line, d.span.col) for d in checked.warnings]


def errors_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(RuleError) as info:
        parse_text(text, "t.promo")
    return [(d.code, d.message) for d in info.value.diagnostics if d.is_error]


def test_a_method_the_setting_lacks_is_w030_at_the_method() -> None:
    text = SETTING + "promotion p {\n  free shipping over 99 on standard, drone\n}\n"
    assert warnings_of(text) == [("W030", 3, 38)]
    checked = parse_text(text, "t.promo")
    assert "did you mean" not in (checked.warnings[0].help or "")
    typo = parse_text(SETTING + "promotion p {\n  满99包邮限standrad\n}\n", "t.promo").warnings[0]
    assert typo.help is not None and typo.help.startswith("did you mean 'standard'?")


def test_without_the_setting_any_method_is_fine() -> None:
    assert warnings_of("promotion p {\n  free shipping on drone\n}\n") == []


def test_listed_methods_and_benefits_on_all_lines_do_not_warn() -> None:
    text = SETTING + "promotion p {\n  运费半价限express、pickup\n}\npromotion q {\n  包邮\n}\n"
    assert warnings_of(text) == []


def test_files_of_a_rule_set_add_up_their_shipping_methods(tmp_path: Path) -> None:
    (tmp_path / "a.promo").write_text("shipping methods standard\n", encoding="utf-8")
    (tmp_path / "b.promo").write_text(
        "shipping methods express\npromotion p {\n  free shipping on standard, express\n}\n", encoding="utf-8"
    )
    checked = parse_paths([tmp_path])
    assert checked.ast.shipping_methods == ("express", "standard")
    assert checked.warnings == ()


def test_shipping_methods_twice_in_one_file_is_an_error() -> None:
    problems = errors_of("shipping methods standard\nshipping methods express\n")
    assert problems == [("S030", "`shipping methods` is already set on line 1 of this file")]


@pytest.mark.parametrize(
    ("action", "code", "words"),
    [
        ("shipping 0% off", "E030", "the shipping discount must be more than 0% and at most 100%"),
        ("shipping 101% off", "E030", "got 101%"),
        ("shipping for 5.001", "E035", "the shipping price 5.001 has more decimals"),
        ("shipping 0 off", "E034", "the shipping discount must be more than 0"),
        ("free shipping when shipping over 0", "E034", "the shipping threshold must be more than 0"),
    ],
)
def test_bad_shipping_values_are_errors(action: str, code: str, words: str) -> None:
    problems = errors_of(f"promotion p {{\n  {action}\n}}\n")
    assert any(c == code and words in m for c, m in problems), problems


def test_a_free_fixed_price_and_a_full_percentage_are_allowed() -> None:
    assert warnings_of("promotion p {\n  shipping for 0\n}\npromotion q {\n  shipping 100% off\n}\n") == []
