"""The campaign-statistics claims of an order (docs/programs.md#campaign-statistics).

Per applied promotion: the day's orders, units, discount and sales (the order's goods revenue
after discounts) in the promotion's time zone, the customer of the day (participants), the
coupon code redeemed and the A/B variant. All-time figures are sums over the days. Keys are built by `ledgers.campaign_keys`; all
claims are counted only (no capacity), so they can never make a reservation fail.
On a refund `sales_back` returns sales by the returned lines' share; the other statistics
come back with the order statistic (checkout/reserve.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal

from ..compile.windows import local_day
from ..engine.usage import minor_units
from ..language import ast as A
from ..ledgers import campaign_keys as ck
from ..ledgers import keys
from ..ledgers.base import Claim
from ..models import Applied, PricingResult
from ..money import currency


def campaign_claims(
    default_tz: str, result: PricingResult, applied: Applied, p: A.Promotion, units: int, discount: int
) -> list[Claim]:
    cur = currency(result.currency)
    day = local_day(result.at, p.timezone or default_tz)
    sales = minor_units(result.subtotal - result.discount, cur)
    figures = {keys.STATS_ORDERS: 1, keys.STATS_UNITS: units, keys.STATS_DISCOUNT: discount, ck.SALES: sales}
    # Per day only: all-time figures are the sums over the days (fewer counters per order).
    out = [Claim(ck.stat(p.id, what, day), n, None, p.id) for what, n in figures.items() if n > 0]
    if result.customer_id is not None:
        out.append(Claim(ck.customer(p.id, result.customer_id, day), 1, None, p.id))
    if applied.code:
        out.append(Claim(ck.code(p.id, applied.code), 1, None, p.id))
    if p.variant is not None:
        out.append(Claim(ck.variant(p.id, p.variant.experiment, p.variant.name), 1, None, p.id))
    return out


def statistic(key: str) -> str | None:
    """The figure a statistics key counts (`units`, `discount`, `sales`, ...), None for other keys."""
    parsed = ck.parse(key)
    return parsed.kind if parsed is not None else None


def sales_back(result: PricingResult, returned_lines: Mapping[str, int]) -> int:
    """Minor units of sales that `returned_lines` (cumulative) give back: their share of the lines' totals."""
    money = sum(
        (line.total * returned_lines.get(line.id, 0) / line.quantity for line in result.lines), Decimal(0)
    )
    return int(money.scaleb(currency(result.currency).minor_unit).to_integral_value(ROUND_FLOOR))
