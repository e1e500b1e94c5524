"""Time windows, scopes and audience conditions."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from promokit.language import ast
from promokit.language.ast import (
    ALL_ITEMS,
    Fact,
    SelectorKind,
)

from ._base import (
    _ATTRIBUTE_VALUES,
    _BOOLS,
    BRANDS,
    CATEGORIES,
    CHANNELS,
    CUSTOMER_TAGS,
    REGIONS,
    SEGMENT_VALUES,
    SKUS,
    TAGS,
    _ints,
    _maybe,
    _pick,
    _subsets,
    amounts,
)

# --------------------------------------------------------------------------- time


@functools.cache
def _dates(
    lo: dt.date = dt.date(2025, 1, 1), hi: dt.date = dt.date(2028, 12, 31)
) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=lo, max_value=hi)


@functools.cache
def _minutes() -> st.SearchStrategy[dt.time]:
    return st.builds(dt.time, _ints(0, 23), _ints(0, 59))


@functools.cache
@st.composite
def durings(draw: st.DrawFn, *, date_only: bool = False, min_days: int = 1) -> ast.During:
    """1..3 ordered, non-overlapping ranges; each ends after it starts."""
    count = draw(_ints(1, 3))
    start = draw(_dates(hi=dt.date(2027, 6, 30)))
    ranges = []
    for _ in range(count):
        length = draw(_ints(min_days, max(min_days, 90)))
        end = start + dt.timedelta(days=length)
        t0 = None if date_only else draw(_maybe(_minutes()))
        t1 = None if date_only else draw(_maybe(_minutes()))
        ranges.append(
            ast.DateRange(
                start=ast.DateTimePoint(date=start, time=t0), end=ast.DateTimePoint(date=end, time=t1)
            )
        )
        start = end + dt.timedelta(days=draw(_ints(2, 30)))
    return ast.During(ranges=tuple(ranges))


@functools.cache
def weekdays() -> st.SearchStrategy[ast.OnWeekdays]:
    days = st.sets(_pick(ast.Weekday), min_size=1, max_size=3)
    return days.map(lambda ds: ast.OnWeekdays(days=tuple(sorted(ds))))


@functools.cache
def month_days(max_day: int = 31) -> st.SearchStrategy[ast.OnMonthDays]:
    days = st.sets(_ints(1, max_day), min_size=1, max_size=3)
    return days.map(lambda ds: ast.OnMonthDays(days=tuple(sorted(ds))))


@functools.cache
@st.composite
def time_ranges(draw: st.DrawFn) -> ast.TimeRange:
    start = draw(_minutes())
    if draw(_BOOLS) and start != dt.time(0, 0):
        return ast.TimeRange(start=start, end=dt.time(0, 0), to_midnight=True)
    # Any other minute of the day except midnight (an end before the start wraps past midnight).
    minute = (start.hour * 60 + start.minute + draw(_ints(1, 1438))) % 1440 or 1
    end = dt.time(minute // 60, minute % 60)
    return ast.TimeRange(start=start, end=end)


@functools.cache
def daily_hours() -> st.SearchStrategy[ast.DailyHours]:
    unique = st.lists(time_ranges(), min_size=1, max_size=2, unique_by=lambda r: (r.start, r.end))
    return unique.map(lambda rs: ast.DailyHours(ranges=tuple(rs)))


@functools.cache
@st.composite
def time_conditions(draw: st.DrawFn) -> tuple[ast.TimeCondition, ...]:
    """At most one condition of each kind; never an empty window; often none (always on)."""
    if draw(_ints(0, 2)) == 0:
        return ()
    recurring: list[ast.TimeCondition] = []
    kind = draw(_pick(("none", "weekdays", "month")))
    if kind == "weekdays":
        recurring.append(draw(weekdays()))
    elif kind == "month":
        recurring.append(draw(month_days(max_day=28)))
    if draw(_BOOLS):
        recurring.append(draw(daily_hours()))
    conditions: list[ast.TimeCondition] = []
    if draw(_BOOLS):
        # With a recurring condition the ranges are whole days and long enough to contain it.
        conditions.append(draw(durings(date_only=bool(recurring), min_days=62 if recurring else 1)))
    conditions.extend(recurring)
    return tuple(conditions)


# --------------------------------------------------------------------------- scope


@functools.cache
def _selector(kinds: Sequence[SelectorKind]) -> st.SearchStrategy[ast.Selector]:
    pools = {
        SelectorKind.SKU: SKUS,
        SelectorKind.CATEGORY: CATEGORIES,
        SelectorKind.BRAND: BRANDS,
        SelectorKind.TAG: TAGS,
    }

    @st.composite
    def build(draw: st.DrawFn) -> ast.Selector:
        kind = draw(_pick(kinds))
        values = draw(_subsets(pools[kind], 1, 3))
        return ast.Selector(kind=kind, values=tuple(values))

    return build()


@functools.cache
def _selector_lists(kinds: tuple[SelectorKind, ...], min_size: int) -> st.SearchStrategy[list[ast.Selector]]:
    """Selectors of distinct kinds (the formatter may merge two of one kind into one)."""
    return st.lists(_selector(kinds), min_size=min_size, max_size=2, unique_by=lambda s: s.kind)


_VALUE_KINDS = (SelectorKind.SKU, SelectorKind.CATEGORY, SelectorKind.BRAND, SelectorKind.TAG)


@functools.cache
@st.composite
def scopes(draw: st.DrawFn, scope_names: Sequence[str] = ()) -> ast.Scope:
    """`all`, or selectors of distinct kinds (one may be a named scope), then `except` selectors."""
    shape = draw(_ints(0, 5))
    if shape == 0:
        return ALL_ITEMS
    if shape == 1:
        include = [ast.Selector(kind=SelectorKind.ALL)]
    else:
        include = draw(_selector_lists(_VALUE_KINDS, 1))
    if draw(_BOOLS) and scope_names:
        ref = ast.Selector(kind=SelectorKind.SCOPE, values=(draw(_pick(scope_names)),))
        include = [ref] if shape == 1 or draw(_BOOLS) else [*include, ref]
    # Exclusions use kinds the include does not, so no scope visibly excludes all it includes.
    other_kinds = [k for k in _VALUE_KINDS if all(s.kind is not k for s in include)]
    exclude = draw(_selector_lists(tuple(other_kinds), 0)) if other_kinds else []
    return ast.Scope(include=tuple(include), exclude=tuple(exclude))


# --------------------------------------------------------------------------- audience


@functools.cache
@st.composite
def compares(draw: st.DrawFn, places: int = 2) -> ast.Compare:
    fact = draw(_pick(Fact))
    all_ops = tuple(ast.CompareOp)
    eq_ops = (ast.CompareOp.EQ, ast.CompareOp.NE)
    attribute = None
    value: ast.Value
    if fact in (Fact.LEVEL, Fact.ORDERS, Fact.POINTS):
        value, ops = Decimal(draw(_ints(0, 2000 if fact is Fact.POINTS else 10))), all_ops
    elif fact is Fact.TOTAL_SPENT:
        value, ops = draw(amounts(1, 5000, places)), all_ops
    elif fact is Fact.REGION:
        value, ops = draw(_pick(REGIONS)), eq_ops
    elif fact is Fact.CHANNEL:
        value, ops = draw(_pick(CHANNELS)), eq_ops
    elif fact is Fact.REGISTERED:
        value, ops = draw(_dates(dt.date(2015, 1, 1), dt.date(2027, 1, 1))), all_ops
    else:
        attribute = draw(_pick(("card", "source", "会员卡")))
        value = draw(_ATTRIBUTE_VALUES)
        ops = eq_ops if isinstance(value, str | bool) else all_ops
    return ast.Compare(field=fact, op=draw(_pick(ops)), value=value, attribute=attribute)


@functools.cache
@st.composite
def in_lists(draw: st.DrawFn) -> ast.InList:
    fact = draw(_pick((Fact.REGION, Fact.CHANNEL)))
    pool = REGIONS if fact is Fact.REGION else CHANNELS
    values = draw(_subsets(pool, 1, 3))
    return ast.InList(field=fact, values=tuple(values), negated=draw(_BOOLS))


@functools.cache
def has_members() -> st.SearchStrategy[ast.HasMember]:
    return st.one_of(
        _pick(SEGMENT_VALUES).map(lambda v: ast.HasMember(value=v, collection=ast.Collection.SEGMENTS)),
        _pick(CUSTOMER_TAGS).map(lambda v: ast.HasMember(value=v, collection=ast.Collection.TAGS)),
    )


@functools.cache
def _atoms(segment_names: tuple[str, ...], places: int) -> st.SearchStrategy[ast.Condition]:
    atoms: list[st.SearchStrategy[ast.Condition]] = [
        compares(places),
        in_lists(),
        has_members(),
        st.just(ast.NewCustomer()),
    ]
    if segment_names:
        atoms.append(st.sampled_from(segment_names).map(lambda n: ast.SegmentRef(name=n)))
    return st.one_of(*atoms)


def _condition(
    draw: st.DrawFn, segment_names: tuple[str, ...], places: int, depth: int, parent: type | None
) -> Any:
    """One condition at most `depth` connectives deep; never the same connective as `parent`.

    Hand-written rather than `st.recursive` + filters: several times faster to generate, and
    `a and (b and c)` (which a parser may flatten into one `and`) is never produced.
    """
    connectives = [c for c in (ast.Not, ast.And, ast.Or) if c is not parent] if depth > 0 else []
    choice = draw(_ints(0, 1 + len(connectives)))  # 0 and 1: an atom
    if choice <= 1:
        return draw(_atoms(segment_names, places))
    kind = connectives[choice - 2]
    if kind is ast.Not:
        return ast.Not(operand=_condition(draw, segment_names, places, depth - 1, ast.Not))
    operands = tuple(
        _condition(draw, segment_names, places, depth - 1, kind) for _ in range(draw(_ints(2, 3)))
    )
    return ast.And(operands=operands) if kind is ast.And else ast.Or(operands=operands)


@functools.cache
@st.composite
def conditions(draw: st.DrawFn, segment_names: tuple[str, ...] = (), places: int = 2) -> ast.Condition:
    """Audience expressions nested with and / or / not (up to three connectives deep).

    No `And` directly inside `And` (nor `Or` in `Or`, `Not` in `Not`): a parser may flatten
    `a and (b and c)`, which is the same condition but not the same tree.
    """
    return _condition(draw, tuple(segment_names), places, 3, None)  # type: ignore[no-any-return]
