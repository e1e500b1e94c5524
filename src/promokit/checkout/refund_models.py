"""What a refund returns: the result models of `promokit.refund` (docs/refunds.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

from ..language import ast as A
from ..models import Gift, Money

__all__ = ["Clawback", "PromotionLookup", "RefundLine", "RefundResult"]


class PromotionLookup(Protocol):
    """What `refund` needs of a rule set: `promokit.engine.ruleset.RuleSet` provides it."""

    def promotion(self, id: str) -> A.Promotion: ...


ZERO = Decimal(0)
_LAYER_ORDER = {"item": 0, "order": 1, "coupon": 2, "shipping": 3, "points": 4}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _omit_none(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Tax fields are left out for an order priced without tax (docs/refunds.md#tax)."""
    return {k: v for k, v in data.items() if not (k in names and v is None)}


_TAX_FIELDS = ("net", "tax", "gross")


class RefundLine(_Model):
    """One returned line: `amount` is its frozen share, `refund` what is paid back for it.

    With tax (docs/refunds.md#tax): `net`, `tax`, `gross` of `refund`; `gross == net + tax`.
    """

    id: str
    sku: str
    units: int
    amount: Money
    clawback: Money
    refund: Money
    net: Money | None = None
    tax: Money | None = None
    gross: Money | None = None

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_none(handler(self), _TAX_FIELDS)


class Clawback(_Model):
    """Discount the kept units lose because the return broke `promotion`'s threshold."""

    promotion: str
    title: str | None
    amount: Money
    detail: str


class RefundResult(_Model):
    """`refund == amount - clawback`; `refund >= 0`; lines sum to the totals.

    `refunded_total` is every refund of the order so far, this one included: never more than
    the order paid for goods (docs/refunds.md#several-returns). Amounts are in the order's
    price basis; with tax, `net`, `tax`, `gross` say what this refund returns, and `gross` is
    what the customer gets back (docs/refunds.md#tax).
    """

    currency: str
    lines: tuple[RefundLine, ...]
    amount: Money
    clawback: Money
    uncollected: Money = ZERO
    refund: Money
    clawbacks: tuple[Clawback, ...] = ()
    gifts_to_return: tuple[Gift, ...] = ()
    gift_charge: Money = ZERO
    points_reversed: int = 0
    points_returned: int = 0
    refunded_total: Money = ZERO
    net: Money | None = None
    tax: Money | None = None
    gross: Money | None = None

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_none(handler(self), _TAX_FIELDS)
