"""When the only conflicts are exclusive groups and the seed reaches the bound, the search is
skipped (`selection._reaches_bound`); the answer must still be the brute-force best, ties
included (equal saving: fewer promotions, then higher priority)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

import promokit
from promokit import CheckoutRequest, PricingResult
from promokit.engine import branch_and_bound

# Two order promotions in one exclusive group that save the same ¥10 on this cart, plus
# item promotions on separate lines and free shipping: nothing spoils anything.
TIED_GROUP = """currency CNY

promotion s-first {
  spend 50 get 10 off
  exclusive group store
}

promotion s-second {
  spend 50 get 10 off
  exclusive group store
}

promotion s-fruit {
  on category "fruit"
  10% off
}

promotion s-pear {
  on sku "PEAR"
  price 5.00
}

promotion s-ship {
  free shipping over 10
}
"""

CART = (
    '{"at":"2025-06-01T00:00:00Z","shipping":"8.00","lines":['
    '{"id":"L1","sku":"APPLE","category":"fruit","unit_price":"20.00","quantity":2},'
    '{"id":"L2","sku":"PEAR","category":"veg","unit_price":"8.00","quantity":3},'
    '{"id":"L3","sku":"RICE","category":"grain","unit_price":"30.00","quantity":1}]}'
)


def _brute_force_best(rules: promokit.RuleSet, request: CheckoutRequest) -> PricingResult:
    """Most saving, then fewest promotions, then the higher-priority (earlier) promotions."""
    ids = [p.id for p in rules.ast.promotions]
    order = {pid: n for n, pid in enumerate(ids)}
    found: list[tuple[Decimal, int, tuple[int, ...], PricingResult]] = []
    for size in range(len(ids) + 1):
        for combo in itertools.combinations(ids, size):
            result = rules.price_combination(request, combo)
            if result is None:
                continue
            applied = [a.promotion for a in result.applied if a.amount > 0]
            saving = result.subtotal - result.total + result.shipping_original
            found.append((-saving, len(applied), tuple(sorted(order[a] for a in applied)), result))
    return min(found, key=lambda f: f[:3])[3]


def test_group_tie_goes_to_the_higher_priority_member_without_a_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = promokit.loads(TIED_GROUP)
    request = CheckoutRequest.model_validate_json(CART)
    best = _brute_force_best(rules, request)

    def no_search(*args: object) -> object:
        raise AssertionError("the seed reaches the bound: the branch and bound should not run")

    monkeypatch.setattr(branch_and_bound.BranchAndBound, "run", no_search)
    result = rules.price(request)
    assert result.total == best.total
    applied = {a.promotion for a in result.applied}
    assert {a.promotion for a in best.applied if a.amount > 0} <= applied
    assert "s-first" in applied and "s-second" not in applied
    assert result.selection == "exact"


def test_explain_still_lists_the_group_alternative() -> None:
    rules = promokit.loads(TIED_GROUP)
    request = CheckoutRequest.model_validate_json(CART)
    explanation = rules.explain(request)
    priced = rules.price(request)
    # the same result, but `price` does not measure by how much a promotion that cannot apply
    # with the chosen deal lost (docs/semantics.md#best-deal: lazy explanations); `explain` does
    assert _unworded(explanation.result) == _unworded(priced)
    lost = {n.promotion: n for n in priced.not_applied}["s-second"]
    assert (lost.reason, lost.lost_to) == ("excluded", "s-first")
    assert "explain" in lost.detail
    measured = {n.promotion: n for n in explanation.result.not_applied}["s-second"]
    assert measured.detail.startswith("lost to s-first: equal saving")
    assert any("s-second" in alt.promotions for alt in explanation.alternatives)


def _unworded(result: PricingResult) -> PricingResult:
    """The result with the not-applied details blanked (their reasons and rivals stay)."""
    blank = tuple(n.model_copy(update={"detail": ""}) for n in result.not_applied)
    return result.model_copy(update={"not_applied": blank})
