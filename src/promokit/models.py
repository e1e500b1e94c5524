"""Request and result models: what a shop backend hands promokit and gets back.

Pydantic v2, frozen, `extra="forbid"`. Money is `Decimal` and serialises to JSON as
a decimal string ("12.50"); floats are refused on input so that no binary
rounding ever reaches a price. JSON Schema: `promokit schema request|result`.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    StrictInt,
    Tag,
    WithJsonSchema,
    model_serializer,
    model_validator,
)

from .codes import normalize_code
from .money import CURRENCIES

#: Documented request limits (docs/semantics.md). Larger carts are refused, not truncated.
MAX_LINES = 500
MAX_QUANTITY = 10_000
MAX_UNIT_PRICE = Decimal("100000000")  # 10^8 in the major unit
#: A line's further `categories`: how many; and each category path: how deep, how long.
MAX_CATEGORIES = 20
MAX_CATEGORY_DEPTH = 10
MAX_CATEGORY_PATH = 200


#: The longest decimal text accepted (digits, sign and point): far beyond any real amount,
#: short enough that no input makes Decimal parsing or arithmetic expensive.
MAX_DECIMAL_TEXT = 40

#: Instants promokit can place in any time zone and shift by a day without leaving the calendar.
MIN_AT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
MAX_AT = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)


def _refuse_float(value: Any) -> Any:
    """Money input: a Decimal, an int, or ASCII decimal text (docs/semantics.md#money-input)."""
    if isinstance(value, float):
        raise ValueError('money must be a decimal string or an integer, not a float (e.g. "12.50")')
    if isinstance(value, bool):
        raise ValueError('money must be a decimal string or an integer, not true/false (e.g. "12.50")')
    return value


def _strict_text(value: Any) -> Any:
    if isinstance(value, str):
        _check_decimal_text(value)
    return value


def _check_decimal_text(text: str) -> None:
    """Strict: ASCII digits, one optional sign, an optional point with digits on both sides.

    Python's Decimal also reads "１２", "٣", "1_000", " 12.50 " and "1e3"; a price is never
    written like that, so such text is more likely a bug upstream than a price.
    """
    body = text[1:] if text[:1] in ("-", "+") else text
    whole, point, fraction = body.partition(".")
    digits = (
        whole.isascii() and whole.isdigit() and (not point or (fraction.isascii() and fraction.isdigit()))
    )
    if not digits or len(text) > MAX_DECIMAL_TEXT:
        shown = text if len(text) <= MAX_DECIMAL_TEXT else text[:MAX_DECIMAL_TEXT] + "..."
        raise ValueError(
            f"{shown!r} is not a decimal number: write ASCII digits with an optional point, "
            'e.g. "12.50" (no spaces, underscores, exponents or other scripts\' digits)'
        )


def _at_in_range(value: dt.datetime) -> dt.datetime:
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError:
        utc = None
    if utc is None or not MIN_AT <= utc <= MAX_AT:
        raise ValueError("at must be between 1900-01-01 and 9998-12-31 (UTC)")
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


__all__ = [
    "Adjustment",
    "Applied",
    "AttributeValue",
    "CheckoutRequest",
    "Customer",
    "Gift",
    "Group",
    "Hint",
    "Line",
    "LineResult",
    "Money",
    "NotApplied",
    "PointsExpiry",
    "PricingResult",
    "Reason",
    "ShippingLine",
    "ShippingLineResult",
]

#: JSON Schema of money (`promokit schema`): standard keywords only, so any JSON Schema validator
#: can check a request before it is sent. The patterns describe the canonical form ("12.50"); the
#: validator also accepts integers, which the schema states, and refuses floats, which it does not
#: list. Results always serialise money as a decimal string.
MONEY_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
#: 0 .. MAX_UNIT_PRICE written out as a pattern: up to eight integer digits, or exactly 10^8.
NON_NEGATIVE_MONEY_PATTERN = r"^0*([0-9]{1,8}(\.[0-9]+)?|100000000(\.0+)?)$"
_MONEY_DOC = (
    'money as a decimal string ("12.50") or an integer; floats are refused, including 12.0 and 1e2, '
    "which JSON Schema itself counts as integers"
)


def _money_schema(pattern: str, integer: dict[str, Any]) -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "string", "pattern": pattern, "maxLength": MAX_DECIMAL_TEXT},
            {"type": "integer", **integer},
        ],
        "description": _MONEY_DOC,
    }


Money = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    AfterValidator(_finite),
    WithJsonSchema(_money_schema(MONEY_PATTERN, {}), mode="validation"),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN}, mode="serialization"),
]
#: A count in a request: a JSON integer only (not true, "3" or 3.0).
Count = Annotated[int, Field(strict=True)]
Instant = Annotated[AwareDatetime, AfterValidator(_at_in_range)]
#: Money in a request: also strict decimal text (results keep accepting what they print).
NonNegativeMoney = Annotated[
    Money,
    BeforeValidator(_strict_text),
    Field(ge=0, le=MAX_UNIT_PRICE),
    WithJsonSchema(
        _money_schema(NON_NEGATIVE_MONEY_PATTERN, {"minimum": 0, "maximum": int(MAX_UNIT_PRICE)}),
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": NON_NEGATIVE_MONEY_PATTERN}, mode="serialization"),
]
AttributeValue = str | int | bool | Decimal

#: A tax rate in a request: strict decimal text (or a Decimal / an integer), 0 <= rate < 1.
TAX_RATE_PATTERN = r"^0+(\.[0-9]+)?$"
TaxRate = Annotated[
    Decimal,
    BeforeValidator(_strict_text),
    BeforeValidator(_refuse_float),
    AfterValidator(_finite),
    Field(ge=0, lt=1),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": TAX_RATE_PATTERN, "maxLength": MAX_DECIMAL_TEXT},
                {"type": "integer", "minimum": 0, "maximum": 0},
            ],
            "description": 'a tax rate as a decimal string in [0, 1), e.g. "0.13"; floats are refused',
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN}, mode="serialization"),
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")


# --------------------------------------------------------------------------- request


class Customer(_Model):
    """Facts about the buyer (docs/semantics.md#time-and-audience). A new customer has `orders == 0`."""

    id: str | None = Field(default=None, max_length=200)
    level: Count = Field(default=0, ge=0)
    segments: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    region: str | None = None
    orders: Count = Field(default=0, ge=0, description="number of previous orders")
    total_spent: NonNegativeMoney = Decimal(0)
    points: Count = Field(default=0, ge=0, description="points balance")
    registered_at: dt.date | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    invited_by: str | None = Field(
        default=None, min_length=1, max_length=200, description="the inviter's customer id (docs/programs.md)"
    )

    @model_validator(mode="after")
    def _not_self_invited(self) -> Customer:
        if self.invited_by is not None and self.invited_by == self.id:
            raise ValueError(
                f"customer {self.id!r} names themselves in invited_by: nobody can invite themselves"
            )
        return self


def _category_path(value: str | None) -> str | None:
    if value is None:
        return value
    parts = value.split("/")
    if any(not part.strip() for part in parts):
        raise ValueError(f'category path "{value}" has an empty segment (write e.g. "fresh/fruit/apple")')
    if len(parts) > MAX_CATEGORY_DEPTH:
        raise ValueError(
            f"category path has {len(parts)} levels; at most {MAX_CATEGORY_DEPTH} are allowed "
            '(docs/semantics.md#money-input): keep the levels a promotion may name, e.g. "fresh/fruit/apple"'
        )
    return value


#: A category or a path of categories (`fresh/fruit/apple`), at most MAX_CATEGORY_PATH
#: characters and MAX_CATEGORY_DEPTH levels (docs/semantics.md#money-input).
CategoryPath = Annotated[str, Field(max_length=MAX_CATEGORY_PATH), AfterValidator(_category_path)]
#: Further categories of a line besides its `category`, at most MAX_CATEGORIES.
ExtraCategories = Annotated[tuple[CategoryPath, ...], Field(max_length=MAX_CATEGORIES)]


class Line(_Model):
    """One cart line: `quantity` units of `sku` at `unit_price` each.

    `category` may be a path (`fresh/fruit/apple`): a scope `category "fresh"` matches it and
    everything under it. `categories` names further categories (paths too) the product is in
    (docs/semantics.md#category-trees).
    """

    id: str = Field(min_length=1, max_length=200)
    sku: str = Field(min_length=1, max_length=200)
    category: CategoryPath | None = None
    categories: ExtraCategories = ()
    brand: str | None = None
    tags: tuple[str, ...] = ()
    unit_price: NonNegativeMoney
    # 0 is allowed: carts keep a line set to zero before removing it; such a line is
    # priced at zero and never discounted or counted (docs/semantics.md#zero-quantity-lines).
    quantity: Count = Field(ge=0, le=MAX_QUANTITY)
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    points_price: StrictInt | None = Field(
        default=None,
        ge=1,
        le=10**9,
        description="points per unit: a points-mall line paid with points plus `unit_price` (docs/points.md)",
    )

    @functools.cached_property
    def category_paths(self) -> frozenset[str]:
        """Every category this line is in: each of its paths and every path above it."""
        out: set[str] = set()
        for path in (self.category, *self.categories):
            if path is None:
                continue
            parts = path.split("/")
            out.update("/".join(parts[: n + 1]) for n in range(len(parts)))
        return frozenset(out)


class Group(_Model):
    """A group buy (拼团) the order belongs to."""

    id: str = Field(min_length=1)
    size: Count = Field(ge=1)


class ShippingLine(_Model):
    """One shipment of the order: its delivery `method` and what it costs (docs/semantics.md#shipping).

    `lines` names the cart lines the shipment carries (None: all of them); `tax_rate` is the
    shipment's tax rate (docs/semantics.md#shipping).
    """

    id: str = Field(min_length=1, max_length=200)
    method: str = Field(
        min_length=1, max_length=100, description="the delivery method: express, standard, pickup ..."
    )
    amount: NonNegativeMoney
    lines: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] | None = Field(
        default=None,
        max_length=MAX_LINES,
        description="ids of the cart lines this shipment carries; null: all lines",
    )
    tax_rate: TaxRate = Decimal(0)


#: The id of the one shipping line that stands for the single-amount form (`"shipping": "8.00"`).
IMPLICIT_SHIPPING_ID = "shipping"
#: The longest list of shipping lines a request may carry.
MAX_SHIPPING_LINES = 50


def _shipping_form(value: Any) -> str | None:
    """`shipping` is one amount or a list of shipping lines: the JSON type decides which."""
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, int | float | str | Decimal):
        return "amount"
    return None


Shipping = Annotated[
    Annotated[NonNegativeMoney, Tag("amount")]
    | Annotated[tuple[ShippingLine, ...], Field(max_length=MAX_SHIPPING_LINES), Tag("list")],
    Discriminator(
        _shipping_form,
        custom_error_type="shipping_form",
        custom_error_message='shipping must be one amount ("8.00") or a list of shipping lines '
        '([{"id": "s1", "method": "express", "amount": "8.00"}])',
    ),
]


@functools.lru_cache(maxsize=256)
def _implicit_shipping(amount: str) -> tuple[ShippingLine, ...]:
    """The one shipping line of the single-amount form (keyed by the amount as written)."""
    line = ShippingLine.model_construct(
        id=IMPLICIT_SHIPPING_ID, method="", amount=Decimal(amount), lines=None, tax_rate=Decimal(0)
    )
    return (line,)


class CheckoutRequest(_Model):
    """A cart to price: the lines, the customer, the instant and the codes entered.

    `shipping` is one amount (one implicit shipping line with no method) or a list of
    shipping lines (docs/semantics.md#shipping); `shipping_lines` reads both the same way.
    """

    currency: str = "CNY"
    at: Instant
    customer: Customer = Field(default_factory=Customer)
    lines: tuple[Line, ...] = Field(max_length=MAX_LINES)
    shipping: Shipping = Decimal(0)
    coupons: tuple[Annotated[str, AfterValidator(normalize_code)], ...] = Field(
        default=(), max_length=20, description="codes entered; normalised (docs/semantics.md#coupon-codes)"
    )
    group: Group | None = None
    channel: str | None = None
    redeem_points: Count = Field(default=0, ge=0, description="points the customer chooses to spend")

    @model_validator(mode="after")
    def _check(self) -> CheckoutRequest:
        currency = CURRENCIES.get(self.currency)
        if currency is None:
            raise ValueError(f"unknown currency {self.currency!r}; known: {', '.join(sorted(CURRENCIES))}")
        seen: set[str] = set()
        for line in self.lines:
            if line.id in seen:
                raise ValueError(f"duplicate line id {line.id!r}: line ids must be unique")
            seen.add(line.id)
            if -line.unit_price.as_tuple().exponent > currency.minor_unit:  # type: ignore[operator]
                raise ValueError(
                    f"line {line.id!r}: unit_price {line.unit_price} has more decimals than "
                    f"{self.currency} allows ({currency.minor_unit})"
                )
        if isinstance(self.shipping, Decimal):
            if -self.shipping.as_tuple().exponent > currency.minor_unit:  # type: ignore[operator]
                raise ValueError(
                    f"shipping {self.shipping} has more decimals than {self.currency} allows "
                    f"({currency.minor_unit})"
                )
            return self
        shipped: set[str] = set()
        for n, ship in enumerate(self.shipping):
            where = f"shipping.{n}"
            if ship.id in shipped:
                raise ValueError(f"{where}.id: duplicate shipping line id {ship.id!r}: ids must be unique")
            shipped.add(ship.id)
            if -ship.amount.as_tuple().exponent > currency.minor_unit:  # type: ignore[operator]
                raise ValueError(
                    f"{where}.amount: {ship.amount} has more decimals than {self.currency} allows "
                    f"({currency.minor_unit})"
                )
            for k, line_id in enumerate(ship.lines or ()):
                if line_id not in seen:
                    raise ValueError(
                        f"{where}.lines.{k}: shipping line {ship.id!r} carries cart line {line_id!r}, "
                        "which is not in the request (name ids from `lines`)"
                    )
        return self

    @property
    def shipping_lines(self) -> tuple[ShippingLine, ...]:
        """The shipping lines, the single-amount form read as one implicit line with no method.

        A property, not a cached one: `model_copy(update={"shipping": ...})` must see the new value.
        """
        if isinstance(self.shipping, tuple):
            return self.shipping
        return _implicit_shipping(str(self.shipping))

    @property
    def shipping_amount(self) -> Decimal:
        """The shipping fee before benefits: the single amount, or the sum over the lines."""
        if isinstance(self.shipping, Decimal):
            return self.shipping
        return sum((ship.amount for ship in self.shipping), Decimal(0))

    @property
    def shipping_listed(self) -> bool:
        """Whether the request used the list form (the result then lists `shipping_lines`)."""
        return isinstance(self.shipping, tuple)


# --------------------------------------------------------------------------- result

Reason = Literal[
    "window",  # outside its time window
    "audience",  # the customer does not match
    "channel",  # the request's channel is not one of the promotion's
    "scope",  # no line in the promotion's scope
    "threshold",  # spend or quantity below the threshold (see shortfall)
    "group_size",  # group buy not big enough
    "limit",  # a usage limit is used up
    "stock",  # promotion stock is used up
    "budget",  # remaining budget cannot cover the discount
    "coupon_missing",  # a coupon promotion whose code was not entered
    "coupon_unknown",  # an entered code matches no coupon
    "coupon_expired",  # the code's coupon is outside its window
    "coupon_used",  # single-use code already used, or per-customer limit reached
    "coupon_not_combinable",  # another coupon in the cart excludes it
    "excluded",  # lost to a better or exclusive promotion (see lost_to)
    "no_saving",  # applies but saves nothing (e.g. special price above list price)
    "order_cap",  # the rule set's per-order cap left nothing for it
]


class Adjustment(_Model):
    """What one promotion took off one line."""

    promotion: str
    units: int = Field(description="units of the line the promotion discounted")
    amount: Money


def _omit_empty(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Points-program fields (docs/points.md) and shipping lines (docs/semantics.md#shipping)
    are left out while empty, so a result without points goods, expiring points or a list of
    shipping lines serialises exactly as it did before they existed."""
    for name in names:
        if name in data and not data[name]:
            del data[name]
    return data


class LineResult(_Model):
    """One cart line after pricing: what it cost, what it pays, and every adjustment on it."""

    id: str
    sku: str
    quantity: int
    unit_price: Money
    subtotal: Money
    discount: Money
    total: Money
    adjustments: tuple[Adjustment, ...] = ()
    points: int = Field(default=0, description="points the line costs (points_price x quantity)")

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_empty(handler(self), ("points",))


class ShippingLineResult(_Model):
    """One shipping line after pricing: its amount, the benefits on it and what it costs now."""

    id: str
    method: str
    amount: Money = Field(description="the shipping fee before benefits")
    discount: Money
    total: Money = Field(description="the shipping fee after benefits")
    adjustments: tuple[Adjustment, ...] = ()
    lines: tuple[str, ...] | None = Field(default=None, description="the cart lines it carries; null: all")


class Gift(_Model):
    """A gift line (priced at zero) and the promotion that granted it."""

    sku: str
    quantity: int
    promotion: str


class Applied(_Model):
    """A promotion that applied: how much it saved, on which lines, in which layer."""

    promotion: str
    title: str | None
    layer: str
    amount: Money
    lines: tuple[str, ...] = ()
    units: int = 0
    code: str | None = None
    points: int = 0
    variant: str | None = Field(default=None, description="the A/B variant applied (docs/programs.md)")


class NotApplied(_Model):
    """A promotion (or an unknown code) that did not apply, with its reason code and detail."""

    promotion: str
    title: str | None = None
    reason: Reason
    detail: str
    shortfall: Money | None = None
    lost_to: str | None = None
    code: str | None = None
    text: str = Field(default="", description="the reason for the customer, in the locale asked for")


HintKind = Literal["spend", "units"]


class Hint(_Model):
    """ "Add ¥12.00 of fruit to get ¥20 off": what the customer could still unlock.

    `message` is the engine's English wording (with internal names); `text` is the same
    promise for the customer, in the locale asked for, built from the structured fields.
    """

    promotion: str
    message: str
    shortfall: Money | None = None
    units: int | None = None
    unlocks: Money | None = None
    kind: HintKind = "spend"
    title: str | None = None
    scope: str | None = Field(default=None, description="the named scope to add from, if any")
    scope_title: str | None = None
    gift_sku: str | None = None
    gift_quantity: int | None = None
    text: str = ""


class PointsExpiry(_Model):
    """`points` of the customer's balance expire at `expires_at` (shown before they do)."""

    points: int
    expires_at: AwareDatetime


class PricingResult(_Model):
    """The priced cart. `total == subtotal - discount + shipping`, line discounts sum to `discount`."""

    currency: str
    at: AwareDatetime
    customer_id: str | None = None
    subtotal: Money
    discount: Money
    shipping_original: Money = Decimal(0)
    shipping_discount: Money = Decimal(0)
    shipping: Money
    total: Money
    points_earned: int = 0
    points_redeemed: int = 0
    points_priced: int = Field(default=0, description="points the points-priced lines cost")
    points_expiring: tuple[PointsExpiry, ...] = Field(
        default=(),
        description="the customer's points expiring soon (pricing with a ledger that keeps points)",
    )
    lines: tuple[LineResult, ...]
    shipping_lines: tuple[ShippingLineResult, ...] = Field(
        default=(),
        description="each shipping line (docs/semantics.md#shipping); left out when the request "
        "gave shipping as one amount",
    )
    gifts: tuple[Gift, ...] = ()
    applied: tuple[Applied, ...] = ()
    not_applied: tuple[NotApplied, ...] = ()
    hints: tuple[Hint, ...] = ()
    selection: Literal["none", "exact", "heuristic", "greedy"] = "none"
    rules_version: str

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_empty(handler(self), ("points_priced", "points_expiring", "shipping_lines"))
