"""The strategies themselves: generated rules are valid and cover the language.

The other property tests (and the front end's round trip) lean on `tests/strategies.py`
producing rule files that a correct checker accepts; if they did not, a failure would
blame the wrong stage.
"""

from __future__ import annotations

from hypothesis import given, settings

from promokit import ast, checker
from strategies import rule_files, small_rule_sets


@settings(max_examples=100)
@given(rule_files())
def test_generated_rule_files_pass_the_checker(rule_file: ast.RuleFile) -> None:
    _, diagnostics = checker.check([rule_file])
    assert [d.render() for d in diagnostics if d.is_error] == []


@settings(max_examples=100)
@given(small_rule_sets())
def test_generated_pricing_rule_sets_pass_the_checker(rule_file: ast.RuleFile) -> None:
    _, diagnostics = checker.check([rule_file])
    assert [d.render() for d in diagnostics if d.is_error] == []
