"""Best-deal search: exact against brute force, greedy baseline, fast path, bound, determinism."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

from helpers import D, applied, cart, check_invariants, line, load

from promokit.engine import selection

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
    request = cart(
        line("a", "1.00", 3, "fruit"), line("b", "50.00", 3, "fruit"), line("c", "5.00", 1, "misc")
    )
    result = rules.price(request)
    check_invariants(result)
    assert applied(result) == {"b2g1": D("50.00"), "fruit8": D("0.60"), "misc": D("0.01")}
    assert {ln.id: [a.promotion for a in ln.adjustments] for ln in result.lines} == {
        "a": ["fruit8"],
        "b": ["b2g1"],
        "c": ["misc"],
    }


POOL = [
    'promotion p1 {\n on category "fruit"\n 8折\n}',
    'promotion p2 {\n on category "dairy"\n 3 off each\n}',
    'promotion p3 {\n on category "fruit", "dairy"\n 2 for 15\n}',
    "promotion p4 {\n 满100减20, 满150减35\n exclusive group o\n}",
    "promotion p5 {\n every 60 get 8 off up to 20\n exclusive group o\n}",
    "promotion p6 {\n 满99包邮\n}",
    'promotion p7 {\n on category "fruit"\n buy 2 get 1 free\n}',
    "promotion p9 {\n 10% off over 80\n at most 12 off\n}",
    'promotion p10 {\n on category "misc"\n price 5.00\n}',
    "promotion p11 {\n 9折\n exclusive\n}",
    'coupon c1 {\n codes "A"\n spend 50 get 10 off\n}',
    'coupon c3 {\n codes "C"\n spend 30 get 6 off\n}',
    "promotion p12 {\n 满80减30\n budget 25\n}",
    "promotion p13 {\n redeem 100 points per 1 up to 20%\n}",
    'promotion p14 {\n on category "fruit"\n flash price 2.00 limit 2 per customer\n}',
]


def test_random_rule_sets_the_search_matches_brute_force_over_price_combination():
    rng = random.Random(11)
    for _ in range(40):
        text = ("order cap 40\n" if rng.random() < 0.2 else "") + "\n".join(
            rng.sample(POOL, rng.randint(2, 5))
        )
        rules = load(text)
        ids = [p.id for p in rules.ast.promotions]
        request = cart(
            *[
                line(
                    f"l{i}",
                    f"{rng.randint(100, 6000) / 100:.2f}",
                    rng.randint(1, 4),
                    rng.choice(["fruit", "dairy", "misc"]),
                )
                for i in range(rng.randint(1, 4))
            ],
            shipping="8.00",
            coupons=rng.sample(["A", "C"], rng.randint(0, 2)),
            customer={"points": 3000},
            redeem_points=rng.choice([0, 1500]),
        )
        best = rules.price(request)
        check_invariants(best)
        brute = max(
            saving(r)
            for k in range(len(ids) + 1)
            for subset in itertools.combinations(ids, k)
            if (r := rules.price_combination(request, subset)) is not None
        )
        assert saving(best) == brute, text
        assert saving(best) >= saving(rules.price(request, strategy="greedy"))


def test_a_promotion_that_saves_nothing_cannot_hold_a_cheap_line_away_from_a_free_unit_deal():
    # buy 1 get 1 free gives the cheapest unit (the 0.01 apple) away. The special price 1.00
    # on the apple saves nothing, so it takes no line: combined, nothing changes.
    rules = load('promotion bogo {\n buy 1 get 1 free\n}\npromotion apple {\n on sku "APPLE"\n price 1\n}\n')
    request = cart(
        line("p1", "8.00", sku="PEAR"), line("p2", "8.00", sku="PEAR"), line("a", "0.01", sku="APPLE")
    )
    best = rules.price(request)
    assert applied(best) == {"bogo": D("0.01")}
    combined = rules.price_combination(request, ["bogo", "apple"])
    assert combined is not None and applied(combined) == {"bogo": D("0.01")}
    assert {n.promotion: n.reason for n in combined.not_applied} == {"apple": "no_saving"}
