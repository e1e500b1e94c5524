"""Request and result models: what a shop backend hands promokit and gets back.

Pydantic v2, frozen, `extra="forbid"`. Money is `Decimal` and serialises to JSON as
a decimal string ("12.50"); floats are refused on input so that no binary
rounding ever reaches a price. JSON Schema: `promokit schema request|result`.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictInt,
    Tag,
    model_validator,
)

from .codes import normalize_code
from .fields import (  # noqa: F401 - re-exported: promokit.models is the public face
    MAX_AT,
    MAX_CATEGORIES,
    MAX_CATEGORY_DEPTH,
    MAX_CATEGORY_PATH,
    MAX_DECIMAL_TEXT,
    MAX_LINES,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    MIN_AT,
    MONEY_DOC,
    MONEY_PATTERN,
    NON_NEGATIVE_MONEY_PATTERN,
    TAX_RATE_DECIMALS,
    TAX_RATE_PATTERN,
    AttributeValue,
    Count,
    Instant,
    Money,
    NonNegativeMoney,
    TaxRate,
)
from .money import CURRENCIES
from .results import (  # noqa: F401 - re-exported: promokit.models is the public face
    Adjustment,
    Applied,
    Gift,
    Hint,
    HintKind,
    LineResult,
    NotApplied,
    PointsExpiry,
    PricingResult,
    Reason,
    ShippingLineResult,
    TaxByRate,
    TaxSummary,
)

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
    "TaxByRate",
    "TaxSummary",
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
    unit_price: Annotated[
        NonNegativeMoney,
        Field(
            description="the price of one unit: gross (tax included) under `prices include tax`, the "
            "default, net under `prices exclude tax` (docs/semantics.md#tax); " + MONEY_DOC
        ),
    ]
    tax_rate: TaxRate = Field(
        default=Decimal(0), description="the line's tax rate, e.g. 0.13 (docs/semantics.md#tax)"
    )
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
def _implicit_shipping(amount: str, tax_rate: str = "0") -> tuple[ShippingLine, ...]:
    """The one shipping line of the single-amount form (keyed by the amount and the
    `shipping_tax_rate` as written)."""
    line = ShippingLine.model_construct(
        id=IMPLICIT_SHIPPING_ID, method="", amount=Decimal(amount), lines=None, tax_rate=Decimal(tax_rate)
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
    shipping_tax_rate: TaxRate = Field(
        default=Decimal(0),
        description="the tax rate of a single-amount `shipping`; shipping lines carry their own `tax_rate` "
        "(docs/semantics.md#tax)",
    )
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
        if self.shipping_tax_rate != 0:
            raise ValueError(
                "shipping_tax_rate: applies to a single-amount `shipping` only; with shipping lines "
                "give each line its `tax_rate`"
            )
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
        return _implicit_shipping(str(self.shipping), str(self.shipping_tax_rate))

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
