"""Rule tests against the real front end and engine: a shop project in a temporary directory."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from shop_project import write_project

from promokit.cli import test as test_command
from promokit.ruletests import render_case, run_paths


def cli(*args: str) -> int:
    parser = argparse.ArgumentParser()
    test_command.add_arguments(parser)
    return test_command.run(parser.parse_args(list(args)))


def test_every_case_of_the_shop_project_passes(tmp_path: Path) -> None:
    report = run_paths([write_project(tmp_path)])
    assert [(c.case.name, c.status) for c in report.outcomes] == [
        ("满100减20 at exactly 100", "passed"),
        ("one apple short of the threshold", "passed"),
        ("flash eggs sold out", "passed"),
        ("flash eggs over the per-customer limit", "passed"),
        ("member day on a wednesday", "passed"),
    ]
    assert report.ok


def test_a_failure_prints_expected_actual_and_the_explanation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, failing=True)
    assert cli(str(tmp_path)) == 1
    out = capsys.readouterr().out
    wrong = tmp_path / "wrong.promotest"
    assert f"FAIL  {wrong}:1  deliberately wrong total" in out
    assert f"{wrong}:4:10: expect total 100" in out
    assert "expected: 100" in out and "actual:   80.00" in out
    assert 'autumn-fruit "秋季水果满减" [order]: saves ¥20.00' in out
    assert out.rstrip().endswith("5 passed, 1 failed (2 files)")


def test_json_output_lists_every_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, failing=True)
    assert cli(str(tmp_path), "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["passed"], data["failed"], data["errors"]) == (5, 1, 0)
    statuses = {c["name"]: c["status"] for f in data["files"] for c in f["cases"]}
    assert statuses["deliberately wrong total"] == "failed"


def test_rule_errors_are_printed_and_no_case_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path)
    (tmp_path / "broken.promo").write_text("promotion broken {\n  满100减\n}\n", encoding="utf-8")
    report = run_paths([tmp_path])
    assert report.rule_errors and report.outcomes == [] and not report.ok
    assert cli(str(tmp_path)) == 1
    out = capsys.readouterr().out
    assert "broken.promo:2:" in out and "no case was run" in out
    assert "PASS" not in out


def test_a_promotion_id_the_rules_do_not_define_is_a_t003_with_did_you_mean(tmp_path: Path) -> None:
    write_project(tmp_path)
    (tmp_path / "typo.promotest").write_text(
        'case "typo" {\n  at 2026-10-02 10:00\n  cart APPLE x 1 price 3\n  expect applied flash-egs\n}\n',
        encoding="utf-8",
    )
    report = run_paths([tmp_path / "typo.promotest"])
    (outcome,) = report.outcomes
    (d,) = outcome.diagnostics
    assert (d.code, d.help) == ("T003", "did you mean 'flash-eggs'?")


LIMITS = """\
timezone Asia/Shanghai

promotion daily-deal "每日限量" {
  on category "fruit"
  满10减2
  limit 100 total per day
}

promotion budgeted "预算内" {
  on category "veg"
  满10减3
  budget 50
}

coupon welcome "新人券" {
  codes "WELCOME10"
  single use
  满5减1
}
"""


@pytest.mark.parametrize(
    ("state", "expectation"),
    [
        ("", "expect applied daily-deal 2"),
        ("total used daily-deal 100 times today", "expect not applied daily-deal because limit"),
        (
            "total used daily-deal 100 times",
            "expect applied daily-deal 2",
        ),  # lifetime counter: not the daily one
        ("budget of budgeted used 48.00", "expect not applied budgeted because budget"),
        ("budget of budgeted left 3.00", "expect applied budgeted 3"),
        ('code "welcome10" used', "expect not applied welcome because coupon_used"),
    ],
)
def test_declared_ledger_state_reaches_the_engine(tmp_path: Path, state: str, expectation: str) -> None:
    (tmp_path / "rules.promo").write_text(LIMITS, encoding="utf-8")
    (tmp_path / "t.promotest").write_text(
        'case "state" {\n  at 2026-10-02 10:00\n  coupon "WELCOME10"\n'
        "  cart PEAR x 1 price 10 category fruit, KALE x 1 price 10 category veg\n"
        f"  {state}\n  {expectation}\n}}\n",
        encoding="utf-8",
    )
    report = run_paths([tmp_path])
    (outcome,) = report.outcomes
    assert outcome.status == "passed", render_case(outcome)


def test_a_code_that_matches_no_coupon_is_expected_by_its_code(tmp_path: Path) -> None:
    # issue 12: `coupon_unknown` has no promotion id, so the expectation names the code
    (tmp_path / "r.promo").write_text('coupon c {\n  codes "GOOD"\n  满100减20\n}\n', encoding="utf-8")
    (tmp_path / "t.promotest").write_text(
        'rules "r.promo"\n'
        'case "unknown code" {\n  at 2026-10-01 10:00\n  cart A x 1 price 150\n  coupon "FAKE10"\n'
        '  expect not applied code "fake10" because coupon_unknown\n}\n'
        'case "wrong reason" {\n  at 2026-10-01 10:00\n  cart A x 1 price 150\n  coupon "FAKE10"\n'
        '  expect not applied code "FAKE10" because coupon_used\n}\n',
        encoding="utf-8",
    )
    report = run_paths([tmp_path / "t.promotest"])
    outcomes = {o.case.name: o.status for o in report.outcomes}
    assert outcomes == {"unknown code": "passed", "wrong reason": "failed"}
