"""How commands print diagnostics: text on stderr, `--json` or `--format github` on stdout.

One writer for every command, so `check`, `lint`, `fmt` and `test` agree:

- `text` (default): the rendered form (`file:line:col: error[CODE]: ...`, the line, a
  caret, help) on **stderr**; stdout stays for results.
- `json`: a JSON array on stdout, one object per diagnostic with the keys `file`, `line`,
  `column`, `end` (`{"line", "column"}`, exclusive), `severity`, `code`, `message`, `help`.
- `github`: one GitHub Actions workflow command per diagnostic on stdout
  (`::error file=...,line=...,col=...,endLine=...,endColumn=...,title=CODE::message`),
  so a CI run annotates the pull request (docs/lint.md#ci).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from ..language.diagnostics import Diagnostic, render_all
from ..language.source import Source

FORMATS = ("text", "json", "github")


def add_format_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        dest="diagnostic_format",
        help="diagnostics as text on stderr (default), a JSON array or GitHub annotations on stdout",
    )
    parser.add_argument(
        "--json",
        action="store_const",
        const="json",
        dest="diagnostic_format",
        help="same as --format json",
    )


def as_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "file": d.span.file,
        "line": d.span.line,
        "column": d.span.col,
        "end": {"line": d.span.end_line, "column": d.span.end_col},
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "help": d.help,
    }


def _escape(text: str, property_value: bool = False) -> str:
    # GitHub's workflow-command escaping: data escapes % CR LF; properties also : and ,
    out = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        out = out.replace(":", "%3A").replace(",", "%2C")
    return out


def as_github(d: Diagnostic) -> str:
    s = d.span
    props = (
        f"file={_escape(s.file, True)},line={s.line},col={s.col},"
        f"endLine={s.end_line},endColumn={s.end_col},title={_escape(d.code, True)}"
    )
    body = d.message + (f"\nhelp: {d.help}" if d.help else "")
    return f"::{d.severity} {props}::{_escape(body)}"


def emit(
    diagnostics: Iterable[Diagnostic], sources: dict[str, Source] | None, fmt: str, *, always: bool = False
) -> None:
    """Write `diagnostics` in `fmt`. `always`: print an empty JSON array too (commands whose
    output a tool parses must print one even when there is nothing to say)."""
    ordered: Sequence[Diagnostic] = sorted(diagnostics, key=Diagnostic.sort_key)
    if fmt == "json":
        if ordered or always:
            print(json.dumps([as_json(d) for d in ordered], ensure_ascii=False, indent=2))
    elif fmt == "github":
        for d in ordered:
            print(as_github(d))
    elif ordered:
        print(render_all(ordered, sources), file=sys.stderr)
