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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, TypeVar

from ..money import Rounding as Rounding  # the settings node carries it
from .source import NO_SPAN, Span

# --------------------------------------------------------------------------- enums


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


# --------------------------------------------------------------------------- base


@dataclass(frozen=True, slots=True)
class Node:
    span: Span = field(default=NO_SPAN, kw_only=True)


# --------------------------------------------------------------------------- time


@dataclass(frozen=True, slots=True)
class DateTimePoint(Node):
    """A wall-clock instant as written: a date, optionally with a time of day.

    Interpreted in the promotion's time zone. As a window end, a date without a
    time means "through the end of that day" (docs/semantics.md#time-and-audience).
    """

    date: dt.date
    time: dt.time | None = None


@dataclass(frozen=True, slots=True)
class DateRange(Node):
    """`2026-10-01 to 2026-10-07` — half-open [start, end) after end-of-day expansion."""

    start: DateTimePoint
    end: DateTimePoint


@dataclass(frozen=True, slots=True)
class During(Node):
    """`during A to B[, C to D]`: the instant lies in any of the ranges."""

    ranges: tuple[DateRange, ...]


class Weekday(int, Enum):
    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6


@dataclass(frozen=True, slots=True)
class OnWeekdays(Node):
    """`every wednesday` / `every fri, sat` / `每周三`."""

    days: tuple[Weekday, ...]


@dataclass(frozen=True, slots=True)
class OnMonthDays(Node):
    """`every month on 8, 18` / `每月8号`: days of month 1..31."""

    days: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TimeRange(Node):
    """`20:00-22:00`: half-open [start, end) wall-clock time of day.

    `end` may be 24:00, written as `dt.time(0, 0)` with `to_midnight=True`.
    An end before the start wraps past midnight (22:00-02:00).
    """

    start: dt.time
    end: dt.time
    to_midnight: bool = False


@dataclass(frozen=True, slots=True)
class DailyHours(Node):
    """`hours 20:00-22:00[, 08:00-09:00]`: time of day lies in any range."""

    ranges: tuple[TimeRange, ...]


#: One time condition; a promotion's `when` holds them all (AND).
TimeCondition = During | OnWeekdays | OnMonthDays | DailyHours


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


@dataclass(frozen=True, slots=True)
class Percent(Node):
    """A percentage *off*: 20 means 20% off, i.e. 8折. Valid range (0, 100)."""

    off: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class Tier(Node):
    threshold: Decimal
    off: Decimal


@dataclass(frozen=True, slots=True)
class Tiers(Node):
    """满100减20, 满200减50 / `spend 100 get 20 off, spend 200 get 50 off`.

    The highest reached tier applies, alone (docs/semantics.md#thresholds). Layer: order.
    """

    tiers: tuple[Tier, ...]
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class EveryOff(Node):
    """每满100减10 / `every 100 get 10 off [up to 50]`. Layer: order."""

    step: Decimal
    off: Decimal
    cap: Decimal | None = None
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class PercentOff(Node):
    """`20% off` / `8折` [`up to 30`] [`over 100`].

    Item layer when the promotion has a scope narrower than everything or no
    threshold; order layer when `kind order` is declared or `min_spend` is set.
    """

    percent: Percent
    cap: Decimal | None = None
    min_spend: Decimal | None = None


@dataclass(frozen=True, slots=True)
class AmountOffEach(Node):
    """`5 off each` / `每件减5`: fixed amount off every unit in scope. Layer: item."""

    amount: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class SpecialPrice(Node):
    """`price 9.90` / `特价 9.90`: fixed unit price. Layer: item."""

    price: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class FlashPrice(Node):
    """`flash price 1.00 limit 2 per customer stock 500` / `秒杀 1.00 每人限2件 库存500`.

    Units over the per-customer limit or the remaining stock pay the normal price.
    Layer: item.
    """

    price: Decimal
    per_customer: int | None = None
    stock: int | None = None
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class GroupPrice(Node):
    """`group price 9.90 for 3 people` / `3人团 9.90`: price when the request's group size >= min_size."""

    price: Decimal
    min_size: int
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class BuyGetFree(Node):
    """`buy 2 get 1 free` / `买2赠1`: per N+M units in scope, M are free. Layer: item."""

    buy: int
    free: int
    units: UnitChoice = UnitChoice.CHEAPEST
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class NthUnitOff(Node):
    """`2nd unit 50% off` / `第二件半价` / `第3件5折`. Layer: item."""

    nth: int
    percent: Percent
    units: UnitChoice = UnitChoice.CHEAPEST
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class Bundle(Node):
    """`3 for 10` / `10元任选3件`: any `count` units in scope for `price`. Layer: item."""

    count: int
    price: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class GiftOnBuy(Node):
    """`buy 2 get gift "BAG" x 1 [repeat [up to 3]]` / `买2赠 "BAG" 1件`. Layer: order."""

    buy: int
    gift_sku: str
    quantity: int = 1
    repeat: bool = False
    max_times: int | None = None
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class GiftOnSpend(Node):
    """`spend 199 get gift "OIL" x 1` / `满199赠 "OIL" 1件`. Layer: order."""

    threshold: Decimal
    gift_sku: str
    quantity: int = 1
    notation: Notation = Notation.EN


class ShippingBasis(StrEnum):
    """What a shipping benefit's threshold is measured on (docs/semantics.md#shipping)."""

    GOODS = "goods"  # the promotion's eligible goods, as any order-level threshold
    SHIPPING = "shipping"  # the shipping fee of the matching shipping lines


@dataclass(frozen=True, slots=True)
class ShippingOff(Node):
    """A shipping benefit. Layer: shipping (docs/semantics.md#shipping).

    `free shipping over 99` / `满99包邮`; `shipping 5 off over 59` / `满59运费减5`;
    `shipping 50% off` / `运费5折` / `运费半价`; `shipping for 5 on express` / `运费5元限express`.
    At most one of `off` (amount off), `percent` (percent off) and `price` (a fixed price per
    shipping line) is set; none of them means free shipping. `threshold` None means no
    minimum; `basis` says whether the threshold is on the goods or on the shipping fee
    (`when shipping over 20` / `运费满20`). `methods` names the delivery methods the benefit
    applies to (`on express, pickup` / `限express、pickup`); empty: every shipping line.
    """

    threshold: Decimal | None = None
    off: Decimal | None = None
    notation: Notation = Notation.EN
    percent: Percent | None = None
    price: Decimal | None = None
    basis: ShippingBasis = ShippingBasis.GOODS
    methods: tuple[str, ...] = ()
    # Where each method is written (W030 points there); like `span`, not part of what the
    # benefit says, but unlike it left out of comparisons (strip_spans keeps its length).
    method_spans: tuple[Span, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class PointsEarn(Node):
    """`earn 1 point per 1` / `points x2` (multiplier). Layer: points (computed last)."""

    points: Decimal = Decimal(1)
    per: Decimal = Decimal(1)
    multiplier: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class PointsRedeem(Node):
    """`redeem 100 points per 1 up to 20%`: points pay for goods. Layer: points."""

    points: Decimal
    per: Decimal
    max_percent: Decimal | None = None


# --------------------------------------------------------------------------- composed offers
# A condition (`when spend 50 on category "dairy"`, 满3件) and a benefit on a target scope
# that may differ from the condition's (docs/language.md#composed-offers).


class Measure(StrEnum):
    """What a condition counts on its scope."""

    SPEND = "spend"
    UNITS = "units"
    KINDS = "kinds"  # distinct SKUs


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


@dataclass(frozen=True, slots=True)
class AmountOff(Node):
    """`10 off` / `立减10`: an amount off the promotion's scope, spread over its lines. Layer: order."""

    amount: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class FreeUnits(Node):
    """`get 1 free` / `赠1件`: `count` units of the scope free per application. Layer: item."""

    count: int
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class OfferTier(Node):
    """One tier of a `TieredOffer`: at `at_least` (spend or units), `percent` off or `off` spread."""

    measure: Measure
    at_least: Decimal
    percent: Percent | None = None
    off: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TieredOffer(Node):
    """满3件8折 / 满100打9折，满200打8折 / `buy 3 get 20% off` / `buy 3 get 10 off`.

    The highest reached tier applies, alone. Layer: order (like 满减).
    """

    tiers: tuple[OfferTier, ...]
    notation: Notation = Notation.EN


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
class Variant(Node):
    """`experiment tiers-test variant A 50%` / `实验 tiers-test 分组 A 50%` (docs/programs.md#ab-variants).

    The promotion applies only to customers bucketed into variant `name` of `experiment`;
    `weight` is the variant's share in percent (the variants of an experiment sum to 100).
    """

    experiment: str
    name: str
    weight: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class InviteReward(Node):
    """`invite reward 500 points` | `invite reward 10 credit` | `invite reward coupon "INV-*"`
    (邀请奖励 500积分 / 10元 / 券 "INV-*"): what the inviter earns (docs/programs.md#invite-rewards).

    `kind` is "points", "credit" (money) or "coupon" (a code issued from `pattern`, `*` replaced).
    """

    kind: str
    amount: Decimal | None = None
    pattern: str | None = None
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class InviteLimit(Node):
    """`invite limit 3 per inviter [per day]` / `每位邀请人[每天]限3次`: rewards an inviter may earn."""

    count: int
    per_day: bool = False
    notation: Notation = Notation.EN


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
