"""Tax in `promokit price` (table, --locale, --json), `promokit explain` and `promokit schema`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_commands import call

from promokit.cli import explain, price, schema

RULES = """currency CNY
promotion full "满200减20" {
  满200减20
}
"""

REQUEST = {
    "at": "2026-10-02T10:00:00+08:00",
    "shipping": "10.00",
    "shipping_tax_rate": "0.09",
    "lines": [
        {"id": "tea", "sku": "TEA", "unit_price": "113.00", "quantity": 1, "tax_rate": "0.13"},
        {"id": "rice", "sku": "RICE", "unit_price": "109.00", "quantity": 1, "tax_rate": "0.09"},
    ],
}


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    rules = tmp_path / "rules.promo"
    rules.write_text(RULES, encoding="utf-8")
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST), encoding="utf-8")
    return str(rules), str(request)


def test_the_price_table_has_a_tax_section(
    files: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(price, *files) == 0
    out = capsys.readouterr().out
    section = out[out.index("Tax (prices include tax)") :]
    assert "tea        13%   ¥90.99  ¥11.83  ¥102.82" in section
    assert "shipping    9%    ¥9.17   ¥0.83   ¥10.00" in section
    assert "by rate     9%  ¥100.16   ¥9.02  ¥109.18" in section
    assert "to pay          ¥191.15  ¥20.85  ¥212.00" in section


def test_the_customer_table_names_tax_in_chinese(
    files: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(price, *files, "--locale", "zh-CN") == 0
    out = capsys.readouterr().out
    assert "税额 (价格含税)" in out and "价税合计" in out and "应付" in out


def test_price_json_carries_the_tax(files: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert call(price, *files, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tax"]["gross"] == data["total"] == "212.00"
    assert data["tax"]["shipping_rate"] == "0.09"
    assert [(r["rate"], r["tax"]) for r in data["tax"]["by_rate"]] == [("0.09", "9.02"), ("0.13", "11.83")]
    assert {ln["id"]: ln["tax"] for ln in data["lines"]} == {"tea": "11.83", "rice": "8.19"}


def test_a_table_without_tax_has_no_tax_section(
    files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain.json"
    plain.write_text(
        json.dumps(
            {**REQUEST, "shipping_tax_rate": "0", "lines": [dict(x, tax_rate="0") for x in REQUEST["lines"]]}
        )
    )
    assert call(price, files[0], str(plain)) == 0
    assert "Tax" not in capsys.readouterr().out


def test_explain_says_what_the_customer_pays_and_the_tax_per_rate(
    files: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(explain, *files) == 0
    out = capsys.readouterr().out
    assert "Tax (prices include tax): the customer pays ¥212.00 = net ¥191.15 + tax ¥20.85" in out
    assert "  at 13%: net ¥90.99, tax ¥11.83, gross ¥102.82" in out


@pytest.mark.parametrize(
    ("rate", "message"), [("1.2", "less than 1"), (0.13, "not a float"), ("-0.1", "greater")]
)
def test_a_bad_tax_rate_exits_2_with_the_field_path(
    files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], rate: object, message: str
) -> None:
    bad = dict(REQUEST, lines=[dict(REQUEST["lines"][0], tax_rate=rate)])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert call(price, files[0], str(path)) == 2
    err = capsys.readouterr().err
    assert "lines.0.tax_rate" in err and message in err and "Traceback" not in err


def test_schemas_describe_tax(capsys: pytest.CaptureFixture[str]) -> None:
    assert call(schema, "request") == 0
    request = json.loads(capsys.readouterr().out)
    line = request["$defs"]["Line"]["properties"]
    assert "gross" in line["unit_price"]["description"] and "net" in line["unit_price"]["description"]
    assert line["tax_rate"]["anyOf"][0]["pattern"] == "^0+(\\.[0-9]{1,6})?$"
    assert "shipping_tax_rate" in request["properties"]
    assert call(schema, "result") == 0
    result = json.loads(capsys.readouterr().out)
    assert {"TaxSummary", "TaxByRate"} <= set(result["$defs"])
    assert {"net", "tax", "gross", "tax_rate"} <= set(result["$defs"]["LineResult"]["properties"])
