"""`promokit check PATH...`: parse and check rule files, print every problem.

Diagnostics go to stderr in the usual format (file:line:col, the source line, a caret,
a hint), sorted by file and position, followed by a one-line summary; `--json` and
`--format github` print them on stdout instead (`_diagnostics.py`). Exit codes: 0 clean
or warnings only, 1 rule errors, 2 usage errors (a path that does not exist or cannot
be read).
"""

from __future__ import annotations

import argparse
import sys

from ..check.frontend import expand_paths, parse_paths, read_sources
from ..language.diagnostics import Diagnostic, RuleError
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from ._diagnostics import add_format_arguments, emit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".promo files or directories (recursive)")
    add_format_arguments(parser)


def _summary(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic], files: int) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    noun = "file" if files == 1 else "files"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} in {files} {noun}"


def run(args: argparse.Namespace) -> int:
    files, missing, notes = expand_paths(args.paths)
    _, unreadable = read_sources(files)
    usage = missing + [d for d in unreadable if d.code == "S900"]
    if usage:
        for problem in usage:
            print(f"promokit check: {problem.message}", file=sys.stderr)
        return EXIT_USAGE
    if not files:
        emit(notes, {}, args.diagnostic_format)
        print("promokit check: no .promo files found", file=sys.stderr)
        return EXIT_USAGE
    try:
        checked = parse_paths(args.paths)  # the paths as given: a directory without rules is W040
    except RuleError as exc:
        emit(exc.diagnostics, exc.sources, args.diagnostic_format, always=True)
        print(_summary(exc.diagnostics, len(files)), file=sys.stderr)
        return EXIT_FAILED
    emit(checked.warnings, checked.sources, args.diagnostic_format, always=True)
    print(_summary(checked.warnings, len(files)), file=sys.stderr)
    return EXIT_OK
