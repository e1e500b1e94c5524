"""`promokit ledger init|sweep|purge|stats URL ...`: operate a ledger from the shell.

promokit ledger init postgresql://shop@db/shop        # create the schema (idempotent)
promokit ledger sweep sqlite:///ledger.db              # release expired reservations, expire points (cron)
promokit ledger purge sqlite:///ledger.db --older-than 30d   # forget finished orders (retention)
promokit ledger stats redis://127.0.0.1:6379/0 eggs    # orders, units, discount of a promotion
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys

from ..errors import PromokitError
from ..ledgers import LedgerError, open_ledger, stats
from ..ledgers.points import PointsBook
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")


def parse_duration(text: str) -> float:
    """`30d`, `12h`, `90m`, `45s` -> seconds. A unit is required: a bare `30` is ambiguous
    for a command that deletes records. Raises ValueError with words for the user."""
    m = _DURATION.match(text)
    if m is None:
        raise PromokitError(
            f"--older-than must be a number with a unit s, m, h or d (e.g. 30d), got {text!r}"
        )
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if not math.isfinite(seconds) or seconds > 86400 * 36500:
        raise PromokitError(f"--older-than is too large: {text!r}")
    return seconds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = sub.add_parser(
        "init",
        help="create the ledger's schema (idempotent), check its version; Redis: write the epoch marker "
        "every call checks (docs/ledgers.md#running-in-production)",
    )
    init.add_argument(
        "url", help="memory://, sqlite:///path.db, redis://host:port/db, postgresql://user@host/db"
    )
    sweep = sub.add_parser(
        "sweep",
        help="release every reservation past its TTL and settle points accounts (expired holds and points, "
        "matured pending points); prints how many",
    )
    sweep.add_argument("url")
    purge = sub.add_parser(
        "purge",
        help="delete finished orders (committed, released, expired, refunded) last changed before the window; "
        "counters are kept. A purged order id is forgotten: keep the window longer than any retry or refund",
    )
    purge.add_argument("url")
    purge.add_argument(
        "--older-than",
        required=True,
        metavar="AGE",
        help="retention window with a unit: 45s, 90m, 12h, 30d (30d is a sensible default)",
    )
    st = sub.add_parser(
        "stats", help="a promotion's counted orders, units and discount (incl. live reservations)"
    )
    st.add_argument("url")
    st.add_argument("promotion", help="promotion id")
    st.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    older_than = 0.0
    if args.action == "purge":
        try:
            older_than = parse_duration(args.older_than)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        ledger = open_ledger(args.url)
    except LedgerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.action == "init":
            if hasattr(ledger, "init"):
                ledger.init()  # already done on open; explicit for clarity and re-checks the version
            print(f"ledger ready: {ledger.url}")
        elif args.action == "sweep":
            print(f"released {ledger.sweep()} expired reservation(s) in {ledger.url}")
            book = getattr(ledger, "points", None)
            if isinstance(book, PointsBook):  # holds past their TTL, matured pending points, expired lots
                print(f"settled {book.sweep()} points account(s) in {ledger.url}")
        elif args.action == "purge":
            print(
                f"purged {ledger.purge(older_than)} finished order(s) older than {args.older_than} "
                f"from {ledger.url}"
            )
        else:
            s = stats(ledger, args.promotion)
            if args.json:
                print(
                    json.dumps(
                        {
                            "promotion": s.promotion,
                            "orders": s.orders,
                            "reserved_orders": s.reserved_orders,
                            "units": s.units,
                            "discount_minor": s.discount_minor,
                        }
                    )
                )
            else:
                print(
                    f"{s.promotion}: {s.orders} order(s) ({s.reserved_orders} still reserved), "
                    f"{s.units} unit(s), discount {s.discount_minor} minor units"
                )
        return EXIT_OK
    except LedgerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        ledger.close()
