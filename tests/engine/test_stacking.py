"""Maximal sets of stackable item promotions on one line (`engine.stacking`), counted in steps.

Issue: 25 identical `9折` promotions on one line once took 43.9 s, because every subset of the
promotions on the line was enumerated. These tests count operations, never time.
"""

from __future__ import annotations

import itertools

from helpers import D, applied, cart, line, load

from promokit.engine import line_choices
from promokit.engine.stacking import StackableSets, stack_partners


def _promotions(text: str):  # type: ignore[no-untyped-def]
    return list(load(text)._compiled.promotions)


def _brute_force(ps, partners):  # type: ignore[no-untyped-def]
    """The maximal mutually stackable subsets, by enumerating subsets (small cases only)."""

    def stacks(a, b):  # type: ignore[no-untyped-def]
        return b.id in partners.get(a.id, ())

    cliques = [
        set(c)
        for k in range(1, len(ps) + 1)
        for c in itertools.combinations(ps, k)
        if all(stacks(a, b) for a, b in itertools.combinations(c, 2))
    ]
    return {frozenset(p.id for p in c) for c in cliques if not any(c < d for d in cliques)}


def test_promotions_that_stack_with_nothing_are_one_set_each_in_n_plus_one_steps() -> None:
    ps = _promotions("\n".join(f"promotion p{i:02d} {{\n 9折\n}}" for i in range(25)))
    sets = StackableSets(stack_partners(ps))
    found = sets(ps)
    assert [tuple(p.id for p in s) for s in found] == [(p.id,) for p in ps]
    assert sets.steps == len(ps) + 1


def test_mutually_stackable_promotions_form_one_set_in_a_linear_number_of_steps() -> None:
    ids = [f"p{i:02d}" for i in range(20)]
    text = "\n".join(
        f"promotion {pid} {{\n 9折\n stackable with {', '.join(o for o in ids if o != pid)}\n}}"
        for pid in ids
    )
    ps = _promotions(text)
    sets = StackableSets(stack_partners(ps))
    assert [len(s) for s in sets(ps)] == [20]
    assert sets.steps <= len(ps) + 1


def test_mixed_stacking_matches_subset_enumeration() -> None:
    text = """
promotion a {\n 9折\n stackable with b, c\n}
promotion b {\n 8折\n stackable with c\n}
promotion c {\n 5 off each\n}
promotion d {\n 7折\n stackable with a\n}
promotion e {\n 95折\n stackable with f\n}
promotion f {\n price 3\n}
promotion g {\n 2 off each\n}
"""
    ps = _promotions(text)
    partners = stack_partners(ps)
    sets = StackableSets(partners)
    found = sets(ps)
    assert {frozenset(p.id for p in s) for s in found} == _brute_force(ps, partners)
    assert {frozenset(p.id for p in s) for s in found} == {
        frozenset("abc"),
        frozenset("ad"),
        frozenset("ef"),
        frozenset("g"),
    }
    # listed in rank order of their members, each set's members in rank order
    assert [tuple(p.id for p in s) for s in found] == [("a", "b", "c"), ("a", "d"), ("e", "f"), ("g",)]


def _identical(n: int, stacking_pair: bool) -> str:
    blocks = [f"promotion p{i:02d} {{\n 9折\n}}" for i in range(n)]
    if stacking_pair:  # one declared pair, so that the sets are searched (not the no-stacking shortcut)
        blocks[0] = "promotion p00 {\n 9折\n stackable with p01\n}"
    return "\n".join(blocks)


def test_a_one_line_cart_under_many_identical_promotions_prices_in_polynomial_steps(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    counted: list[StackableSets] = []

    class Counting(StackableSets):
        def __init__(self, partners):  # type: ignore[no-untyped-def]
            super().__init__(partners)
            counted.append(self)

    monkeypatch.setattr(line_choices, "StackableSets", Counting)
    for n in (25, 30):
        for pair in (False, True):
            rules = load(_identical(n, pair))
            counted.clear()
            result = rules.price(cart(line("a", "100.00", 2)))
            if pair:  # p00 then p01 on what p00 left: 20.00 + 18.00
                assert applied(result) == {"p00": D("20.00"), "p01": D("18.00")}
            else:  # ties go to the higher-ranked promotion
                assert applied(result) == {"p00": D("20.00")}
            steps = sum(s.steps for s in counted)
            # every evaluated combination lists its line's sets in about one step per
            # promotion (none without stacking); enumerating subsets takes 2^n per combination
            assert steps <= 20 * n * n, steps
            assert (steps > 0) == pair


def _mutually_stackable(ids: list[str]):  # type: ignore[no-untyped-def]
    return _promotions(
        "\n".join(
            f"promotion {pid} {{\n 9折\n stackable with {', '.join(o for o in ids if o != pid)}\n}}"
            for pid in ids
        )
    )


def test_line_choices_include_the_subsets_of_a_small_stacking_set() -> None:
    # A quantity deal stacked with a percentage can save more on its own lines than both on
    # every line (the best-deal property found such a cart): the subsets are choices too.
    ps = _mutually_stackable(["a", "b", "c"])
    found = {frozenset(p.id for p in s) for s in StackableSets(stack_partners(ps)).choices(ps)}
    assert found == {frozenset(s) for s in ("a", "b", "c", "ab", "ac", "bc", "abc")}


def test_line_choices_of_a_large_stacking_set_stay_linear() -> None:
    ps = _mutually_stackable([f"p{i:02d}" for i in range(20)])
    sets = StackableSets(stack_partners(ps))
    assert len(sets.choices(ps)) == len(ps) + 1  # the whole set and each member alone
    assert sets.steps <= len(ps) + 1
