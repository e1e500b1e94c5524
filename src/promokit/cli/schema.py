"""`promokit schema request|result`: print the JSON Schema of the request or the result."""

from __future__ import annotations

import argparse
import json

from ..models import CheckoutRequest, PricingResult
from ._common import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("which", choices=("request", "result"), help="which model's schema to print")


def run(args: argparse.Namespace) -> int:
    # A request is what promokit reads (validation); a result is what it writes (serialization:
    # money is always a decimal string there).
    if args.which == "request":
        schema = CheckoutRequest.model_json_schema(mode="validation")
    else:
        schema = PricingResult.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK
