"""Rule files using every construct of the language price carts consistently.

The small rule sets of `test_pricing_invariants.py` are built for the best-deal brute force;
these are the full generated files (time windows in several zones, audiences, limits, stock,
budgets, caps, coupons with codes and patterns, points, gifts, JPY and USD rule sets), priced
with a fresh in-memory ledger so that limits and budgets go through the ledger read path.
"""

from __future__ import annotations

from hypothesis import given, note, settings
from pricing_invariants import (
    assert_every_concerned_promotion_has_an_outcome,
    assert_money_reconciles,
    assert_nothing_negative,
    assert_outcomes_are_consistent,
    assert_quantised,
)

from promokit.language import ast
from promokit.ledgers import open_ledger
from promokit.models import CheckoutRequest
from strategies import compile_rules, describe, examples, full_pricing_cases


@settings(max_examples=examples(250, 500))
@given(full_pricing_cases())
def test_rule_files_with_every_construct_price_to_reconciled_results(
    case: tuple[ast.RuleFile, CheckoutRequest],
) -> None:
    rule_file, request = case
    note(describe(rule_file, request))
    rules = compile_rules(rule_file)
    ledger = open_ledger("memory://")
    try:
        result = rules.price(request, ledger=ledger)
    finally:
        ledger.close()
    assert result.currency == request.currency
    assert result.rules_version == rules.version
    assert_money_reconciles(request, result)
    assert_nothing_negative(result)
    assert_quantised(result)
    assert_outcomes_are_consistent(rule_file, result)
    assert_every_concerned_promotion_has_an_outcome(rule_file, request, result)
