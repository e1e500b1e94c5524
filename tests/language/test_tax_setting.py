"""`prices include tax` / `prices exclude tax` / 价格含税 / 价格不含税 (docs/semantics.md#tax)."""

from __future__ import annotations

import pytest

from promokit.check.checker import check
from promokit.check.frontend import parse_text
from promokit.editor.vocabulary import DECLARATIONS, promo_keywords, promo_operator_words
from promokit.language.ast import Notation, Settings
from promokit.language.diagnostics import RuleError
from promokit.language.formatter import format_file

from .helpers import errors, parse


@pytest.mark.parametrize(
    ("line", "include", "notation"),
    [
        ("prices include tax", True, Notation.EN),
        ("prices exclude tax", False, Notation.EN),
        ("价格含税", True, Notation.ZH),
        ("价格不含税", False, Notation.ZH),
    ],
)
def test_each_form_of_the_setting_is_read(line: str, include: bool, notation: Notation) -> None:
    settings = parse(f"{line}\npromotion p {{ 8折 }}\n").settings
    assert (settings.prices_include_tax, settings.prices_tax_notation) == (include, notation)
    assert settings.prices_include_tax_span.line == 1


def test_not_set_is_none_and_the_rule_set_default_is_include() -> None:
    assert parse("promotion p { 8折 }\n").settings.prices_include_tax is None
    assert parse_text("promotion p { 8折 }\n", name="a.promo").ast.prices_include_tax is True
    assert parse_text("价格不含税\npromotion p { 8折 }\n", name="a.promo").ast.prices_include_tax is False


def test_setting_it_twice_in_one_file_is_s030_with_a_caret_and_help() -> None:
    (diag,) = errors("prices exclude tax\n价格含税\npromotion p { 8折 }\n")
    assert diag.code == "S030" and diag.span.line == 2 and diag.span.col == 1
    assert "already set on line 1" in diag.message and diag.help and "delete the other" in diag.help


def test_a_misspelt_setting_says_what_was_expected() -> None:
    (diag,) = errors("prices with tax\n")
    assert diag.code == "S001" and "`exclude` or `include`" in diag.message


def test_files_that_disagree_are_e004_naming_both_places() -> None:
    a = parse("prices include tax\npromotion a { 8折 }\n", name="a.promo")
    b = parse("价格不含税\npromotion b { 9折 }\n", name="b.promo")
    _, found = check([a, b])
    (diag,) = [d for d in found if d.code == "E004"]
    assert diag.span.file == "b.promo" and diag.span.line == 1
    assert "prices exclude tax conflicts with prices include tax set at a.promo:1:1" in diag.message
    assert diag.help is not None and "`prices include tax` or `prices exclude tax`" in diag.help


def test_files_that_agree_load() -> None:
    a = parse("prices exclude tax\npromotion a { 8折 }\n", name="a.promo")
    b = parse("价格不含税\npromotion b { 9折 }\n", name="b.promo")
    rules, found = check([a, b])
    assert not [d for d in found if d.is_error] and rules.prices_include_tax is False


def test_load_refuses_a_conflict_with_a_rule_error() -> None:
    with pytest.raises(RuleError, match="S030"):
        parse_text("prices include tax\nprices exclude tax\n", name="a.promo")


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        ("prices include tax\n", "prices include tax", "价格含税"),
        ("价格不含税\n", "prices exclude tax", "价格不含税"),
    ],
)
def test_the_formatter_prints_both_notations(text: str, en: str, zh: str) -> None:
    rule_file = parse(text + "promotion p { 8折 }\n")
    assert format_file(rule_file, Notation.EN).splitlines()[0] == en
    assert format_file(rule_file, Notation.ZH).splitlines()[0] == zh
    own = format_file(rule_file)
    assert own.splitlines()[0] == (zh if "价格" in text else en)
    again = parse(own).settings
    assert (again.prices_include_tax, again.prices_tax_notation) == (
        rule_file.settings.prices_include_tax,
        rule_file.settings.prices_tax_notation,
    )


def test_the_editor_knows_the_words() -> None:
    assert {"prices", "include", "exclude", "tax"} <= set(promo_keywords())
    assert {"价格含税", "价格不含税"} <= set(promo_operator_words())
    assert "prices exclude tax" in DECLARATIONS


def test_settings_default_leaves_the_setting_unset() -> None:
    assert Settings().prices_include_tax is None
