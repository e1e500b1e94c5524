"""`promokit serve RULES [--port 8000] [--host 127.0.0.1] [--requests DIR]`: the operator playground.

A local web page to edit the rule files of RULES with highlighting and live diagnostics, price
sample carts (the JSON requests of `--requests`, default RULES/requests) and save a file
only when the rule set checks (docs/playground.md). It listens on 127.0.0.1 unless `--host`
says otherwise. Needs the `serve` extra; without it, it says so and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_USAGE

create_app: Any
Workspace: Any
try:  # starlette, uvicorn and pygments come with the `serve` extra
    import uvicorn

    from ..serve.app import create_app
    from ..serve.files import Workspace
except ModuleNotFoundError as exc:
    if (exc.name or "").split(".")[0] not in ("starlette", "uvicorn", "pygments", "anyio"):
        raise
    create_app = Workspace = None
    _MISSING = (exc.name or "").split(".")[0]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rules", metavar="RULES", help="the folder of .promo files to edit")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    parser.add_argument(
        "--requests", metavar="DIR", help="folder of sample request JSON (default RULES/requests)"
    )


def run(args: argparse.Namespace) -> int:
    if create_app is None:
        print(
            f"promokit serve: the playground needs the `serve` extra ({_MISSING} is not installed): "
            "pip install 'promokit[serve]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    rules = Path(args.rules)
    if not rules.is_dir():
        print(f"promokit serve: not a folder of rule files: {rules}", file=sys.stderr)
        return EXIT_USAGE
    if not 0 <= args.port <= 65535:
        print(f"promokit serve: --port must be 0..65535, got {args.port}", file=sys.stderr)
        return EXIT_USAGE
    requests = Path(args.requests) if args.requests else rules / "requests"
    hosts = tuple(dict.fromkeys(("127.0.0.1", "localhost", args.host)))
    app = create_app(Workspace(rules, requests if requests.is_dir() else None), hosts=hosts)
    print(
        f"promokit playground: http://{args.host}:{args.port}/ (rules: {rules})", file=sys.stderr, flush=True
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK
