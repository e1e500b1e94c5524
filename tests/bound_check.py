"""Checking the best-deal search's bound against every combination (`BranchAndBound.reach`).

Shared by tests/engine/test_branch_and_bound.py (a broken bound is caught) and
tests/properties/test_covering.py (the bound holds over generated rule sets).
"""

from __future__ import annotations

import decimal
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from promokit.check.frontend import parse_text
from promokit.engine import selection
from promokit.engine.actions.eligibility import prepare
from promokit.engine.branch_and_bound import BranchAndBound
from promokit.engine.ruleset import RuleSet
from promokit.engine.search_memo import SearchMemo
from promokit.models import CheckoutRequest
from promokit.money import PRICING_CONTEXT


@contextmanager
def searching(text: str, request: CheckoutRequest) -> Iterator[BranchAndBound]:
    """A branch and bound over the money-saving candidates of a cart, from the empty incumbent."""
    if "timezone" not in text:
        text = "timezone Asia/Shanghai\n" + text
    rules = RuleSet(parse_text(text, name="test.promo"))
    with decimal.localcontext(PRICING_CONTEXT):
        prepared = prepare(rules._compiled, request)
        search = SearchMemo(prepared.cart, prepared.candidates)
        found = selection._alone(search, prepared.candidates)
        empty = search.run([])
        assert empty is not None
        yield BranchAndBound(search, found.money, found.bound, empty, max_evaluations=100_000)


def unsound(bb: BranchAndBound, most: int = 12) -> list[frozenset[str]]:
    """The combinations of the first `most` candidates that save more than `reach` says they can."""
    out = []
    for size in range(1, min(most, len(bb.cands)) + 1):
        for members in itertools.combinations(bb.cands[:most], size):
            if not all(bb.compatible(p, members[:k]) for k, p in enumerate(members)):
                continue
            ev = bb.search.run(list(members))
            if ev is not None and ev.saving > bb.reach(list(members)):
                out.append(ev.ids)
    return out
