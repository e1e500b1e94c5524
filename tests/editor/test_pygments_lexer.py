"""The Pygments lexers: no error token on any example, keywords kept in step with the grammars."""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pygments = pytest.importorskip("pygments", reason="Pygments is not installed (extras docs, lsp, serve)")

from pygments.lexers import get_lexer_by_name, get_lexer_for_filename  # noqa: E402
from pygments.token import Error, Keyword, Name, Number, Operator, String  # noqa: E402

from promokit.editor.pygments_lexer import PromoLexer, PromotestLexer  # noqa: E402
from promokit.editor.vocabulary import promo_keywords, promo_operator_words, promotest_keywords  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*") if p.suffix in (".promo", ".promotest"))


def _tokens(lexer: PromoLexer | PromotestLexer, text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in lexer.get_tokens(text) if v.strip()]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_example_has_an_error_token(path: Path) -> None:
    lexer = PromoLexer() if path.suffix == ".promo" else PromotestLexer()
    text = path.read_text(encoding="utf-8")
    tokens = list(lexer.get_tokens(text))
    errors = [value for token, value in tokens if token in Error]
    assert errors == []
    assert "".join(v for _, v in tokens).rstrip("\n") == text.rstrip("\n")  # nothing lost


def test_the_examples_cover_both_languages() -> None:
    assert {p.suffix for p in EXAMPLES} == {".promo", ".promotest"}
    assert len(EXAMPLES) >= 8


def test_the_lexers_are_registered_with_pygments() -> None:
    names = {ep.name for ep in entry_points(group="pygments.lexers")}
    assert {"promo", "promotest"} <= names
    assert isinstance(get_lexer_by_name("promo"), PromoLexer)
    assert isinstance(get_lexer_for_filename("x.promotest"), PromotestLexer)


def test_operator_notation_and_names() -> None:
    tokens = _tokens(
        PromoLexer(), 'promotion autumn-fruit "秋季" {\n  满100减20, 8.5折\n  on sale-items\n}\n'
    )
    assert (Name.Function, "autumn-fruit") in tokens
    assert (String.Double, "秋季") in tokens
    assert [v for t, v in tokens if t in Operator.Word] == ["满", "减", "折"]
    assert (Number.Float, "8.5") in tokens
    assert (Name, "sale-items") in tokens  # a name starting with a keyword stays one name
    assert (Keyword, "on") in tokens


def test_promotest_words() -> None:
    tokens = _tokens(PromotestLexer(), 'case "x" {\n  cart APPLE x 2\n  expect total 17.00\n}\n')
    assert (Keyword, "expect") in tokens and (Keyword, "total") in tokens
    assert (Name, "APPLE") in tokens
    assert (Number, "17.00") in tokens


def test_garbage_is_an_error_token_not_a_crash() -> None:
    tokens = list(PromoLexer().get_tokens("promotion a {\n  $$ 8折 @\n}\n"))
    assert [v for t, v in tokens if t in Error] == ["$", "$", "@"]


def test_the_vocabulary_matches_the_grammars() -> None:
    grammar = (ROOT / "src/promokit/language/grammar.lark").read_text(encoding="utf-8")
    english = re.findall(r"^[A-Z_]+\.2: /(?:\(\?:)?([a-z|\-]+?)\)?\\b/$", grammar, flags=re.M)
    assert len(english) == len(re.findall(r"^[A-Z_]+\.2: ", grammar, flags=re.M))  # none missed
    assert set(promo_keywords()) == {w for group in english for w in group.split("|")}
    zh_lines = re.findall(r"^ZH_[A-Z_]+: (.*)$", grammar, flags=re.M)
    quoted = {w for line in zh_lines for w in re.findall(r'"([^"]+)"', line)}
    assert set(promo_operator_words()) == quoted
    tests = (ROOT / "src/promokit/ruletests/promotest.lark").read_text(encoding="utf-8")
    assert set(promotest_keywords()) == set(re.findall(r'^[A-Z_]+: "([a-z]+)"$', tests, flags=re.M))
