"""Audience predicates (and, re-exported from `scopes.py`, item scopes), compiled once into small plan objects.

No `eval`/`exec`: every `Condition` node becomes a `_Test` object with `test(request)` (fast
path for pricing) and `explain(request)` (the words of an explanation: which condition
failed and what the customer has). Segment and named-scope references are resolved here, at
compile time, so evaluation never looks a name up.

Comparison policy (documented in docs/semantics.md, "Audience"):
- Numbers compare as numbers (`level >= 3`, `spent >= 1000`, numeric custom attributes);
  dates as dates (`registered >= 2026-01-01`, or an attribute holding an ISO date string);
  strings and booleans support `==`/`!=` (and `in`) only. A string is never ordered.
- A missing fact (no region, no registration date, an absent custom attribute) or a value
  of another type than the literal is *not equal* to it: `==`, `<`, `>=`, `in` ... are false,
  `!=` and `not in` are true. (`region not in ("xinjiang")` holds for a customer without a
  region.)
- `new customer` means no previous orders (`orders == 0`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ..errors import PromokitError
from ..language.ast import (
    And,
    Collection,
    Compare,
    CompareOp,
    Condition,
    Fact,
    HasMember,
    InList,
    NewCustomer,
    Not,
    Or,
    SegmentDecl,
    SegmentRef,
    Value,
)
from ..models import CheckoutRequest
from .scopes import EVERYTHING, IndexKeys, ScopeMatcher, compile_scope

#: A fact's value as read from the request (None: the customer has no such fact).
FactValue = Decimal | int | str | bool | dt.date | None

_FACT_WORDS = {
    Fact.LEVEL: "level",
    Fact.ORDERS: "orders",
    Fact.TOTAL_SPENT: "spent",
    Fact.POINTS: "points",
    Fact.REGION: "region",
    Fact.CHANNEL: "channel",
    Fact.REGISTERED: "registered",
}


# --------------------------------------------------------------------------- values


def _literal(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _fact_name(fact: Fact, attribute: str | None) -> str:
    return f'attr "{attribute}"' if fact is Fact.ATTRIBUTE else _FACT_WORDS[fact]


def _reader(fact: Fact, attribute: str | None) -> Callable[[CheckoutRequest], FactValue]:
    """A function reading one fact from the request (bound once, at compile time)."""
    if fact is Fact.LEVEL:
        return lambda r: r.customer.level
    if fact is Fact.ORDERS:
        return lambda r: r.customer.orders
    if fact is Fact.TOTAL_SPENT:
        return lambda r: r.customer.total_spent
    if fact is Fact.POINTS:
        return lambda r: r.customer.points
    if fact is Fact.REGION:
        return lambda r: r.customer.region
    if fact is Fact.CHANNEL:
        return lambda r: r.channel
    if fact is Fact.REGISTERED:
        return lambda r: r.customer.registered_at
    name = attribute or ""
    return lambda r: r.customer.attributes.get(name)


def _coerce(actual: FactValue, literal: Value) -> Decimal | str | bool | dt.date | None:
    """`actual` as the literal's type, or None when it cannot be compared with it."""
    if actual is None:
        return None
    if isinstance(literal, bool):
        return actual if isinstance(actual, bool) else None
    if isinstance(literal, Decimal):
        if isinstance(actual, bool) or not isinstance(actual, int | Decimal):
            return None
        return Decimal(actual)
    if isinstance(literal, dt.date):
        if isinstance(actual, dt.date):
            return actual
        if isinstance(actual, str):
            try:
                return dt.date.fromisoformat(actual)
            except ValueError:
                return None
        return None
    return actual if isinstance(actual, str) else None


def _compare(actual: FactValue, op: CompareOp, literal: Value) -> bool:
    value = _coerce(actual, literal)
    if value is None:
        return op is CompareOp.NE  # missing or other type: "not equal"
    if op is CompareOp.EQ:
        return value == literal
    if op is CompareOp.NE:
        return value != literal
    if isinstance(literal, bool | str):
        return False  # strings and booleans are not ordered (the checker warns)
    if op is CompareOp.LT:
        return value < literal  # type: ignore[operator]
    if op is CompareOp.LE:
        return value <= literal  # type: ignore[operator]
    if op is CompareOp.GT:
        return value > literal  # type: ignore[operator]
    return value >= literal  # type: ignore[operator]


def _show(actual: FactValue) -> str:
    if actual is None:
        return "none"
    if isinstance(actual, bool):
        return "true" if actual else "false"
    if isinstance(actual, str):
        return f'"{actual}"'
    if isinstance(actual, dt.date):
        return actual.isoformat()
    return str(actual)


# --------------------------------------------------------------------------- plans


class _Test(Protocol):
    @property
    def words(self) -> str: ...

    def test(self, request: CheckoutRequest) -> bool: ...

    def explain(self, request: CheckoutRequest) -> str | None: ...


@dataclass(frozen=True, slots=True)
class _Compare:
    words: str
    name: str
    read: Callable[[CheckoutRequest], FactValue]
    op: CompareOp
    literal: Value

    def test(self, request: CheckoutRequest) -> bool:
        return _compare(self.read(request), self.op, self.literal)

    def explain(self, request: CheckoutRequest) -> str | None:
        actual = self.read(request)
        if _compare(actual, self.op, self.literal):
            return None
        return f"needs {self.words} (customer has {self.name} {_show(actual)})"


@dataclass(frozen=True, slots=True)
class _InList:
    words: str
    name: str
    read: Callable[[CheckoutRequest], FactValue]
    values: tuple[Value, ...]
    negated: bool

    def test(self, request: CheckoutRequest) -> bool:
        actual = self.read(request)
        found = any(_compare(actual, CompareOp.EQ, v) for v in self.values)
        return found != self.negated

    def explain(self, request: CheckoutRequest) -> str | None:
        if self.test(request):
            return None
        return f"needs {self.words} (customer has {self.name} {_show(self.read(request))})"


@dataclass(frozen=True, slots=True)
class _Member:
    words: str
    value: str
    collection: Collection

    def _items(self, request: CheckoutRequest) -> tuple[str, ...]:
        c = request.customer
        return c.segments if self.collection is Collection.SEGMENTS else c.tags

    def test(self, request: CheckoutRequest) -> bool:
        return self.value in self._items(request)

    def explain(self, request: CheckoutRequest) -> str | None:
        if self.test(request):
            return None
        items = self._items(request)
        has = ", ".join(f'"{i}"' for i in items) if items else "none"
        return f"needs {self.words} (customer has {self.collection.value} {has})"


@dataclass(frozen=True, slots=True)
class _New:
    words: str = "new customer"

    def test(self, request: CheckoutRequest) -> bool:
        return request.customer.orders == 0

    def explain(self, request: CheckoutRequest) -> str | None:
        if self.test(request):
            return None
        return f"needs a new customer (customer has {request.customer.orders} previous orders)"


@dataclass(frozen=True, slots=True)
class _Segment:
    words: str
    inner: _Test

    def test(self, request: CheckoutRequest) -> bool:
        return self.inner.test(request)

    def explain(self, request: CheckoutRequest) -> str | None:
        why = self.inner.explain(request)
        return None if why is None else f"not in segment {self.words}: {why}"


@dataclass(frozen=True, slots=True)
class _Not:
    words: str
    inner: _Test

    def test(self, request: CheckoutRequest) -> bool:
        return not self.inner.test(request)

    def explain(self, request: CheckoutRequest) -> str | None:
        return None if self.test(request) else f"needs {self.words}"


@dataclass(frozen=True, slots=True)
class _And:
    words: str
    parts: tuple[_Test, ...]

    def test(self, request: CheckoutRequest) -> bool:
        return all(p.test(request) for p in self.parts)

    def explain(self, request: CheckoutRequest) -> str | None:
        for part in self.parts:
            why = part.explain(request)
            if why is not None:
                return why  # the first failing condition, in source order
        return None


@dataclass(frozen=True, slots=True)
class _Or:
    words: str
    parts: tuple[_Test, ...]

    def test(self, request: CheckoutRequest) -> bool:
        return any(p.test(request) for p in self.parts)

    def explain(self, request: CheckoutRequest) -> str | None:
        reasons = [p.explain(request) for p in self.parts]
        if any(r is None for r in reasons):
            return None
        return "needs one of: " + "; or ".join(r for r in reasons if r is not None)


def _paren(test: _Test, node: Condition) -> str:
    return f"({test.words})" if isinstance(node, And | Or) else test.words


class _Compiler:
    def __init__(self, segments: Mapping[str, SegmentDecl]) -> None:
        self.segments = segments
        self.done: dict[str, _Test] = {}
        self.open: list[str] = []

    def build(self, cond: Condition) -> _Test:
        if isinstance(cond, Compare):
            name = _fact_name(cond.field, cond.attribute)
            words = f"{name} {cond.op.value} {_literal(cond.value)}"
            return _Compare(words, name, _reader(cond.field, cond.attribute), cond.op, cond.value)
        if isinstance(cond, InList):
            name = _fact_name(cond.field, cond.attribute)
            values = ", ".join(_literal(v) for v in cond.values)
            words = f"{name} {'not in' if cond.negated else 'in'} ({values})"
            return _InList(words, name, _reader(cond.field, cond.attribute), cond.values, cond.negated)
        if isinstance(cond, HasMember):
            return _Member(f'"{cond.value}" in {cond.collection.value}', cond.value, cond.collection)
        if isinstance(cond, NewCustomer):
            return _New()
        if isinstance(cond, SegmentRef):
            return _Segment(cond.name, self.segment(cond.name))
        if isinstance(cond, Not):
            inner = self.build(cond.operand)
            return _Not(f"not {_paren(inner, cond.operand)}", inner)
        parts = tuple(self.build(op) for op in cond.operands)
        joiner = " and " if isinstance(cond, And) else " or "
        words = joiner.join(_paren(p, op) for p, op in zip(parts, cond.operands, strict=True))
        return _And(words, parts) if isinstance(cond, And) else _Or(words, parts)

    def segment(self, name: str) -> _Test:
        if name in self.done:
            return self.done[name]
        if name in self.open:
            raise PromokitError(f"segment {name!r} refers to itself: {' -> '.join([*self.open, name])}")
        decl = self.segments.get(name)
        if decl is None:
            raise PromokitError(f"unknown segment {name!r}")
        self.open.append(name)
        test = self.build(decl.condition)
        self.open.pop()
        self.done[name] = test
        return test


class Audience:
    """A compiled `for ...` condition. No condition: everyone matches."""

    __slots__ = ("_test", "always")

    def __init__(self, test: _Test | None) -> None:
        self._test = test
        self.always = test is None

    def matches(self, request: CheckoutRequest) -> bool:
        return self._test is None or self._test.test(request)

    def failure(self, request: CheckoutRequest) -> str | None:
        """The first failing condition in words (None = matches), e.g.
        `needs level >= 3 (customer has level 1)`."""
        return None if self._test is None else self._test.explain(request)

    def describe(self) -> str:
        return "everyone" if self._test is None else self._test.words


def compile_audience(cond: Condition | None, segments: Mapping[str, SegmentDecl]) -> Audience:
    """Compile an audience condition; segment references are resolved now (ValueError if unknown)."""
    return Audience(None if cond is None else _Compiler(segments).build(cond))


__all__ = [
    "EVERYTHING",
    "Audience",
    "IndexKeys",
    "ScopeMatcher",
    "compile_audience",
    "compile_scope",
]
