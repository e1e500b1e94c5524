"""`promokit ledger init|sweep|stats URL ...`: operate a ledger from the shell.

    promokit ledger init postgresql://shop@db/shop        # create the schema (idempotent)
    promokit ledger sweep sqlite:///ledger.db              # release expired reservations (cron)
    promokit ledger stats redis://127.0.0.1:6379/0 eggs    # orders, units, discount of a promotion
"""

from __future__ import annotations

import argparse
import json
import sys

from ..ledgers import LedgerError, open_ledger, stats

HELP = "Initialise a ledger, sweep expired reservations, or show a promotion's statistics."

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="create the ledger's schema/script (idempotent); checks the schema version")
    init.add_argument("url", help="memory://, sqlite:///path.db, redis://host:port/db, postgresql://user@host/db")
    sweep = sub.add_parser("sweep", help="release every reservation past its TTL; prints how many")
    sweep.add_argument("url")
    st = sub.add_parser("stats", help="a promotion's counted orders, units and discount (incl. live reservations)")
    st.add_argument("url")
    st.add_argument("promotion", help="promotion id")
    st.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
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
        else:
            s = stats(ledger, args.promotion)
            if args.json:
                print(json.dumps({"promotion": s.promotion, "orders": s.orders, "reserved_orders": s.reserved_orders,
                                  "units": s.units, "discount_minor": s.discount_minor}))
            else:
                print(f"{s.promotion}: {s.orders} order(s) ({s.reserved_orders} still reserved), "
                      f"{s.units} unit(s), discount {s.discount_minor} minor units")
        return EXIT_OK
    except LedgerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        ledger.close()


