"""The best deal is never worse than the greedy pass (docs/semantics.md#best-deal), whatever the mode.

Rule sets are generated as `.promo` text with many overlapping promotions (up to 24, about
half of them `exclusive`, some in exclusive groups) so that the search runs in each of its
modes: the fast path, the exact branch and bound, and the heuristic beyond `MAX_EXACT`
candidates or `MAX_EVALUATIONS` evaluations (forced in the second property).
"""

from __future__ import annotations

import decimal
import random
from decimal import Decimal
from unittest import mock

from hypothesis import given, note, settings
from hypothesis import strategies as st

from promokit.check.frontend import parse_text
from promokit.engine import selection
from promokit.engine.actions.eligibility import prepare
from promokit.engine.footprints import Footprints
from promokit.engine.ruleset import RuleSet
from promokit.engine.search_memo import SearchMemo
from promokit.models import CheckoutRequest, PricingResult
from promokit.money import PRICING_CONTEXT

CATEGORIES = ("c0", "c1", "c2", "c3", "c4", "c5")
ACTIONS = (
    "spend {x} get {y} off",
    "{pct}% off",
    "buy 2 get 1 free",
    "{each} off each",
    "price {price}",
    "free shipping over {x}",
)


@st.composite
def overlapping_rules(draw: st.DrawFn, max_promotions: int = 24) -> str:
    blocks = []
    for i in range(draw(st.integers(2, max_promotions))):
        scope = ", ".join(
            f'"{c}"' for c in draw(st.sets(st.sampled_from(CATEGORIES), min_size=1, max_size=3))
        )
        x = draw(st.integers(2, 30)) * 10
        action = draw(st.sampled_from(ACTIONS)).format(
            x=x,
            y=draw(st.integers(1, x // 4)),
            pct=draw(st.sampled_from((5, 10, 15, 20, 30))),
            each=draw(st.integers(1, 9)),
            price=draw(st.integers(1, 60)),
        )
        extra = draw(
            st.sampled_from(("", "", "exclusive", "exclusive", "exclusive group g1", "exclusive group g2"))
        )
        priority = draw(st.integers(0, 3))
        blocks.append(
            f"promotion p{i:02d} {{\n  on category {scope}\n  priority {priority}\n  {action}\n  {extra}\n}}"
        )
    return "timezone Asia/Shanghai\ncurrency CNY\n\n" + "\n\n".join(blocks) + "\n"


@st.composite
def carts(draw: st.DrawFn) -> CheckoutRequest:
    lines = [
        {
            "id": f"l{k}",
            "sku": f"S{k}",
            "category": draw(st.sampled_from(CATEGORIES)),
            "unit_price": str(Decimal(draw(st.integers(100, 20000))) / 100),
            "quantity": draw(st.integers(1, 3)),
        }
        for k in range(draw(st.integers(1, 6)))
    ]
    shipping = draw(st.sampled_from(("0", "8.00")))
    return CheckoutRequest.model_validate(
        {"at": "2026-06-01T10:00:00+08:00", "lines": lines, "shipping": shipping}
    )


def saving(result: PricingResult) -> Decimal:
    return result.subtotal + result.shipping_original - result.total


def _check(text: str, request: CheckoutRequest) -> PricingResult:
    note(text)
    note(request.model_dump_json(exclude_defaults=True))
    rules = RuleSet(parse_text(text, name="overlap.promo"))
    best = rules.price(request)
    greedy = rules.price(request, strategy="greedy")
    assert greedy.selection == "greedy"
    assert best.selection in ("none", "exact", "heuristic")
    assert saving(best) >= saving(greedy), (
        f"best ({best.selection}) saves {saving(best)} with {[a.promotion for a in best.applied]}, "
        f"greedy saves {saving(greedy)} with {[a.promotion for a in greedy.applied]}"
    )
    return best


@settings(max_examples=150, deadline=None)
@given(overlapping_rules(), carts())
def test_the_best_deal_saves_at_least_as_much_as_greedy(text: str, request: CheckoutRequest) -> None:
    _check(text, request)


@settings(max_examples=150, deadline=None)
@given(overlapping_rules(max_promotions=12), carts())
def test_the_heuristic_saves_at_least_as_much_as_greedy(text: str, request: CheckoutRequest) -> None:
    # the heuristic from the start (more than one candidate), or after three evaluations
    with mock.patch.object(selection, "MAX_EXACT", 1), mock.patch.object(selection, "MAX_EVALUATIONS", 3):
        _check(text, request)


SEVENTEEN_AND_ONE_EXCLUSIVE = "\n".join(
    [f'promotion p{i:02d} {{\n  on category "k{i:02d}"\n  priority 5\n  10% off\n}}' for i in range(17)]
    + ["promotion big {\n  spend 100 get 50 off\n  exclusive\n}"]
)


def test_an_exclusive_promotion_does_not_stand_in_for_the_search_over_the_others() -> None:
    # 17 percentages on their own lines save 10.00 each; one exclusive promotion saves 50.00
    # alone. The heuristic that once took over beyond 16 candidates kept the exclusive one
    # (largest bound) and could add nothing to it: 50.00 where greedy saves 170.00.
    rules = RuleSet(parse_text("timezone Asia/Shanghai\n" + SEVENTEEN_AND_ONE_EXCLUSIVE, name="x.promo"))
    lines = [
        {"id": f"l{i:02d}", "sku": f"S{i}", "category": f"k{i:02d}", "unit_price": "100.00", "quantity": 1}
        for i in range(17)
    ]
    request = CheckoutRequest.model_validate({"at": "2026-06-01T10:00:00+08:00", "lines": lines})
    best = rules.price(request)
    assert saving(best) == Decimal("170.00")
    assert best.selection == "exact"  # the fast path over the 17, compared with the exclusive one alone
    assert {n.promotion: n.lost_to for n in best.not_applied} == {"big": "p00"}
    assert saving(rules.price(request, strategy="greedy")) == Decimal("170.00")


@settings(max_examples=100, deadline=None)
@given(overlapping_rules(max_promotions=10), carts(), st.randoms(use_true_random=False))
def test_a_promotion_apart_from_a_combination_adds_exactly_its_saving_alone(
    text: str, request: CheckoutRequest, rng: random.Random
) -> None:
    """The claim `engine.footprints.Footprints.apart` makes, which lets the heuristic skip evaluations."""
    note(text)
    note(request.model_dump_json(exclude_defaults=True))
    rules = RuleSet(parse_text(text, name="overlap.promo"))
    with decimal.localcontext(PRICING_CONTEXT):
        prepared = prepare(rules._compiled, request)
        search = SearchMemo(prepared.cart, prepared.candidates)
        feet = Footprints(prepared.cart)
        ps = prepared.candidates
        for _ in range(10):
            members = rng.sample(ps, rng.randint(0, len(ps))) if ps else []
            for p in ps:
                if p in members or not feet.apart(p, members):
                    continue
                without, with_p, alone = search.run(members), search.run([*members, p]), search.run([p])
                if without is None or with_p is None or alone is None:
                    continue
                assert with_p.saving == without.saving + alone.saving, (p.id, [q.id for q in members])
