"""The helpers every `.promotest` lowering step shares: tree access, spans, numbers, diagnostics.

`parser.py` walks the tree of a whole file; `expect_lowering.py` lowers `expect` lines. Both
build on `TreeLowering`, which collects diagnostics and never raises for bad input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from lark import Token, Tree

from ..language.diagnostics import Diagnostic
from ..language.source import Source, Span
from ..models import AttributeValue
from .model import Named

__all__ = ["TreeLowering", "subtrees", "subtrees_any", "tokens", "unquote"]


def subtrees(tree: Tree[Token], data: str) -> Iterator[Tree[Token]]:
    for child in tree.children:
        if isinstance(child, Tree) and child.data == data:
            yield child


def tokens(tree: Tree[Token]) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token)]


def unquote(token: Token) -> str:
    text = str(token)
    if token.type == "STRING":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def subtrees_any(tree: Tree[Token]) -> Iterator[Tree[Token]]:
    for child in tree.children:
        if isinstance(child, Tree):
            yield child


class TreeLowering:
    """Tree -> model. Collects diagnostics; never raises for bad input."""

    def __init__(self, source: Source, base_dir: Path, importing: tuple[Path, ...]) -> None:
        self.source = source
        self.base_dir = base_dir
        self.importing = importing
        self.diagnostics: list[Diagnostic] = []

    # ----------------------------------------------------------------- helpers

    def span(self, node: Tree[Token] | Token) -> Span:
        if isinstance(node, Token):
            start = node.start_pos or 0
            return self.source.span(start, node.end_pos if node.end_pos is not None else start)
        meta = node.meta
        if getattr(meta, "empty", True):
            return self.source.span(0, 0)
        end = meta.end_pos
        # A statement's tree includes its trailing newline(s); stop the span at the line's end.
        line_end = self.source.text.find("\n", meta.start_pos)
        if line_end >= 0:
            end = min(end, line_end)
        return self.source.span(meta.start_pos, end)

    def error(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, "error", message, span, help))

    def named(self, tree: Tree[Token]) -> Named:
        token = tokens(tree)[0]
        return Named(unquote(token), self.span(token))

    def value(self, tree: Tree[Token]) -> str:
        return unquote(tokens(tree)[0])

    def attr_value(self, tree: Tree[Token]) -> AttributeValue:
        token = tokens(tree)[0]
        if token.type == "NUMBER":
            return int(token) if "." not in token else Decimal(str(token))
        if token.type == "NAME" and str(token) in ("true", "false"):
            return str(token) == "true"
        return unquote(token)

    def number(self, token: Token) -> Decimal:
        return Decimal(str(token))

    def whole(self, token: Token, what: str) -> int:
        value = Decimal(str(token))
        if value != value.to_integral_value():
            self.error("T006", f"{what} must be a whole number, got {token}", self.span(token))
            return int(value)
        return int(value)

    def date(self, token: Token) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            self.error("T006", f"'{token}' is not a valid date", self.span(token), "dates are YYYY-MM-DD")
            return None
