"""The words of `.promo` and `.promotest`, read from the grammars themselves.

The lexer, the language server's completion and the TextMate grammar's test all use these
lists, so a keyword added to `language/grammar.lark` or `ruletests/promotest.lark` is
highlighted and completed without a second list to keep in step.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

# `FOO.2: /foo\b/` or `/(?:monday|mon)\b/` in grammar.lark: an English keyword terminal.
_EN_TERMINAL = re.compile(r"^([A-Z_]+)\.2: /(?:\(\?:)?([a-z|\-]+?)\)?\\b/$")
# `ZH_FOO: "满" | "每满"`: operator notation.
_ZH_TERMINAL = re.compile(r'^(ZH_[A-Z_]+): ((?:"[^"]+"(?: \| )?)+)$')
# `FOO: "foo"` in promotest.lark.
_TEST_KEYWORD = re.compile(r'^([A-Z_]+): "([a-z]+)"$')

#: Clauses that start a line inside a promotion (for completion at the start of a line).
CLAUSE_STARTS: tuple[str, ...] = (
    "priority", "kind", "timezone", "during", "every", "hours", "on", "for", "channel", "codes",
    "single use", "spend", "limit", "stock", "budget", "at most", "exclusive", "exclusive group",
    "stackable with", "threshold on original prices", "threshold after discounts",
)  # fmt: skip

#: Top-level declarations.
DECLARATIONS: tuple[str, ...] = (
    "promotion", "coupon", "segment", "scope", "timezone", "currency", "rounding", "order cap",
    "prices include tax", "prices exclude tax",
)  # fmt: skip


def _grammar(package: str, name: str) -> str:
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


@functools.cache
def promo_keywords() -> tuple[str, ...]:
    """Every English keyword of `.promo` (`during`, `wednesday`, `wed`, `half-up`, ...)."""
    words: set[str] = set()
    for line in _grammar("promokit.language", "grammar.lark").splitlines():
        match = _EN_TERMINAL.match(line.strip())
        if match:
            words.update(match.group(2).split("|"))
    return tuple(sorted(words))


@functools.cache
def promo_operator_words() -> tuple[str, ...]:
    """Every fixed word of the Chinese operator notation (`满`, `每满`, `门槛按原价`, ...), longest first."""
    words: set[str] = set()
    for line in _grammar("promokit.language", "grammar.lark").splitlines():
        match = _ZH_TERMINAL.match(line.strip())
        if match:
            words.update(re.findall(r'"([^"]+)"', match.group(2)))
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@functools.cache
def promotest_keywords() -> tuple[str, ...]:
    """Every keyword of `.promotest` (`case`, `expect`, `catalogue`, ...)."""
    words: set[str] = set()
    for line in _grammar("promokit.ruletests", "promotest.lark").splitlines():
        match = _TEST_KEYWORD.match(line.strip())
        if match:
            words.add(match.group(2))
    return tuple(sorted(words))
