"""Shared helpers of the lowering passes: spans, token lookup, numbers, strings.

Positions in the tree are relative to the declaration's chunk (see `parser.split_chunks`);
`Lowerer.span` adds the chunk offset and resolves line and column on the whole source.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from lark import Token, Tree

from .diagnostics import Diagnostic
from .source import Source, Span

__all__ = ["Invalid", "Lowerer"]


class Invalid(Exception):
    """Raised after a diagnostic was recorded: abandon the clause being lowered."""


_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r"}


def _scalar(code: int) -> bool:
    """A Unicode scalar value: in range and not a surrogate half (U+D800..U+DFFF), which no
    UTF-8 text can hold (it failed later with UnicodeEncodeError)."""
    return code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


class Lowerer:
    def __init__(self, source: Source, offset: int, max_nesting: int) -> None:
        self.source = source
        self.offset = offset
        self.max_nesting = max_nesting
        self.line_offset = source.position(offset)[0] - 1
        self.diagnostics: list[Diagnostic] = []

    # ------------------------------------------------------------------ positions

    def span(self, node: Tree[Token] | Token) -> Span:
        # Lark already counted lines and columns (1-based, in characters); a chunk starts at
        # a line start, so only the line needs shifting. Cheaper than Source.position.
        if isinstance(node, Token):
            where: Any = node
        else:
            where = node.meta
            if getattr(where, "empty", True):
                return self.source.span(self.offset, self.offset)
        return Span(
            self.source.name,
            where.line + self.line_offset,
            where.column,
            where.end_line + self.line_offset,
            where.end_column,
            self.offset + where.start_pos,
            self.offset + where.end_pos,
        )

    def error(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, "error", message, span, help))

    # ------------------------------------------------------------------ tree access

    @staticmethod
    def children_trees(tree: Tree[Token]) -> list[Tree[Token]]:
        return [c for c in tree.children if isinstance(c, Tree)]

    @staticmethod
    def tokens(tree: Tree[Token], kind: str) -> list[Token]:
        return [c for c in tree.children if isinstance(c, Token) and c.type == kind]

    @staticmethod
    def all_tokens(tree: Tree[Token]) -> list[Token]:
        return [c for c in tree.children if isinstance(c, Token)]

    def token(self, tree: Tree[Token], kind: str) -> Token:
        return self.tokens(tree, kind)[0]

    @staticmethod
    def subtree(tree: Tree[Token], data: str) -> Tree[Token]:
        return next(c for c in tree.children if isinstance(c, Tree) and c.data == data)

    @staticmethod
    def first_token(tree: Tree[Token]) -> Token:
        return next(c for c in tree.children if isinstance(c, Token))

    @staticmethod
    def last_token(tree: Tree[Token]) -> Token:
        return [c for c in tree.children if isinstance(c, Token)][-1]

    # ------------------------------------------------------------------ literals

    def decimal(self, token: Token) -> Decimal:
        try:
            return Decimal(str(token))
        except InvalidOperation:  # the grammar only lets digits through; be safe anyway
            self.error(
                "S020", f"{token} is not a number", self.span(token), "write digits, e.g. 100 or 99.90"
            )
            raise Invalid from None

    def integer(self, token: Token, what: str) -> int:
        text = str(token)
        if not text.isdigit():
            self.error(
                "S020",
                f"{what} is a whole number, not {text}",
                self.span(token),
                f"write {what} without a decimal point",
            )
            raise Invalid
        return int(text)

    def string(self, token: Token) -> str:
        text = str(token)
        if text.startswith("“"):
            return text[1:-1]
        body = text[1:-1]
        out: list[str] = []
        last = 0
        for match in _ESCAPE.finditer(body):
            out.append(body[last : match.start()])
            escape = match.group(1)
            if escape in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[escape])
            elif escape.startswith("u{") and _scalar(int(escape[2:-1], 16)):
                out.append(chr(int(escape[2:-1], 16)))
            else:
                at = (token.start_pos or 0) + 1 + match.start()
                span = self.source.span(self.offset + at, self.offset + at + len(match.group(0)))
                self.error(
                    "S023",
                    f"unknown escape {match.group(0)!r} in a string",
                    span,
                    'write \\\\ for a backslash, \\" for a quote, \\u{4E2D} for any character',
                )
                raise Invalid
            last = match.end()
        out.append(body[last:])
        return "".join(out)
