"""Carts, customers, instants and checkout requests."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from promokit.models import CheckoutRequest, Customer, Line, ShippingLine
from promokit.money import CURRENCIES

from ._base import (
    _ATTRIBUTES,
    _GROUPS,
    _PRICES,
    CATALOGUE,
    CHANNELS,
    CUSTOMER_TAGS,
    EXTRA_CATEGORIES,
    REGIONS,
    SEGMENT_VALUES,
    _ints,
    _maybe,
    _pick,
    _subsets,
)
from .conditions import (
    _dates,
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
def customers(draw: st.DrawFn) -> Customer:
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
    draw: st.DrawFn, min_lines: int = 1, max_lines: int = 5, max_quantity: int = 4, places: int = 2
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
                categories=EXTRA_CATEGORIES.get(category, ()),
                brand=brand,
                tags=tags,
                unit_price=price,
                quantity=draw(_ints(1, max_quantity)),
                tax_rate=draw(_TAX_RATES),
            )
        )
    return tuple(out)


carts = lines

#: Tax rates lines and shipping carry (docs/semantics.md#tax): mostly none, China's, UK VAT, odd ones.
_TAX_RATES = _pick(
    (Decimal(0), Decimal(0), Decimal("0.13"), Decimal("0.09"), Decimal("0.2"), Decimal("0.0825"))
)


#: delivery methods of generated shipping lines (rules name the same ones, and one no request uses)
SHIPPING_METHODS = ("standard", "express", "pickup")


@st.composite
def shipping_lines(draw: st.DrawFn, line_ids: Sequence[str], places: int = 2) -> tuple[ShippingLine, ...]:
    """0..3 shipping lines with distinct ids, some methods repeated, `lines` all or a subset."""
    fees = (
        Decimal(0),
        Decimal(6),
        Decimal("12.50") if places else Decimal(500),
        Decimal("7.99") if places else Decimal(8),
    )
    out = []
    for n in range(draw(_ints(0, 3))):
        carried = draw(_maybe(st.lists(_pick(tuple(line_ids)), min_size=1, max_size=2, unique=True)))
        out.append(
            ShippingLine(
                id=f"s{n + 1}",
                method=draw(_pick(SHIPPING_METHODS)),
                amount=draw(_pick(fees)),
                lines=tuple(carried) if carried is not None else None,
                tax_rate=draw(_TAX_RATES),
            )
        )
    return tuple(out)


def shipping(
    line_ids: Sequence[str], places: int = 2
) -> st.SearchStrategy[Decimal | tuple[ShippingLine, ...]]:
    """`shipping` in either form: one amount (as before) or, sometimes, a list of shipping lines."""
    single = _pick((Decimal(0), Decimal(6), Decimal("12.50") if places else Decimal(500)))
    return st.one_of(single, single, shipping_lines(line_ids, places))


@functools.cache
@st.composite
def requests(
    draw: st.DrawFn,
    codes: Sequence[str] = (),
    min_lines: int = 1,
    max_lines: int = 5,
    max_quantity: int = 4,
    currency: str = "CNY",
) -> CheckoutRequest:
    """A CheckoutRequest in `currency`; coupons drawn from `codes` plus sometimes an unknown code."""
    entered = draw(_subsets((*codes, "NOSUCHCODE")))
    places = CURRENCIES[currency].minor_unit
    cart = draw(lines(min_lines, max_lines, max_quantity, places))
    return CheckoutRequest(
        currency=currency,
        at=draw(instants()),
        customer=draw(customers()),
        lines=cart,
        shipping=(ship := draw(shipping(tuple(line.id for line in cart), places))),
        shipping_tax_rate=draw(_TAX_RATES) if isinstance(ship, Decimal) else Decimal(0),
        coupons=tuple(entered),
        group=draw(_maybe(_GROUPS)),
        channel=draw(_maybe(_pick(CHANNELS))),
        redeem_points=draw(_pick((0, 0, 500, 3000))),
    )
