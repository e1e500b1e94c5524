"""`promokit schema request|result`: print the JSON Schema of the request or the result."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..fields import MONEY_PATTERN, NON_NEGATIVE_MONEY_PATTERN
from ..models import CheckoutRequest, PricingResult
from ._common import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("which", choices=("request", "result"), help="which model's schema to print")


def _money_as_string(node: Any) -> Any:
    """The result as promokit writes it: money is always a decimal string, never an integer.

    The result models omit empty optional fields with a wrap serializer, which hides their
    fields from pydantic's serialization schema; so the result's schema is the validation
    schema with every money node narrowed to the string promokit prints.
    """
    if isinstance(node, list):
        return [_money_as_string(item) for item in node]
    if not isinstance(node, dict):
        return node
    options = node.get("anyOf")
    if (
        isinstance(options, list)
        and len(options) == 2
        and options[0].get("pattern") in (MONEY_PATTERN, NON_NEGATIVE_MONEY_PATTERN)
        and options[1].get("type") == "integer"
    ):
        kept = {k: v for k, v in node.items() if k in ("title", "default")}
        return {"type": "string", "pattern": options[0]["pattern"], **kept}
    return {key: _money_as_string(value) for key, value in node.items()}


def run(args: argparse.Namespace) -> int:
    # A request is what promokit reads; a result is what it writes (money as decimal strings).
    if args.which == "request":
        schema = CheckoutRequest.model_json_schema(mode="validation")
    else:
        schema = _money_as_string(PricingResult.model_json_schema(mode="validation"))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK
