"""`promokit` command line: a thin dispatcher over `promokit.commands.*`.

Each command lives in its own module exposing `HELP: str`,
`add_arguments(parser)` and `run(args) -> int`. Exit codes are shared:
0 ok (warnings allowed), 1 rule errors / failed checks, 2 usage or input errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

# command name -> module under promokit.commands
COMMANDS: dict[str, str] = {
    "check": "check",
    "fmt": "fmt",
    "price": "price",
    "explain": "explain",
    "schema": "schema",
    "lint": "lint",
    "test": "test",
    "ledger": "ledger",
}

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"promokit.commands.{COMMANDS[name]}")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="promokit",
        description="Promotion rules as code: check, format, price, explain, lint and test .promo files.",
    )
    parser.add_argument("--version", action="version", version=f"promokit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = _load(name)
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
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
