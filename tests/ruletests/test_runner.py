"""The runner: requests built from cases, ledger state seeded, expectations compared, reports.

Pricing here is the stand-in `FakeRules` of conftest.py (its rules are stated there), so these
tests pin the runner, not the engine.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from ruletest_fakes import FakeRules

from promokit.cli import test as test_command
from promokit.ruletests import parse_text, render_case, run_case
from promokit.ruletests.model import TestFile
from promokit.ruletests.outcome import CaseOutcome
from promokit.ruletests.runner import RulesCache
from promokit.ruletests.session import run_paths

HEADER = """\
catalogue fresh {
  APPLE  category fruit  price 12.50
  PEAR   category fruit  price 10
  EGGS   category eggs   price 2.50
  MILK   category dairy  price 6.80
}
defaults {
  at 2026-10-02 10:00
}
"""


def parse(body: str, path: str = "t.promotest") -> TestFile:
    test_file, diagnostics = parse_text(HEADER + body, path)
    assert diagnostics == [] and test_file is not None
    return test_file


def run_one(body: str, rules: FakeRules) -> CaseOutcome:
    test_file = parse(body)
    return run_case(test_file, test_file.cases[0], rules)  # type: ignore[arg-type]


def test_the_request_takes_prices_and_categories_from_the_catalogue_and_the_zone_from_the_rules(
    fake_rules: FakeRules,
) -> None:
    outcome = run_one(
        'case "a" {\n  cart APPLE x 8, MILK x 2 price 5.00\n  customer level 3\n}\n', fake_rules
    )
    request = outcome.request
    assert request is not None
    assert [(ln.id, ln.unit_price, ln.category, ln.quantity) for ln in request.lines] == [
        ("APPLE", Decimal("12.50"), "fruit", 8),
        ("MILK", Decimal("5.00"), "dairy", 2),
    ]
    assert request.at == dt.datetime(2026, 10, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Asia/Shanghai
    assert request.customer.level == 3 and request.currency == "CNY"


def test_a_sku_bought_twice_gets_distinct_line_ids(fake_rules: FakeRules) -> None:
    outcome = run_one('case "a" {\n  cart APPLE x 1, APPLE x 2\n}\n', fake_rules)
    assert outcome.request is not None
    assert [ln.id for ln in outcome.request.lines] == ["APPLE", "APPLE-2"]


def test_a_case_passes_when_every_expectation_holds(fake_rules: FakeRules) -> None:
    outcome = run_one(
        """case "fruit threshold reached" {
  cart APPLE x 8
  expect subtotal 100
  expect total 75.00
  expect discount 25
  expect applied autumn-fruit 20.00
  expect not applied member-day because window
  expect line APPLE total 75
  expect line APPLE price 9.38
  expect no gifts
  expect no hints
}
""",
        fake_rules,
    )
    assert outcome.status == "passed", render_case(outcome)
    assert len(outcome.checks) == 9


def test_a_failing_case_reports_expected_and_actual_for_each_broken_expectation(
    fake_rules: FakeRules,
) -> None:
    outcome = run_one(
        """case "one short" {
  cart APPLE x 7
  expect total 67.50
  expect applied autumn-fruit
  expect hint "add ¥12.50"
}
""",
        fake_rules,
    )
    assert outcome.status == "failed"
    assert [(c.statement, c.expected, c.actual) for c in outcome.failures] == [
        ("expect total 67.50", "67.50", "82.50"),
        (
            "expect applied autumn-fruit",
            "autumn-fruit applied",
            "autumn-fruit not applied because threshold (fruit 87.50 < 100)",
        ),
    ]
    text = render_case(outcome)
    assert "FAIL  t.promotest:10  one short" in text
    assert "t.promotest:12:10: expect total 67.50" in text
    assert "expected: 67.50" in text and "actual:   82.50" in text
    assert "explanation:" in text and "autumn-fruit: threshold - fruit 87.50 < 100" in text


def test_stock_left_zero_is_seeded_so_the_flash_sale_is_sold_out(fake_rules: FakeRules) -> None:
    body = 'case "sold out" {\n  cart EGGS x 2\n  stock of flash-eggs 0\n  expect not applied flash-eggs because stock\n}\n'
    assert run_one(body, fake_rules).status == "passed"
    body_left = 'case "one left" {\n  cart EGGS x 2\n  stock of flash-eggs left 1\n  expect applied flash-eggs 3.00\n}\n'
    assert run_one(body_left, fake_rules).status == "passed"


def test_customer_usage_is_seeded_for_the_case_customer(fake_rules: FakeRules) -> None:
    used = (
        'case "used" {\n  customer id c7\n  cart MILK\n  customer used customer-once 1 time\n'
        "  expect not applied customer-once because limit\n}\n"
    )
    fresh = 'case "fresh" {\n  customer id c7\n  cart MILK\n  expect applied customer-once 5\n}\n'
    assert run_one(used, fake_rules).status == "passed"
    assert run_one(fresh, fake_rules).status == "passed"  # each case starts from an empty ledger


def test_an_unknown_promotion_id_is_an_error_with_a_did_you_mean(fake_rules: FakeRules) -> None:
    outcome = run_one('case "a" {\n  cart APPLE\n  expect applied autum-fruit\n}\n', fake_rules)
    assert outcome.status == "error"
    (d,) = outcome.diagnostics
    assert (d.code, d.message, d.help) == (
        "T003",
        "unknown promotion 'autum-fruit'",
        "did you mean 'autumn-fruit'?",
    )


def test_stock_state_on_a_promotion_without_stock_is_an_error(fake_rules: FakeRules) -> None:
    outcome = run_one('case "a" {\n  cart APPLE\n  stock of autumn-fruit 3\n}\n', fake_rules)
    assert outcome.status == "error" and [d.code for d in outcome.diagnostics] == ["T012"]


def test_a_case_without_an_instant_is_an_error_not_a_guess(fake_rules: FakeRules) -> None:
    test_file, _ = parse_text('case "a" {\n  cart X price 3\n}\n', "t.promotest")
    assert test_file is not None
    outcome = run_case(test_file, test_file.cases[0], fake_rules)  # type: ignore[arg-type]
    assert outcome.status == "error" and [d.code for d in outcome.diagnostics] == ["T011"]


def test_a_price_with_more_decimals_than_the_currency_is_a_diagnostic(fake_rules: FakeRules) -> None:
    outcome = run_one('case "a" {\n  cart X price 1.234\n}\n', fake_rules)
    assert outcome.status == "error"
    (d,) = outcome.diagnostics
    assert d.code == "T010" and "more decimals than CNY allows" in d.message


# --------------------------------------------------------------------------- whole runs


def test_a_run_uses_the_promo_files_next_to_the_test_file(
    write: Callable[[str, str], Path], fake_rules: FakeRules
) -> None:
    seen: list[tuple[Path, ...]] = []

    def loader(paths: object) -> FakeRules:
        seen.append(tuple(paths))  # type: ignore[arg-type]
        return fake_rules

    write("shop/b.promo", "")
    write("shop/a.promo", "")
    write("shop/sub/ignored.promo", "")
    path = write("shop/t.promotest", HEADER + 'case "a" {\n  cart APPLE x 8\n  expect total 75\n}\n')
    report = run_paths([path.parent], cache=RulesCache(loader))  # type: ignore[arg-type]
    assert report.ok
    assert seen == [(path.parent / "a.promo", path.parent / "b.promo")]


def test_the_cli_exits_1_on_a_failure_and_prints_a_summary(
    write: Callable[[str, str], Path],
    fake_rules: FakeRules,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("promokit.ruletests.runner._load_rules", lambda paths: fake_rules)
    write("r.promo", "")
    path = write(
        "t.promotest",
        HEADER + 'case "ok" {\n  cart APPLE x 8\n  expect total 75\n}\n'
        'case "bad" {\n  cart APPLE x 8\n  expect total 80\n}\n',
    )
    parser = _parser()
    assert test_command.run(parser.parse_args([str(path)])) == 1
    out = capsys.readouterr().out
    assert "PASS" in out and "FAIL" in out and out.rstrip().endswith("1 passed, 1 failed (1 file)")
    assert test_command.run(parser.parse_args([str(path), "--json"])) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["ok"], data["passed"], data["failed"]) == (False, 1, 1)
    bad = data["files"][0]["cases"][1]
    assert bad["status"] == "failed" and bad["failures"][0]["actual"] == "75.00"
    assert "explanation" in bad and bad["result"]["total"] == "75.00"


def test_the_cli_exits_2_for_a_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert test_command.run(_parser().parse_args([str(tmp_path / "nope")])) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_a_bad_test_file_is_reported_and_fails_the_run(
    write: Callable[[str, str], Path],
    fake_rules: FakeRules,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("promokit.ruletests.runner._load_rules", lambda paths: fake_rules)
    write("r.promo", "")
    path = write("t.promotest", 'case "a" {\n  cart APPEL x 2\n}\n')
    assert test_command.run(_parser().parse_args([str(path)])) == 1
    out = capsys.readouterr().out
    assert f"{path}:2:8: error[T002]: unknown sku 'APPEL'" in out
    assert "0 passed, 0 failed, 1 with errors (1 file)" in out


def _parser() -> object:
    import argparse

    parser = argparse.ArgumentParser()
    test_command.add_arguments(parser)
    return parser
