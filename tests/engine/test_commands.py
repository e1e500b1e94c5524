"""`promokit price`, `promokit explain` and `promokit schema`, called through their modules."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from types import ModuleType

import pytest

from promokit.cli import explain, price, schema

RULES = """timezone Asia/Shanghai
currency CNY

promotion fruit8 "水果8折" {
  on category "fruit"
  8折
}
promotion full "满100减20" {
  满100减20, 满200减50
}
promotion ship "满99包邮" {
  满99包邮
}
promotion national "国庆" {
  during 2026-10-01 to 2026-10-07
  满50减5
  exclusive group holiday
}
"""

REQUEST = {
    "at": "2026-10-02T10:00:00+08:00",
    "shipping": "10.00",
    "coupons": ["bogus"],
    "lines": [
        {"id": "a", "sku": "APPLE", "category": "fruit", "unit_price": "30.00", "quantity": 2},
        {"id": "b", "sku": "MILK", "category": "dairy", "unit_price": "45.00", "quantity": 1},
    ],
}


def call(module: ModuleType, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(list(argv))))


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    rules = tmp_path / "rules.promo"
    rules.write_text(RULES, encoding="utf-8")
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST), encoding="utf-8")
    return str(rules), str(request)


def test_price_prints_a_table_with_totals_reasons_and_hints(files, capsys):
    assert call(price, *files) == 0
    out = capsys.readouterr().out
    # goods 105 - 20 (满100减20) - 5 (国庆 满50减5) = 80, below 99: shipping 10 stays
    assert "total     ¥90.00" in out
    assert "fruit8" in out and "excluded" in out
    assert "coupon_unknown" in out
    assert "Hints" in out


def test_price_json_has_money_as_decimal_strings(files, capsys):
    assert call(price, *files, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["subtotal"], data["discount"], data["shipping"], data["total"]) == (
        "105.00",
        "25.00",
        "10.00",
        "90.00",
    )
    assert data["lines"][0]["adjustments"][0]["amount"] == "11.43"


def test_price_at_overrides_the_requests_instant(files, capsys):
    assert call(price, *files, "--json", "--at", "2026-10-08T10:00:00+08:00") == 0
    data = json.loads(capsys.readouterr().out)
    assert {n["promotion"]: n["reason"] for n in data["not_applied"]}["national"] == "window"


def test_a_malformed_request_exits_2_with_the_field_path(files, tmp_path, capsys):
    bad = dict(REQUEST, lines=[dict(REQUEST["lines"][0], unit_price=12.5)])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert call(price, files[0], str(path)) == 2
    err = capsys.readouterr().err
    assert "lines.0.unit_price" in err and "Traceback" not in err


def test_invalid_json_and_naive_datetimes_exit_2(files, tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    assert call(price, files[0], str(path)) == 2
    assert call(price, *files, "--at", "2026-10-02T10:00:00") == 2
    assert "at" in capsys.readouterr().err


def test_rule_errors_exit_1_with_rendered_diagnostics(files, tmp_path, capsys):
    broken = tmp_path / "broken.promo"
    broken.write_text("promotion x {\n  满100减\n}\n", encoding="utf-8")
    assert call(price, str(broken), files[1]) == 1
    assert "broken.promo:" in capsys.readouterr().err


def test_a_missing_rules_path_exits_2(files, capsys):
    assert call(price, "/nonexistent/rules.promo", files[1]) == 2


def test_explain_reports_every_outcome_and_the_alternatives_beaten(files, capsys):
    assert call(explain, *files) == 0
    out = capsys.readouterr().out
    assert "Applied" in out and "Not applied" in out
    assert "fruit8 [excluded]" in out
    assert "Alternatives the chosen deal beat" in out


def test_explain_locale_adds_the_customer_texts(files, capsys):
    assert call(explain, *files, "--locale", "zh-CN") == 0
    out = capsys.readouterr().out
    assert "fruit8 [excluded]" in out  # the operator's report is still there ...
    assert (
        "      zh-CN: 「水果8折」不与「满100减20」同享，已为您选择更优惠的组合" in out
    )  # ... with each reason's text
    assert "Hints (zh-CN)\n  - 再买¥95.00，「满100减20」可再省¥30.00" in out
    assert call(explain, *files, "--locale", "en") == 0
    out = capsys.readouterr().out
    assert "      en: 水果8折 does not combine with 满100减20, which saves you more" in out
    assert call(explain, *files) == 0  # without --locale: the engine's wording, no customer texts
    out = capsys.readouterr().out
    assert "zh-CN:" not in out and "      en:" not in out and "Hints\n" in out


def test_explain_rejects_an_unknown_locale(files, capsys):
    with pytest.raises(SystemExit) as info:
        call(explain, *files, "--locale", "fr")
    assert info.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_schema_prints_json_schema_for_request_and_result(capsys):
    assert call(schema, "request") == 0
    request_schema = json.loads(capsys.readouterr().out)
    assert "lines" in request_schema["properties"]
    assert call(schema, "result") == 0
    assert "not_applied" in json.loads(capsys.readouterr().out)["properties"]
