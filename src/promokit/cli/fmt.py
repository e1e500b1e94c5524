"""`promokit fmt PATH... [--check] [--notation zh|en]`: rewrite rule files canonically.

Files are rewritten in place (only when they change). `--check` rewrites nothing and
exits 1 listing the files that would change. `--notation` prints every action in
operator (zh: 满100减20) or English (en: spend 100 get 20 off) notation; by default each
action keeps its own. A file with syntax errors is never rewritten: its diagnostics are
printed and the exit code is 1. Comments are kept (see `promokit.formatter`).
Exit codes: 0 done (or nothing to change), 1 errors or files that would change, 2 usage.
"""

from __future__ import annotations

import argparse
import sys

from ..check.frontend import promo_files, read_sources
from ..language.ast import Notation
from ..language.diagnostics import render_all
from ..language.formatter import format_source
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
    for source in sources:
        formatted, diagnostics = format_source(source, notation)
        if formatted is None:
            print(render_all(diagnostics, {source.name: source}), file=sys.stderr)
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
