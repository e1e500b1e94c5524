"""`promokit` command line: a thin dispatcher over one module per command in `promokit.cli`.

Each command module exposes `add_arguments(parser)` and `run(args) -> int`; its one-line
help is in `COMMANDS` below, so `promokit --help` lists every command without importing
any of them. Only the command being run is imported. Exit codes are in `_common`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from .._version import __version__

#: command name -> one-line help (the module is `promokit.cli.<name>`)
COMMANDS: dict[str, str] = {
    "check": "check .promo rule files and report every problem",
    "fmt": "rewrite .promo files in canonical form (--check: only report)",
    "price": "Price a cart (REQUEST.json) with the rules: lines, adjustments, totals, reasons, hints.",
    "explain": "Explain a cart's price: every promotion's outcome, and which alternatives the deal beat.",
    "schema": "Print the JSON Schema of a pricing request or result.",
    "lint": "lint rule files for costly mistakes (overlaps, windows, limits, discount rates)",
    "test": "Run rule test files (*.promotest): price each case and check its expectations.",
    "versions": "List the rule versions kept in an archive (a directory or a sqlite/redis/postgresql ledger URL).",
    "stats": "Campaign statistics from a ledger: participants, orders, sales, 客单价, discount, budget, per day or variant.",
    "replay": "Price stored requests under old and new rules and report what changed (exit 1 on differences).",
    "lsp": "run the language server for .promo files on stdin/stdout (editors start it; extra lsp)",
    "serve": "the operator playground: edit rules with live diagnostics and price sample carts (extra serve)",
    "ledger": "Initialise a ledger, sweep expired reservations, purge old finished orders, or show a promotion's statistics.",
}

EXIT_OK, EXIT_USAGE = 0, 2  # as in `_common`, which this module does not import (it loads the engine)


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"promokit.cli.{name}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only `command` (when given) gets its arguments, so only it is imported."""
    parser = argparse.ArgumentParser(
        prog="promokit",
        description="Promotion rules as code: check, format, price, explain, lint and test .promo files.",
    )
    parser.add_argument("--version", action="version", version=f"promokit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = _load(name)
            module.add_arguments(cmd)
            cmd.set_defaults(_run=module.run)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(args_in))
    try:
        args = parser.parse_args(args_in)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
