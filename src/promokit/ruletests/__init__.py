"""Rule tests: `.promotest` files that pin down what promotions do to real carts.

    report = run_paths(["examples/"])          # what `promokit test` runs
    report.ok, report.outcomes

Modules, one stage each: `model` (what a file says), `parser` (text -> model, T001-T011
diagnostics), `runner` (model + rules -> request, seeded ledger, result), `checks`
(expectation vs result), `report` (text, JSON, the price explanation), `session`
(discover, parse, load rules once, run). The format is documented in docs/testing.md.
"""

from __future__ import annotations

from .model import Case, Catalogue, Expectation, TestFile
from .outcome import CaseOutcome, Check
from .parser import parse_cart_items, parse_path, parse_text
from .report import explain_result, failure_text, render_case
from .runner import RulesCache, run_case
from .session import RunReport, discover, run_paths

__all__ = [
    "Case",
    "CaseOutcome",
    "Catalogue",
    "Check",
    "Expectation",
    "RulesCache",
    "RunReport",
    "TestFile",
    "discover",
    "explain_result",
    "failure_text",
    "parse_cart_items",
    "parse_path",
    "parse_text",
    "render_case",
    "run_case",
    "run_paths",
]
