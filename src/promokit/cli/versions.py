"""`promokit versions ARCHIVE`: list the rule versions an archive holds (oldest first)."""

from __future__ import annotations

import argparse
import sys

from ..archive import versions
from ..ledgers.base import LedgerError
from ._common import EXIT_OK, EXIT_USAGE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "archive", help="a rules archive: a directory or a sqlite:///, redis:// or postgresql:// ledger URL"
    )


def run(args: argparse.Namespace) -> int:
    try:
        found = versions(args.archive)
    except LedgerError as exc:
        print(f"promokit versions: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not found:
        print(f"no rule versions in {args.archive}", file=sys.stderr)
        return EXIT_OK
    for v in found:
        print(f"{v.version}  {v.stored_at.isoformat(timespec='seconds')}  {v.files} file(s)")
    return EXIT_OK
