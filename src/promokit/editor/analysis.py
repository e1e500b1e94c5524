"""What an editor asks about a `.promo` document, answered without any editor library.

The language server (`lsp_server.py`) and the playground (`promokit.serve`) translate these
answers into their protocols. A document is checked together with the other `.promo` files
of its folder (its rule set: a segment used here may be declared there). Positions are
0-based lines and 0-based columns in characters; the server converts to UTF-16.

Nothing here raises for bad input: a malformed document is diagnostics, and an internal
failure while answering becomes one S999 diagnostic instead of a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..check.checker import check
from ..language import ast
from ..language.ast import Notation
from ..language.diagnostics import Diagnostic, RuleError
from ..language.formatter import action as action_text
from ..language.formatter import format_source
from ..language.parser import parse_source
from ..language.source import Source, Span
from ..lint.linter import lint
from .hovers import action_hover, word_hover
from .vocabulary import CLAUSE_STARTS, DECLARATIONS, promo_keywords, promo_operator_words

__all__ = [
    "Definition",
    "RuleSetView",
    "complete",
    "definition",
    "diagnose",
    "format_document",
    "hover",
    "word_at",
]

_NAME = re.compile(r"[^\W\d][\w\-]*")


@dataclass(frozen=True)
class Definition:
    """Where a name is declared: file name, 0-based line, 0-based start and end columns."""

    file: str
    line: int
    start: int
    end: int
    kind: str  # "segment", "scope", "promotion", "coupon" or "group"


@dataclass(frozen=True)
class RuleSetView:
    """The parsed files of one rule set (what parsed; files with errors keep what did)."""

    sources: dict[str, Source]
    files: tuple[ast.RuleFile, ...]

    @classmethod
    def of(cls, documents: Mapping[str, str]) -> RuleSetView:
        sources = {name: Source(name, text) for name, text in documents.items()}
        files = []
        for source in sources.values():
            rule_file, _ = parse_source(source)
            if rule_file is not None:
                files.append(rule_file)
        return cls(sources, tuple(files))

    def declarations(self) -> dict[str, Definition]:
        """Every declared name -> where it is declared (the first declaration wins)."""
        found: dict[str, Definition] = {}
        for rule_file in self.files:
            for decl in rule_file.segments:
                self._add(found, decl.name, decl.span, "segment")
            for scope in rule_file.scopes:
                self._add(found, scope.name, scope.span, "scope")
            for promo in rule_file.promotions:
                self._add(found, promo.id, promo.id_span, "coupon" if promo.is_coupon else "promotion")
            for promo in rule_file.promotions:
                if promo.exclusive_group is not None:
                    group = promo.exclusive_group
                    self._add(found, group.text, group.span, "group")
        return found

    def _add(self, found: dict[str, Definition], name: str, span: Span, kind: str) -> None:
        if name in found or span.file not in self.sources:
            return
        line = self.sources[span.file].line_text(span.line)
        # the span may cover the whole declaration: find the name itself on its first line
        at = _find_word(line, name, span.col - 1)
        if at < 0:
            return
        found[name] = Definition(span.file, span.line - 1, at, at + len(name), kind)


def _find_word(line: str, word: str, start: int) -> int:
    for match in _NAME.finditer(line):
        if match.group() == word and match.start() >= start:
            return match.start()
    return -1


def diagnose(name: str, documents: Mapping[str, str], *, with_lint: bool = False) -> list[Diagnostic]:
    """Every diagnostic for document `name`, checked with the rest of `documents` (its rule set).

    Syntax and checker problems always; lint warnings too when `with_lint` and the rule set
    checks (the linter prices carts, so servers run it on open and save, not on every key).
    """
    try:
        return _diagnose(name, documents, with_lint)
    except RuleError as exc:  # the rule set does not check: its own diagnostics are the answer
        return [d for d in exc.diagnostics if d.span.file == name]
    except Exception as exc:  # never crash the editor; say what happened where the user looks
        span = Span(name, 1, 1, 1, 1)
        return [Diagnostic("S999", "error", f"internal error while checking: {type(exc).__name__}", span)]


def _diagnose(name: str, documents: Mapping[str, str], with_lint: bool) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    files = []
    for file_name, text in documents.items():
        rule_file, diagnostics = parse_source(Source(file_name, text))
        found.extend(diagnostics)
        if rule_file is not None:
            files.append(rule_file)
    if not any(d.is_error for d in found):
        ruleset, checked = check(files)
        found.extend(checked)
        if with_lint and not any(d.is_error for d in found):
            found.extend(d for d in lint(ruleset) if d.code.startswith("L"))
    else:  # files that parse are still checked, but only their syntax-independent problems count
        ours = [f for f in files if f.name == name]
        if ours and not any(d.is_error and d.span.file == name for d in found):
            _, checked = check(files)
            found.extend(d for d in checked if d.code not in _CROSS_FILE)
    return sorted((d for d in found if d.span.file == name), key=Diagnostic.sort_key)


#: Checker codes that depend on every file of the rule set being complete; while another file
#: has syntax errors they may be wrong (an undeclared segment that is in the broken file).
_CROSS_FILE = {"E001", "E002", "E003", "E004", "E010", "E011", "E014"}


def format_document(name: str, text: str) -> str | None:
    """The document in canonical form, or None when it has syntax errors (it is left alone)."""
    try:
        formatted, _ = format_source(Source(name, text))
    except Exception:  # formatting is a convenience: on any failure, change nothing
        return None
    return formatted


def word_at(text: str, line: int, column: int) -> tuple[str, int, int] | None:
    """The name or keyword under (line, column): (word, start column, end column)."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return None
    current = lines[line]
    for match in _NAME.finditer(current):
        if match.start() <= column <= match.end():
            return match.group(), match.start(), match.end()
    for word in promo_operator_words():  # Chinese operator words run into numbers: 满100减20
        for match in re.finditer(re.escape(word), current):
            if match.start() <= column < match.end():
                return word, match.start(), match.end()
    return None


def definition(view: RuleSetView, name: str, line: int, column: int) -> Definition | None:
    """Where the segment, scope, promotion or group under the cursor is declared."""
    source = view.sources.get(name)
    if source is None:
        return None
    found = word_at(source.text, line, column)
    if found is None:
        return None
    return view.declarations().get(found[0])


def hover(view: RuleSetView, name: str, line: int, column: int) -> str | None:
    """Markdown for the hover at (line, column): a name's declaration, an action or a clause."""
    source = view.sources.get(name)
    if source is None:
        return None
    found = word_at(source.text, line, column)
    declared = view.declarations()
    if found is not None and found[0] in declared and found[0] not in promo_keywords():
        where = declared[found[0]]
        text = view.sources[where.file].line_text(where.line + 1).strip()
        return f"**{where.kind}** `{found[0]}`\n\n```promo\n{text}\n```"
    action = _action_on_line(view, name, line + 1)
    if action is not None:
        english, chinese = action_text(action, Notation.EN), action_text(action, Notation.ZH)
        return action_hover(type(action).__name__, english, chinese)
    return word_hover(found[0]) if found is not None else None


def _action_on_line(view: RuleSetView, name: str, line: int) -> ast.Action | None:
    for rule_file in view.files:
        if rule_file.name != name:
            continue
        for promo in rule_file.promotions:
            span = promo.action.span
            if span.file == name and span.line <= line <= span.end_line:
                return promo.action
    return None


def complete(view: RuleSetView, name: str, line: int, column: int) -> list[tuple[str, str]]:
    """Completion items at (line, column): (label, kind) with kind keyword, operator or a name kind."""
    source = view.sources.get(name)
    prefix = ""
    if source is not None:
        before = source.line_text(line + 1)[:column]
        match = re.search(r"[\w\-]*$", before)
        prefix = match.group() if match else ""
    items: list[tuple[str, str]] = []
    items.extend((w, "keyword") for w in _unique(DECLARATIONS + CLAUSE_STARTS + promo_keywords()))
    items.extend((w, "operator") for w in promo_operator_words())
    items.extend((n, d.kind) for n, d in sorted(view.declarations().items()))
    return [(label, kind) for label, kind in items if label.startswith(prefix)]


def _unique(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))
