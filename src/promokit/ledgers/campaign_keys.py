"""Counter keys of campaign statistics (docs/programs.md#campaign-statistics).

Besides the three all-time counters of `keys.stats` (orders, units, discount), a committed
order adds, per applied promotion (all counted only, no capacity):

| key | counts |
|---|---|
| `stats:P:WHAT:day:D` | orders, units, discount, sales (goods revenue after discounts, minor units) on the local day D |
| `stats:P:customer:C:day:D` | orders of customer C on day D (participants) |
| `stats:P:code:CODE` | orders that redeemed the coupon code CODE |
| `stats:P:variant:E:V` | orders in variant V of experiment E (A/B) |

All-time figures are the sums over the days (the all-time `keys.stats` counters include live
reservations and stay for `stats()`). Parts are percent-encoded like every key (`keys._part`), so splitting on `:` is safe;
`parse` reads a key back into its parts. Statistics read only `used` (committed orders,
refunds subtracted), never held reservations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import unquote

from . import keys
from .base import LedgerError

SALES = "sales"
#: Figures kept per day (and all-time by `keys.stats` / `sales`).
DAILY = (keys.STATS_ORDERS, keys.STATS_UNITS, keys.STATS_DISCOUNT, SALES)


def stat(promotion: str, what: str, day: dt.date | None = None) -> str:
    if what not in DAILY:
        raise LedgerError(f"unknown statistic {what!r}")
    return keys._key("stats", promotion, what, *keys._day(day))


def customer(promotion: str, customer_id: str, day: dt.date | None = None) -> str:
    return keys._key("stats", promotion, "customer", customer_id, *keys._day(day))


def code(promotion: str, code_text: str) -> str:
    return keys._key("stats", promotion, "code", code_text.casefold())


def variant(promotion: str, experiment: str, name: str) -> str:
    return keys._key("stats", promotion, "variant", experiment, name)


def prefix(promotion: str | None = None) -> str:
    """The prefix of every statistics key (of one promotion)."""
    return "stats:" if promotion is None else keys._key("stats", promotion) + ":"


@dataclass(frozen=True, slots=True)
class StatKey:
    """A statistics key read back: `kind` is a DAILY figure, "customer", "code" or "variant"."""

    promotion: str
    kind: str
    day: dt.date | None = None
    customer: str | None = None
    code: str | None = None
    experiment: str | None = None
    variant: str | None = None


def parse(key: str) -> StatKey | None:
    """The parts of a statistics key; None for any other key."""
    parts = key.split(":")
    if len(parts) < 3 or parts[0] != "stats":
        return None
    promo, kind, rest = unquote(parts[1]), parts[2], [unquote(p) for p in parts[3:]]
    day: dt.date | None = None
    if len(rest) >= 2 and rest[-2] == "day":
        try:
            day = dt.date.fromisoformat(rest[-1])
        except ValueError:
            return None
        rest = rest[:-2]
    if kind in DAILY and not rest:
        return StatKey(promo, kind, day)
    if kind == "customer" and len(rest) == 1:
        return StatKey(promo, kind, day, customer=rest[0])
    if kind == "code" and len(rest) == 1 and day is None:
        return StatKey(promo, kind, code=rest[0])
    if kind == "variant" and len(rest) == 2 and day is None:
        return StatKey(promo, kind, experiment=rest[0], variant=rest[1])
    return None
