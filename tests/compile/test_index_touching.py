"""`PromotionIndex.touching`: the candidates with the lines each touches, when the keys are exact.

Pricing takes a candidate's lines from the index instead of testing its scope against every
line (engine/actions/eligibility.py). That is right only if, for every scope whose keys are
marked exact, the index's hits are exactly the lines the scope matcher accepts.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.compile.index import PromotionIndex
from promokit.compile.predicates import EVERYTHING, compile_scope
from promokit.language.ast import Scope, ScopeDecl, Selector, SelectorKind
from promokit.models import Line

SKUS = ["A", "B", "C", "D"]
CATEGORIES = ["fruit", "fruit/apple", "veg", "dairy/milk"]
BRANDS = ["x", "y", "z"]
TAGS = ["organic", "new"]
VALUES = {
    SelectorKind.SKU: SKUS,
    SelectorKind.CATEGORY: ["fruit", "fruit/apple", "veg", "dairy", "dairy/milk"],
    SelectorKind.BRAND: BRANDS,
    SelectorKind.TAG: TAGS,
}


def sel(kind: SelectorKind, *values: str) -> Selector:
    return Selector(kind=kind, values=values)


@st.composite
def selectors(draw: st.DrawFn, named: bool = True) -> Selector:
    kinds = [*VALUES, SelectorKind.ALL] + ([SelectorKind.SCOPE] if named else [])
    kind = draw(st.sampled_from(kinds))
    if kind is SelectorKind.ALL:
        return sel(kind)
    if kind is SelectorKind.SCOPE:
        return sel(kind, draw(st.sampled_from(["plain", "with-except"])))
    return sel(kind, *draw(st.lists(st.sampled_from(VALUES[kind]), min_size=1, max_size=3, unique=True)))


def scopes(named: bool = True) -> st.SearchStrategy[Scope]:
    return st.builds(
        Scope,
        include=st.lists(selectors(named), min_size=1, max_size=3).map(tuple),
        exclude=st.one_of(st.just(()), st.lists(selectors(named), min_size=1, max_size=2).map(tuple)),
    )


#: Named scopes the generated ones may refer to: one exact, one with its own `except`.
NAMED = {
    "plain": ScopeDecl(name="plain", scope=Scope(include=(sel(SelectorKind.CATEGORY, "fruit"),))),
    "with-except": ScopeDecl(
        name="with-except",
        scope=Scope(
            include=(sel(SelectorKind.CATEGORY, "veg", "dairy"),), exclude=(sel(SelectorKind.SKU, "C"),)
        ),
    ),
}

lines_strategy = st.lists(
    st.builds(
        lambda n, sku, category, more, brand, tags: Line(
            id=f"l{n}",
            sku=sku,
            category=category,
            categories=more,
            brand=brand,
            tags=tags,
            unit_price=Decimal("1"),
            quantity=1,
        ),
        st.integers(0, 99),
        st.sampled_from(SKUS),
        st.sampled_from([None, *CATEGORIES]),
        st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True).map(tuple),
        st.sampled_from([None, *BRANDS]),
        st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
    ),
    max_size=6,
)


@settings(max_examples=200)
@given(st.lists(scopes(), min_size=1, max_size=6), lines_strategy)
def test_touching_gives_the_matchers_lines_wherever_the_keys_are_exact(
    generated: list[Scope], lines: list[Line]
) -> None:
    matchers = [compile_scope(s, NAMED) for s in generated]
    index = PromotionIndex([(n, m.keys) for n, m in enumerate(matchers)])
    touching = index.touching(lines)
    assert [n for n, _ in touching] == index.candidates(lines)
    for n, touched in touching:
        matched = tuple(i for i, line in enumerate(lines) if matchers[n].matches(line))
        if touched is not None:
            assert touched == matched
        assert (touched is not None) == matchers[n].keys.exact
    untouched = set(range(len(matchers))) - {n for n, _ in touching}
    for n in untouched:  # the index leaves out only scopes that match no line
        assert not any(matchers[n].matches(line) for line in lines)


@given(scopes(named=False))
def test_keys_are_exact_exactly_when_nothing_is_excepted(scope: Scope) -> None:
    assert compile_scope(scope, {}).keys.exact == (not scope.exclude)


def test_a_named_scope_with_an_except_makes_the_keys_inexact() -> None:
    via_plain = compile_scope(Scope(include=(sel(SelectorKind.SCOPE, "plain"),)), NAMED)
    via_except = compile_scope(Scope(include=(sel(SelectorKind.SCOPE, "with-except"),)), NAMED)
    assert via_plain.keys.exact and not via_except.keys.exact


def test_entries_filed_under_everything_leave_the_lines_to_the_matcher() -> None:
    """The benchmark's scanning baseline files every promotion under EVERYTHING (not exact)."""
    line = Line(id="l", sku="A", category="fruit", unit_price=Decimal("1"), quantity=1)
    index = PromotionIndex([("p", EVERYTHING), ("q", EVERYTHING)])
    assert index.touching([line]) == [("p", None), ("q", None)]
    assert not EVERYTHING.exact


def test_an_exact_all_items_entry_touches_every_line() -> None:
    all_items = compile_scope(Scope(include=(sel(SelectorKind.ALL),)), {})
    lines = [Line(id=f"l{n}", sku=s, unit_price=Decimal("1"), quantity=1) for n, s in enumerate("AB")]
    assert PromotionIndex([("all", all_items.keys)]).touching(lines) == [("all", (0, 1))]
