"""The formatter: canonical text that re-parses to the same AST, comments kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from promokit.language.ast import Notation, strip_spans
from promokit.language.formatter import format_file, format_source, format_text
from promokit.language.parser import parse_source
from promokit.language.source import Source

from .helpers import parse, with_notation

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").rglob("*.promo"))


def _same(text: str, name: str):  # type: ignore[no-untyped-def]
    return dataclasses.replace(strip_spans(parse(text, name)), name=name)


def test_there_are_example_files_to_format() -> None:
    assert any(p.parent.name == "language" for p in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize("notation", [None, Notation.EN, Notation.ZH], ids=["own", "en", "zh"])
def test_every_example_file_round_trips_through_the_formatter(path: Path, notation: Notation | None) -> None:
    text = path.read_text(encoding="utf-8")
    original = _same(text, path.name)
    formatted = format_file(parse(text, path.name), notation)
    expected = original if notation is None else with_notation(original, notation)
    assert _same(formatted, path.name) == expected
    # Canonical form is a fixed point (points actions have no notation of their own, so the
    # forced notation is applied again).
    assert format_file(parse(formatted, path.name), notation) == formatted


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_with_comments_keeps_every_comment_and_the_ast(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted, diagnostics = format_source(Source(path.name, text))
    assert formatted is not None and not diagnostics
    kept = [line.strip() for line in formatted.splitlines() if "#" in line]
    for line in text.splitlines():
        if line.strip().startswith("#"):
            assert any(line.strip() in k for k in kept), line
    assert _same(formatted, path.name) == _same(text, path.name)


def test_canonical_layout_orders_clauses_and_indents_two_spaces() -> None:
    text = 'promotion a "t" {\n      limit 1 per customer\n满 100 减 20\n  for level>=1\n priority 3\n}\n'
    assert format_file(parse(text)) == (
        'promotion a "t" {\n  priority 3\n  for level >= 1\n  满100减20\n  每人限1次\n}\n'
    )


def test_clauses_follow_the_notation_of_the_action() -> None:
    body = "  every wed\n  for new customer\n  {action}\n  limit 2 units per customer per day\n  stock 5\n  exclusive\n"
    english = format_file(parse("promotion a {\n" + body.format(action="spend 100 get 20 off") + "}\n"))
    chinese = format_file(parse("promotion a {\n" + body.format(action="满100减20") + "}\n"))
    assert "limit 2 units per customer per day" in english and "every wednesday" in english
    assert "每人每天限2件" in chinese and "每周三" in chinese and "for 新客" in chinese
    assert "库存5" in chinese and "互斥" in chinese


def test_forcing_a_notation_prints_the_other_form() -> None:
    rule_file = parse("promotion a {\n  spend 100 get 20 off\n}\npromotion b {\n  8.5折\n}\n")
    assert "满100减20" in format_file(rule_file, Notation.ZH)
    assert "15.0% off" in format_file(rule_file, Notation.EN)
    assert "spend 100 get 20 off" in format_file(rule_file, None)


def test_comments_stay_with_the_clause_they_describe() -> None:
    text = (
        "# autumn campaign\n"
        "promotion a {\n"
        "  limit 1 per customer  # one each\n"
        "  # the deal itself\n"
        "  满100减20\n"
        "}\n"
        "# the end\n"
    )
    formatted = format_text(parse(text), text)
    assert formatted == (
        "# autumn campaign\n"
        "promotion a {\n"
        "  # the deal itself\n"
        "  满100减20\n"
        "  每人限1次  # one each\n"
        "}\n"
        "\n"
        "# the end\n"
    )


def test_a_hash_inside_a_string_is_not_a_comment() -> None:
    text = 'promotion a "No. #1" {\n  8折\n}\n'
    assert format_text(parse(text), text) == text


def test_strings_with_quotes_and_control_characters_are_escaped() -> None:
    text = 'promotion a "say \\"hi\\"\\t\\u{7}" {\n  8折\n}\n'
    formatted = format_file(parse(text))
    assert '"say \\"hi\\"\\t\\u{7}"' in formatted
    assert _same(formatted, "x") == _same(text, "x")


def test_format_source_refuses_a_file_with_errors() -> None:
    formatted, diagnostics = format_source(Source("bad.promo", "promotion a {\n  满100减\n}\n"))
    assert formatted is None
    assert [d.code for d in diagnostics] == ["S001"]


@pytest.mark.parametrize(
    "action", ["满3件100折", "10.5折", "满100打10.5折", "第2件100折", "满3件8折，满5件100折", "10.5折 封顶10"]
)
@pytest.mark.parametrize("notation", [Notation.EN, Notation.ZH, None])
def test_format_source_refuses_a_value_no_notation_can_print(action: str, notation: Notation | None) -> None:
    """These parse but fail `check` (E030): printed in English they were "-900% off", which
    nothing reads back. Refused with the reason at the value, never printed unreadable."""
    text = f"promotion a {{\n  {action}\n}}\n"
    formatted, diagnostics = format_source(Source("bad.promo", text), notation)
    if formatted is not None:  # kept in its own notation: it must read back
        back, problems = parse_source(Source("back.promo", formatted))
        assert back is not None and not any(d.is_error for d in problems), formatted
        assert notation is not Notation.EN
        return
    errors = [d for d in diagnostics if d.is_error]
    assert errors and all(d.code == "E030" for d in errors)
    assert errors[0].span.line == 2 and "折" in errors[0].message and errors[0].help


@pytest.mark.parametrize("tenths", range(0, 201, 7))
def test_every_printed_percentage_reads_back_or_is_refused(tenths: int) -> None:
    zhe = f"{tenths / 10:g}"
    for action in (f"{zhe}折", f"满100打{zhe}折", f"满3件{zhe}折"):
        for notation in (Notation.EN, Notation.ZH):
            source = Source("p.promo", f"promotion a {{\n  {action}\n}}\n")
            formatted, _ = format_source(source, notation)
            if formatted is not None:
                back, problems = parse_source(Source("back.promo", formatted))
                assert back is not None and not any(d.is_error for d in problems), (action, formatted)


def test_a_header_comment_block_stays_on_top_of_the_file() -> None:
    text = "# Autumn rules\n# owner: ops\n\npromotion b {\n  9折\n}\nsegment s = level >= 1\n"
    formatted = format_text(parse(text), text)
    assert formatted == "# Autumn rules\n# owner: ops\n\nsegment s = level >= 1\n\npromotion b {\n  9折\n}\n"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("free shipping over 99 on standard", "满99包邮限standard"),
        ("shipping 50% off over 199 on express", "满199运费半价限express"),
        ("shipping 20% off", "运费8折"),
        ("shipping for 5 on express, pickup", "运费5元限express、pickup"),
        ("shipping 10 off when shipping over 30", "运费满30运费减10"),
    ],
)
def test_shipping_benefits_print_in_both_notations(english: str, chinese: str) -> None:
    settings = "shipping methods standard, express, pickup\n"
    for written in (english, chinese):
        rule_file = parse(f"{settings}promotion a {{\n  {written}\n}}\n")
        assert f"  {english}\n" in format_file(rule_file, Notation.EN)
        assert f"  {chinese}\n" in format_file(rule_file, Notation.ZH)
        assert format_file(rule_file).startswith(settings)


def test_a_shipping_percentage_no_折_can_say_stays_english() -> None:
    rule_file = parse("promotion a {\n  shipping 100% off\n}\n")
    assert "  shipping 100% off\n" in format_file(rule_file, Notation.ZH)  # 0折 is not written
