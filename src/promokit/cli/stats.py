"""`promokit stats LEDGER_URL [PROMO...] [--since DATE] [--by day|variant] [--json|--csv] [--plot FILE.png]`.

Campaign statistics from a ledger (docs/programs.md#campaign-statistics): participants,
orders, units, sales, average order value (客单价), discount, budget used and left, and
redemptions per coupon code; per promotion, per day or per A/B variant. Committed orders
only, refunds subtracted; money in currency units. `--rules` gives the currency and the
budgets' sizes (for "budget left"); without it the currency is `--currency` (CNY).

Exit 0 ok, 2 for bad input: an unknown promotion (named, with the promotions the ledger
knows; never a row of zeros), a bad date, an unreachable ledger, rules with errors, or
`--plot` without matplotlib (`pip install 'promokit[plot]'`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from decimal import Decimal
from typing import Any

from ..language.diagnostics import RuleError, render_all
from ..ledgers import LedgerError, open_ledger
from ..ledgers.stats import CampaignStats, campaign_stats
from ._common import EXIT_OK, EXIT_USAGE, InputError, load_rules
from .stats_plot import plot

COLUMNS = (
    "promotion",
    "day",
    "experiment",
    "variant",
    "participants",
    "orders",
    "units",
    "sales",
    "average_order_value",
    "discount",
    "budget_used",
    "budget_left",
    "redemptions",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "url", metavar="LEDGER_URL", help="memory://, sqlite:///path.db, redis://..., postgresql://..."
    )
    parser.add_argument(
        "promotions", metavar="PROMO", nargs="*", help="promotion ids (default: every one counted)"
    )
    parser.add_argument("--since", metavar="DATE", help="only orders from this local day on (YYYY-MM-DD)")
    parser.add_argument("--by", choices=("day", "variant"), help="one row per day, or per A/B variant")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the rows as JSON")
    fmt.add_argument("--csv", action="store_true", help="print the rows as CSV")
    parser.add_argument("--plot", metavar="FILE.png", help="also draw a chart (needs the `plot` extra)")
    parser.add_argument(
        "--rules", metavar="RULES", help="rules for the currency and budget sizes (budget left)"
    )
    parser.add_argument("--currency", default="CNY", help="currency of the amounts without --rules (CNY)")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return " ".join(f"{k}={n}" for k, n in value.items())
    return str(value)


def row_data(r: CampaignStats) -> dict[str, Any]:
    """A row as JSON-ready data: money as decimal strings, None where a figure does not apply."""
    data: dict[str, Any] = {}
    for c in COLUMNS:
        value = getattr(r, c)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif c == "redemptions":
            value = dict(value)
        data[c] = value
    return data


def render(rows: list[CampaignStats], by: str | None) -> str:
    shown = [
        c
        for c in COLUMNS
        if (c != "day" or by == "day") and (c not in ("experiment", "variant") or by == "variant")
    ]
    table = [list(shown)] + [[_cell(row_data(r)[c]) for c in shown] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(shown))]
    text = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in table]
    if not rows:
        text.append("(no orders in this period)")
    return "\n".join(text)


def to_csv(rows: list[CampaignStats]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        data = row_data(r)
        writer.writerow(["" if data[c] is None else _cell(data[c]) for c in COLUMNS])
    return buf.getvalue()


def run(args: argparse.Namespace) -> int:
    def fail(message: str) -> int:
        print(f"promokit stats: {message}", file=sys.stderr)
        return EXIT_USAGE

    since = None
    if args.since is not None:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            return fail(f"--since must be a date such as 2026-11-24, got {args.since!r}")
    currency, budgets = args.currency, None
    if args.rules is not None:
        try:
            rules = load_rules(args.rules)
        except RuleError as exc:
            print(render_all(exc.diagnostics, exc.sources), file=sys.stderr)
            return EXIT_USAGE
        except InputError as exc:
            return fail(str(exc))
        currency = rules.currency
        budgets = {
            p.id: p.budget.amount
            for p in rules.ast.promotions
            if p.budget is not None and not p.budget.per_day
        }
    try:
        ledger = open_ledger(args.url)
    except LedgerError as exc:
        return fail(str(exc))
    try:
        rows = campaign_stats(
            ledger, args.promotions, since=since, by=args.by, currency=currency, budgets=budgets
        )
    except (LedgerError, ValueError) as exc:
        return fail(str(exc))
    finally:
        ledger.close()
    if args.json:
        print(json.dumps([row_data(r) for r in rows], ensure_ascii=False, indent=2))
    elif args.csv:
        print(to_csv(rows), end="")
    else:
        print(render(rows, args.by))
    if args.plot:
        try:
            plot(rows, args.by, args.plot)
        except ImportError:
            return fail("--plot needs matplotlib: pip install 'promokit[plot]'")
        except OSError as exc:
            return fail(f"cannot write {args.plot}: {exc.strerror or exc}")
    return EXIT_OK
