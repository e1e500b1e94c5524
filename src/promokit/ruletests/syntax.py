"""Syntax errors and small lexical helpers for `.promotest` files.

The LALR parser is built once from `promokit/ruletests/promotest.lark`. lark's exceptions become T001
diagnostics that name what was found and what was expected in words ("a number", "'total'",
"the end of the line") rather than terminal names, with a did-you-mean for misspelt keywords
and, for a file that ends inside a block, the line the block was opened on.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import re
import zoneinfo

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ..language.diagnostics import Diagnostic, did_you_mean
from ..language.grammar_cache import build_parser
from ..language.source import Source, Span

_DESCRIBE = {
    "NAME": "a name",
    "STRING": 'a quoted string ("...")',
    "NUMBER": "a number",
    "DATE": "a date (2026-10-02)",
    "DATETIME": "a date and time (2026-10-02T10:00+08:00)",
    "TIME": "a time of day (10:00)",
    "OFFSET": "a UTC offset (+08:00)",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "COMMA": "','",
}


@functools.cache
def grammar_parser() -> Lark:
    """The LALR parser for `.promotest` files, built once per process."""
    text = (
        importlib.resources.files("promokit.ruletests").joinpath("promotest.lark").read_text(encoding="utf-8")
    )
    # Not lark's `cache=` (a pickle): signed JSON tables (docs/language.md#loading-and-caching).
    return build_parser(
        text,
        parser="lalr",
        start=["start", "cart_items", "ledger_state"],
        propagate_positions=True,
        maybe_placeholders=False,
    )


@functools.cache
def _keywords() -> dict[str, str]:
    """Terminal name -> keyword text, for messages ('total') and did-you-mean."""
    out: dict[str, str] = {}
    for term in grammar_parser().terminals:
        if type(term.pattern).__name__ == "PatternStr" and term.name not in _DESCRIBE:
            out[term.name] = str(term.pattern.value)
    return out


def describe_terminal(name: str) -> str:
    if name in _DESCRIBE:
        return _DESCRIBE[name]
    keyword = _keywords().get(name)
    return f"'{keyword}'" if keyword else name.lower()


# --------------------------------------------------------------------------- syntax errors


def _token_span(source: Source, token: Token | None, text: str) -> Span:
    """The span of a token; end of input and newlines get a one-character span at the spot."""
    if token is None or token.type == "$END" or token.start_pos is None or token.start_pos < 0:
        end = len(source.text.rstrip("\n"))
        return source.span(end, end + 1)
    start = token.start_pos
    if token.type == "_NL":
        return source.span(start, start + 1)
    return source.span(start, token.end_pos if token.end_pos is not None else start + 1)


def syntax_diagnostic(source: Source, err: UnexpectedInput) -> Diagnostic:
    """A lark error as a T001 diagnostic that names what was found and what was expected."""
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream or 0
        char = source.text[pos] if 0 <= pos < len(source.text) else ""
        # lark's `allowed` here mixes terminals of several parser states; naming them would mislead.
        return Diagnostic(
            "T001",
            "error",
            f"unexpected character {char!r}",
            source.span(pos, pos + 1),
            "names containing spaces, quotes or braces must be written in double quotes",
        )
    assert isinstance(err, UnexpectedToken)
    token: Token = err.token
    expected_names = sorted(err.expected or ())
    if "NAME" in expected_names and "STRING" in expected_names:
        expected_names.remove("STRING")  # a quoted string is just another way to write a name
    expected = [describe_terminal(t) for t in expected_names]
    span = _token_span(source, token, source.text)
    if token.type == "$END":
        found = "end of file"
    elif token.type == "_NL":
        found = "end of line"
    else:
        found = f"'{token.value}'"
    help: str | None = None
    if token.type not in ("$END", "_NL"):
        keywords = [_keywords()[t] for t in expected_names if t in _keywords()]
        help = did_you_mean(str(token.value), keywords)
        if help is None and token.type in _keywords():
            help = f"'{token.value}' is a keyword here; write \"{token.value}\" in quotes to use it as a name"
    if expected_names == ["_NL"]:
        help = "each statement goes on a line of its own"
    if "RBRACE" in expected_names and token.type == "$END":
        opened = _open_block_line(source.text)
        where = f" on line {opened}" if opened else ""
        return Diagnostic(
            "T001",
            "error",
            f"the file ends inside a block; expected '}}' to close the block opened{where}",
            span,
            "close every block with '}' on a line of its own",
        )
    message = f"unexpected {found}; expected {_one_of(sorted(set(expected)))}"
    return Diagnostic("T001", "error", message, span, help)


def _open_block_line(text: str) -> int | None:
    """The line of the innermost '{' left open (ignoring strings and comments), if any."""
    stack: list[int] = []
    line, in_string, in_comment = 1, False, False
    prev = ""
    for ch in text:
        if ch == "\n":
            line, in_comment = line + 1, False
        elif in_comment:
            pass
        elif in_string:
            if ch == '"' and prev != "\\":
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#":
            in_comment = True
        elif ch == "{":
            stack.append(line)
        elif ch == "}" and stack:
            stack.pop()
        prev = ch
    return stack[-1] if stack else None


def _one_of(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    if len(items) > 12:
        return "one of " + ", ".join(items[:12]) + ", ..."
    return "one of " + ", ".join(items)


@functools.cache
def _zone(name: str) -> dt.tzinfo | None:
    """An IANA zone or a fixed offset (+08:00, +0800, Z, UTC); None if unknown."""
    if name in ("Z", "UTC"):
        return dt.UTC
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        delta = dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
        if delta >= dt.timedelta(hours=24):
            return None
        return dt.timezone(sign * delta)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a directory, long names
        return None


def resolve_zone(name: str) -> dt.tzinfo | None:
    """Public face of the zone lookup, for the runner (rule set zone names)."""
    return _zone(name)
