"""`promokit replay OLD_RULES NEW_RULES REQUESTS... [--json|--csv] [--html FILE]`: what a rule change does.

Prices every stored request under both rule sets and reports, per request and in total, the
discount, the total, the points, the gifts, which promotions changed and the cost difference
(new minus old; cost = goods discount + shipping discount), biggest movers first.

REQUESTS are request JSON files, directories of them (`*.json`, `*.jsonl`, recursively,
sorted) or JSON lines files (`.jsonl`/`.ndjson`, one request per line). An input that is not a
request is reported with its file (and line) and why; the rest are still replayed.

Exit codes (to gate a rule change in CI): 0 no differences, 1 differences, 2 bad input
(rule errors, a missing path, an input that is not a request) -- 2 wins over 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..engine.ruleset import RuleSet
from ..language.diagnostics import RuleError, render_all
from ..models import CheckoutRequest
from . import replay_report as report
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, InputError, load_rules, validation_message
from .replay_diff import RequestDiff, Totals, compare, movers_first

_LINES_SUFFIXES = (".jsonl", ".ndjson")
#: Fewer requests than this print no progress bar (it would only flicker).
_PROGRESS_FROM = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD_RULES", help="the current rules (.promo file or directory)")
    parser.add_argument("new", metavar="NEW_RULES", help="the changed rules (.promo file or directory)")
    parser.add_argument(
        "requests",
        metavar="REQUESTS",
        nargs="+",
        help="request JSON files, directories of them, or JSON lines files (.jsonl)",
    )
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print every request and the totals as JSON")
    fmt.add_argument("--csv", action="store_true", help="print one CSV row per request")
    parser.add_argument(
        "--html", metavar="FILE", help="also write an HTML report with a cost-difference chart"
    )


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".json", *_LINES_SUFFIXES))
    return [path]


def _decode(name: str, text: str) -> CheckoutRequest:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    try:
        return CheckoutRequest.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{name}: not a request:\n{validation_message(exc, limit=3)}") from None


def requests(paths: list[str]) -> Iterator[tuple[str, CheckoutRequest | InputError]]:
    """(name, request) for every stored request, or (name, the error) for an input that is not one."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield raw, InputError(f"{raw}: no such file or directory")
            continue
        for file in _files(path):
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                yield str(file), InputError(f"{file}: cannot read: {exc}")
                continue
            if file.suffix in _LINES_SUFFIXES:
                for number, line in enumerate(text.splitlines(), 1):
                    if line.strip():
                        yield from _one(f"{file}:{number}", line)
            else:
                yield from _one(str(file), text)


def _one(name: str, text: str) -> Iterator[tuple[str, CheckoutRequest | InputError]]:
    try:
        yield name, _decode(name, text)
    except InputError as exc:
        yield name, exc


class _Progress:
    """`replay 120/500` on stderr, only on a terminal and only for long runs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.on = total >= _PROGRESS_FROM and sys.stderr.isatty()

    def step(self, done: int) -> None:
        if self.on and (done == self.total or done % 10 == 0):
            bar = "#" * (30 * done // self.total)
            print(f"\rreplay [{bar:<30}] {done}/{self.total}", end="", file=sys.stderr, flush=True)
            if done == self.total:
                print(file=sys.stderr)


def replay(old: RuleSet, new: RuleSet, paths: list[str]) -> tuple[list[RequestDiff], Totals, list[str]]:
    """Every request priced under both rule sets: the diffs (biggest movers first), totals, errors."""
    inputs = list(requests(paths))
    progress = _Progress(len(inputs))
    diffs: list[RequestDiff] = []
    errors: list[str] = []
    totals = Totals()
    for done, (name, item) in enumerate(inputs, 1):
        progress.step(done)
        if isinstance(item, InputError):
            errors.append(str(item))
            continue
        try:
            diff = compare(name, old.price(item), new.price(item))
        except ValueError as exc:  # e.g. a request in another currency than the rules
            errors.append(f"{name}: cannot be priced: {exc}")
            continue
        diffs.append(diff)
        totals.add(diff)
    totals.errors = len(errors)
    return movers_first(diffs), totals, errors


def run(args: argparse.Namespace) -> int:
    try:
        old, new = load_rules(args.old), load_rules(args.new)
    except RuleError as exc:
        print(render_all(exc.diagnostics, exc.sources), file=sys.stderr)
        return EXIT_USAGE  # 1 means "differences" here: rule errors are bad input
    except InputError as exc:
        print(f"promokit replay: {exc}", file=sys.stderr)
        return EXIT_USAGE
    diffs, totals, errors = replay(old, new, list(args.requests))
    for problem in errors:
        print(f"promokit replay: {problem}", file=sys.stderr)
    if args.json:
        print(report.to_json(diffs, totals, errors))
    elif args.csv:
        print(report.to_csv(diffs), end="")
    else:
        print(report.to_text(diffs, totals))
    if args.html:
        page = report.to_html(diffs, totals, errors, f"promokit replay: {args.old} -> {args.new}")
        try:
            Path(args.html).write_text(page, encoding="utf-8")
        except OSError as exc:
            print(f"promokit replay: cannot write {args.html}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    if errors:
        return EXIT_USAGE
    return EXIT_FAILED if totals.changed else EXIT_OK
