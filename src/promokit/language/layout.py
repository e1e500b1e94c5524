"""`promokit fmt` without `--notation`: the file as written, laid out canonically.

What an operator wrote stays: every clause in its place, in its notation and spelling
(`95折` stays `95折`, `半价` stays `半价`, `每1元积1分 积分2倍` stays), every declaration in
its order, blank lines between declarations (runs of blank lines become one), every
comment. What changes is layout only: two-space indentation per block level (one level
more for a line that continues a list ending in `,`), one space between words, two spaces
before a trailing comment, no blank line just inside `{` or `}`, one newline at the end,
and the input habits the parser reads (`parser.with_habits`: full-width `：` becomes `:` ...).

The result is checked: it must parse to the same AST (`ast.strip_spans`) as the input.
A layout this module cannot keep line by line (a clause on the line of its `{`, two
blocks on one line) or any difference in meaning returns None, and the caller falls back
to the canonical printer (`formatter.format_text`).
"""

from __future__ import annotations

import dataclasses

from . import ast
from .parser import parse_source, with_habits
from .source import Source, code_chars

__all__ = ["format_as_written"]

INDENT = "  "
_SPACES = " \t\f\r\u3000"


def _split_comment(line: str) -> tuple[str, str]:
    for i, ch in code_chars(line):
        if ch == "#":
            return line[:i], line[i:].rstrip()
    return line, ""


def _squash(code: str) -> str:
    """Runs of white space outside strings become one space; ends stripped."""
    out: list[str] = []
    outside = {i for i, _ in code_chars(code)}
    pending = False
    for i, ch in enumerate(code):
        if i in outside and ch in _SPACES:
            pending = True
            continue
        if pending and out:
            out.append(" ")
        pending = False
        out.append(ch)
    return "".join(out)


def _braces(code: str) -> tuple[int, int]:
    opens = closes = 0
    for _, ch in code_chars(code):
        opens += ch == "{"
        closes += ch == "}"
    return opens, closes


def _lay_out(text: str) -> str | None:
    out: list[str] = []
    depth = 0
    blank = False
    just_opened = False
    continues = False
    for raw in text.splitlines():
        code, comment = _split_comment(raw)
        code = _squash(code)
        if not code and not comment:
            blank = bool(out)
            continue
        opens, closes = _braces(code)
        if (closes and code != "}") or opens > 1 or (opens and not code.endswith("{")):
            return None  # a block on one line: the canonical printer splits it
        if code == "}":
            depth -= 1
            blank = False  # no blank line before a closing brace
            if depth < 0:
                return None
        if blank and not just_opened:
            out.append("")
        blank = False
        level = depth + (1 if continues and code else 0)
        pad = INDENT * level
        if code:
            out.append(pad + code + (f"  {comment}" if comment else ""))
            continues = code.endswith((",", "、", "，"))
            just_opened = opens == 1
            depth += opens
        else:
            out.append(pad + comment)
    if depth != 0:
        return None
    return "\n".join(out) + "\n" if out else ""


def _meaning(rule_file: ast.RuleFile) -> ast.RuleFile:
    return dataclasses.replace(ast.strip_spans(rule_file), name="")


def format_as_written(source: Source, rule_file: ast.RuleFile) -> str | None:
    """`source` (which parsed to `rule_file` without errors) laid out, or None (see above)."""
    text = _lay_out(with_habits(source))
    if text is None:
        return None
    again, diagnostics = parse_source(Source(source.name, text))
    if again is None or any(d.is_error for d in diagnostics) or _meaning(again) != _meaning(rule_file):
        return None
    return text
