"""`promokit lint PATH... [--strict] [--catalogue FILE] [--today DATE] [--max-rate PCT]`.

Checks the rule files, then prints the checker's warnings and the linter's (docs/lint.md)
in the usual diagnostic format on stderr (like every command; `--json` and `--format github`
print them on stdout), sorted by file and position; a one-line summary goes to stderr too. Exit codes: 0 clean or warnings only, 1 rule errors (or any warning with
`--strict`), 2 usage or input errors (missing path, unreadable catalogue).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import io
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..check.frontend import parse_paths
from ..language.diagnostics import Diagnostic, RuleError
from ..lint.linter import lint
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from ._diagnostics import add_format_arguments, emit


class CatalogueError(ValueError):
    """A catalogue file that cannot be read; reported as a usage error (exit 2)."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write YYYY-MM-DD)") from None


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text.rstrip("%"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a percentage between 0 and 100, not {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".promo files or directories")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    add_format_arguments(parser)
    parser.add_argument(
        "--catalogue",
        metavar="FILE",
        help="list prices: JSON {sku: price} or [{sku, price}], or CSV lines sku,price",
    )
    parser.add_argument(
        "--today", type=_date, metavar="DATE", help="the date 'already over' is measured from"
    )
    parser.add_argument(
        "--max-rate",
        type=_percent,
        default=Decimal(50),
        metavar="PCT",
        help="report discount rates above this percentage (L011, L012; default 50)",
    )


def read_catalogue(path: str) -> dict[str, Decimal]:
    """sku -> list price from a JSON or CSV file; `CatalogueError` with a readable reason."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"cannot read catalogue {path}: {exc}") from None
    stripped = text.lstrip()
    rows: list[tuple[object, object]] = []
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise CatalogueError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
        if isinstance(data, dict):
            rows = list(data.items())
        elif isinstance(data, list):
            for item in data:
                if not isinstance(item, dict) or "sku" not in item:
                    raise CatalogueError(f"{path}: each entry needs a 'sku' and a 'price'")
                rows.append((item["sku"], item.get("price", item.get("unit_price"))))
        else:
            raise CatalogueError(f"{path}: expected an object or a list")
    else:
        for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not row or row[0].startswith("#"):
                continue
            if len(row) < 2:
                raise CatalogueError(f"{path}:{n}: expected 'sku,price'")
            if n == 1 and row[1].strip().lower() in ("price", "unit_price", "list_price"):
                continue  # header
            rows.append((row[0].strip(), row[1].strip()))
    out: dict[str, Decimal] = {}
    for sku, price in rows:
        try:
            value = Decimal(str(price))
        except InvalidOperation:
            value = Decimal("NaN")
        if not isinstance(sku, str) or not value.is_finite() or value < 0 or isinstance(price, bool | float):
            raise CatalogueError(f'{path}: sku {sku!r} needs a price such as "9.90", got {price!r}')
        out[sku] = value
    return out


def run(args: argparse.Namespace) -> int:
    catalogue = None
    if args.catalogue:
        try:
            catalogue = read_catalogue(args.catalogue)
        except CatalogueError as exc:
            print(f"promokit lint: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        checked = parse_paths(args.paths)
    except RuleError as exc:
        emit(exc.diagnostics, exc.sources, args.diagnostic_format, always=True)
        errors = [d for d in exc.diagnostics if d.is_error]
        if errors and all(d.code == "S900" for d in errors):
            return EXIT_USAGE
        print(f"promokit lint: {len(errors)} error(s); fix them before linting", file=sys.stderr)
        return EXIT_FAILED
    found = list(checked.warnings) + lint(
        checked.ast, catalogue=catalogue, today=args.today, max_rate=args.max_rate / 100
    )
    if args.strict:
        found = [dataclasses.replace(d, severity="error") for d in found]
    found.sort(key=Diagnostic.sort_key)
    emit(found, checked.sources, args.diagnostic_format, always=True)
    kind = "error" if args.strict else "warning"
    files = len({d.span.file for d in found})
    summary = f"{len(found)} {kind}(s) in {files} file(s)" if found else "no lint warnings"
    print(f"promokit lint: {summary}", file=sys.stderr)
    return EXIT_FAILED if args.strict and found else EXIT_OK
