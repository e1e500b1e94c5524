"""`promokit fmt PATH... [--check] [--notation zh|en]`: rewrite rule files canonically.

Files are rewritten in place (only when they change). `--check` rewrites nothing and
exits 1 listing the files that would change. `--notation` prints every action in
operator (zh: 满100减20) or English (en: spend 100 get 20 off) notation; by default each
action keeps its own and every clause, number and blank line stays as written
(`language/layout.py`). A file that fails `promokit check` is never rewritten: its
diagnostics are printed on stderr and the exit code is 1. The check covers each file's
rule set (the `.promo` files of its directory, so names defined in a sibling file resolve).
Comments are kept (see `promokit.formatter`).
Exit codes: 0 done (or nothing to change), 1 errors or files that would change, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..check.frontend import parse_paths, promo_files, read_sources
from ..language.ast import Notation
from ..language.diagnostics import Diagnostic, RuleError, render_all
from ..language.formatter import format_source
from ..language.parser import parse_source
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".promo files or directories (recursive)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    parser.add_argument(
        "--notation",
        choices=("zh", "en"),
        default=None,
        help="print actions in this notation (default: as written)",
    )


def run(args: argparse.Namespace) -> int:
    files, missing = promo_files(args.paths)
    sources, problems = read_sources(files)
    usage = missing + [d for d in problems if d.code == "S900"]
    if usage:
        for problem in usage:
            print(f"promokit fmt: {problem.message}", file=sys.stderr)
        return EXIT_USAGE
    notation = Notation(args.notation) if args.notation else None
    status = EXIT_OK
    if problems:  # undecodable files: reported, never rewritten
        print(render_all(problems), file=sys.stderr)
        status = EXIT_FAILED
    failing = _failing_check(files)
    for source in sources:
        formatted, diagnostics = format_source(source, notation)
        if formatted is None or source.name in failing:
            shown = diagnostics if formatted is None else failing[source.name]
            print(render_all(shown, {source.name: source}), file=sys.stderr)
            print(f"promokit fmt: not rewriting {source.name}: it has errors", file=sys.stderr)
            status = EXIT_FAILED
            continue
        if formatted == source.text:
            continue
        if args.check:
            print(source.name)
            status = EXIT_FAILED
            continue
        with open(source.name, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(formatted)
        print(f"formatted {source.name}", file=sys.stderr)
    return status


def _failing_check(files: list[Path]) -> dict[str, list[Diagnostic]]:
    """File name -> its `check` errors, checking each directory's `.promo` files as one rule set."""
    failing: dict[str, list[Diagnostic]] = {}
    given = {str(f) for f in files}
    for folder in sorted({f.parent for f in files}):
        # siblings that do not even parse are left out: their errors would stop the
        # semantic checks of the files being formatted
        siblings = sorted(p for p in folder.glob("*.promo") if p.is_file())
        rule_set = [p for p in siblings if str(p) in given or _parses(p)]
        try:
            parse_paths(rule_set)
        except RuleError as exc:
            for d in exc.diagnostics:
                if d.is_error and d.span.file in given:
                    failing.setdefault(d.span.file, []).append(d)
    return failing


def _parses(path: Path) -> bool:
    sources, problems = read_sources([path])
    if problems or not sources:
        return False
    rule_file, diagnostics = parse_source(sources[0])
    return rule_file is not None and not any(d.is_error for d in diagnostics)
