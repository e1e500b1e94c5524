"""What a refund returns: the result models of `promokit.refund` (docs/refunds.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from pydantic import BaseModel, ConfigDict

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


class RefundLine(_Model):
    """One returned line: `amount` is its frozen share, `refund` what is paid back for it."""

    id: str
    sku: str
    units: int
    amount: Money
    clawback: Money
    refund: Money


class Clawback(_Model):
    """Discount the kept units lose because the return broke `promotion`'s threshold."""

    promotion: str
    title: str | None
    amount: Money
    detail: str


class RefundResult(_Model):
    """`refund == amount - clawback`; `refund >= 0`; lines sum to the totals.

    `refunded_total` is every refund of the order so far, this one included: never more than
    the order paid for goods (docs/refunds.md#several-returns).
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
