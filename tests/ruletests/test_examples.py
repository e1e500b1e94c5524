"""The project's own rule tests: every `.promotest` under examples/ passes."""

from __future__ import annotations

from pathlib import Path

import promokit
from promokit.ruletests import render_case, run_paths

EXAMPLES = Path(promokit.__file__).resolve().parents[2] / "examples"


def test_every_example_rule_test_passes() -> None:
    report = run_paths([EXAMPLES])
    problems = [render_case(c) for c in report.outcomes if not c.passed]
    assert not report.rule_errors, [str(e) for e in report.rule_errors]
    assert [f.path for f in report.files if f.diagnostics] == []
    assert problems == []


def test_the_fresh_market_example_has_at_least_ten_cases() -> None:
    report = run_paths([EXAMPLES / "fresh-market"])
    assert len(report.outcomes) >= 10
