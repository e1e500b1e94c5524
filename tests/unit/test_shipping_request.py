"""`shipping` in a request: one amount (as before) or a list of shipping lines (docs/semantics.md#shipping)."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

import promokit
from promokit.cli.main import main
from promokit.models import CheckoutRequest, ShippingLine


def request(shipping: Any) -> dict[str, Any]:
    return {
        "at": "2026-10-02T10:00:00+08:00",
        "lines": [
            {"id": "l1", "sku": "APPLE", "unit_price": "12.50", "quantity": 2},
            {"id": "l2", "sku": "PEAR", "unit_price": "3.00", "quantity": 1},
        ],
        "shipping": shipping,
    }


def problems(shipping: Any) -> list[tuple[str, str]]:
    """(field path, message) of every problem, the path as the CLI prints it."""
    with pytest.raises(ValidationError) as info:
        CheckoutRequest.model_validate_json(json.dumps(request(shipping)))
    return [(".".join(str(p) for p in e["loc"]), str(e["msg"])) for e in info.value.errors()]


def ship(**fields: Any) -> dict[str, Any]:
    return {"id": "s1", "method": "express", "amount": "8.00", **fields}


def test_a_single_amount_is_one_implicit_shipping_line_with_no_method() -> None:
    req = CheckoutRequest.model_validate_json(json.dumps(request("8.00")))
    assert req.shipping == D("8.00")
    assert not req.shipping_listed
    assert req.shipping_amount == D("8.00")
    (only,) = req.shipping_lines
    assert (only.id, only.method, only.amount, only.lines, only.tax_rate) == (
        "shipping",
        "",
        D("8.00"),
        None,
        0,
    )


def test_a_list_of_shipping_lines_is_read_exactly() -> None:
    data = request([ship(lines=["l1"], tax_rate="0.09"), ship(id="s2", method="standard", amount=5)])
    req = CheckoutRequest.model_validate_json(json.dumps(data))
    assert req.shipping_listed
    assert req.shipping_amount == D("13.00")
    assert req.shipping_lines == (
        ShippingLine(id="s1", method="express", amount=D("8.00"), lines=("l1",), tax_rate=D("0.09")),
        ShippingLine(id="s2", method="standard", amount=D(5)),
    )
    assert req.shipping_lines[1].lines is None  # all lines


def test_an_empty_list_means_no_shipping() -> None:
    req = CheckoutRequest.model_validate_json(json.dumps(request([])))
    assert req.shipping_lines == () and req.shipping_amount == 0


@pytest.mark.parametrize(
    ("shipping", "path", "message"),
    [
        ([ship(), "3.00"], "shipping.list.1", "object"),
        ([ship(), 3], "shipping.list.1", "object"),
        ({"id": "s1"}, "shipping", "one amount"),
        (None, "shipping", "one amount"),
        ([ship(amount="-1")], "shipping.list.0.amount", "greater than or equal to 0"),
        ([ship(amount=1.5)], "shipping.list.0.amount", "not a float"),
        ([ship(method="")], "shipping.list.0.method", "at least 1 character"),
        ([ship(id="")], "shipping.list.0.id", "at least 1 character"),
        ([ship(tax_rate="1")], "shipping.list.0.tax_rate", "less than 1"),
        ([ship(tax_rate="-0.1")], "shipping.list.0.tax_rate", "greater than or equal to 0"),
        ([ship(tax_rate=0.1)], "shipping.list.0.tax_rate", "not a float"),
        ([ship(tax_rate="1e-1")], "shipping.list.0.tax_rate", "not a decimal number"),
        ([ship(colour="red")], "shipping.list.0.colour", "Extra inputs"),
        ("-1", "shipping.amount", "greater than or equal to 0"),
    ],
)
def test_bad_shipping_is_refused_with_the_field_path(shipping: Any, path: str, message: str) -> None:
    found = problems(shipping)
    assert any(p == path and message in m for p, m in found), found


@pytest.mark.parametrize(
    ("shipping", "message"),
    [
        ([ship(lines=["l1", "nope"])], "shipping.0.lines.1: shipping line 's1' carries cart line 'nope'"),
        ([ship(), ship(method="standard")], "shipping.1.id: duplicate shipping line id 's1'"),
        ([ship(amount="8.001")], "shipping.0.amount: 8.001 has more decimals than CNY allows (2)"),
    ],
)
def test_request_wide_shipping_problems_name_the_field_path(shipping: Any, message: str) -> None:
    ((_, found),) = problems(shipping)
    assert message in found


def test_the_cli_refuses_a_bad_shipping_line_with_exit_2(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "r.promo"
    rules.write_text("promotion a {\n  满100减20\n}\n", encoding="utf-8")
    req = tmp_path / "req.json"
    req.write_text(json.dumps(request([ship(lines=["ghost"])])), encoding="utf-8")
    assert main(["price", str(rules), str(req)]) == 2
    err = capsys.readouterr().err
    assert "shipping.0.lines.0" in err and "'ghost'" in err


def test_the_request_schema_describes_both_forms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "request"]) == 0
    schema = json.loads(capsys.readouterr().out)
    validator = jsonschema.Draft202012Validator(schema)
    assert "ShippingLine" in schema["$defs"]
    assert validator.is_valid(request("8.00"))
    assert validator.is_valid(request([ship(tax_rate="0.13")]))
    assert not validator.is_valid(request([ship(), 3]))
    assert not validator.is_valid(request([ship(tax_rate="1.5")]))
    assert not validator.is_valid(request([ship(amount="-1")]))


def test_priced_shipping_line_results_fit_the_result_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "result"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "ShippingLineResult" in schema["$defs"]
    validator = jsonschema.Draft202012Validator(schema)
    root = Path(__file__).resolve().parents[2] / "examples" / "shipping"
    rules = promokit.load(root)
    for path in sorted((root / "requests").glob("*.json")):
        data = rules.price(CheckoutRequest.model_validate_json(path.read_bytes())).model_dump(mode="json")
        assert data["shipping_lines"], path.name
        assert [e.message for e in validator.iter_errors(data)] == [], path.name


def test_more_than_fifty_shipping_lines_are_refused_not_truncated() -> None:
    ships = [ship(id=f"s{n}") for n in range(51)]
    assert any(p == "shipping.list" and "at most 50" in m for p, m in problems(ships))
    CheckoutRequest.model_validate_json(json.dumps(request(ships[:50])))
