"""Counter keys: the one place that decides what a ledger counts and under which name.

A key is `kind:promotion[:part...]`; variable parts (customer ids, codes, days) are
percent-encoded so no id can forge another key. Per-day keys carry the calendar
day in the promotion's time zone (docs/semantics.md#time-and-audience), so "1 per customer per day"
resets at local midnight, not at UTC midnight. Money is counted in minor units
(fen, cents, yen), always integers.

| builder | counts | capacity from |
|---|---|---|
| stock | promotion units: flash units, gift units | `stock N`, flash `stock N` |
| customer_uses / customer_units | per customer, total or per day | `limit N [units] per customer [per day]`, flash `limit N per customer` |
| total_uses / total_units | all customers, total or per day | `limit N [units] total [per day]` |
| budget | discount given, minor units, total or per day | `budget X [per day]` |
| code | one coupon code | `codes ... single use` (capacity 1) |
| points_streak | a customer's days in a row of a points rule's event | no capacity (docs/points.md) |
| exchange_* | coupon codes issued for points and their owners | issue and owner: 1 (docs/points.md) |
| stats_* | orders, units, discount given | no capacity: counted only |

Per-order limits need no counter: an order is priced as a whole, so the engine
enforces them when pricing.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from ..codes import code_key, normalize_code
from .base import LedgerError

STATS_ORDERS, STATS_UNITS, STATS_DISCOUNT = "orders", "units", "discount"


def _part(text: str) -> str:
    return quote(text, safe="")


def _key(kind: str, promotion: str, *parts: str) -> str:
    return ":".join([kind, _part(promotion), *(_part(p) for p in parts)])


def _day(day: dt.date | None) -> tuple[str, ...]:
    return () if day is None else ("day", day.isoformat())


def stock(promotion: str) -> str:
    return _key("stock", promotion)


def customer_uses(promotion: str, customer: str, day: dt.date | None = None) -> str:
    return _key("cuses", promotion, customer, *_day(day))


def customer_units(promotion: str, customer: str, day: dt.date | None = None) -> str:
    return _key("cunits", promotion, customer, *_day(day))


def total_uses(promotion: str, day: dt.date | None = None) -> str:
    return _key("uses", promotion, *_day(day))


def total_units(promotion: str, day: dt.date | None = None) -> str:
    return _key("units", promotion, *_day(day))


def budget(promotion: str, day: dt.date | None = None) -> str:
    return _key("budget", promotion, *_day(day))


def code(promotion: str, code_text: str) -> str:
    """The key of one code: normalised and case-folded exactly as pricing matched it
    (`promokit.codes`), so " save10" and "SAVE10" are one code. An unusable code (too long,
    invisible characters) never becomes a key: LedgerError."""
    return _key("code", promotion, _code(promotion, code_text))


def _code(promotion: str, code_text: str) -> str:
    """A code as every key holds it (the code counters and the points-exchange keys alike)."""
    try:
        return code_key(normalize_code(code_text))
    except ValueError as exc:
        raise LedgerError(f"cannot count coupon code for {promotion!r}: {exc}") from None


def points_streak(rule: str, customer: str, day: dt.date) -> str:
    """A points rule's `streak`: the customer's run of days in a row ending on `day` (no capacity)."""
    return _key("streak", rule, customer, *_day(day))


def exchange_issued(coupon: str, code_text: str) -> str:
    """A coupon code issued for points (capacity 1: issued once)."""
    return _key("issued", coupon, _code(coupon, code_text))


def exchange_redeemed(coupon: str, code_text: str) -> str:
    """An issued code paid an order (capacity 1: single use)."""
    return _key("redeemed", coupon, _code(coupon, code_text))


def exchange_owner(coupon: str, code_text: str, customer: str) -> str:
    return _key("owner", coupon, _code(coupon, code_text), customer)


def stats(promotion: str, what: str) -> str:
    if what not in (STATS_ORDERS, STATS_UNITS, STATS_DISCOUNT):
        raise LedgerError(f"unknown statistic {what!r}")
    return _key("stats", promotion, what)
