"""Diagnostics: what is wrong, where, and how to fix it.

Rendered format (plain text; stable, other tools parse it)::

    rules/autumn.promo:12:11: error[E201]: unknown segment 'gld'
       12 |   for gld
          |       ^^^
       help: did you mean 'gold'?

Error tree::

    ValueError
     └── PromokitError
          └── RuleError          (.diagnostics: every problem in every file)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import PromokitError as PromokitError  # RuleError's base, re-exported
from .source import Source, Span

Severity = Literal["error", "warning"]

#: How many diagnostics `RuleError.__str__` renders before "... and N more".
MAX_RENDERED = 50


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a rule file (or a rule test file)."""

    code: str
    severity: Severity
    message: str
    span: Span
    help: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, line, column, then code and message: reports read top to bottom."""
        return (self.span.file, self.span.line, self.span.col, self.code, self.message)

    def render(self, source: Source | None = None) -> str:
        """The diagnostic as text; with its `source`, the line and a caret under the span."""
        head = f"{self.span}: {self.severity}[{self.code}]: {self.message}"
        lines = [head]
        if source is not None:
            text = source.line_text(self.span.line)
            if text or self.span.line <= len(source.text.splitlines()) + 1:
                gutter = f"{self.span.line:>4}"
                lines.append(f"{gutter} | {_visible(text)}")
                lines.append(f"{' ' * len(gutter)} | {_caret(text, self.span)}")
        if self.help:
            lines.append(f"   help: {self.help}")
        return "\n".join(lines)


def _visible(text: str) -> str:
    # Tabs would shift the caret; control characters would garble a terminal.
    return "".join(" " if ch == "\t" else (ch if ch.isprintable() else "\ufffd") for ch in text)


def _caret(text: str, span: Span) -> str:
    start = span.col - 1
    if span.end_line == span.line:
        width = max(1, span.end_col - span.col)
    else:
        width = max(1, len(text) - start)
    # East Asian wide characters take two terminal cells; pad the caret to match.
    pad = sum(_cells(ch) for ch in text[:start])
    under = sum(_cells(ch) for ch in text[start : start + width]) or 1
    return " " * pad + "^" * under


def _cells(ch: str) -> int:
    import unicodedata

    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def render_all(diagnostics: Iterable[Diagnostic], sources: dict[str, Source] | None = None) -> str:
    """Render many diagnostics, sorted by file and position, blank line between them."""
    sources = sources or {}
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    return "\n\n".join(d.render(sources.get(d.span.file)) for d in ordered)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean ...?' hint for a misspelt name, or None when nothing is close."""
    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


class RuleError(PromokitError):
    """Rule files have errors. `.diagnostics` lists every problem in every file."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: dict[str, Source] | None = None):
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        self.sources: dict[str, Source] = dict(sources or {})
        super().__init__(self._summary())

    def _summary(self) -> str:
        shown = self.diagnostics[:MAX_RENDERED]
        text = render_all(shown, self.sources)
        rest = len(self.diagnostics) - len(shown)
        if rest > 0:
            text += f"\n\n... and {rest} more"
        return text

    def __reduce__(self) -> tuple[type[RuleError], tuple[tuple[Diagnostic, ...], dict[str, Source]]]:
        return (RuleError, (self.diagnostics, self.sources))
