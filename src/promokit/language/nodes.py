"""The base of the AST: the node class, spans, and the small enums and values every node kind uses.

`language/ast.py` re-exports all of these; the benefit modules (`promokit/benefits/`) build
their nodes on them, so a benefit's node can live beside its other facts without importing
the whole AST (docs/architecture.md#adding-a-benefit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .source import NO_SPAN, Span

__all__ = [
    "ALL_ITEMS",
    "NO_SPAN",
    "Layer",
    "Measure",
    "Node",
    "Notation",
    "Percent",
    "Requirement",
    "Scope",
    "Selector",
    "SelectorKind",
    "Span",
    "ThresholdBase",
    "UnitChoice",
]


class Layer(StrEnum):
    """Stacking layers, applied in this order (docs/semantics.md#layers)."""

    ITEM = "item"
    ORDER = "order"
    COUPON = "coupon"
    SHIPPING = "shipping"
    POINTS = "points"


class Notation(StrEnum):
    """How an operator wrote a construct; the formatter can print either."""

    EN = "en"
    ZH = "zh"


class ThresholdBase(StrEnum):
    """What an order-level threshold is measured on (docs/semantics.md#thresholds)."""

    AFTER_DISCOUNTS = "after-discounts"
    ORIGINAL = "original"


class UnitChoice(StrEnum):
    """Which units a quantity deal discounts (docs/semantics.md#quantity-deals)."""

    CHEAPEST = "cheapest"
    DEAREST = "dearest"


class Measure(StrEnum):
    """What a condition counts on its scope."""

    SPEND = "spend"
    UNITS = "units"
    KINDS = "kinds"  # distinct SKUs


@dataclass(frozen=True, slots=True)
class Node:
    span: Span = field(default=NO_SPAN, kw_only=True)


@dataclass(frozen=True, slots=True)
class Percent(Node):
    """A percentage *off*: 20 means 20% off, i.e. 8折. Valid range (0, 100)."""

    off: Decimal
    notation: Notation = Notation.EN


# --------------------------------------------------------------------------- scope


class SelectorKind(StrEnum):
    ALL = "all"
    SKU = "sku"
    CATEGORY = "category"
    BRAND = "brand"
    TAG = "tag"
    SCOPE = "scope"  # a reference to a named scope


@dataclass(frozen=True, slots=True)
class Selector(Node):
    """`category "fruit", "veg"` — matches a line whose attribute is any of `values`.

    For `ALL`, `values` is empty. For `SCOPE`, `values` holds one scope name.
    """

    kind: SelectorKind
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scope(Node):
    """`on category "fruit" except sku "DURIAN"`: any include, and no exclude."""

    include: tuple[Selector, ...]
    exclude: tuple[Selector, ...] = ()


ALL_ITEMS = Scope(include=(Selector(kind=SelectorKind.ALL),))


# --------------------------------------------------------------------------- conditions of composed offers


@dataclass(frozen=True, slots=True)
class Requirement(Node):
    """`when spend 50 on category "dairy"` / `条件 买2件 on sku "TEA" 可叠加`.

    A condition for any action: the promotion applies only when the measure of the lines in
    `scope` (None: the promotion's own scope) reaches `at_least`. `repeat`: the benefit applies
    once per full `at_least` (at most `max_times`), for benefits that count applications
    (amount off, free units). Layer: the action's.
    """

    measure: Measure
    at_least: Decimal
    scope: Scope | None = None
    repeat: bool = False
    max_times: int | None = None
    notation: Notation = Notation.EN
