"""Vocabulary shared by rules and carts, cached strategy building blocks, primitives."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from promokit.language import ast
from promokit.language.ast import Notation
from promokit.models import Group

# --------------------------------------------------------------------------- vocabulary

#: A small catalogue shared by rule sets and carts so that scopes actually match lines.
#: (sku, category, brand, tags, unit price)
CATALOGUE: tuple[tuple[str, str, str, tuple[str, ...], Decimal], ...] = (
    ("APPLE", "fruit", "orchard", ("organic",), Decimal("12.50")),
    ("PEAR", "fruit", "orchard", (), Decimal("8.00")),
    ("DURIAN", "fruit", "tropic", ("imported",), Decimal("99.90")),
    ("KALE", "veg/leafy", "greenly", ("organic",), Decimal("6.30")),  # a category path
    ("MILK", "dairy", "cowco", (), Decimal("15")),
    ("YOGURT", "dairy", "cowco", ("organic",), Decimal("4.99")),
    ("BREAD", "bakery", "oven", (), Decimal("0.99")),
)
SKUS = tuple(c[0] for c in CATALOGUE)
#: Every category a scope may name: each path and the paths above it, and `fresh`, the extra
#: category (`Line.categories`) of fruit and vegetables.
CATEGORIES = tuple(
    sorted(
        {"/".join(c[1].split("/")[: n + 1]) for c in CATALOGUE for n in range(c[1].count("/") + 1)}
        | {"fresh"}
    )
)
#: Extra categories a line of that category carries (docs/semantics.md#category-trees).
EXTRA_CATEGORIES = {"fruit": ("fresh",), "veg/leafy": ("fresh",)}
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
def names(draw: st.DrawFn, prefix: str) -> str:
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
def percents(draw: st.DrawFn, notation: Notation | None = None) -> ast.Percent:
    """A percentage off in (0, 100) expressible in its notation (ZH: whole numbers → N.N折)."""
    chosen = notation if notation is not None else draw(_pick(Notation))
    if chosen is Notation.ZH:
        off = Decimal(draw(_ints(1, 99)))
    else:
        off = draw(_EN_PERCENT_OFF)
    return ast.Percent(off=off, notation=chosen)
