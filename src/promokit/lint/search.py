"""Searches the linter runs over a rule set: example lines, customers, instants and discount rates.

Each search constructs concrete witnesses from the literals the rules mention (the skus,
categories, levels and dates written in them) and tests them with the same compiled
predicates the engine prices with (`predicates.compile_scope`, `compile_audience`,
`windows.compile_time`). A witness found is real; none found means none among the
candidates, which is what the lint messages say.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from ..check.conditions import day_mask, minute_mask
from ..check.report import condition_nodes
from ..check.values import window_end, window_start
from ..compile.compiler import infer_layer as layer_of  # re-exported for the lint modules
from ..compile.predicates import compile_audience, compile_scope
from ..compile.windows import compile_time
from ..language.ast import (
    Collection,
    Compare,
    Condition,
    DailyHours,
    During,
    Fact,
    HasMember,
    InList,
    Promotion,
    RuleSetAst,
    Scope,
    ScopeDecl,
    SegmentDecl,
    SegmentRef,
    SelectorKind,
    TimeCondition,
)
from ..models import CheckoutRequest, Customer, Line

__all__ = [
    "describe_line",
    "example_customer",
    "example_instant",
    "example_line",
    "layer_of",
    "occurs",
]

_FRESH = "zz-other"
_MAX_CANDIDATES = 1500
_NOON = dt.time(12, 0)


# --------------------------------------------------------------------------- lines


def _scope_literals(
    scope: Scope, scopes: Mapping[str, ScopeDecl], seen: frozenset[str] = frozenset()
) -> Iterator[tuple[SelectorKind, str]]:
    for sel in (*scope.include, *scope.exclude):
        if sel.kind is SelectorKind.SCOPE:
            for name in sel.values:
                decl = scopes.get(name)
                if decl is not None and name not in seen:
                    yield from _scope_literals(decl.scope, scopes, seen | {name})
        else:
            for v in sel.values:
                yield sel.kind, v


def example_line(a: Scope, b: Scope, scopes: Mapping[str, ScopeDecl]) -> Line | None:
    """A cart line both scopes match (built from the values they name), or None."""
    ma, mb = compile_scope(a, scopes), compile_scope(b, scopes)
    values: dict[SelectorKind, list[str]] = {k: [] for k in SelectorKind}
    for kind, v in itertools.chain(_scope_literals(a, scopes), _scope_literals(b, scopes)):
        if v not in values[kind]:
            values[kind].append(v)
    skus = values[SelectorKind.SKU] + ["ITEM"]
    cats: list[str | None] = [*values[SelectorKind.CATEGORY], None]
    brands: list[str | None] = [*values[SelectorKind.BRAND], None]
    tag_sets: list[tuple[str, ...]] = [(), *((t,) for t in values[SelectorKind.TAG])]
    if len(values[SelectorKind.TAG]) > 1:
        tag_sets.append(tuple(values[SelectorKind.TAG]))
    for n, (sku, cat, brand, tags) in enumerate(itertools.product(skus, cats, brands, tag_sets)):
        if n >= _MAX_CANDIDATES:
            break
        line = Line(
            id="1", sku=sku, category=cat, brand=brand, tags=tags, unit_price=Decimal(100), quantity=1
        )
        if ma.matches(line) and mb.matches(line):
            return line
    return None


def describe_line(line: Line) -> str:
    parts = [f'sku "{line.sku}"']
    if line.category:
        parts.append(f'category "{line.category}"')
    if line.brand:
        parts.append(f'brand "{line.brand}"')
    if line.tags:
        parts.append("tags " + ", ".join(f'"{t}"' for t in line.tags))
    return " ".join(parts)


# --------------------------------------------------------------------------- customers


def _literals(cond: Condition | None, segments: Mapping[str, SegmentDecl]) -> Iterator[Condition]:
    seen: set[str] = set()
    stack = [cond]
    while stack:
        c = stack.pop()
        for node in condition_nodes(c):
            yield node
            if isinstance(node, SegmentRef) and node.name not in seen and node.name in segments:
                seen.add(node.name)
                stack.append(segments[node.name].condition)


def _around(values: list[Decimal]) -> list[Decimal]:
    out = {Decimal(0)}
    for v in values:
        out.update({v, v + 1, max(Decimal(0), v - 1)})
    return sorted(out)


def example_customer(
    conds: Sequence[Condition | None], segments: Mapping[str, SegmentDecl]
) -> Customer | None:
    """A customer every condition admits (built from the values they mention), or None."""

    tests = [compile_audience(c, segments) for c in conds if c is not None]
    if not tests:
        return Customer()
    nums: dict[Fact, list[Decimal]] = {
        f: [] for f in (Fact.LEVEL, Fact.ORDERS, Fact.TOTAL_SPENT, Fact.POINTS)
    }
    regions: list[str | None] = [None]
    dates: list[dt.date | None] = [None]
    segs: list[str] = []
    tags: list[str] = []
    attrs: dict[str, list[object]] = {}
    for c in conds:
        for node in _literals(c, segments):
            if isinstance(node, Compare | InList):
                vals = [node.value] if isinstance(node, Compare) else list(node.values)
                for v in vals:
                    if node.field in nums and isinstance(v, Decimal):
                        nums[node.field].append(v)
                    elif node.field is Fact.REGION and isinstance(v, str):
                        regions.append(v)
                    elif node.field is Fact.REGISTERED and isinstance(v, dt.date):
                        dates.extend([v, v - dt.timedelta(days=1), v + dt.timedelta(days=1)])
                    elif node.field is Fact.ATTRIBUTE and node.attribute:
                        attrs.setdefault(node.attribute, [None]).append(v)
            elif isinstance(node, HasMember):
                (segs if node.collection is Collection.SEGMENTS else tags).append(node.value)
    regions.append(_FRESH)
    pools: list[Sequence[object]] = [
        [int(x) for x in _around(nums[Fact.LEVEL]) if x == x.to_integral_value()],
        [int(x) for x in _around(nums[Fact.ORDERS]) if x == x.to_integral_value()],
        _around(nums[Fact.TOTAL_SPENT]),
        [int(x) for x in _around(nums[Fact.POINTS]) if x == x.to_integral_value()],
        regions,
        dates,
        [(), tuple(segs)] + [(s,) for s in segs],
        [(), tuple(tags)] + [(t,) for t in tags],
        [dict(zip(attrs, combo, strict=True)) for combo in itertools.product(*attrs.values())][:20] or [{}],
    ]
    keys = (
        "level",
        "orders",
        "total_spent",
        "points",
        "region",
        "registered_at",
        "segments",
        "tags",
        "attributes",
    )
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for combo in _combinations(pools):
        fields = dict(zip(keys, combo, strict=True))
        attributes = fields["attributes"]
        if isinstance(attributes, dict):
            fields["attributes"] = {k: v for k, v in attributes.items() if v is not None}
        try:
            customer = Customer.model_validate(fields)
        except ValueError:
            continue
        request = CheckoutRequest(at=at, lines=(), customer=customer)
        if all(t.matches(request) for t in tests):
            return customer
    return None


def _combinations(pools: Sequence[Sequence[object]]) -> Iterator[tuple[object, ...]]:
    """Every combination when there are few, else the first ones then a seeded random sample."""
    import math
    import random

    total = math.prod(len(pool) for pool in pools)
    for n, combo in enumerate(itertools.product(*pools)):
        if n >= _MAX_CANDIDATES:
            break
        yield combo
    if total <= _MAX_CANDIDATES:
        return
    rng = random.Random(0)
    for _ in range(_MAX_CANDIDATES):
        yield tuple(rng.choice(list(pool)) for pool in pools)


# --------------------------------------------------------------------------- time


def _zone_of(p: Promotion, rules: RuleSetAst) -> str:
    return p.timezone or rules.timezone


def _starts(conds: Sequence[TimeCondition]) -> Iterator[dt.datetime]:
    for c in conds:
        if isinstance(c, During):
            for r in c.ranges:
                yield window_start(r.start.date, r.start.time)


def _bounds(conds: Sequence[TimeCondition]) -> tuple[dt.date, dt.date] | None:
    """The dates an absolute window can cover (intersection of every `during`), or None: unbounded."""
    lo: dt.date | None = None
    hi: dt.date | None = None
    for c in conds:
        if isinstance(c, During) and c.ranges:
            start = min(window_start(r.start.date, r.start.time) for r in c.ranges).date()
            end = max(window_end(r.end.date, r.end.time) for r in c.ranges).date()
            lo = start if lo is None else max(lo, start)
            hi = end if hi is None else min(hi, end)
    if lo is None or hi is None:
        return None
    return lo, hi


def _times(conds: Sequence[TimeCondition]) -> set[dt.time]:
    out = {dt.time(0, 0), _NOON}
    for c in conds:
        if isinstance(c, DailyHours):
            out.update(r.start for r in c.ranges)
        elif isinstance(c, During):
            out.update(r.start.time for r in c.ranges if r.start.time is not None)
    return out


def example_instant(
    promos: Sequence[Promotion], rules: RuleSetAst, *, start: dt.date, days: int = 800
) -> dt.datetime | None:
    """An instant (UTC) inside every promotion's window, searched day by day, or None.

    Candidates: each day from the latest absolute start (or `start`) for `days` days, at
    00:00, 12:00 and every hour-range and window start written in the promotions.
    """
    try:
        rules_ = [compile_time(p.when, _zone_of(p, rules)) for p in promos]
    except ValueError:
        return None
    if all(r.always for r in rules_):
        return dt.datetime.combine(start, _NOON, tzinfo=dt.UTC)
    first, last = start, start + dt.timedelta(days=days)
    bounded = [b for p in promos if (b := _bounds(p.when)) is not None]
    if bounded:
        first = max(b[0] for b in bounded)
        last = min(min(b[1] for b in bounded), first + dt.timedelta(days=days))
    if last < first:
        return None
    times = sorted(set().union(*(_times(p.when) for p in promos)))
    zone_names = {_zone_of(p, rules) for p in promos}
    zones = [ZoneInfo(z) for z in sorted(zone_names)]
    span_days = (last - first).days + 1
    # Necessary conditions first (cheap bitmasks): a common calendar day, a common minute of
    # the day. Only the days that pass are tried instant by instant with the real windows.
    days_mask = (1 << span_days) - 1
    minutes = (1 << 1440) - 1
    for p in promos:
        m = day_mask(p.when, first, span_days)
        if len(zone_names) > 1:
            m |= (m << 1) | (m >> 1)  # zones shift the calendar by up to a day
        days_mask &= m
        minutes &= minute_mask(p.when)
    if not days_mask or (len(zone_names) == 1 and not minutes):
        return None
    for i in range(span_days):
        if not days_mask >> i & 1:
            continue
        day = first + dt.timedelta(days=i)
        for t in times:
            for z in zones:
                at = dt.datetime.combine(day, t, tzinfo=z).astimezone(dt.UTC)
                if all(r.contains(at) for r in rules_):
                    return at
    return None


def occurs(p: Promotion, rules: RuleSetAst, *, horizon_days: int = 1500) -> bool | None:
    """Whether the promotion's window is ever open (None: cannot tell, e.g. an unknown zone)."""
    if not p.when:
        return True
    b = _bounds(p.when)
    start = b[0] if b is not None else dt.date(2026, 1, 1)
    days = horizon_days if b is None else min(horizon_days * 4, (b[1] - b[0]).days + 1)
    if b is not None and b[1] < b[0]:
        return False
    try:
        compile_time(p.when, _zone_of(p, rules))
    except ValueError:
        return None
    return example_instant([p], rules, start=start, days=days) is not None
