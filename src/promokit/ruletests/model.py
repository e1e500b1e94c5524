"""What a `.promotest` file says, as frozen dataclasses with spans.

The parser (`ruletests.parser`) turns text into these; the runner (`ruletests.runner`)
turns a `Case` plus a rule set into a `CheckoutRequest`, a seeded ledger and a list of
checks. Nothing here knows about lark or about pricing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ..language.source import NO_SPAN, Source, Span
from ..models import AttributeValue


@dataclass(frozen=True, slots=True)
class Named:
    """A name as written (a sku, a promotion id, a reason) with its own span for diagnostics."""

    text: str
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue entry or the attributes given on a cart line (None: not given)."""

    sku: Named
    price: Decimal | None = None
    category: str | None = None
    brand: str | None = None
    tags: tuple[str, ...] = ()
    attributes: tuple[tuple[str, AttributeValue], ...] = ()
    span: Span = NO_SPAN
    points_price: int | None = None  # `points 500`: a points-mall line (docs/points.md)
    tax_rate: Decimal | None = None  # `tax 0.13` (docs/semantics.md#tax)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """`catalogue NAME { ... }` (or imported with `catalogue NAME from "file"`)."""

    name: str
    products: dict[str, Product]
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class CartLine:
    """`cart APPLE x 8 [price 12.50] [category fruit] ...`: a line of the request."""

    product: Product  # what the line itself says; the catalogue fills the rest
    quantity: int = 1
    line_id: str | None = None
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class ShipmentSpec:
    """`shipping express 20 id s2`: one shipping line of the request (the id defaults to the method;
    `tax 0.09`: its tax rate, docs/semantics.md#tax)."""

    method: Named
    amount: Decimal
    line_id: str | None = None
    span: Span = NO_SPAN
    tax_rate: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Instant:
    """`at 2026-10-02 10:00 Asia/Shanghai`; `zone` None means the rule set's time zone."""

    date: dt.date
    time: dt.time
    zone: str | None  # an IANA name or a fixed offset such as "+08:00"
    span: Span = NO_SPAN


StateKind = Literal[
    "customer_uses", "customer_units", "total_uses", "stock_left", "budget_used", "budget_left", "code_used"
]


@dataclass(frozen=True, slots=True)
class LedgerState:
    """Ledger state to seed before pricing: "customer used X 1 time", "stock of X 0" ...

    `promotion` is None only for `code "X" used` (then `code` is set). `today` counts the
    amount against the per-day counter of the request's day instead of the lifetime one.
    """

    kind: StateKind
    promotion: Named | None
    amount: Decimal
    today: bool = False
    code: str | None = None
    span: Span = NO_SPAN


ExpectKind = Literal[
    "total",
    "subtotal",
    "discount",
    "shipping",
    "shipping_discount",
    "shipping_line",
    "line",
    "tax",
    "net",
    "gross",
    "applied",
    "not_applied",
    "code_not_applied",
    "nothing_applied",
    "gift",
    "no_gifts",
    "no_hints",
    "points_earned",
    "points_redeemed",
    "points_priced",
    "hint",
]
LineField = Literal["total", "price", "discount", "subtotal", "net", "tax", "gross"]


@dataclass(frozen=True, slots=True)
class Expectation:
    """One `expect ...` line. Which fields are set depends on `kind`:

    - total/subtotal/discount/shipping/shipping_discount/points_*: `amount`
    - tax/net/gross: `amount`, the result's tax totals (docs/semantics.md#tax-totals)
    - line: `target` (line id or sku), `line_field`, `amount`
    - shipping_line: `target` (shipping line id or method), `amount` (what it costs after benefits)
    - applied: `target` (promotion), optional `amount`
    - not_applied: `target`, optional `reason` and `by` (the promotion it lost to)
    - code_not_applied: `target` (the code entered), optional `reason` (e.g. coupon_unknown)
    - gift: `target` (gift sku), optional `amount` (quantity) and `by` (granting promotion)
    - hint: `text` (a substring of the message), optional `by` (the promotion)
    """

    kind: ExpectKind
    span: Span
    amount: Decimal | None = None
    target: Named | None = None
    line_field: LineField | None = None
    reason: Named | None = None
    by: Named | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerSpec:
    """Customer facts as written; None/empty means "not given" so defaults can be merged."""

    id: str | None = None
    level: int | None = None
    segments: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    region: str | None = None
    orders: int | None = None
    total_spent: Decimal | None = None
    points: int | None = None
    registered_at: dt.date | None = None
    attributes: tuple[tuple[str, AttributeValue], ...] = ()
    invited_by: str | None = None


@dataclass(frozen=True, slots=True)
class Setup:
    """The request part of a case (or of a file's `defaults { ... }` block)."""

    rules: tuple[Named, ...] | None = None
    catalogues: tuple[Named, ...] | None = None
    at: Instant | None = None
    customer: CustomerSpec = field(default_factory=CustomerSpec)
    lines: tuple[CartLine, ...] = ()
    shipping: Decimal | tuple[ShipmentSpec, ...] | None = None
    shipping_tax_rate: Decimal | None = None  # `shipping 10 tax 0.09`
    coupons: tuple[str, ...] | None = None
    channel: str | None = None
    group: tuple[str | None, int] | None = None  # (group id, size)
    redeem_points: int | None = None
    currency: str | None = None
    state: tuple[LedgerState, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    setup: Setup
    expectations: tuple[Expectation, ...]
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class TestFile:
    """A parsed `.promotest` file. `rules` are the file-level `rules "..."` paths as written."""

    __test__ = False  # not a pytest test class, despite the name

    path: str
    source: Source
    catalogues: dict[str, Catalogue]
    cases: tuple[Case, ...]
    defaults: Setup = field(default_factory=Setup)
    rules: tuple[Named, ...] | None = None
