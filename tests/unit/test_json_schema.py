"""`promokit schema`: standard JSON Schema that agrees with the validator on every example request.

The schema is checked with the `jsonschema` package (the `test` extra), not with pydantic, so a
client that validates its payload with any standard validator gets the same answer as promokit.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import promokit
from promokit.cli.main import main
from promokit.models import CheckoutRequest

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = sorted(p for p in (ROOT / "examples").rglob("requests/*.json"))

# Draft 2020-12 keywords (core, applicator, validation, meta-data, format, content). Anything
# else in the schema (pydantic's `ge`/`le` for example) is ignored by standard validators.
STANDARD = {
    "$schema", "$id", "$ref", "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$comment",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems",
    "items", "contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
    "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains",
    "minContains", "maxProperties", "minProperties", "required", "dependentRequired",
    "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples", "format",
    "unevaluatedItems", "unevaluatedProperties", "contentEncoding", "contentMediaType",
}  # fmt: skip
# Keys whose value maps names to schemas (the names themselves are not keywords).
NAME_MAPS = {"properties", "$defs", "patternProperties", "dependentSchemas"}


def _schema(which: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["schema", which]) == 0
    schema: dict[str, Any] = json.loads(capsys.readouterr().out)
    return schema


def _keywords(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in NAME_MAPS:
                for sub in value.values():
                    found |= _keywords(sub)
            elif key not in ("default", "examples", "enum", "const"):
                found |= _keywords(value)
    elif isinstance(node, list):
        for item in node:
            found |= _keywords(item)
    return found


@pytest.mark.parametrize("which", ["request", "result"])
def test_the_schema_uses_standard_keywords_only(which: str, capsys: pytest.CaptureFixture[str]) -> None:
    schema = _schema(which, capsys)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert _keywords(schema) - STANDARD == set()
    if which == "request":  # money never admits a JSON number with a fraction
        assert "number" not in json.dumps(schema["$defs"]["Line"]["properties"]["unit_price"])


def test_every_example_request_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert REQUESTS, "no example requests found under examples/"
    validator = jsonschema.Draft202012Validator(_schema("request", capsys))
    for path in REQUESTS:
        payload = json.loads(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(payload)]
        assert errors == [], f"{path.relative_to(ROOT)}: {errors}"
        CheckoutRequest.model_validate_json(path.read_bytes())  # and promokit agrees


def test_every_priced_example_result_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    validator = jsonschema.Draft202012Validator(_schema("result", capsys))
    rules = promokit.load(ROOT / "examples" / "fresh-market")
    requests = sorted((ROOT / "examples" / "fresh-market" / "requests").glob("*.json"))
    for path in requests:
        result = rules.price(CheckoutRequest.model_validate_json(path.read_bytes()))
        errors = [e.message for e in validator.iter_errors(result.model_dump(mode="json"))]
        assert errors == [], f"{path.relative_to(ROOT)}: {errors}"


def _with_line_price(request: dict[str, Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(request)
    changed["lines"][0]["unit_price"] = value
    return changed


@pytest.mark.parametrize("value", [12.5, 0.1, 1e-2, 99999999.99])
def test_floats_are_refused_by_the_schema_and_by_promokit(
    value: float, capsys: pytest.CaptureFixture[str]
) -> None:
    validator = jsonschema.Draft202012Validator(_schema("request", capsys))
    request = _with_line_price(json.loads(REQUESTS[0].read_text(encoding="utf-8")), value)
    assert not validator.is_valid(request)
    with pytest.raises(ValueError, match="not a float"):
        CheckoutRequest.model_validate_json(json.dumps(request))


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("12.50", True),
        (12, True),
        ("0", True),
        ("100000000", True),
        ("100000000.00", True),
        ("99999999.99", True),
        ("100000000.01", False),
        ("-1", False),
        (-1, False),
        (100000001, False),
        ("12,50", False),
        ("", False),
    ],
)
def test_money_bounds_agree_with_the_validator(
    value: Any, valid: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    validator = jsonschema.Draft202012Validator(_schema("request", capsys))
    request = _with_line_price(json.loads(REQUESTS[0].read_text(encoding="utf-8")), value)
    assert validator.is_valid(request) is valid
    try:
        CheckoutRequest.model_validate_json(json.dumps(request))
        accepted = True
    except ValueError:
        accepted = False
    assert accepted is valid


def test_an_integral_float_is_an_integer_to_json_schema_but_refused_by_promokit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # JSON Schema's data model counts 12.0 as an integer, so no standard keyword can refuse it;
    # the schema's description says so and promokit refuses it with a clear message.
    schema = _schema("request", capsys)
    assert "12.0" in schema["$defs"]["Line"]["properties"]["unit_price"]["description"]
    request = _with_line_price(json.loads(REQUESTS[0].read_text(encoding="utf-8")), 12.0)
    assert jsonschema.Draft202012Validator(schema).is_valid(request)
    with pytest.raises(ValueError, match="not a float"):
        CheckoutRequest.model_validate_json(json.dumps(request))


def test_result_money_is_always_a_string(capsys: pytest.CaptureFixture[str]) -> None:
    schema = _schema("result", capsys)
    assert schema["properties"]["total"] == {
        "type": "string",
        "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
        "title": "Total",
    }
    assert '"integer"' not in json.dumps(schema["$defs"]["Applied"]["properties"]["amount"])
    assert set(schema["required"]) >= {"total", "subtotal", "lines", "rules_version"}
