"""The branch and bound's pruning rules change what it evaluates, not what it finds.

`search_bounds.Covering` lets the exact search skip combinations that leave out an item
promotion whose lines the others hold (the combination with it saves at least as much and
was searched first); `arith_bounds.SpendBound` bounds storewide thresholds by the spend the
item layer leaves. Over generated rule sets of competing item deals and order deals (the
shape of the benchmark's "12 competing promotions"), the chosen deal (what applied, with which
amounts, the total, the selection mode) must be the one the search finds without them.
"""

from __future__ import annotations

import random
from decimal import Decimal
from unittest import mock

from hypothesis import given, note, settings
from hypothesis import strategies as st

from bound_check import searching, unsound
from promokit.check.frontend import parse_text
from promokit.engine import search_memo
from promokit.engine.arith_bounds import SpendBound
from promokit.engine.ruleset import RuleSet
from promokit.engine.search_bounds import Covering
from promokit.models import CheckoutRequest, PricingResult

CATEGORIES = ("fruit", "veg", "dairy", "snacks")
ITEM_ACTIONS = (
    "{pct}% off",
    "price {price}",
    "buy 2 get 1 free",
    "2nd unit 50% off",
    "3 for 10",
    "{each} off each",
)
ORDER_ACTIONS = (
    "spend {x} get {y} off",
    "spend {x} get {y} off, spend {x2} get {y2} off",
    "every 50 get 6 off",
    "free shipping over {x}",
)


@st.composite
def competing_rules(draw: st.DrawFn) -> str:
    blocks = []
    for i in range(draw(st.integers(2, 10))):
        x = draw(st.integers(3, 15)) * 10
        fields = {
            "pct": draw(st.sampled_from((10, 15, 20, 25))),
            "price": draw(st.integers(1, 20)),
            "each": draw(st.integers(1, 5)),
            "x": x,
            "y": draw(st.integers(1, x // 5)),
            "x2": x * 2,
            "y2": x // 4,
        }
        scoped = draw(st.booleans())
        if draw(st.integers(0, 2)) > 0:
            scope = ", ".join(
                f'"{c}"' for c in draw(st.sets(st.sampled_from(CATEGORIES), min_size=1, max_size=2))
            )
            body = f"on category {scope}\n  {draw(st.sampled_from(ITEM_ACTIONS)).format(**fields)}"
        else:
            action = draw(st.sampled_from(ORDER_ACTIONS)).format(**fields)
            group = "\n  exclusive group order" if draw(st.booleans()) and "shipping" not in action else ""
            body = (
                (f'on category "{draw(st.sampled_from(CATEGORIES))}"\n  ' if scoped else "") + action + group
            )
        blocks.append(f"promotion p{i:02d} {{\n  {body}\n}}")
    return "timezone Asia/Shanghai\n\n" + "\n\n".join(blocks) + "\n"


def competing_cart(seed: int) -> CheckoutRequest:
    rng = random.Random(seed)
    lines = [
        {
            "id": f"l{k}",
            "sku": f"S{k}",
            "category": rng.choice(CATEGORIES),
            "unit_price": str(Decimal(rng.randint(300, 2500)) / 100),
            "quantity": rng.randint(1, 4),
        }
        for k in range(rng.randint(2, 8))
    ]
    return CheckoutRequest.model_validate(
        {"at": "2026-06-01T10:00:00+08:00", "lines": lines, "shipping": "10.00"}
    )


def _chosen(result: PricingResult) -> tuple[object, ...]:
    applied = tuple((a.promotion, a.amount, a.lines) for a in result.applied)
    return (result.total, result.discount, result.shipping, result.selection, applied)


def _evaluations(rules: RuleSet, request: CheckoutRequest) -> tuple[PricingResult, int]:
    counted: list[search_memo.SearchMemo] = []
    init = search_memo.SearchMemo.__init__

    def keep(self: search_memo.SearchMemo, *args: object) -> None:
        init(self, *args)  # type: ignore[arg-type]
        counted.append(self)

    with mock.patch.object(search_memo.SearchMemo, "__init__", keep):
        result = rules.price(request)
    return result, sum(s.evaluations for s in counted)


@settings(max_examples=150, deadline=None)
@given(competing_rules(), st.integers(0, 10**6))
def test_same_deal_with_and_without_the_covering_rule(text: str, seed: int) -> None:
    rules = RuleSet(parse_text(text, name="competing.promo"))
    request = competing_cart(seed)
    note(text)
    note(request.model_dump_json())
    with_rule = rules.price(request)
    with (
        mock.patch.object(Covering, "covered", lambda self, left, members: []),
        mock.patch.object(SpendBound, "split", lambda self, later: ([], list(later))),
    ):
        without = RuleSet(parse_text(text, name="competing.promo")).price(request)
    assert _chosen(with_rule) == _chosen(without)


@settings(max_examples=60, deadline=None)
@given(competing_rules(), st.integers(0, 10**6))
def test_reach_bounds_every_combination(text: str, seed: int) -> None:
    """`reach` (with `SpendBound`'s scoped and shipping thresholds) is at least what every
    combination of the first six candidates saves (`bound_check.unsound` catches a broken bound:
    tests/engine/test_branch_and_bound.py)."""
    request = competing_cart(seed)
    note(text)
    note(request.model_dump_json())
    with searching(text, request) as bb:
        assert unsound(bb, most=6) == []


def test_the_rules_save_evaluations_on_competing_deals() -> None:
    """On the benchmark's shape (two deals per category, storewide tiers), each rule prunes."""
    text = """timezone Asia/Shanghai
promotion c01 {\n  on category "fruit"\n  20% off\n}
promotion c02 {\n  on category "fruit", "veg"\n  10% off\n}
promotion c04 {\n  on category "veg"\n  15% off\n}
promotion c05 {\n  on category "dairy"\n  buy 2 get 1 free\n}
promotion c06 {\n  on category "dairy"\n  2nd unit 50% off\n}
promotion c07 {\n  on category "snacks"\n  3 for 10\n}
promotion c08 {\n  on category "snacks"\n  25% off\n}
promotion c09 {\n  spend 99 get 10 off, spend 199 get 30 off\n  exclusive group order\n}
promotion c10 {\n  every 50 get 6 off\n  exclusive group order\n}
promotion c12 {\n  free shipping over 150\n}
"""
    request = CheckoutRequest.model_validate(
        {
            "at": "2026-06-01T10:00:00+08:00",
            "shipping": "10.00",
            "lines": [
                {"id": "a", "sku": "PEAR", "category": "fruit", "unit_price": "19.47", "quantity": 1},
                {"id": "k", "sku": "KALE", "category": "veg", "unit_price": "5.73", "quantity": 2},
                {"id": "m", "sku": "MILK", "category": "dairy", "unit_price": "22.26", "quantity": 1},
                {"id": "y", "sku": "YOGURT", "category": "dairy", "unit_price": "4.51", "quantity": 3},
                {"id": "c", "sku": "CHIPS", "category": "snacks", "unit_price": "22.95", "quantity": 3},
            ],
        }
    )
    no_cover = mock.patch.object(Covering, "covered", lambda self, left, members: [])
    no_spend = mock.patch.object(SpendBound, "split", lambda self, later: ([], list(later)))
    both, fewest = _evaluations(RuleSet(parse_text(text, name="c.promo")), request)
    with no_cover:
        spend_only, spend_count = _evaluations(RuleSet(parse_text(text, name="c.promo")), request)
    with no_spend:
        cover_only, cover_count = _evaluations(RuleSet(parse_text(text, name="c.promo")), request)
    with no_cover, no_spend:
        neither, most = _evaluations(RuleSet(parse_text(text, name="c.promo")), request)
    assert _chosen(both) == _chosen(spend_only) == _chosen(cover_only) == _chosen(neither)
    assert both.selection == "exact"
    assert spend_count < most and cover_count < most
    assert fewest <= min(spend_count, cover_count)
