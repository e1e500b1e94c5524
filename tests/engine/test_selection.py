"""Best-deal search: exact against brute force, greedy baseline, fast path, bound, determinism."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

from helpers import D, applied, cart, check_invariants, line, load

from promokit import selection

RULES = """
promotion fruit {
  on category "fruit"
  8折
}
promotion dairy-each {
  on category "dairy"
  2 off each
}
promotion tea-pair {
  on category "fruit", "dairy"
  2 for 15
}
promotion full {
  满100减20, 满150减35
  exclusive group order
}
promotion every {
  every 60 get 8 off
  exclusive group order
}
promotion ship {
  满99包邮
}
"""


def saving(result) -> Decimal:  # type: ignore[no-untyped-def]
    return result.discount + result.shipping_discount


def random_cart(rng: random.Random):  # type: ignore[no-untyped-def]
    lines = []
    for i in range(rng.randint(1, 4)):
        lines.append(
            line(
                f"l{i}",
                f"{rng.randint(100, 6000) / 100:.2f}",
                rng.randint(1, 3),
                rng.choice(["fruit", "dairy", "misc"]),
            )
        )
    return cart(*lines, shipping="8.00")


def test_the_search_is_at_least_as_good_as_every_subset_and_the_greedy_pass():
    rules = load(RULES)
    ids = [p.id for p in rules.ast.promotions]
    rng = random.Random(7)
    for _ in range(60):
        request = random_cart(rng)
        best = rules.price(request)
        check_invariants(best)
        found = []
        for k in range(len(ids) + 1):
            for subset in itertools.combinations(ids, k):
                priced = rules.price_combination(request, subset)
                if priced is not None:
                    check_invariants(priced)
                    found.append(saving(priced))
        assert saving(best) == max(found)
        assert saving(best) >= saving(rules.price(request, strategy="greedy"))


def test_price_combination_refuses_promotions_of_one_exclusive_group():
    rules = load(RULES)
    assert rules.price_combination(cart(line("a", "200.00")), ["full", "every"]) is None
    assert rules.price_combination(cart(line("a", "200.00")), ["full", "ship"]) is not None


def test_no_competition_takes_the_fast_path():
    rules = load('promotion a {\n on category "fruit"\n 9折\n}\npromotion b {\n on category "dairy"\n 8折\n}')
    result = rules.price(cart(line("a", "10.00", 1, "fruit"), line("b", "10.00", 1, "dairy")))
    assert result.selection == "none"
    assert applied(result) == {"a": D("1.00"), "b": D("2.00")}


def test_competition_runs_the_exact_search():
    rules = load(RULES)
    result = rules.price(cart(line("a", "50.00", 2, "fruit")))
    assert result.selection == "exact"


def test_greedy_takes_promotions_in_priority_order():
    rules = load(
        "promotion low {\n priority 1\n 满100减30\n exclusive group g\n}\n"
        "promotion high {\n priority 9\n 满100减10\n exclusive group g\n}\n"
    )
    request = cart(line("a", "100.00"))
    assert applied(rules.price(request, strategy="greedy")) == {"high": D("10.00")}
    assert applied(rules.price(request)) == {"low": D("30.00")}


def test_ties_go_to_the_higher_priority():
    rules = load(
        "promotion zeta {\n priority 5\n 满100减10\n exclusive group g\n}\n"
        "promotion alpha {\n priority 1\n 满100减10\n exclusive group g\n}\n"
    )
    assert applied(rules.price(cart(line("a", "100.00")))) == {"zeta": D("10.00")}


def test_ties_of_equal_priority_go_to_the_smaller_id():
    rules = load("promotion b {\n 满100减10\n exclusive\n}\npromotion a {\n 满100减10\n exclusive\n}\n")
    assert applied(rules.price(cart(line("a", "100.00")))) == {"a": D("10.00")}


def test_stackable_item_promotions_apply_one_after_the_other():
    rules = load(
        'promotion a {\n on category "fruit"\n 10% off\n stackable with b\n}\n'
        'promotion b {\n on category "fruit"\n 10% off\n}\n'
    )
    result = rules.price(cart(line("x", "100.00", 1, "fruit")))
    assert applied(result) == {"a": D("10.00"), "b": D("9.00")}


def test_too_many_competing_promotions_switch_to_the_documented_heuristic(monkeypatch):
    rules = load(RULES)
    monkeypatch.setattr(selection, "MAX_EXACT", 1)
    result = rules.price(cart(line("a", "50.00", 2, "fruit"), line("b", "30.00", 1, "dairy")))
    check_invariants(result)
    assert result.selection == "heuristic"
    monkeypatch.setattr(selection, "MAX_EXACT", 20)
    exact = rules.price(cart(line("a", "50.00", 2, "fruit"), line("b", "30.00", 1, "dairy")))
    assert saving(result) <= saving(exact)


def test_the_result_does_not_depend_on_line_order_or_promotion_order():
    forward = load(RULES)
    blocks = RULES.strip().split("\n}\n")
    backward = load("\n}\n".join(reversed([b.rstrip("}").rstrip() for b in blocks])) + "\n}\n")
    assert forward.version == backward.version
    lines = [line("a", "33.33", 2, "fruit"), line("b", "21.05", 3, "dairy"), line("c", "9.99", 1, "misc")]
    one = forward.price(cart(*lines, shipping="8.00"))
    two = backward.price(cart(*reversed(lines), shipping="8.00"))
    assert one.discount == two.discount and one.total == two.total
    assert {ln.id: ln.adjustments for ln in one.lines} == {ln.id: ln.adjustments for ln in two.lines}
    assert one.model_dump_json() == forward.price(cart(*lines, shipping="8.00")).model_dump_json()


def test_the_version_changes_when_a_rule_changes():
    assert load(RULES).version != load(RULES.replace("满99包邮", "满98包邮")).version


def test_a_cheapest_unit_deal_left_with_the_dear_lines_is_still_found():
    # buy 2 get 1 free alone gives the two 1.00 units away (2.00); with 8折 taking the cheap
    # line it gives a 50.00 unit away. The search must not prune that with the alone saving.
    rules = load(
        'promotion b2g1 {\n on category "fruit"\n buy 2 get 1 free\n}\n'
        'promotion fruit8 {\n on category "fruit"\n 8折\n}\n'
        'promotion misc {\n on category "misc"\n price 4.99\n}\n'
    )
    request = cart(line("a", "1.00", 3, "fruit"), line("b", "50.00", 3, "fruit"), line("c", "5.00", 1, "misc"))
    result = rules.price(request)
    check_invariants(result)
    assert applied(result) == {"b2g1": D("50.00"), "fruit8": D("0.60"), "misc": D("0.01")}
    assert {ln.id: [a.promotion for a in ln.adjustments] for ln in result.lines} == {
        "a": ["fruit8"],
        "b": ["b2g1"],
        "c": ["misc"],
    }
