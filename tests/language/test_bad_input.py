"""Bad input gives diagnostics, never a traceback, a hang or a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.check.frontend import parse_paths, parse_text
from promokit.language import parser as parser_module
from promokit.language.diagnostics import RuleError
from promokit.language.parser import Limits, decode_source

from .helpers import errors


def _codes(text: str) -> list[str]:
    return [d.code for d in errors(text)]


def test_ten_megabytes_give_a_size_limit_error_at_the_first_character() -> None:
    with pytest.raises(RuleError) as caught:
        parse_text("# x\n" * 2_500_000, "big.promo")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "S009"
    assert (diagnostic.span.line, diagnostic.span.col) == (1, 1)
    assert "2,000,000 bytes" in diagnostic.message


def test_the_size_limit_is_configurable_by_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "promotion a {\n  8折\n}\n"
    with pytest.raises(RuleError):
        parse_text(text, limits=Limits(max_file_bytes=10))
    monkeypatch.setenv("PROMOKIT_MAX_FILE_BYTES", "10")
    with pytest.raises(RuleError) as caught:
        parse_text(text)
    assert caught.value.diagnostics[0].code == "S009"


def test_ten_thousand_nested_parentheses_give_a_depth_error_with_a_location() -> None:
    text = "promotion a {\n  for " + "(" * 10_000 + "level >= 1" + ")" * 10_000 + "\n  8折\n}\n"
    (diagnostic,) = errors(text)
    assert diagnostic.code == "S010"
    assert (diagnostic.span.line, diagnostic.span.col) == (2, 7 + 50)


def test_ten_thousand_nots_give_a_depth_error_not_a_recursion_error() -> None:
    text = "promotion a {\n  for " + "not " * 10_000 + "level >= 1\n  8折\n}\n"
    assert _codes(text) == ["S011"]


def test_the_nesting_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "promotion a {\n  for ((level >= 1))\n  8折\n}\n"
    assert _codes(text) == []
    monkeypatch.setenv("PROMOKIT_MAX_NESTING", "1")
    assert _codes(text) == ["S010"]


def test_a_two_thousand_character_line_is_fine() -> None:
    skus = ", ".join(f'"SKU-{i:04d}"' for i in range(200))
    assert len(skus) > 2000
    assert _codes(f"promotion a {{\n  on sku {skus}\n  8折\n}}\n") == []


def test_invalid_utf8_points_at_the_bad_byte() -> None:
    source, diagnostics = decode_source("promotion a {\n  满100减20\n}\n".encode() + b"  \xff\n", "bad.promo")
    assert source is None
    (diagnostic,) = diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.col) == ("S002", 4, 3)


def test_a_byte_order_mark_is_accepted() -> None:
    source, diagnostics = decode_source(b"\xef\xbb\xbfpromotion a {\n  8\xe6\x8a\x98\n}\n", "bom.promo")
    assert source is not None and not diagnostics


def test_nul_and_control_characters_are_diagnostics() -> None:
    assert _codes("promotion a {\n  8折\x00\n}\n") == ["S004"]
    assert _codes("\x07promotion a {\n  8折\n}\n") == ["S004"]


def test_arbitrary_binary_files_give_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "binary.promo"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(RuleError) as caught:
        parse_paths([path])
    assert caught.value.diagnostics[0].code == "S002"


def test_an_unterminated_string_and_block_are_named() -> None:
    assert _codes('promotion a "autumn {\n  8折\n}\n') == ["S003"]
    (diagnostic,) = errors("promotion a {\n  8折\n\npromotion b {\n  9折\n}\n")
    assert diagnostic.code == "S006"
    assert "line 4" in diagnostic.message and (diagnostic.span.line, diagnostic.span.col) == (1, 13)


def test_several_errors_in_one_block_and_in_several_blocks_are_all_reported() -> None:
    text = "promotion a {\n  8折\n  limit 1 per moon\n  stock many\n}\npromotion b {\n  满100减\n}\n"
    assert [(d.span.line, d.code) for d in errors(text)] == [(3, "S001"), (4, "S001"), (7, "S001")]


def test_messages_use_words_not_terminal_names() -> None:
    for text in (
        "promotion a {\n  满100减\n}\n",
        "promotion a {\n  for level >=\n  8折\n}\n",
        "promotion {",
        "8折",
    ):
        for diagnostic in errors(text):
            message = diagnostic.message
            assert "$END" not in message and "NUMBER" not in message and "_NL" not in message, message
            assert "ZH_" not in message and "Token(" not in message, message


def test_a_missing_amount_says_an_amount_was_expected() -> None:
    (diagnostic,) = errors("promotion a {\n  满100减\n}\n")
    assert diagnostic.message == "expected an amount such as 100 or 99.90, found the end of the line"


def test_the_parser_works_without_a_writable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("XDG_CACHE_HOME", str(locked / "cache"))
    monkeypatch.delenv("PROMOKIT_CACHE_DIR", raising=False)
    parser_module.get_parser.cache_clear()
    try:
        assert _codes("promotion a {\n  8折\n}\n") == []
    finally:
        parser_module.get_parser.cache_clear()


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_rule_error(text: str) -> None:
    try:
        parse_text(text)
    except RuleError as exc:
        assert all(d.code != "S999" for d in exc.diagnostics), exc


_LINES = (
    'promotion a "t" {\n  every fri 20:00-22:00\n  during 2026-10-01 to 2026-10-07\n  on category "fruit"\n'
    "  for level >= 1 and not (new customer)\n  满100减20\n  limit 1 per customer\n}\n"
)


@settings(max_examples=200)
@given(st.integers(0, len(_LINES)), st.integers(0, 8), st.text(max_size=6))
def test_mutated_rule_text_raises_only_rule_error(at: int, cut: int, insert: str) -> None:
    try:
        parse_text(_LINES[:at] + insert + _LINES[at + cut :])
    except RuleError as exc:
        assert all(d.code != "S999" for d in exc.diagnostics), exc


def test_every_terminal_of_the_grammar_has_words_for_error_messages() -> None:
    import re

    from promokit.language.parse_messages import describe_expected

    grammar = (Path(parser_module.__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    names = set(re.findall(r"^([A-Z_]+)(?:\.\d)?:", grammar, flags=re.M)) - {"COMMENT", "WS"}
    assert len(names) > 100
    for name in names:
        words = describe_expected({name})
        assert name not in words or name.lower() in words, (name, words)
        assert "something else" not in words, name
