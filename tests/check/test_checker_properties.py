"""Properties over generated rule files (tests/strategies.py): the checker accepts what the
strategies promise is valid, and the linter never raises on it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings

from promokit.check.checker import check
from promokit.language.ast import RuleFile
from promokit.lint.linter import lint
from strategies import rule_files, small_rule_sets


@settings(max_examples=200)
@given(rule_files())
def test_the_checker_reports_no_error_on_a_generated_valid_rule_file(rule_file: RuleFile) -> None:
    rules, found = check([rule_file])
    errors = [d for d in found if d.is_error]
    assert errors == [], errors
    assert rules.files == (rule_file,)
    assert all(d.code[0] == "W" for d in found)
    for d in lint(rules, today=dt.date(2026, 6, 1)):  # and the linter accepts it
        assert d.severity == "warning" and d.code.startswith("L")


@settings(max_examples=60)
@given(small_rule_sets())
def test_the_linter_never_raises_and_only_warns(rule_file: RuleFile) -> None:
    rules, found = check([rule_file])
    assert not [d for d in found if d.is_error]
    for d in lint(rules, today=dt.date(2026, 6, 1)):
        assert d.severity == "warning" and d.code.startswith("L") and d.message
