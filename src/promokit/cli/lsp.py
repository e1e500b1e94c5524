"""`promokit lsp`: run the language server for `.promo` files on stdin/stdout (extra `lsp`).

Editors start it as a subprocess (editors/vscode/ does). Without the extra it says how to
install it and exits 2, instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ._common import EXIT_OK, EXIT_USAGE

serve_stdio: Callable[[], None] | None
try:  # pygls and lsprotocol come with the `lsp` extra
    from ..editor.lsp_server import serve_stdio
except ModuleNotFoundError as exc:
    if (exc.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
        raise
    serve_stdio, _MISSING = None, (exc.name or "").split(".")[0]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stdio", action="store_true", help="talk over stdin/stdout (the default and only mode)"
    )


def run(args: argparse.Namespace) -> int:
    if serve_stdio is None:
        print(
            f"promokit lsp: the language server needs the `lsp` extra ({_MISSING} is not installed): "
            "pip install 'promokit[lsp]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    serve_stdio()
    return EXIT_OK
