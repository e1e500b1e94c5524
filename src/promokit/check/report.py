"""What every check stage shares: the diagnostics collector and walks over conditions and scopes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..language.ast import And, Condition, Not, Or, Scope, SegmentRef, Selector, SelectorKind
from ..language.diagnostics import Diagnostic, Severity, did_you_mean
from ..language.source import NO_SPAN, Span

__all__ = ["Report", "best_span", "condition_nodes", "scope_refs", "segment_refs", "where"]


#: Did-you-mean searches per check run (see `Report.suggest`).
MAX_SUGGESTIONS = 50


@dataclass
class Report:
    """Collects diagnostics; checks append to it instead of raising."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Did-you-mean searches left: each compares a name with every candidate, so 5,000
    #: unknown names among 5,000 names once took minutes. Later unknown names get no hint.
    suggestions_left: int = MAX_SUGGESTIONS

    def suggest(self, name: str, candidates: Iterable[str]) -> str | None:
        """`did_you_mean`, while this report's budget of searches lasts."""
        if self.suggestions_left <= 0:
            return None
        self.suggestions_left -= 1
        return did_you_mean(name, candidates)

    def add(self, severity: Severity, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, severity, message, span, help))

    def error(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.add("error", code, message, span, help)

    def warning(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.add("warning", code, message, span, help)


def where(span: Span) -> str:
    """`file:line:col` of a span, for "first declared at ..." hints."""
    return str(span)


def best_span(*spans: Span) -> Span:
    """The first span that was actually recorded (lowering may leave some at NO_SPAN)."""
    for span in spans:
        if span != NO_SPAN:
            return span
    return spans[-1] if spans else NO_SPAN


def condition_nodes(cond: Condition | None) -> Iterator[Condition]:
    """Every node of a condition tree, pre-order."""
    if cond is None:
        return
    stack: list[Condition] = [cond]
    while stack:  # iterative: deeply nested conditions must not hit the recursion limit
        node = stack.pop()
        yield node
        if isinstance(node, Not):
            stack.append(node.operand)
        elif isinstance(node, And | Or):
            stack.extend(reversed(node.operands))


def segment_refs(cond: Condition | None) -> list[SegmentRef]:
    return [n for n in condition_nodes(cond) if isinstance(n, SegmentRef)]


def scope_refs(scope: Scope) -> list[Selector]:
    return [s for s in (*scope.include, *scope.exclude) if s.kind is SelectorKind.SCOPE]
