"""`promokit explain RULES REQUEST.json`: why this price, promotion by promotion.

Prints every promotion that could concern the cart with its outcome (applied: amount, lines,
units; not applied: reason code and detail), the totals, the hints, and the best
alternative combinations the chosen deal beat with what each would have saved.
`--locale zh-CN` (or `en`) adds the customer texts in that language: each reason not applied
is followed by its text, and the hints are the customers' (titles, not ids). Exit codes as
`promokit price`.
"""

from __future__ import annotations

import argparse
import sys

from ..engine.explain_text import render_explanation
from ..engine.texts import LOCALES
from ..language.diagnostics import RuleError, render_all
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, InputError, load_request, load_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rules", metavar="RULES", help=".promo file or directory of .promo files")
    parser.add_argument("request", metavar="REQUEST.json", help="the cart as JSON ('-' reads stdin)")
    parser.add_argument("--at", metavar="ISO", help="explain at this instant instead of the request's `at`")
    parser.add_argument(
        "--locale",
        choices=LOCALES,
        default=None,
        help="also the customer texts in this language (each reason not applied; the hints)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        rules = load_rules(args.rules)
        request = load_request(args.request, args.at)
        explanation = rules.explain(request, locale=args.locale or "en")
    except RuleError as exc:
        print(render_all(exc.diagnostics, exc.sources), file=sys.stderr)
        return EXIT_FAILED
    except (InputError, ValueError) as exc:
        print(f"promokit explain: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(render_explanation(explanation, locale=args.locale))
    return EXIT_OK
