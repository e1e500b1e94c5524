"""`promokit schema request|result`: print the JSON Schema of the request or the result."""

from __future__ import annotations

import argparse
import json

from ..models import CheckoutRequest, PricingResult
from ._common import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("which", choices=("request", "result"), help="which model's schema to print")


def run(args: argparse.Namespace) -> int:
    model = CheckoutRequest if args.which == "request" else PricingResult
    print(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK
