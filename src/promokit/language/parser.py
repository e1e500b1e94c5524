"""Text -> parse trees, and every syntax problem as a `Diagnostic` (codes S0xx).

The grammar (`grammar.lark`) is LALR(1), built once per process (`functools.cache`) and its
tables kept on disk as signed JSON data (`grammar_cache.py`), never as lark's pickles
(docs/language.md#loading-and-caching).

A file is split into top-level declarations (a line starting with `promotion`,
`coupon`, `segment`, `scope` or a setting keyword) and each is parsed on its own, so one
broken promotion does not hide the errors of the next. Inside a declaration, a line with a
syntax error is blanked out and the declaration is parsed again, so every bad clause of a
block is reported (up to `Limits.max_errors_per_declaration`). Positions stay exact
because blanking keeps every character offset. Parsing declaration by declaration is also
the fast path: lark's tree builder copies the children of a long top-level repetition at
every step, so one parse of a 10,000-promotion file is quadratic (measured: 9 s against
under 2 s in chunks). Declarations that are all correct are parsed `BATCH` at a time, which
saves lark's per-call setup; a batch with any error is parsed again declaration by declaration.

Nothing but diagnostics leaves this module: lark's exceptions and its terminal names
(`NUMBER`, `$END`) are turned into words here ("expected an amount such as 100 or 99.90,
found the end of the line").
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from .ast import RuleFile
from .diagnostics import Diagnostic, did_you_mean
from .grammar_cache import build_parser
from .habits import normalise
from .lowering import lower_file
from .parse_messages import describe_expected, describe_found, help_for, keyword_words
from .source import Source, Span, code_chars
from .syntax_help import fallback_help, full_width_help, specific

__all__ = ["Chunk", "Limits", "decode_source", "parse_source", "split_chunks", "with_habits"]


@dataclass(frozen=True)
class Limits:
    """Input limits; exceeding one is a diagnostic, never a crash or a hang.

    Defaults come from the environment when set: `PROMOKIT_MAX_FILE_BYTES` (2 MB) and
    `PROMOKIT_MAX_NESTING` (50 levels of parentheses or `not`).
    """

    max_file_bytes: int = 2_000_000
    max_nesting: int = 50
    max_errors_per_declaration: int = 20

    @classmethod
    def from_env(cls) -> Limits:
        def read(name: str, default: int) -> int:
            raw = os.environ.get(name, "")
            return int(raw) if raw.isdigit() and int(raw) > 0 else default

        return cls(
            max_file_bytes=read("PROMOKIT_MAX_FILE_BYTES", cls.max_file_bytes),
            max_nesting=read("PROMOKIT_MAX_NESTING", cls.max_nesting),
        )


# ----------------------------------------------------------------------------- the parser


@functools.cache
def get_parser() -> lark.Lark:
    grammar = resources.files("promokit.language").joinpath("grammar.lark").read_text(encoding="utf-8")
    return build_parser(grammar, parser="lalr", lexer="contextual", propagate_positions=True)


# ----------------------------------------------------------------------------- decoding


def _file_start(name: str) -> Span:
    return Span(name, 1, 1, 1, 2, 0, 1)


def decode_source(
    data: bytes, name: str, limits: Limits | None = None
) -> tuple[Source | None, list[Diagnostic]]:
    """Bytes of a rule file -> `Source`. Invalid UTF-8 or an oversized file is a diagnostic."""
    limits = limits or Limits.from_env()
    if len(data) > limits.max_file_bytes:
        return None, [_too_big(name, len(data), limits)]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return Source(name, data.decode("utf-8")), []
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8")
        partial = Source(name, prefix)
        line, col = partial.position(len(prefix))
        bad = data[exc.start]
        span = Span(name, line, col, line, col + 1, len(prefix), len(prefix) + 1)
        message = f"the file is not valid UTF-8: byte 0x{bad:02X} cannot start or continue a character"
        return None, [Diagnostic("S002", "error", message, span, "save the file as UTF-8")]


def _too_big(name: str, size: int, limits: Limits) -> Diagnostic:
    message = f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} bytes"
    hint = "split the rules into several files, or raise PROMOKIT_MAX_FILE_BYTES (see docs/language.md)"
    return Diagnostic("S009", "error", message, _file_start(name), hint)


# ----------------------------------------------------------------------------- chunks

# `points` starts a points rule (docs/points.md) but also the clause `points x 2` inside a
# promotion, so like a setting it starts a declaration only outside braces.
_SETTING_WORDS = frozenset({"timezone", "currency", "rounding", "order", "points"})
_DECLARATION_WORDS = frozenset({"promotion", "coupon", "segment", "scope", "mall"})
_FIRST_WORD = re.compile(r"[ \t\f\r\u3000]*([a-z]+)(?![\w-])")


@dataclass(frozen=True)
class Chunk:
    """One top-level declaration's text: `text[start:end]`, starting at a line start."""

    start: int
    end: int
    open_brace: int | None  # offset of the block's `{`, for "not closed" messages


def _braces(line: str) -> tuple[int, int | None]:
    """Net `{`/`}` count of one line outside strings and comments, and its first `{`."""
    if "{" not in line and "}" not in line:
        return 0, None  # most lines: skip the character loop (it dominated split_chunks)
    depth, first = 0, None
    for i, ch in code_chars(line):
        if ch == "#":
            break
        if ch == "{":
            depth += 1
            first = i if first is None else first
        elif ch == "}":
            depth -= 1
    return depth, first


def split_chunks(text: str) -> list[Chunk]:
    """Split a file at lines that start a top-level declaration.

    A declaration word (`promotion`, `coupon`, `segment`, `scope`) starts a new chunk even
    inside an unclosed block, so a missing `}` is reported at that block alone.
    """
    chunks: list[Chunk] = []
    start, depth, brace = 0, 0, None
    offset = 0
    for line in text.splitlines(keepends=True):
        match = _FIRST_WORD.match(line)
        word = match.group(1) if match else ""
        if word in _DECLARATION_WORDS or (depth <= 0 and word in _SETTING_WORDS):
            if offset > start:
                chunks.append(Chunk(start, offset, brace))
            start, depth, brace = offset, 0, None
        delta, first = _braces(line)
        if first is not None and brace is None:
            brace = offset + first
        depth += delta
        offset += len(line)
    if offset > start or not chunks:
        chunks.append(Chunk(start, len(text), brace))
    return chunks


# ----------------------------------------------------------------------------- parsing


def parse_source(source: Source, *, limits: Limits | None = None) -> tuple[RuleFile | None, list[Diagnostic]]:
    """Parse and lower one source. Returns the file (declarations that parsed) and diagnostics."""
    limits = limits or Limits.from_env()
    size = len(source.text.encode("utf-8", "surrogatepass"))
    if size > limits.max_file_bytes:
        return None, [_too_big(source.name, size, limits)]
    diagnostics: list[Diagnostic] = []
    trees: list[tuple[lark.Tree[Any], int]] = []
    chunks = split_chunks(source.text)
    for first in range(0, len(chunks), BATCH):
        batch = chunks[first : first + BATCH]
        tree = _parse_batch(source, batch, limits)
        if tree is not None:
            trees.append((tree, batch[0].start))
            continue
        for chunk in batch:
            tree = _as_written(source, chunk, limits) or _with_habits(source, chunk, limits)
            if tree is None:
                tree = _parse_chunk(source, chunk, limits, diagnostics)  # diagnosed as written
            if tree is not None:
                trees.append((tree, chunk.start))
    rule_file, lowered = lower_file(source, trees, limits.max_nesting)
    diagnostics.extend(lowered)
    return rule_file, diagnostics


#: Declarations parsed together when they are all correct (see `_parse_batch`).
BATCH = 64


def _parse_batch(source: Source, batch: Sequence[Chunk], limits: Limits) -> lark.Tree[Any] | None:
    """Parse consecutive declarations in one call; None if any of them has a problem.

    One `parse()` per declaration pays lark's per-call setup every time (10-15% of a clean
    file's parse); one call for the whole file is quadratic in its length (see the module
    docstring). Batches of `BATCH` get most of the first saving without the second cost.
    When a batch fails, its declarations are parsed one by one, so diagnostics are exactly
    those of `_parse_chunk`.
    """
    if len(batch) < 2:
        return None
    start, end = batch[0].start, batch[-1].end
    text = source.text[start:end]
    for chunk in batch:
        if _nesting_problem(source, chunk, source.text[chunk.start : chunk.end], limits) is not None:
            return None
    return _tree_or_none(text)


def _tree_or_none(text: str) -> lark.Tree[Any] | None:
    """The parse tree of `text`, or None when it does not parse (the caller then reports why)."""
    try:
        tree: lark.Tree[Any] = get_parser().parse(text)
    except UnexpectedInput:
        return None
    return tree


def _as_written(source: Source, chunk: Chunk, limits: Limits) -> lark.Tree[Any] | None:
    text = source.text[chunk.start : chunk.end]
    if not text.strip() or _nesting_problem(source, chunk, text, limits) is not None:
        return None
    return _tree_or_none(text)


def _with_habits(source: Source, chunk: Chunk, limits: Limits) -> lark.Tree[Any] | None:
    """A declaration that does not parse as written, read with the input habits of `habits.py`
    (`：` `＞＝` `¥` `元` `1,299` `2026/11/11`), when that parses. Only then: the habits never
    change a declaration the grammar reads as written (`0元` is a price in composed offers).
    Same length, so every span still points into the file as written."""
    text = source.text[chunk.start : chunk.end]
    fixed = normalise(text)
    if fixed == text or _nesting_problem(source, chunk, fixed, limits) is not None:
        return None
    return _tree_or_none(fixed)


def with_habits(source: Source, *, limits: Limits | None = None) -> str:
    """The text the parser reads: each declaration as written, or with the input habits read
    where only that parses (`promokit fmt` writes this form back)."""
    limits = limits or Limits.from_env()
    parts: list[str] = []
    for chunk in split_chunks(source.text):
        text = source.text[chunk.start : chunk.end]
        if _as_written(source, chunk, limits) is None and _with_habits(source, chunk, limits) is not None:
            text = normalise(text)
        parts.append(text)
    return "".join(parts) if parts else source.text


def _parse_chunk(
    source: Source, chunk: Chunk, limits: Limits, out: list[Diagnostic]
) -> lark.Tree[Any] | None:
    text = source.text[chunk.start : chunk.end]
    if not text.strip():
        return None
    too_deep = _nesting_problem(source, chunk, text, limits)
    if too_deep is not None:
        out.append(too_deep)
        return None
    parser = get_parser()
    failed = False
    for _ in range(limits.max_errors_per_declaration):
        try:
            tree: lark.Tree[Any] = parser.parse(text)
        except UnexpectedInput as exc:
            failed = True
            diagnostic, blank = _diagnose(source, chunk, text, exc)
            out.append(diagnostic)
            if blank is None:
                return None
            text = blank
            continue
        return None if failed else tree
    return None


def _nesting_problem(source: Source, chunk: Chunk, text: str, limits: Limits) -> Diagnostic | None:
    """Parentheses nested deeper than the limit (checked before parsing, no recursion)."""
    if text.count("(") + text.count("（") <= limits.max_nesting:
        return None  # too few parentheses to nest that deep: skip the character loop
    depth, quote = 0, ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote or ch == "\n":
                quote = ""
        elif ch == '"':
            quote = '"'
        elif ch in "(（":
            depth += 1
            if depth > limits.max_nesting:
                at = chunk.start + i
                message = f"parentheses are nested more than {limits.max_nesting} levels deep"
                hint = "simplify the condition, or raise PROMOKIT_MAX_NESTING (see docs/language.md)"
                return Diagnostic("S010", "error", message, source.span(at, at + 1), hint)
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch == "\n":
            depth = 0
    return None


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _blank_line(text: str, pos: int, first_line_end: int) -> str | None:
    """`text` with the line holding `pos` blanked, or None when blanking cannot help."""
    start, end = _line_bounds(text, pos)
    line = text[start:end]
    if start < first_line_end or "{" in line or "}" in line or not line.strip():
        return None
    return text[:start] + " " * len(line) + text[end:]


def _end_of_content(text: str) -> int:
    """Offset just after the last non-blank, non-comment character."""
    stripped = re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text).rstrip()
    return len(stripped)


def _diagnose(source: Source, chunk: Chunk, text: str, exc: UnexpectedInput) -> tuple[Diagnostic, str | None]:
    first_line_end = text.find("\n") if "\n" in text else len(text)
    base = chunk.start
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        return _bad_character(source, base + pos, text[pos], exc.allowed), _blank_line(
            text, pos, first_line_end
        )
    token: lark.Token | None = getattr(exc, "token", None)
    expected: set[str] = set(getattr(exc, "expected", None) or ())
    if token is None or isinstance(exc, UnexpectedEOF) or token.type == "$END":
        if "RBRACE" in expected and chunk.open_brace is not None:
            return _unclosed_block(source, chunk, text), None
        pos = _end_of_content(text)
        span = source.span(base + pos, base + pos + 1)
        found = "the end of the file"
        wanted = describe_expected(expected, text[:pos])
        message = f"expected {wanted}, found {found}"
        hint = help_for(expected, "$END") or fallback_help(True, wanted)
        return Diagnostic("S001", "error", message, span, hint), None
    pos = (
        token.start_pos
        if isinstance(token.start_pos, int) and token.start_pos >= 0
        else _end_of_content(text)
    )
    if token.type == "_NL":
        end = pos + 1
    else:
        end = pos + max(1, len(str(token.value)))
    span = source.span(base + pos, base + end)
    line_start, line_end = _line_bounds(text, pos)
    before = text[line_start:pos]
    found = describe_found(token.type, str(token.value))
    wanted = describe_expected(expected, before)
    message = f"expected {wanted}, found {found}"
    known = help_for(expected, token.type)
    if known is None and token.type in ("NAME", "TZ_NAME"):
        known = did_you_mean(str(token.value), keyword_words(expected))
    # issue 12: precise words for operators' habits, and a help line on every syntax error
    line = source.text[base + line_start : base + line_end]
    own_message, own_hint = specific(line, pos - line_start, token.type, str(token.value), expected)
    if own_message is not None:
        message, known = own_message, own_hint or known
    help_line = known or own_hint or fallback_help(token.type == "_NL", wanted)
    diagnostic = Diagnostic("S001", "error", message, span, help_line)
    return diagnostic, _blank_line(text, pos, first_line_end)


def _bad_character(source: Source, at: int, char: str, allowed: Any) -> Diagnostic:
    code = ord(char)
    if char in '"“':
        _, line_end = _line_bounds(source.text, at)
        span = source.span(at, max(at + 1, line_end))
        closing = '"' if char == '"' else "”"
        message = f"unterminated string: no closing {closing} on this line"
        return Diagnostic("S003", "error", message, span, "strings end on the line where they start")
    span = source.span(at, at + 1)
    if code < 32 or code == 127 or 0x80 <= code < 0xA0 or 0xD800 <= code < 0xE000 or code == 0xFEFF:
        message = f"control character U+{code:04X} is not allowed in a rule file"
        return Diagnostic("S004", "error", message, span, "rule files are plain UTF-8 text")
    expected = set(allowed or ())
    shown = f"'{char}'" if char.isprintable() else f"U+{code:04X}"
    wanted = describe_expected(expected)
    message = f"unexpected character {shown}; expected {wanted}"
    line_start, line_end = _line_bounds(source.text, at)
    hint = (
        full_width_help(source.text[line_start:line_end], at - line_start, char)
        or help_for(expected, "CHAR")
        or fallback_help(False, wanted)
    )
    return Diagnostic("S005", "error", message, span, hint)


def _unclosed_block(source: Source, chunk: Chunk, text: str) -> Diagnostic:
    assert chunk.open_brace is not None
    at = chunk.open_brace
    header = source.text[chunk.start : at].split()
    what = f"{header[0]} '{header[1]}'" if len(header) >= 2 else "this block"
    rest = source.text[chunk.end :]
    if chunk.end < len(source.text) and rest.strip():
        next_line, _ = source.position(chunk.end)
        before = f"before the next declaration on line {next_line}"
    else:
        before = "before the end of the file"
    message = f"the block of {what} is never closed: expected `}}` {before}"
    return Diagnostic(
        "S006", "error", message, source.span(at, at + 1), "add `}` on a line after the last clause"
    )
