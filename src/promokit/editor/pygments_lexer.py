"""Pygments lexers for `.promo` rule files and `.promotest` rule tests (entry point `pygments.lexers`).

Registered as `promo` and `promotest`, so Markdown code blocks fenced with ```` ```promo ````
are highlighted in the docs site, and `pygmentize -l promo FILE` works on the command line.
The keyword lists come from the grammars (`editor/vocabulary.py`); a character no rule
knows becomes an `Error` token, which the tests forbid on every file under `examples/`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pygments.lexer import RegexLexer, words
from pygments.lexer import bygroups as _bygroups
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

from .vocabulary import promo_keywords, promo_operator_words, promotest_keywords

_NAME = r"[^\W\d][\w\-]*"


def bygroups(*tokens: Any) -> Any:
    """Pygments' `bygroups`, typed (its stubs leave it untyped)."""
    return _bygroups(*tokens)  # type: ignore[no-untyped-call]


_WS = r"[ \t\f\r\u3000]+"

__all__ = ["PromoLexer", "PromotestLexer"]


def _string_states() -> dict[str, Any]:
    return {
        "string": [
            (r"\\(u\{[0-9A-Fa-f]{1,6}\}|.)", String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", Whitespace, "#pop"),  # an unterminated string ends at the line (promokit check says so)
        ],
    }


class PromoLexer(RegexLexer):
    """promokit rule files: English keywords, Chinese operator notation (满100减20, 8折), names, literals."""

    name = "promokit rules"
    aliases: ClassVar[list[str]] = ["promo", "promokit"]
    filenames: ClassVar[list[str]] = ["*.promo"]
    mimetypes: ClassVar[list[str]] = ["text/x-promo"]
    url = "https://github.com/promokit/promokit"

    tokens: ClassVar[dict[str, Any]] = {
        "root": [
            (_WS, Whitespace),
            (r"\n", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"', String.Double, "string"),
            (r"“[^”\n]*”", String.Double),
            (
                rf"(promotion|coupon)({_WS})({_NAME})",
                bygroups(Keyword.Declaration, Whitespace, Name.Function),
            ),
            (rf"(segment|scope)({_WS})({_NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (
                rf"(exclusive)({_WS})(group)({_WS})({_NAME})",
                bygroups(Keyword, Whitespace, Keyword, Whitespace, Name.Label),
            ),
            (
                r"(timezone)([ \t\u3000]+)([A-Za-z_][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*)",
                bygroups(Keyword, Whitespace, Name.Constant),
            ),
            (r"\d{4}-\d{1,2}-\d{1,2}", Literal.Date),
            (r"\d{1,2}:\d{2}", Literal.Date),
            (r"\d+(st|nd|rd|th)\b", Number.Integer),
            (r"\d+\.\d+", Number.Float),
            (r"\d+", Number.Integer),
            (words(promo_operator_words()), Operator.Word),
            (words(promo_keywords(), prefix=r"(?<![\w\-])", suffix=r"(?![\w\-])"), Keyword),
            (_NAME, Name),
            (r"==|!=|<=|>=|[=<>%％×]", Operator),
            (r"[{}()（）,，、\-~～]", Punctuation),
        ],
        **_string_states(),
    }


# A `.promotest` word ends where the grammar's NAME does: at space, brackets, comma, quote or #.
_END = r'(?![^\s{}(),"#])'


class PromotestLexer(RegexLexer):
    """promokit rule tests: catalogues, cases, carts and expectations."""

    name = "promokit rule tests"
    aliases: ClassVar[list[str]] = ["promotest"]
    filenames: ClassVar[list[str]] = ["*.promotest"]
    mimetypes: ClassVar[list[str]] = ["text/x-promotest"]
    url = "https://github.com/promokit/promokit"

    tokens: ClassVar[dict[str, Any]] = {
        "root": [
            (r"[ \t\f\r]+", Whitespace),
            (r"\n", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"', String.Double, "string"),
            (r"(case)([ \t]+)", bygroups(Keyword.Declaration, Whitespace)),
            (
                r'(catalogue)([ \t]+)([^\s{}(),"#]+)',
                bygroups(Keyword.Declaration, Whitespace, Name.Class),
            ),
            (
                rf"\d{{4}}-\d{{2}}-\d{{2}}T\d{{1,2}}:\d{{2}}(:\d{{2}})?(Z|[+-]\d{{2}}:?\d{{2}})?{_END}",
                Literal.Date,
            ),
            (rf"\d{{4}}-\d{{2}}-\d{{2}}{_END}", Literal.Date),
            (rf"\d{{1,2}}:\d{{2}}(:\d{{2}})?{_END}", Literal.Date),
            (rf"(UTC|Z|[+-]\d{{2}}:?\d{{2}}){_END}", Name.Constant),
            (rf"\d+(\.\d+)?{_END}", Number),
            (words(promotest_keywords(), suffix=_END), Keyword),
            (r'[^\s{}(),"#]+', Name),
            (r"[{}(),]", Punctuation),
        ],
        **_string_states(),
    }
