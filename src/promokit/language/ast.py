"""The typed AST of a rule set: frozen dataclasses, each node with its source span.

This is the contract between the front end (parser, lowering, checker, formatter)
and everything that consumes rules (compiler, linter, rule tests). The parse tree
never travels past `lowering.py`; only these nodes do.

Conventions
- Money amounts and rates are `Decimal`, exactly as written (no rounding here).
- Percentages are stored as *percent off* (`Percent`), whatever the notation:
  `20% off` and `8折` both become `Percent(Decimal("20"))`; the `notation` field
  remembers how it was written so the formatter can print it back.
- Names (ids, segment and scope names, SKUs, categories) are `str` exactly as written.
- `span` is compared like any field: two ASTs from different text differ. Use
  `strip_spans()` to compare structure only (the formatter round-trip does).

Where the nodes live: the base (`Node`, `Percent`, scopes, the small enums) in `nodes.py`,
time conditions in `time_nodes.py`, program clauses in `program_nodes.py`, and each benefit's
node in its module of `promokit/benefits/` beside its spec. This module re-exports them all,
so `ast.PercentOff` is the one name everywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from ..benefits.amount_off import AmountOff as AmountOff
from ..benefits.amount_off import AmountOffEach as AmountOffEach
from ..benefits.every_off import EveryOff as EveryOff
from ..benefits.free_units import FreeUnits as FreeUnits
from ..benefits.gift import GiftOnBuy as GiftOnBuy
from ..benefits.gift import GiftOnSpend as GiftOnSpend
from ..benefits.nth_unit_price import NthUnitPrice as NthUnitPrice
from ..benefits.percent_off import PercentOff as PercentOff
from ..benefits.points import PointsEarn as PointsEarn
from ..benefits.points import PointsRedeem as PointsRedeem
from ..benefits.quantity_deals import Bundle as Bundle
from ..benefits.quantity_deals import BuyGetFree as BuyGetFree
from ..benefits.quantity_deals import NthUnitOff as NthUnitOff
from ..benefits.shipping import ShippingBasis as ShippingBasis
from ..benefits.shipping import ShippingOff as ShippingOff
from ..benefits.special_price import FlashPrice as FlashPrice
from ..benefits.special_price import GroupPrice as GroupPrice
from ..benefits.special_price import SpecialPrice as SpecialPrice
from ..benefits.tiered_offer import OfferTier as OfferTier
from ..benefits.tiered_offer import TieredOffer as TieredOffer
from ..benefits.tiers import Tier as Tier
from ..benefits.tiers import Tiers as Tiers
from ..money import Rounding as Rounding  # the settings node carries it
from .nodes import (
    ALL_ITEMS as ALL_ITEMS,
)
from .nodes import (
    Layer as Layer,
)
from .nodes import (
    Measure as Measure,
)
from .nodes import (
    Node as Node,
)
from .nodes import (
    Notation as Notation,
)
from .nodes import (
    Percent as Percent,
)
from .nodes import (
    Requirement as Requirement,
)
from .nodes import (
    Scope as Scope,
)
from .nodes import (
    Selector as Selector,
)
from .nodes import (
    SelectorKind as SelectorKind,
)
from .nodes import (
    ThresholdBase as ThresholdBase,
)
from .nodes import (
    UnitChoice as UnitChoice,
)
from .program_nodes import InviteLimit as InviteLimit
from .program_nodes import InviteReward as InviteReward
from .program_nodes import Variant as Variant
from .source import NO_SPAN, Span
from .time_nodes import DailyHours as DailyHours
from .time_nodes import DateRange as DateRange
from .time_nodes import DateTimePoint as DateTimePoint
from .time_nodes import During as During
from .time_nodes import OnMonthDays as OnMonthDays
from .time_nodes import OnWeekdays as OnWeekdays
from .time_nodes import TimeCondition as TimeCondition
from .time_nodes import TimeRange as TimeRange
from .time_nodes import Weekday as Weekday

# --------------------------------------------------------------------------- audience


class Fact(StrEnum):
    """Customer facts a condition can compare (docs/semantics.md#time-and-audience)."""

    LEVEL = "level"
    ORDERS = "orders"
    TOTAL_SPENT = "total_spent"
    POINTS = "points"
    REGION = "region"
    CHANNEL = "channel"
    REGISTERED = "registered"  # registration date
    ATTRIBUTE = "attribute"  # custom attribute: see Compare.attribute


class CompareOp(StrEnum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


#: Literal values in conditions.
Value = Decimal | str | bool | dt.date


@dataclass(frozen=True, slots=True)
class Compare(Node):
    """`level >= 3`, `region == "shanghai"`, `attr "vip_card" == true`."""

    field: Fact
    op: CompareOp
    value: Value
    attribute: str | None = None  # the attribute name when field is ATTRIBUTE


@dataclass(frozen=True, slots=True)
class InList(Node):
    """`region in ("shanghai", "beijing")` (`negated`: `not in`)."""

    field: Fact
    values: tuple[Value, ...]
    attribute: str | None = None
    negated: bool = False


class Collection(StrEnum):
    SEGMENTS = "segments"
    TAGS = "tags"


@dataclass(frozen=True, slots=True)
class HasMember(Node):
    """`"vip" in segments`, `"student" in tags`."""

    value: str
    collection: Collection


@dataclass(frozen=True, slots=True)
class NewCustomer(Node):
    """`new customer` / `新客`: no previous orders."""


@dataclass(frozen=True, slots=True)
class SegmentRef(Node):
    """A named segment declared with `segment NAME = ...`."""

    name: str


@dataclass(frozen=True, slots=True)
class Not(Node):
    operand: Condition


@dataclass(frozen=True, slots=True)
class And(Node):
    operands: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or(Node):
    operands: tuple[Condition, ...]


Condition = Compare | InList | HasMember | NewCustomer | SegmentRef | Not | And | Or


# --------------------------------------------------------------------------- actions
# Each benefit kind is one module of promokit/benefits/ (its node and its spec); the union
# below names them all, and tests/unit/test_action_registry.py holds it equal to the registry.

Action = (
    Tiers
    | EveryOff
    | PercentOff
    | AmountOffEach
    | SpecialPrice
    | FlashPrice
    | GroupPrice
    | BuyGetFree
    | NthUnitOff
    | Bundle
    | GiftOnBuy
    | GiftOnSpend
    | ShippingOff
    | PointsEarn
    | PointsRedeem
    | AmountOff
    | FreeUnits
    | TieredOffer
    | NthUnitPrice
)


# --------------------------------------------------------------------------- limits


class Per(StrEnum):
    CUSTOMER = "customer"
    ORDER = "order"
    TOTAL = "total"
    LINE = "line"  # units per cart line (`limit 1 units per line` / 每行限1件); order-local


class Counted(StrEnum):
    USES = "uses"  # applications (orders) of the promotion
    UNITS = "units"  # discounted units


@dataclass(frozen=True, slots=True)
class Limit(Node):
    """`limit 1 per customer per day` / `limit 3 units per order` / `limit 1000 total` / `每人限1次`."""

    count: int
    per: Per
    counted: Counted = Counted.USES
    per_day: bool = False


@dataclass(frozen=True, slots=True)
class Stock(Node):
    """`stock 500`: promotion units (flash units, gift units) available in all."""

    units: int


@dataclass(frozen=True, slots=True)
class Budget(Node):
    """`budget 50000` [`per day`]: total money this promotion may give away."""

    amount: Decimal
    per_day: bool = False


@dataclass(frozen=True, slots=True)
class Cap(Node):
    """`at most 50 off` / `最多减50`: this promotion's discount per order."""

    amount: Decimal


# --------------------------------------------------------------------------- coupons


@dataclass(frozen=True, slots=True)
class CodePattern(Node):
    """An exact code (`"SAVE10"`) or a pattern with `*` (`"VIP-*"`), case-insensitive."""

    text: str

    @property
    def is_pattern(self) -> bool:
        return "*" in self.text or "?" in self.text


@dataclass(frozen=True, slots=True)
class Codes(Node):
    """`codes "SAVE10", "VIP-*" [single use]`. `single_use`: each code once, ever."""

    patterns: tuple[CodePattern, ...]
    single_use: bool = False


# --------------------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A referenced name with its own span (for did-you-mean diagnostics)."""

    text: str


@dataclass(frozen=True, slots=True)
class Promotion(Node):
    """`promotion ID "title" { ... }` or `coupon ID "title" { ... }` (`is_coupon`).

    `kind` is the declared layer (None: inferred from the action by the compiler,
    see `promokit.check.layers.infer_layer`). A coupon's layer is COUPON unless it is a
    shipping or item action.
    """

    id: str
    title: str | None
    action: Action
    is_coupon: bool = False
    priority: int = 0
    kind: Layer | None = None
    timezone: str | None = None
    when: tuple[TimeCondition, ...] = ()
    scope: Scope = ALL_ITEMS
    audience: Condition | None = None
    channels: tuple[str, ...] = ()
    limits: tuple[Limit, ...] = ()
    stock: Stock | None = None
    budget: Budget | None = None
    cap: Cap | None = None
    codes: Codes | None = None
    exclusive: bool = False  # exclusive with everything
    exclusive_group: Name | None = None
    stackable_with: tuple[Name, ...] = ()
    threshold_base: ThresholdBase = ThresholdBase.AFTER_DISCOUNTS
    # composed offers (docs/language.md#composed-offers): a condition for the action, which
    # units a capped benefit takes (`dearest first` / 高价优先), and a stacking group
    condition: Requirement | None = None
    pick: UnitChoice | None = None
    stack_group: Name | None = None
    pick_span: Span = NO_SPAN  # where `dearest first` / 高价优先 was written
    variant: Variant | None = None  # an A/B variant (docs/programs.md#ab-variants)
    invite: InviteReward | None = None  # an invite program (docs/programs.md#invite-rewards)
    invite_limits: tuple[InviteLimit, ...] = ()
    id_span: Span = NO_SPAN
    # Where `kind ...` and `timezone ...` were written, for diagnostics (NO_SPAN: not written
    # or not recorded; the checker then points at the promotion).
    kind_span: Span = NO_SPAN
    timezone_span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class SegmentDecl(Node):
    """`segment gold = level >= 3 or "vip" in segments`."""

    name: str
    condition: Condition


@dataclass(frozen=True, slots=True)
class ScopeDecl(Node):
    """`scope fresh = category "fruit", "veg" except sku "DURIAN"`."""

    name: str
    scope: Scope
    title: str | None = None  # `scope promo-goods "促销商品" = ...`: what customer texts call it


@dataclass(frozen=True, slots=True)
class Settings(Node):
    """File-level settings. A rule set merges the settings of its files."""

    timezone: str | None = None
    currency: str | None = None
    rounding: Rounding | None = None
    max_order_discount: Decimal | None = None  # `order cap 200`: all promotions together
    # `prices include tax` / `价格含税` (True), `prices exclude tax` / `价格不含税` (False);
    # None: not set here (docs/semantics.md#tax)
    prices_include_tax: bool | None = None
    prices_tax_notation: Notation = Notation.EN
    # `shipping methods standard, express`: the delivery methods requests use (W030 names others)
    shipping_methods: tuple[str, ...] | None = None
    # Where each setting was written, for diagnostics (NO_SPAN: not recorded; the checker
    # then points at `span`).
    timezone_span: Span = NO_SPAN
    currency_span: Span = NO_SPAN
    rounding_span: Span = NO_SPAN
    max_order_discount_span: Span = NO_SPAN
    prices_include_tax_span: Span = NO_SPAN
    shipping_methods_span: Span = NO_SPAN


# --------------------------------------------------------------------------- points for actions


@dataclass(frozen=True, slots=True)
class Streak(Node):
    """`streak 7 days earn 20 points`: on every 7th day in a row, 20 points more."""

    days: int
    points: int


@dataclass(frozen=True, slots=True)
class PointsRule(Node):
    """`points ID "title" on EVENT { ... }`: points for an event that is not a cart (docs/points.md).

    `award` points per event (0: the rule only multiplies), `multiplier` (`points x 2`)
    multiplies every award for the event while the rule matches; windows, audience,
    limits (uses per customer / total, per day) and a `budget` in points as for promotions.
    """

    id: str
    title: str | None
    event: str
    award: int = 0
    multiplier: Decimal | None = None
    streak: Streak | None = None
    timezone: str | None = None
    when: tuple[TimeCondition, ...] = ()
    audience: Condition | None = None
    limits: tuple[Limit, ...] = ()
    budget: Budget | None = None
    id_span: Span = NO_SPAN
    event_span: Span = NO_SPAN
    notation: Notation = Notation.EN  # ZH when a grant is written 送5积分 / 连续7天送20积分 / 积分2倍


@dataclass(frozen=True, slots=True)
class MallItem(Node):
    """`mall ID "title" { on sku "X" ... }`: limits and stock of points-priced lines of these skus."""

    id: str
    title: str | None
    scope: Scope = ALL_ITEMS
    limits: tuple[Limit, ...] = ()
    stock: Stock | None = None
    id_span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class RuleFile(Node):
    """One `.promo` file, declarations in source order."""

    name: str
    settings: Settings
    segments: tuple[SegmentDecl, ...] = ()
    scopes: tuple[ScopeDecl, ...] = ()
    promotions: tuple[Promotion, ...] = ()
    points_rules: tuple[PointsRule, ...] = ()
    mall_items: tuple[MallItem, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleSetAst:
    """All files of a rule set, checked. Settings merged (conflicts are errors)."""

    files: tuple[RuleFile, ...]
    timezone: str = "UTC"
    currency: str = "CNY"
    rounding: Rounding = Rounding.HALF_UP
    max_order_discount: Decimal | None = None
    prices_include_tax: bool = True  # docs/semantics.md#tax
    #: the delivery methods the files declare (`shipping methods ...`), None: not declared
    shipping_methods: tuple[str, ...] | None = None  # sorted, each once

    @property
    def promotions(self) -> tuple[Promotion, ...]:
        return tuple(p for f in self.files for p in f.promotions)

    @property
    def points_rules(self) -> tuple[PointsRule, ...]:
        return tuple(r for f in self.files for r in f.points_rules)

    @property
    def mall_items(self) -> tuple[MallItem, ...]:
        return tuple(m for f in self.files for m in f.mall_items)

    @property
    def segments(self) -> dict[str, SegmentDecl]:
        return {s.name: s for f in self.files for s in f.segments}

    @property
    def scopes(self) -> dict[str, ScopeDecl]:
        return {s.name: s for f in self.files for s in f.scopes}


# --------------------------------------------------------------------------- helpers

T = TypeVar("T")


def strip_spans(node: T) -> T:
    """A copy of `node` with every span replaced by NO_SPAN (structure-only compare)."""
    return _strip(node)  # type: ignore[no-any-return]


def _strip(value: Any) -> Any:
    if isinstance(value, Span):
        return NO_SPAN
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _strip(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_strip(v) for v in value)
    return value
