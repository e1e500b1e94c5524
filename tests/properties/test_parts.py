"""A combination priced part by part is priced exactly as a whole (`engine/parts.py`).

`evaluate` splits a combination into parts that share no line, prices each part once per
request (memoised, so combinations the search builds from one another re-price only the part
that changed) and puts them together. Every field of the result must equal the evaluation of
the whole combination in one piece: effects in the same order, misses, upsells in the same
order, the lines' amounts before each layer and at the end, the unit assignment, the saving.
Checked over every subset of small generated rule sets (every kind of benefit, composed
offers, conditions on other scopes, unit caps, budgets) and over random subsets of
overlapping category offers, with parts evaluated in random order so that the memo is hit.
"""

from __future__ import annotations

import decimal
import random
from collections.abc import Sequence
from decimal import Decimal
from itertools import combinations

from hypothesis import given, note, settings
from hypothesis import strategies as st

from promokit.check.frontend import parse_text
from promokit.compile.compiler import CompiledPromotion
from promokit.engine import evaluate as E
from promokit.engine.actions.cart import Cart
from promokit.engine.actions.eligibility import prepare
from promokit.engine.line_choices import line_choices
from promokit.engine.parts import split
from promokit.engine.ruleset import RuleSet
from promokit.language import ast
from promokit.models import CheckoutRequest
from promokit.money import PRICING_CONTEXT
from strategies import compile_rules, describe, pricing_cases

CATEGORIES = ("c0", "c1", "c2", "c3", "c4", "c5")
ACTIONS = (
    "spend {x} get {y} off",
    "{pct}% off",
    "buy 2 get 1 free",
    "{each} off each",
    "price {price}",
    "立减{y}",
    "满{x}减{y}",
    "get 1 free",
    'when spend {x} on category "{other}"\n  {pct}% off',
    'when buy 2 on category "{other}" repeat\n  get 1 free',
    "{pct}% off over {x}\n  dearest first\n  limit 2 units per order",
    "spend {x} get {y} off\n  limit 1 units per line",
)


@st.composite
def category_rules(draw: st.DrawFn, max_promotions: int = 10) -> str:
    blocks = []
    for i in range(draw(st.integers(1, max_promotions))):
        scope = ", ".join(
            f'"{c}"' for c in draw(st.sets(st.sampled_from(CATEGORIES), min_size=1, max_size=2))
        )
        x = draw(st.integers(2, 30)) * 10
        action = draw(st.sampled_from(ACTIONS)).format(
            x=x,
            y=draw(st.integers(1, x // 4)),
            pct=draw(st.sampled_from((5, 10, 15, 20, 30))),
            each=draw(st.integers(1, 9)),
            price=draw(st.integers(1, 60)),
            other=draw(st.sampled_from(CATEGORIES)),
        )
        extra = draw(st.sampled_from(("", "", "", "exclusive group g1", "stack group s1")))
        blocks.append(f"promotion p{i:02d} {{\n  on category {scope}\n  {action}\n  {extra}\n}}")
    if sum("stack group" in b for b in blocks) == 1:  # a stacking group needs two members (E083)
        blocks = [b.replace("stack group s1", "") for b in blocks]
    return "timezone Asia/Shanghai\ncurrency CNY\n\n" + "\n\n".join(blocks) + "\n"


@st.composite
def category_carts(draw: st.DrawFn) -> CheckoutRequest:
    lines = [
        {
            "id": f"l{k}",
            "sku": f"S{k % 3}",
            "category": draw(st.sampled_from(CATEGORIES)),
            "unit_price": str(Decimal(draw(st.integers(100, 20000))) / 100),
            "quantity": draw(st.integers(1, 4)),
        }
        for k in range(draw(st.integers(1, 7)))
    ]
    return CheckoutRequest.model_validate({"at": "2026-06-01T10:00:00+08:00", "lines": lines})


def _whole(cart: Cart, members: Sequence[CompiledPromotion]) -> E.Evaluation | None:
    """The combination priced in one piece, as `evaluate` did before it split combinations."""
    ordered = sorted(members, key=lambda p: p.order)
    if not E.valid(ordered):
        return None
    choices = line_choices(cart, [p for p in ordered if p.layer is ast.Layer.ITEM])
    count = 1
    for options in choices.values():
        count *= len(options)
    return E._whole(cart, ordered, choices, count > E.MAX_ASSIGNMENTS)


def _same(split_ev: E.Evaluation | None, whole: E.Evaluation | None) -> None:
    if whole is None or split_ev is None:
        assert whole is split_ev is None
        return
    assert split_ev.ids == whole.ids
    assert list(split_ev.effects.items()) == list(whole.effects.items())
    assert split_ev.misses == whole.misses
    assert split_ev.upsells == whole.upsells
    assert split_ev.remaining == whole.remaining
    assert split_ev.shipping == whole.shipping
    assert split_ev.saving == whole.saving
    assert split_ev.assignment == whole.assignment
    assert split_ev.exhaustive == whole.exhaustive
    assert split_ev.before == whole.before


def _carts(rules: RuleSet, request: CheckoutRequest) -> tuple[Cart, Cart, list[CompiledPromotion]]:
    one = prepare(rules._compiled, request)
    other = prepare(rules._compiled, request)
    return one.cart, other.cart, list(one.candidates)


def _check(rules: RuleSet, request: CheckoutRequest, subsets: Sequence[Sequence[str]]) -> int:
    """Compare every subset; returns how many were priced in more than one part."""
    split_parts = 0
    with decimal.localcontext(PRICING_CONTEXT):
        cart, fresh, candidates = _carts(rules, request)
        by_id = {p.id: p for p in candidates}
        fresh_by_id = {p.id: p for p in fresh.promotions.values()}
        for ids in subsets:
            members = [by_id[i] for i in ids if i in by_id]
            ordered = sorted(members, key=lambda p: p.order)
            split_parts += len(split(cart, ordered)) > 1
            _same(E.evaluate(cart, members), _whole(fresh, [fresh_by_id[p.id] for p in members]))
    return split_parts


@settings(max_examples=150, deadline=None)
@given(pricing_cases(max_promotions=6, max_lines=5, max_quantity=3))
def test_every_subset_priced_in_parts_equals_the_whole(case: tuple[ast.RuleFile, CheckoutRequest]) -> None:
    rule_file, request = case
    note(describe(rule_file, request))
    rules = compile_rules(rule_file)
    ids = [p.id for p in rule_file.promotions]
    _check(rules, request, [s for n in range(len(ids) + 1) for s in combinations(ids, n)])


@settings(max_examples=200, deadline=None)
@given(category_rules(), category_carts(), st.randoms(use_true_random=False))
def test_overlapping_offers_priced_in_parts_equal_the_whole(
    text: str, request: CheckoutRequest, rng: random.Random
) -> None:
    note(text)
    note(request.model_dump_json(exclude_defaults=True))
    rules = RuleSet(parse_text(text, name="parts.promo"))
    ids = [p.id for p in rules._compiled.promotions]
    subsets = [rng.sample(ids, rng.randint(0, len(ids))) for _ in range(25)]
    _check(rules, request, subsets)


def test_disjoint_categories_are_priced_in_parts() -> None:
    # the property above would pass vacuously if nothing were ever split
    text = (
        "\n".join(f'promotion p{i} {{\n  on category "c{i}"\n  spend 10 get 2 off\n}}' for i in range(3))
        + '\npromotion q {\n  on category "c0"\n  10% off\n}\n'
    )
    lines = [
        {"id": f"l{i}", "sku": f"S{i}", "category": f"c{i}", "unit_price": "20.00", "quantity": 1}
        for i in range(3)
    ]
    request = CheckoutRequest.model_validate({"at": "2026-06-01T10:00:00+08:00", "lines": lines})
    rules = RuleSet(parse_text("timezone Asia/Shanghai\n" + text, name="parts.promo"))
    with decimal.localcontext(PRICING_CONTEXT):
        cart, _, candidates = _carts(rules, request)
        parts = split(cart, sorted(candidates, key=lambda p: p.order))
        assert sorted(sorted(p.id for p in part.members) for part in parts) == [["p0", "q"], ["p1"], ["p2"]]
    assert _check(rules, request, [["p0", "p1", "p2", "q"], ["p1", "q"], ["p0", "p1"]]) == 3
