"""Hypothesis strategies for promokit: rule-file ASTs, carts, requests and small rule sets.

One module, shared by every test area (as attrs does with `tests/strategies.py`). Import it
as `from strategies import rule_files` (pytest puts `tests/` on `sys.path` because
`tests/conftest.py` lives there without an `__init__.py`).

What a correct checker must accept is generated on purpose, so that a checker error on a
generated value is a bug in one of the two and worth reading:
- names are `prefix-suffix` identifiers (ASCII, or a CJK word + ASCII suffix), never keywords;
- tiers strictly increase (thresholds and amounts off), every amount off is below its threshold;
- percentages lie in (0, 100) and are expressible in their notation: `8.5折` has one decimal
  as written, so a ZH percentage off is a whole number; EN allows one decimal (`12.5% off`);
- amounts have at most the currency's decimals (2 for CNY, 0 for JPY);
- date ranges are ordered and, when combined with recurring conditions, long enough that the
  window is never empty; at most one time condition of each kind per promotion;
- segment, scope and `stackable with` references point at declared names (segments and
  stackable references only point backwards, so there are no cycles);
- coupons have codes in their own namespace (`C<i>...`), so no code or pattern is shared;
- constructs a notation may not express (the dearest-units choice in ZH) are only generated
  in EN.

Spans are NO_SPAN everywhere: round trips compare with `ast.strip_spans`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from hypothesis import strategies as st

from promokit import ast
from promokit.ast import (
    ALL_ITEMS,
    Counted,
    Fact,
    Layer,
    Notation,
    Per,
    SelectorKind,
    ThresholdBase,
    UnitChoice,
)
from promokit.models import CheckoutRequest, Customer, Group, Line
from promokit.money import CURRENCIES

Draw = Any  # hypothesis' DrawFn; typed loosely to keep the strategies readable

# --------------------------------------------------------------------------- vocabulary

#: A small catalogue shared by rule sets and carts so that scopes actually match lines.
#: (sku, category, brand, tags, unit price)
CATALOGUE: tuple[tuple[str, str, str, tuple[str, ...], Decimal], ...] = (
    ("APPLE", "fruit", "orchard", ("organic",), Decimal("12.50")),
    ("PEAR", "fruit", "orchard", (), Decimal("8.00")),
    ("DURIAN", "fruit", "tropic", ("imported",), Decimal("99.90")),
    ("KALE", "veg", "greenly", ("organic",), Decimal("6.30")),
    ("MILK", "dairy", "cowco", (), Decimal("15")),
    ("YOGURT", "dairy", "cowco", ("organic",), Decimal("4.99")),
    ("BREAD", "bakery", "oven", (), Decimal("0.99")),
)
SKUS = tuple(c[0] for c in CATALOGUE)
CATEGORIES = tuple(sorted({c[1] for c in CATALOGUE}))
BRANDS = tuple(sorted({c[2] for c in CATALOGUE}))
TAGS = ("organic", "imported", "local")
SEGMENT_VALUES = ("vip", "student", "staff")
CUSTOMER_TAGS = ("student", "returning", "b2b")
REGIONS = ("shanghai", "beijing", "xinjiang", "上海")
CHANNELS = ("app", "web", "mini-program")
TIMEZONES = ("Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
GIFT_SKUS = ("BAG", "OIL", "购物袋")
#: CJK words for names; none is (or starts) a keyword of the operator notation.
CJK_WORDS = ("春节", "国庆", "水果", "会员")
#: Characters for quoted strings: no quote, backslash or line break (escapes are FRONT's call).
TEXT_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 -_秋季水果满减会员日新人券"


def _dec(units: int, places: int) -> Decimal:
    """`units` minor units as a Decimal with exactly `places` decimals (no exponent form)."""
    return Decimal(units).scaleb(-places)


# --------------------------------------------------------------------------- cached building blocks
# Hypothesis validates every strategy object the first time it is drawn from; building them
# once (instead of inside each composite call) makes generation several times faster.

_BOOLS = st.booleans()


@functools.lru_cache(maxsize=4096)
def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@functools.lru_cache(maxsize=4096)
def _pick(values: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


@functools.lru_cache(maxsize=4096)
def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@functools.lru_cache(maxsize=4096)
def _subsets(values: tuple[Any, ...], min_size: int = 0, max_size: int = 2) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=max_size, unique=True)


@functools.cache
def _caps(lo: int, hi: int, places: int) -> st.SearchStrategy[ast.Cap]:
    return st.builds(ast.Cap, amount=amounts(lo, hi, places))


@functools.cache
def _budgets(places: int) -> st.SearchStrategy[ast.Budget]:
    return st.builds(ast.Budget, amount=amounts(100, 100000, places), per_day=_BOOLS)


_PERCENT_INTS = st.integers(1, 99).map(Decimal)
_EN_PERCENT_OFF = st.one_of(_PERCENT_INTS, st.integers(1, 999).map(lambda n: _dec(n, 1)))
_STOCKS = st.builds(ast.Stock, units=st.integers(1, 1000))
#: A unit price: None (use the list price), any cents up to 200 (0.00 included), or whole.
_PRICES = st.one_of(
    st.none(), st.integers(0, 20000).map(lambda n: _dec(n, 2)), st.integers(1, 200).map(Decimal)
)
_ATTRIBUTES = st.sampled_from(((), (("card", "gold"),), (("source", "ad"), ("card", "silver"))))
_GROUPS = st.builds(Group, id=st.just("g-1"), size=st.integers(1, 5))


# --------------------------------------------------------------------------- primitives


@functools.cache
@st.composite
def names(draw: Draw, prefix: str) -> str:
    """An identifier such as `p-ab3` or `春节-x` (never a keyword; no digit right after `-`)."""
    head = draw(_pick((prefix,) * 9 + CJK_WORDS))
    first = draw(_pick("abcdefghijklmnopqrstuvwxyz"))
    rest = draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789", max_size=5))
    return f"{head}-{first}{rest}"


@functools.cache
def _name_lists(prefix: str, min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(names(prefix), min_size=min_size, max_size=max_size, unique=True)


@functools.cache
def texts(min_size: int = 1, max_size: int = 16) -> st.SearchStrategy[str]:
    return st.text(TEXT_ALPHABET, min_size=min_size, max_size=max_size)


_ATTRIBUTE_VALUES = st.one_of(
    st.text(TEXT_ALPHABET, min_size=1, max_size=8), st.booleans(), st.integers(0, 100).map(Decimal)
)


@functools.cache
def amounts(lo: int, hi: int, places: int = 2) -> st.SearchStrategy[Decimal]:
    """A positive amount in [lo, hi] major units, written with 0, 1 or `places` decimals."""
    whole = _ints(lo, hi).map(Decimal)
    if places == 0:
        return whole
    cents = _ints(lo * 10**places, hi * 10**places).map(lambda n: _dec(n, places))
    one = _ints(lo * 10, hi * 10).map(lambda n: _dec(n, 1))
    return st.one_of(whole, cents, one)  # lo >= 1, so never zero


@functools.cache
@st.composite
def percents(draw: Draw, notation: Notation | None = None) -> ast.Percent:
    """A percentage off in (0, 100) expressible in its notation (ZH: whole numbers → N.N折)."""
    chosen = notation if notation is not None else draw(_pick(Notation))
    if chosen is Notation.ZH:
        off = Decimal(draw(_ints(1, 99)))
    else:
        off = draw(_EN_PERCENT_OFF)
    return ast.Percent(off=off, notation=chosen)


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
def durings(draw: Draw, *, date_only: bool = False, min_days: int = 1) -> ast.During:
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
def time_ranges(draw: Draw) -> ast.TimeRange:
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
def time_conditions(draw: Draw) -> tuple[ast.TimeCondition, ...]:
    """At most one condition of each kind; never an empty window."""
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
    def build(draw: Draw) -> ast.Selector:
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
def scopes(draw: Draw, scope_names: Sequence[str] = ()) -> ast.Scope:
    """`all`, or selectors of distinct kinds (one may be a named scope), then `except` selectors."""
    shape = draw(_ints(0, 5))
    if shape == 0:
        return ALL_ITEMS
    if shape == 1:
        include = [ast.Selector(kind=SelectorKind.ALL)]
    else:
        include = draw(_selector_lists(_VALUE_KINDS, 1))
    if scope_names and draw(_BOOLS):
        ref = ast.Selector(kind=SelectorKind.SCOPE, values=(draw(_pick(scope_names)),))
        include = [ref] if shape == 1 or draw(_BOOLS) else [*include, ref]
    # Exclusions use kinds the include does not, so no scope visibly excludes all it includes.
    other_kinds = [k for k in _VALUE_KINDS if all(s.kind is not k for s in include)]
    exclude = draw(_selector_lists(tuple(other_kinds), 0)) if other_kinds else []
    return ast.Scope(include=tuple(include), exclude=tuple(exclude))


# --------------------------------------------------------------------------- audience


@functools.cache
@st.composite
def compares(draw: Draw, places: int = 2) -> ast.Compare:
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
def in_lists(draw: Draw) -> ast.InList:
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
    draw: Draw, segment_names: tuple[str, ...], places: int, depth: int, parent: type | None
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
    return kind(operands=operands)


@functools.cache
@st.composite
def conditions(draw: Draw, segment_names: tuple[str, ...] = (), places: int = 2) -> ast.Condition:
    """Audience expressions nested with and / or / not (up to three connectives deep).

    No `And` directly inside `And` (nor `Or` in `Or`, `Not` in `Not`): a parser may flatten
    `a and (b and c)`, which is the same condition but not the same tree.
    """
    return _condition(draw, tuple(segment_names), places, 3, None)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- actions


@functools.cache
@st.composite
def tiers(draw: Draw, notation: Notation, places: int = 2) -> ast.Tiers:
    count = draw(_ints(1, 3))
    threshold = Decimal(0)
    off = Decimal(0)
    out = []
    for _ in range(count):
        threshold = threshold + draw(amounts(20, 200, places))
        # Off strictly increases and stays below its threshold: a fraction of the room left.
        quantum = Decimal(1).scaleb(-places)
        room = threshold - off
        share = (room * draw(_ints(1, 40)) / 100).quantize(quantum, rounding=ROUND_DOWN)
        off = off + max(share, quantum)
        out.append(ast.Tier(threshold=threshold, off=off))
    return ast.Tiers(tiers=tuple(out), notation=notation)


@functools.cache
@st.composite
def every_offs(draw: Draw, notation: Notation, places: int = 2) -> ast.EveryOff:
    step = draw(amounts(10, 300, places))
    quantum = Decimal(1).scaleb(-places)
    off = max(quantum, (step * draw(_ints(1, 60)) / 100).quantize(quantum, rounding=ROUND_DOWN))
    times = draw(_maybe(_ints(1, 5)))
    cap = None if times is None else off * times
    return ast.EveryOff(step=step, off=off, cap=cap, notation=notation)


@functools.cache
@st.composite
def percent_offs(draw: Draw, notation: Notation, places: int = 2) -> ast.PercentOff:
    return ast.PercentOff(
        percent=draw(percents(notation)),
        cap=draw(_maybe(amounts(1, 200, places))),
        min_spend=draw(_maybe(amounts(1, 300, places))),
    )


def _notated(draw: Draw, notation: Notation, places: int) -> ast.Action:
    """One action of any kind written in `notation`."""
    money = amounts(1, 200, places)
    price = amounts(1, 50, places)
    kind = draw(
        _pick(
            (
                "tiers",
                "every",
                "percent",
                "each",
                "special",
                "flash",
                "group",
                "bgf",
                "nth",
                "bundle",
                "gift_buy",
                "gift_spend",
                "shipping",
                "earn",
                "redeem",
            )
        )
    )
    if kind == "tiers":
        return draw(tiers(notation, places))
    if kind == "every":
        return draw(every_offs(notation, places))
    if kind == "percent":
        return draw(percent_offs(notation, places))
    if kind == "each":
        return ast.AmountOffEach(amount=draw(money), notation=notation)
    if kind == "special":
        return ast.SpecialPrice(price=draw(price), notation=notation)
    if kind == "flash":
        return ast.FlashPrice(
            price=draw(price),
            per_customer=draw(_maybe(_ints(1, 5))),
            stock=draw(_maybe(_ints(1, 1000))),
            notation=notation,
        )
    if kind == "group":
        return ast.GroupPrice(price=draw(price), min_size=draw(_ints(2, 10)), notation=notation)
    if kind == "bgf":
        units = UnitChoice.CHEAPEST if notation is Notation.ZH else draw(_pick(UnitChoice))
        return ast.BuyGetFree(buy=draw(_ints(1, 5)), free=draw(_ints(1, 3)), units=units, notation=notation)
    if kind == "nth":
        units = UnitChoice.CHEAPEST if notation is Notation.ZH else draw(_pick(UnitChoice))
        return ast.NthUnitOff(
            nth=draw(_ints(2, 5)), percent=draw(percents(notation)), units=units, notation=notation
        )
    if kind == "bundle":
        return ast.Bundle(count=draw(_ints(2, 5)), price=draw(money), notation=notation)
    if kind == "gift_buy":
        repeat = draw(_BOOLS)
        return ast.GiftOnBuy(
            buy=draw(_ints(1, 5)),
            gift_sku=draw(_pick(GIFT_SKUS)),
            quantity=draw(_ints(1, 3)),
            repeat=repeat,
            max_times=draw(_maybe(_ints(2, 5))) if repeat else None,
            notation=notation,
        )
    if kind == "gift_spend":
        return ast.GiftOnSpend(
            threshold=draw(money),
            gift_sku=draw(_pick(GIFT_SKUS)),
            quantity=draw(_ints(1, 3)),
            notation=notation,
        )
    if kind == "shipping":
        threshold = draw(_maybe(money))
        off = draw(_maybe(amounts(1, 20, places))) if threshold is not None else None
        return ast.ShippingOff(threshold=threshold, off=off, notation=notation)
    if kind == "earn":
        return ast.PointsEarn(
            points=Decimal(draw(_ints(1, 5))),
            per=Decimal(draw(_ints(1, 10))),
            multiplier=Decimal(draw(_ints(1, 3))),
        )
    return ast.PointsRedeem(
        points=Decimal(draw(_pick((10, 50, 100)))),
        per=Decimal(draw(_ints(1, 5))),
        max_percent=draw(_maybe(_PERCENT_INTS)),
    )


@functools.cache
@st.composite
def actions(draw: Draw, notation: Notation | None = None, places: int = 2) -> ast.Action:
    """Any action, in `notation` (drawn when None)."""
    chosen = notation if notation is not None else draw(_pick(Notation))
    return _notated(draw, chosen, places)


_COUPON_ACTIONS = (ast.Tiers, ast.EveryOff, ast.PercentOff, ast.ShippingOff, ast.AmountOffEach)


@functools.cache
def _coupon_actions(places: int) -> st.SearchStrategy[ast.Action]:
    return actions(places=places).filter(lambda a: isinstance(a, _COUPON_ACTIONS))


def _natural_layer(action: ast.Action) -> Layer:
    """The layer an action belongs to when nothing else is declared (SEMANTICS.md §2)."""
    if isinstance(action, ast.Tiers | ast.EveryOff | ast.GiftOnBuy | ast.GiftOnSpend):
        return Layer.ORDER
    if isinstance(action, ast.ShippingOff):
        return Layer.SHIPPING
    if isinstance(action, ast.PointsEarn | ast.PointsRedeem):
        return Layer.POINTS
    return Layer.ITEM


_THRESHOLD_ACTIONS = (ast.Tiers, ast.EveryOff, ast.GiftOnSpend)
_OWN_CAP = (ast.EveryOff, ast.PercentOff)
_CAPPABLE = (
    ast.Tiers,
    ast.EveryOff,
    ast.PercentOff,
    ast.AmountOffEach,
    ast.SpecialPrice,
    ast.FlashPrice,
    ast.GroupPrice,
    ast.BuyGetFree,
    ast.NthUnitOff,
    ast.Bundle,
)
_STOCKED = (ast.FlashPrice, ast.SpecialPrice, ast.GiftOnBuy, ast.GiftOnSpend, ast.GroupPrice)

#: Limit shapes with a clear meaning: (counted, per, per_day).
_LIMIT_SHAPES = (
    (Counted.USES, Per.CUSTOMER, False),
    (Counted.USES, Per.CUSTOMER, True),
    (Counted.UNITS, Per.CUSTOMER, False),
    (Counted.UNITS, Per.ORDER, False),
    (Counted.USES, Per.TOTAL, False),
)


@st.composite
def limits(draw: Draw, action: ast.Action) -> tuple[ast.Limit, ...]:
    shapes = _LIMIT_SHAPES
    if isinstance(action, ast.FlashPrice) and action.per_customer is not None:
        shapes = tuple(s for s in shapes if s[0] is not Counted.UNITS)
    chosen = draw(_subsets(shapes, 0, 2))
    return tuple(
        ast.Limit(
            count=draw(_ints(1, 1000 if per is Per.TOTAL else 5)), per=per, counted=counted, per_day=day
        )
        for counted, per, day in chosen
    )


@functools.cache
def _codes(index: int) -> st.SearchStrategy[ast.Codes]:
    """Codes in coupon `index`'s own namespace: exact `C<i>X...` and patterns `C<i>P-*`."""
    exact = st.text("ABCDEFGHJKMNPQRSTUVWXYZ23456789", min_size=2, max_size=6).map(lambda s: f"C{index}X{s}")
    pattern = _pick(("-*", "-??", "*")).map(lambda tail: f"C{index}P{tail}")
    patterns = st.lists(st.one_of(exact, pattern), min_size=1, max_size=3, unique_by=str.upper)
    return st.builds(
        ast.Codes,
        patterns=patterns.map(lambda ps: tuple(ast.CodePattern(text=p) for p in ps)),
        single_use=_BOOLS,
    )


# --------------------------------------------------------------------------- promotions and files


@st.composite
def promotions(
    draw: Draw,
    index: int,
    pid: str,
    earlier: Sequence[ast.Promotion] = (),
    segment_names: Sequence[str] = (),
    scope_names: Sequence[str] = (),
    places: int = 2,
) -> ast.Promotion:
    """Promotion number `index` with id `pid`; `stackable with` only names `earlier` ones."""
    is_coupon = draw(_ints(0, 3)) == 0
    action = draw(actions(places=places))
    if is_coupon:
        action = draw(_coupon_actions(places))
    kind = None
    if isinstance(action, ast.PercentOff) and not is_coupon:
        kind = draw(_pick((None, None, Layer.ITEM, Layer.ORDER)))
        if action.min_spend is not None and kind is Layer.ITEM:
            kind = Layer.ORDER
    elif not is_coupon and draw(_ints(0, 3)) == 0:
        kind = _natural_layer(action)  # `kind` written out, agreeing with the action
    exclusive = draw(_ints(0, 5)) == 0
    group = None if exclusive or not draw(_BOOLS) else ast.Name(text=draw(_pick(("grp-a", "grp-b"))))
    stackable: tuple[ast.Name, ...] = ()
    partners = [p for p in earlier if not p.exclusive and not p.is_coupon]
    if partners and not exclusive and not is_coupon and draw(_BOOLS):
        chosen_ids = draw(_subsets(tuple(p.id for p in partners), 1, 2))
        chosen = [p for p in partners if p.id in chosen_ids]
        stackable = tuple(
            ast.Name(text=p.id)
            for p in chosen
            if group is None or p.exclusive_group is None or p.exclusive_group.text != group.text
        )
    threshold_base = ThresholdBase.AFTER_DISCOUNTS
    if isinstance(action, _THRESHOLD_ACTIONS) or (isinstance(action, ast.PercentOff) and action.min_spend):
        threshold_base = draw(_pick(ThresholdBase))
    return ast.Promotion(
        id=pid,
        title=draw(_maybe(texts())),
        action=action,
        is_coupon=is_coupon,
        priority=draw(_ints(0, 100)),
        kind=kind,
        timezone=draw(_maybe(_pick(TIMEZONES))),
        when=draw(time_conditions()),
        scope=draw(scopes(tuple(scope_names))),
        audience=draw(_maybe(conditions(tuple(segment_names), places))),
        channels=tuple(draw(_subsets(CHANNELS))),
        limits=draw(limits(action)),
        stock=draw(_maybe(_STOCKS))
        if isinstance(action, _STOCKED) and not (isinstance(action, ast.FlashPrice) and action.stock)
        else None,
        budget=draw(_maybe(st.builds(ast.Budget, amount=amounts(100, 100000, places), per_day=_BOOLS))),
        cap=draw(_maybe(_caps(1, 500, places)))
        if isinstance(action, _CAPPABLE)
        and not (isinstance(action, _OWN_CAP) and getattr(action, "cap", None))
        else None,
        codes=draw(_codes(index)) if is_coupon else None,
        exclusive=exclusive,
        exclusive_group=group,
        stackable_with=stackable,
        threshold_base=threshold_base,
    )


@functools.cache
@st.composite
def settings_nodes(draw: Draw, currency: str | None = None) -> ast.Settings:
    places = 0 if currency in ("JPY", "KRW") else 2
    return ast.Settings(
        timezone=draw(_maybe(_pick(TIMEZONES))),
        currency=currency,
        rounding=draw(_maybe(_pick(ast.Rounding))),
        max_order_discount=draw(_maybe(amounts(50, 1000, places))),
    )


@st.composite
def rule_files(draw: Draw, name: str = "generated.promo", max_promotions: int = 5) -> ast.RuleFile:
    """A valid `.promo` file as an AST (NO_SPAN spans) that a correct checker accepts."""
    currency = draw(_pick((None, None, "CNY", "USD", "JPY")))
    places = 0 if currency == "JPY" else 2
    settings = draw(settings_nodes(currency))

    seg_names = tuple(draw(_name_lists("seg", 0, 3)))
    segments: list[ast.SegmentDecl] = []
    for i, seg in enumerate(seg_names):
        # A segment may only use segments declared before it: no cycles.
        segments.append(ast.SegmentDecl(name=seg, condition=draw(conditions(seg_names[:i], places))))

    # Names stay distinct across kinds (a CJK head is shared by every prefix).
    scope_names = tuple(n for n in draw(_name_lists("sc", 0, 2)) if n not in seg_names)
    scope_decls = tuple(ast.ScopeDecl(name=n, scope=draw(scopes())) for n in scope_names)

    taken = set(seg_names) | set(scope_names)
    ids = [n for n in draw(_name_lists("p", 1, max_promotions)) if n not in taken] or ["p-only"]
    promos: list[ast.Promotion] = []
    for i, pid in enumerate(ids):
        promos.append(draw(promotions(i, pid, promos, seg_names, scope_names, places)))
    return ast.RuleFile(
        name=name, settings=settings, segments=tuple(segments), scopes=scope_decls, promotions=tuple(promos)
    )


# --------------------------------------------------------------------------- carts and requests


@functools.cache
def instants() -> st.SearchStrategy[dt.datetime]:
    """Aware instants in 2025-2027, in UTC or a fixed offset (the engine converts per rule zone)."""
    zones = _pick((dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5))))
    naive = st.datetimes(min_value=dt.datetime(2025, 6, 1), max_value=dt.datetime(2027, 6, 1))
    return st.builds(lambda n, z: n.replace(tzinfo=z), naive, zones)


@functools.cache
@st.composite
def customers(draw: Draw) -> Customer:
    return Customer(
        id=draw(_maybe(_pick(("c-1", "c-2", "c-3")))),
        level=draw(_ints(0, 5)),
        segments=tuple(draw(_subsets(SEGMENT_VALUES))),
        tags=tuple(draw(_subsets(CUSTOMER_TAGS))),
        region=draw(_maybe(_pick(REGIONS))),
        orders=draw(_ints(0, 3)),
        total_spent=draw(_pick((Decimal(0), Decimal("99.50"), Decimal(2500)))),
        points=draw(_ints(0, 5000)),
        registered_at=draw(_maybe(_dates(dt.date(2018, 1, 1), dt.date(2026, 12, 31)))),
        attributes=dict(draw(_ATTRIBUTES)),
    )


@functools.cache
@st.composite
def lines(
    draw: Draw, min_lines: int = 1, max_lines: int = 5, max_quantity: int = 4, places: int = 2
) -> tuple[Line, ...]:
    """1..N lines over CATALOGUE; the same SKU may appear on two lines; prices vary around list.

    `places`: the currency's decimals (0 for JPY: prices are whole).
    """
    count = draw(_ints(min_lines, max_lines))
    out = []
    for i in range(count):
        sku, category, brand, tags, list_price = draw(_pick(CATALOGUE))
        drawn = draw(_PRICES)
        price = list_price if drawn is None else drawn  # None: the catalogue's list price
        if places == 0:
            price = price.to_integral_value()
        out.append(
            Line(
                id=f"L{i + 1}",
                sku=sku,
                category=category,
                brand=brand,
                tags=tags,
                unit_price=price,
                quantity=draw(_ints(1, max_quantity)),
            )
        )
    return tuple(out)


carts = lines


@functools.cache
@st.composite
def requests(
    draw: Draw,
    codes: Sequence[str] = (),
    min_lines: int = 1,
    max_lines: int = 5,
    max_quantity: int = 4,
    currency: str = "CNY",
) -> CheckoutRequest:
    """A CheckoutRequest in `currency`; coupons drawn from `codes` plus sometimes an unknown code."""
    entered = draw(_subsets((*codes, "NOSUCHCODE")))
    places = CURRENCIES[currency].minor_unit
    return CheckoutRequest(
        currency=currency,
        at=draw(instants()),
        customer=draw(customers()),
        lines=draw(lines(min_lines, max_lines, max_quantity, places)),
        shipping=draw(_pick((Decimal(0), Decimal(6), Decimal("12.50") if places else Decimal(500)))),
        coupons=tuple(entered),
        group=draw(_maybe(_GROUPS)),
        channel=draw(_maybe(_pick(CHANNELS))),
        redeem_points=draw(_pick((0, 0, 500, 3000))),
    )


# --------------------------------------------------------------------------- small rule sets for pricing


def _sel(kind: SelectorKind, *values: str) -> ast.Selector:
    return ast.Selector(kind=kind, values=values)


#: Scopes for pricing rule sets: mostly broad, so that promotions overlap and compete.
_SMALL_SCOPES = st.sampled_from(
    (
        ALL_ITEMS,
        ALL_ITEMS,
        ALL_ITEMS,
        ast.Scope(include=(_sel(SelectorKind.CATEGORY, "fruit"),)),
        ast.Scope(include=(_sel(SelectorKind.CATEGORY, "dairy", "bakery"),)),
        ast.Scope(include=(_sel(SelectorKind.BRAND, "orchard"),)),
        ast.Scope(include=(_sel(SelectorKind.TAG, "organic"),)),
        ast.Scope(include=(_sel(SelectorKind.SKU, "APPLE", "YOGURT"),)),
        ast.Scope(include=(_sel(SelectorKind.ALL),), exclude=(_sel(SelectorKind.SKU, "DURIAN"),)),
    )
)

_SMALL_WINDOWS = (
    (),
    (),
    (),
    (
        ast.During(
            ranges=(
                ast.DateRange(
                    start=ast.DateTimePoint(date=dt.date(2026, 1, 1)),
                    end=ast.DateTimePoint(date=dt.date(2026, 6, 30)),
                ),
            )
        ),
    ),
    (ast.OnWeekdays(days=(ast.Weekday.WED, ast.Weekday.SAT)),),
)


@functools.cache
@st.composite
def _small_action(draw: Draw, layer: str) -> ast.Action:
    notation = draw(_pick(Notation))
    money = amounts(1, 60)
    if layer == "item":
        kind = draw(_pick(("percent", "each", "special", "flash", "bgf", "nth", "bundle", "group")))
        if kind == "percent":
            return ast.PercentOff(percent=draw(percents(notation)), cap=draw(_maybe(amounts(5, 50))))
        if kind == "each":
            return ast.AmountOffEach(amount=draw(amounts(1, 10)), notation=notation)
        if kind == "special":
            return ast.SpecialPrice(price=draw(amounts(1, 30)), notation=notation)
        if kind == "flash":
            return ast.FlashPrice(
                price=draw(amounts(1, 10)),
                per_customer=draw(_maybe(_ints(1, 2))),
                notation=notation,
            )
        if kind == "bgf":
            return ast.BuyGetFree(buy=draw(_ints(1, 3)), free=1, notation=notation)
        if kind == "nth":
            return ast.NthUnitOff(nth=2, percent=draw(percents(notation)), notation=notation)
        if kind == "group":
            return ast.GroupPrice(price=draw(amounts(1, 20)), min_size=draw(_ints(2, 4)), notation=notation)
        return ast.Bundle(count=draw(_ints(2, 3)), price=draw(amounts(5, 40)), notation=notation)
    if layer in ("order", "coupon"):
        kind = draw(_pick(("tiers", "every", "percent", "gift")))
        if kind == "tiers":
            return draw(tiers(notation))
        if kind == "every":
            return draw(every_offs(notation))
        if kind == "gift" and layer == "order":
            return ast.GiftOnSpend(threshold=draw(amounts(20, 150)), gift_sku="BAG", notation=notation)
        return ast.PercentOff(
            percent=draw(percents(notation)), cap=draw(_maybe(money)), min_spend=draw(amounts(10, 150))
        )
    if layer == "points":
        return draw(
            _pick(
                (
                    ast.PointsEarn(multiplier=Decimal(2)),
                    ast.PointsRedeem(points=Decimal(100), per=Decimal(1), max_percent=Decimal(20)),
                )
            )
        )
    threshold = draw(_maybe(amounts(20, 150)))
    off = draw(_maybe(amounts(1, 8))) if threshold is not None else None
    return ast.ShippingOff(threshold=threshold, off=off, notation=notation)


@st.composite
def small_rule_sets(draw: Draw, max_promotions: int = 6) -> ast.RuleFile:
    """A CNY file of 1..6 promotions mixing item / order / coupon / shipping layers.

    Ids `pa`..`pf` (as `p-a`..); coupons get codes `CA`, `CB`, ... (use `coupon_codes(file)`
    to draw requests that enter them). Exclusive groups and stackable pairs are mixed in;
    priorities collide on purpose so that ties are exercised.
    """
    count = draw(_ints(1, max_promotions))
    promos: list[ast.Promotion] = []
    for i in range(count):
        pid = f"p-{'abcdef'[i]}"
        layer = draw(_pick(("item", "item", "item", "order", "order", "coupon", "shipping", "points")))
        action = draw(_small_action(layer))
        is_coupon = layer == "coupon"
        group = None
        if layer != "points" and draw(_ints(0, 2)) == 0:
            group = ast.Name(text=draw(_pick(("grp-a", "grp-b"))))
        exclusive = group is None and layer != "points" and draw(_ints(0, 9)) == 0
        stackable: tuple[ast.Name, ...] = ()
        if layer == "item" and not exclusive:
            partners = [
                p.id
                for p in promos
                if isinstance(
                    p.action,
                    (
                        ast.PercentOff,
                        ast.AmountOffEach,
                        ast.SpecialPrice,
                        ast.FlashPrice,
                        ast.BuyGetFree,
                        ast.NthUnitOff,
                        ast.Bundle,
                        ast.GroupPrice,
                    ),
                )
                and p.kind is None
                and not p.exclusive
                and not p.is_coupon
                and (group is None or p.exclusive_group is None or p.exclusive_group.text != group.text)
            ]
            if partners and draw(_BOOLS):
                stackable = (ast.Name(text=draw(_pick(tuple(partners)))),)
        promos.append(
            ast.Promotion(
                id=pid,
                title=f"promotion {pid}",
                action=action,
                is_coupon=is_coupon,
                priority=draw(_ints(0, 2)),
                kind=Layer.ORDER if layer == "order" and isinstance(action, ast.PercentOff) else None,
                when=draw(_pick(_SMALL_WINDOWS)),
                scope=draw(_SMALL_SCOPES),
                audience=draw(
                    _pick((None, None, ast.Compare(field=Fact.LEVEL, op=ast.CompareOp.GE, value=Decimal(2))))
                ),
                cap=draw(_maybe(_caps(5, 40, 2)))
                if layer in ("item", "order") and draw(_ints(0, 4)) == 0
                else None,
                codes=ast.Codes(patterns=(ast.CodePattern(text=f"C{'ABCDEF'[i]}"),)) if is_coupon else None,
                exclusive=exclusive,
                exclusive_group=group,
                stackable_with=stackable,
                threshold_base=draw(_pick(ThresholdBase))
                if layer in ("order", "coupon")
                else ThresholdBase.AFTER_DISCOUNTS,
            )
        )
    return ast.RuleFile(
        name="small.promo",
        settings=ast.Settings(timezone="Asia/Shanghai", currency="CNY"),
        promotions=tuple(promos),
    )


def coupon_codes(rule_file: ast.RuleFile) -> tuple[str, ...]:
    """The exact codes of a file's coupons (patterns skipped)."""
    return tuple(
        c.text for p in rule_file.promotions if p.codes for c in p.codes.patterns if not c.is_pattern
    )


@st.composite
def pricing_cases(
    draw: Draw, max_promotions: int = 6, max_lines: int = 5, max_quantity: int = 4
) -> tuple[ast.RuleFile, CheckoutRequest]:
    """A small rule set and a request that sometimes enters its coupon codes."""
    rules = draw(small_rule_sets(max_promotions))
    request = draw(requests(coupon_codes(rules), max_lines=max_lines, max_quantity=max_quantity))
    return rules, request


# --------------------------------------------------------------------------- building rule sets


def compile_rules(*files: ast.RuleFile) -> Any:
    """A `promokit.engine.RuleSet` from generated files, through the real checker.

    Fails the test (with the rendered diagnostics) if the checker reports an error: the
    strategies promise checker-valid rules, so an error here is a bug in one or the other.
    Imports lazily so that this module loads before the engine exists.
    """
    from promokit import checker
    from promokit.engine import RuleSet
    from promokit.frontend import CheckedRules

    rules_ast, diagnostics = checker.check(files)
    errors = [d.render() for d in diagnostics if d.is_error]
    assert not errors, "generated rules rejected by the checker:\n" + "\n".join(errors)
    warnings = tuple(d for d in diagnostics if not d.is_error)
    return RuleSet(CheckedRules(ast=rules_ast, warnings=warnings, sources={}))


@st.composite
def full_pricing_cases(draw: Draw, max_lines: int = 5) -> tuple[ast.RuleFile, CheckoutRequest]:
    """Any generated rule file (every construct) and a request in its currency."""
    rule_file = draw(rule_files())
    code = rule_file.settings.currency or "CNY"
    request = draw(requests(coupon_codes(rule_file), max_lines=max_lines, currency=code))
    return rule_file, request


def describe(rule_file: ast.RuleFile, request: CheckoutRequest | None = None) -> str:
    """The rules as `.promo` text (and the request as JSON): readable failing examples.

    Use with `hypothesis.note(...)`; falls back to the AST's repr if the formatter fails.
    """
    try:
        from promokit.formatter import format_file

        text = format_file(rule_file)
    except Exception as error:  # noqa: BLE001 - a description must never hide the real failure
        text = f"(formatter failed: {error!r})\n{rule_file!r}"
    if request is not None:
        text += "\nrequest: " + request.model_dump_json(exclude_defaults=True)
    return text
