"""`promokit test PATH...`: run `.promotest` rule test files.

Exit 0 when every case passes; 1 when a case fails, a test file has errors or the rules
have errors (then no case runs); 2 when a path does not exist.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..language.diagnostics import render_all
from ..ruletests.report import case_json, diagnostic_json, render_case
from ..ruletests.session import RunReport, discover, run_paths
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help=".promotest files or directories (searched recursively)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON report instead of text")
    parser.add_argument("-v", "--verbose", action="store_true", help="explain the price of passing cases too")


def run(args: argparse.Namespace) -> int:
    files, missing = discover(args.paths)
    if missing:
        for path in missing:
            print(f"promokit test: no such file or directory: {path}", file=sys.stderr)
        return EXIT_USAGE
    if not files:
        print(f"promokit test: no .promotest files under {', '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    report = run_paths(files)
    if args.json:
        print(json.dumps(to_json(report), indent=2, ensure_ascii=False))
    else:
        print(to_text(report, verbose=args.verbose))
    return EXIT_OK if report.ok else EXIT_FAILED


def to_text(report: RunReport, *, verbose: bool = False) -> str:
    out: list[str] = []
    if report.rule_errors:
        for err in report.rule_errors:
            out.append(render_all(err.diagnostics, err.sources))
        out.append("")
        out.append(f"rule errors: {sum(len(e.diagnostics) for e in report.rule_errors)}; no case was run")
        return "\n".join(out)
    for f in report.files:
        if f.diagnostics:
            out.append(f"ERROR {f.path}: the test file has problems; none of its cases ran")
            out.append(render_all(f.diagnostics, f.sources))
        out.extend(render_case(c, verbose=verbose) for c in f.cases)
    out.append("")
    out.append(summary(report))
    return "\n".join(out)


def summary(report: RunReport) -> str:
    parts = [f"{report.count('passed')} passed", f"{report.count('failed')} failed"]
    errors = report.count("error") + report.file_errors
    if errors:
        parts.append(f"{errors} with errors")
    n = len(report.files)
    return ", ".join(parts) + f" ({n} file{'s' if n != 1 else ''})"


def to_json(report: RunReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "passed": report.count("passed"),
        "failed": report.count("failed"),
        "errors": report.count("error") + report.file_errors,
        "rule_errors": [diagnostic_json(d) for e in report.rule_errors for d in e.diagnostics],
        "files": [
            {
                "path": f.path,
                "errors": [diagnostic_json(d) for d in f.diagnostics],
                "cases": [case_json(c) for c in f.cases],
            }
            for f in report.files
        ],
    }
