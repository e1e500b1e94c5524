"""Per-promotion statistics: orders, units and discount given (counters without a limit).

They include live reservations as well as committed orders, net of refunds.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import keys
from .base import Ledger


@dataclass(frozen=True, slots=True)
class PromotionStats:
    promotion: str
    orders: int
    units: int
    discount_minor: int  # minor currency units (fen, cents)
    reserved_orders: int  # of `orders`, still only reserved


def stats(ledger: Ledger, promotion: str) -> PromotionStats:
    """One `balances` call for the three statistics counters of `promotion`."""
    names = [keys.stats(promotion, w) for w in (keys.STATS_ORDERS, keys.STATS_UNITS, keys.STATS_DISCOUNT)]
    b = ledger.balances(names)
    orders, units, discount = (b[n] for n in names)
    return PromotionStats(promotion, orders.total, units.total, discount.total, orders.held)
