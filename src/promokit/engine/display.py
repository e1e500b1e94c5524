"""Display prices (划线价): the price a product page shows before anything is in a cart.

    prices = rules.display_prices(items, customer=customer, at=now)
    for p in prices:  # one per item, in the order given
        print(p.sku, p.original, p.price, p.badge, p.ends_at)

For each item the engine prices a one-unit cart with the item-level promotions only, so the
display price is the price the cart would give that single unit with the same formula
(`select` + `build_result`), never a second implementation of the discounts. The other
promotions that are open for the item (order tiers such as `满100减20`, quantity deals such
as `第二件半价` that a single unit does not reach) come back as `badges`. Where the display
price and the cart price differ is documented in docs/programs.md#display-prices.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ..compile.compiler import CompiledPromotion, CompiledRules
from ..compile.windows import zone
from ..fields import NonNegativeMoney
from ..language import formatter
from ..language.ast import Layer
from ..models import (
    AttributeValue,
    CategoryPath,
    CheckoutRequest,
    Customer,
    ExtraCategories,
    Line,
)
from ..money import PRICING_CONTEXT
from .actions.eligibility import prepare
from .explain import build_result
from .selection import select

__all__ = ["Badge", "DisplayItem", "DisplayPrice", "display_prices"]

_LINE_ID = "display"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DisplayItem(_Model):
    """A product as a listing page knows it: a cart line without an id or a quantity."""

    sku: str = Field(min_length=1, max_length=200)
    category: CategoryPath | None = None
    categories: ExtraCategories = ()  # further categories, as on a cart line
    brand: str | None = None
    tags: tuple[str, ...] = ()
    unit_price: NonNegativeMoney
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)


class Badge(_Model):
    """A promotion open for the item now, with its action as the operator wrote it (`8折`, `满99减10`)."""

    promotion: str
    title: str | None
    layer: str
    text: str


class DisplayPrice(_Model):
    """What a product page shows for one item.

    `price` is what one unit costs with the best item-level promotion (`original` when none
    lowers it); `promotion`, `badge` and `ends_at` (the end of that promotion's current
    window, for a countdown; None when it has none in sight) belong to that promotion.
    """

    sku: str
    original: Decimal
    price: Decimal
    saving: Decimal
    promotion: str | None = None
    title: str | None = None
    badge: str | None = None
    ends_at: dt.datetime | None = None
    badges: tuple[Badge, ...] = ()


def _line(item: DisplayItem | Line) -> Line:
    if isinstance(item, Line):
        return item.model_copy(update={"id": _LINE_ID, "quantity": 1})
    return Line(
        id=_LINE_ID,
        sku=item.sku,
        category=item.category,
        categories=item.categories,
        brand=item.brand,
        tags=item.tags,
        unit_price=item.unit_price,
        quantity=1,
        attributes=item.attributes,
    )


def _badge(p: CompiledPromotion) -> Badge:
    return Badge(promotion=p.id, title=p.title, layer=p.layer.value, text=formatter.action(p.action))


def display_prices(
    rules: CompiledRules,
    items: Iterable[DisplayItem | Line],
    *,
    customer: Customer | None,
    at: dt.datetime,
    channel: str | None = None,
) -> tuple[DisplayPrice, ...]:
    """One `DisplayPrice` per item, in order. Coupons (no code entered) and limits, stock and
    budgets (no ledger is read) are not considered: see docs/programs.md#display-prices."""
    who = customer if customer is not None else Customer()
    out: list[DisplayPrice] = []
    ends: dict[str, dt.datetime | None] = {}  # promotion id -> window end (same `at` for all items)
    with decimal.localcontext(PRICING_CONTEXT):
        for item in items:
            line = _line(item)
            request = CheckoutRequest(
                currency=rules.currency.code, at=at, customer=who, lines=(line,), channel=channel
            )
            prepared = prepare(rules, request)
            item_level = [p for p in prepared.candidates if p.layer is Layer.ITEM]
            result = build_result(rules, prepared.cart, select(prepared.cart, item_level), {}, [])
            priced = result.lines[0]
            best = max(priced.adjustments, key=lambda a: a.amount, default=None)
            chosen = rules.by_id[best.promotion] if best is not None and best.amount > 0 else None
            if chosen is not None and chosen.id not in ends:
                end = chosen.time.next_end(at)
                ends[chosen.id] = end.astimezone(zone(chosen.tz)) if end is not None else None
            # The winner first, then every other open promotion in rank order.
            badges = [_badge(chosen)] if chosen is not None else []
            badges += [
                _badge(p) for p in prepared.candidates if p is not chosen and p.layer is not Layer.POINTS
            ]
            out.append(
                DisplayPrice(
                    sku=line.sku,
                    original=line.unit_price,
                    price=priced.total,
                    saving=priced.discount,
                    promotion=chosen.id if chosen is not None else None,
                    title=chosen.title if chosen is not None else None,
                    badge=badges[0].text if chosen is not None else None,
                    ends_at=ends[chosen.id] if chosen is not None else None,
                    badges=tuple(badges),
                )
            )
    return tuple(out)
