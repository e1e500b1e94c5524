"""The branch and bound's parts, one at a time (`engine.branch_and_bound`, `engine.search_memo`)."""

from __future__ import annotations

import decimal
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from helpers import D, cart, line, load

import bound_check
from promokit.compile.compiler import CompiledPromotion, conflicts
from promokit.engine import selection
from promokit.engine.actions.eligibility import prepare
from promokit.engine.arith_bounds import SpendBound
from promokit.engine.branch_and_bound import BranchAndBound
from promokit.engine.search_memo import OutOfBudget, SearchMemo, Taken
from promokit.models import CheckoutRequest
from promokit.money import PRICING_CONTEXT

RULES = """
promotion fruit8 {\n on category "fruit"\n 8折\n}
promotion fruit9 {\n on category "fruit"\n 9折\n}
promotion dairy {\n on category "dairy"\n 2 off each\n}
promotion full {\n 满100减20\n exclusive group order\n}
promotion every {\n every 50 get 6 off\n exclusive group order\n}
promotion solo {\n 满50减15\n exclusive\n}
coupon ca {\n codes "A"\n spend 30 get 5 off\n}
coupon cb {\n codes "B"\n spend 30 get 8 off\n}
"""


def _request() -> CheckoutRequest:
    return cart(
        line("a", "40.00", 2, "fruit"),
        line("b", "10.00", 3, "dairy"),
        line("c", "25.00", 1, "misc"),
        coupons=["A", "B"],
    )


@contextmanager
def searching(text: str = RULES, request: CheckoutRequest | None = None) -> Iterator[BranchAndBound]:
    """A branch and bound over the money-saving candidates of a cart, from the empty incumbent."""
    rules = load(text)
    with decimal.localcontext(PRICING_CONTEXT):
        prepared = prepare(rules._compiled, request or _request())
        search = SearchMemo(prepared.cart, prepared.candidates)
        found = selection._alone(search, prepared.candidates)
        empty = search.run([])
        assert empty is not None
        yield BranchAndBound(search, found.money, found.bound, empty, max_evaluations=1000)


def _by_id(bb: BranchAndBound, *ids: str) -> list[CompiledPromotion]:
    return [bb.search.by_id[i] for i in ids]


def test_candidates_are_explored_largest_bound_first() -> None:
    with searching() as bb:
        bounds = [bb.bound[p.id] for p in bb.cands]
        assert bounds == sorted(bounds, reverse=True)


def test_grouped_counts_one_member_per_exclusive_group_and_one_coupon() -> None:
    with searching() as bb:
        full, every, ca, cb, dairy = _by_id(bb, "full", "every", "ca", "cb", "dairy")
        b = bb.bound
        assert bb.grouped([full, every]) == max(b["full"], b["every"])
        assert bb.grouped([ca, cb]) == max(b["ca"], b["cb"])
        assert (
            bb.grouped([full, every, ca, cb, dairy])
            == max(b["full"], b["every"]) + max(b["ca"], b["cb"]) + b["dairy"]
        )


def test_reach_lets_an_exclusive_promotion_count_only_alone() -> None:
    with searching() as bb:
        solo, dairy = _by_id(bb, "solo", "dairy")
        assert bb.reach([solo]) == bb.bound["solo"]
        assert bb.reach([solo, dairy]) == max(bb.bound["solo"], bb.bound["dairy"])


def test_reach_counts_competing_item_promotions_per_line() -> None:
    with searching() as bb:
        fruit8, fruit9 = _by_id(bb, "fruit8", "fruit9")
        # both want the one fruit line: at most the better of them on it
        assert bb.reach([fruit8, fruit9]) == bb.bound["fruit8"] == D("16.00")


def test_compatible_refuses_a_second_member_of_a_group_or_a_second_coupon() -> None:
    with searching() as bb:
        full, every, ca, cb, dairy = _by_id(bb, "full", "every", "ca", "cb", "dairy")
        assert not bb.compatible(every, [full])
        assert not bb.compatible(cb, [dairy, ca])
        assert bb.compatible(dairy, [full, ca])


def test_beaten_compares_with_the_incumbent_and_prefers_fewer_promotions_on_ties() -> None:
    with searching() as bb:
        incumbent = bb.search.run(_by_id(bb, "dairy", "full"))
        assert incumbent is not None
        bb.best = incumbent
        assert bb.beaten(incumbent.saving - D("0.01"), 1)
        assert bb.beaten(incumbent.saving, 3)  # as much, with more promotions: loses the tie
        assert not bb.beaten(incumbent.saving, 2)
        assert not bb.beaten(incumbent.saving + D("0.01"), 5)


def test_the_incremental_bound_holds_only_while_no_line_is_taken_from_the_ancestor() -> None:
    with searching() as bb:
        fruit8, fruit9, dairy = _by_id(bb, "fruit8", "fruit9", "dairy")
        anc = bb.search.run([fruit8])
        assert anc is not None
        base, taken = bb.incremental_base([fruit8, dairy], anc, bb.bound["dairy"])
        assert base == anc.saving + bb.bound["dairy"]
        assert taken == bb.lines_of([fruit8])
        base, _ = bb.incremental_base([fruit8, fruit9], anc, bb.bound["fruit9"])
        assert base is None  # fruit9 wants fruit8's line
        assert bb.incremental_base([fruit8], None, Decimal(0)) == (None, frozenset())


def test_run_finds_the_brute_force_best_of_the_candidates() -> None:
    with searching() as bb:
        best = bb.run()
        search = bb.search
        every = [
            ev
            for k in range(len(bb.cands) + 1)
            for combo in itertools.combinations(bb.cands, k)
            if (ev := search.run(combo)) is not None
        ]
        assert best == min(every, key=search.rank)


def test_run_stops_when_out_of_evaluations() -> None:
    with searching() as bb:
        bb.max_evaluations = 0
        with pytest.raises(OutOfBudget):
            bb.run()


def test_taken_names_the_same_rival_as_a_scan_of_conflicts() -> None:
    with searching() as bb:
        ps = list(bb.search.by_id.values())
        for members in itertools.permutations(ps, 3):
            taken = Taken()
            for p in members:
                if taken.rival(p) is None:
                    taken.add(p)
            for p in ps:
                expected = next((q for q in taken.members if conflicts(p, q)), None)
                assert taken.rival(p) == expected


THRESHOLD_RULES = """
promotion tier {\n spend 280 get 60 off\n}
promotion big {\n on category "x"\n 20% off\n}
promotion small {\n on category "y"\n 5% off\n}
"""


def _threshold_request() -> CheckoutRequest:
    return cart(line("a", "200.00", 1, "x"), line("b", "100.00", 1, "y"))


def test_reach_counts_a_storewide_tier_at_the_spend_the_item_layer_leaves() -> None:
    with searching(THRESHOLD_RULES, _threshold_request()) as bb:
        tier, big, small = _by_id(bb, "tier", "big", "small")
        # items save at most 45 (40 + 5); at 45 the spend is 255 and the tier (280) is lost,
        # but 20 of item discount keeps the spend at 280: 20 + 60 = 80 (the sum of bounds is 105)
        assert bb.reach([tier, big, small]) == D("80.00")
        assert bb.spend.most([tier], D("45.00")) == D("80.00")
        assert bb.spend.most([tier], D("10.00")) == D("70.00")  # the tier is kept at any x <= 20
        assert bb.reach([tier, small]) == D("65.00")


def test_a_tier_kept_by_leaving_a_deal_out_is_found() -> None:
    # the best deal leaves the 20% out to keep the 280 tier: 5 + 60; every item deal with the
    # tier saves 45, the tier alone 60. A bound taking only the item layer's largest discount
    # (45 + 0) would prune {tier, small} once {tier} (60) was found.
    rules = load(THRESHOLD_RULES)
    result = rules.price(_threshold_request())
    assert {a.promotion for a in result.applied} == {"tier", "small"}
    assert result.discount == D("65.00")
    assert result.selection == "exact"


SCOPED_RULES = """
promotion big {\n on category "x"\n 20% off\n}
promotion small {\n on category "y"\n 20% off\n}
promotion scoped {\n on category "y"\n spend 90 get 30 off\n}
"""


def test_reach_counts_a_scoped_tier_at_the_spend_the_item_layer_leaves_in_its_scope() -> None:
    with searching(SCOPED_RULES, _threshold_request()) as bb:
        scoped, big, small = _by_id(bb, "scoped", "big", "small")
        # items save at most 60 (40 on x, outside the scope, + 20 on y); y keeps 90 while
        # at most 10 of the discount is on it, so at most 50 + 30 (the sum of bounds is 90)
        assert bb.spend.split([scoped]) == ([scoped], [])
        assert bb.outside([big, small], frozenset({1}), True) == D("40.00")
        assert bb.reach([scoped, big, small]) == D("80.00")
        # on y alone: 10 of discount keeps 90, more loses the tier (the sum of bounds is 50)
        assert bb.reach([scoped, small]) == D("40.00")
        assert bb.reach([scoped, big]) == D("70.00")


SHIPPING_RULES = """
promotion big {\n on category "x"\n 20% off\n}
promotion tier {\n spend 100 get 50 off\n}
promotion ship {\n free shipping over 160\n}
"""


def test_reach_counts_a_shipping_threshold_after_the_order_layer() -> None:
    request = cart(line("a", "200.00", 1, "x"), shipping="10.00")
    with searching(SHIPPING_RULES, request) as bb:
        big, tier, ship = _by_id(bb, "big", "tier", "ship")
        # at the spend the item layer leaves (160) both thresholds hold: 40 + 50 + 10 = 100;
        # but the tier's 50 off leaves at most 150 for the shipping threshold: 90
        assert bb.reach([big, tier, ship]) == D("90.00")
        assert bb.reach([tier, ship]) == D("50.00")  # 150 left: no free shipping
        assert bb.spend.most([tier, ship], D("0")) == D("50.00")


def test_a_bound_below_a_combination_is_caught() -> None:
    """The check the property `tests/properties/test_covering.py` runs finds a broken bound."""
    request = cart(line("a", "200.00", 1, "x"), shipping="10.00")
    with bound_check.searching(SHIPPING_RULES.replace("160", "140"), request) as bb:
        assert bound_check.unsound(bb) == []
    # a bound forgetting that the shipping threshold may still hold (tier + ship save 60)
    with mock.patch.object(SpendBound, "_shipped", lambda self, ships, x, given: x + given):
        with bound_check.searching(SHIPPING_RULES.replace("160", "140"), request) as bb:
            assert frozenset({"tier", "ship"}) in bound_check.unsound(bb)
