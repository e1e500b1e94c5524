"""Money: currencies, quantisation and exact apportionment. The only module that rounds.

- Amounts are `Decimal`; floats are refused (`FloatOperation` is trapped in
  `PRICING_CONTEXT`, so `Decimal("1") + 0.1` raises inside evaluation).
- `quantize(amount, currency, rounding)` rounds to the currency's minor unit.
  Default rounding is half-up (docs/semantics.md#money); half-even, down and up are available.
- `allocate(amount, weights, caps)` splits an amount already in minor units over
  weights by largest remainder (ties to the earlier index), never above a cap, so
  that the parts sum exactly to the whole.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .errors import PromokitError


class Rounding(StrEnum):
    """How amounts are rounded to the currency's minor unit (docs/semantics.md)."""

    HALF_UP = "half-up"
    HALF_EVEN = "half-even"
    DOWN = "down"
    UP = "up"


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    minor_unit: int
    symbol: str

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.minor_unit)


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("CNY", 2, "¥"),
        Currency("USD", 2, "$"),
        Currency("EUR", 2, "€"),
        Currency("GBP", 2, "£"),
        Currency("HKD", 2, "HK$"),
        Currency("TWD", 2, "NT$"),
        Currency("SGD", 2, "S$"),
        Currency("JPY", 0, "¥"),
        Currency("KRW", 0, "₩"),
    )
}

_ROUNDING = {
    Rounding.HALF_UP: decimal.ROUND_HALF_UP,
    Rounding.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    Rounding.DOWN: decimal.ROUND_DOWN,
    Rounding.UP: decimal.ROUND_UP,
}

#: The context evaluation runs in: wide precision, floats mixed with Decimals trap.
PRICING_CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_UP,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.FloatOperation],
)

ZERO = Decimal(0)


def currency(code: str) -> Currency:
    try:
        return CURRENCIES[code]
    except KeyError:
        raise PromokitError(f"unknown currency {code!r}; known: {', '.join(sorted(CURRENCIES))}") from None


def quantize(amount: Decimal, cur: Currency, rounding: Rounding = Rounding.HALF_UP) -> Decimal:
    """`amount` rounded to the currency's minor unit with `rounding`."""
    return amount.quantize(cur.quantum, rounding=_ROUNDING[rounding], context=PRICING_CONTEXT)


def format_money(amount: Decimal, cur: Currency) -> str:
    """¥12.00 — for messages and hints, not for arithmetic."""
    return (
        f"{cur.symbol}{quantize(amount, cur):,}" if amount >= 1000 else f"{cur.symbol}{quantize(amount, cur)}"
    )


def allocate(
    amount: Decimal,
    weights: Sequence[Decimal],
    cur: Currency,
    caps: Sequence[Decimal] | None = None,
) -> list[Decimal]:
    """Split `amount` (a multiple of the minor unit) over `weights` by largest remainder.

    Parts are multiples of the minor unit and sum exactly to `amount`; ties in the
    remainder go to the earlier index. With `caps`, no part exceeds its cap; the
    amount must then not exceed the sum of the caps. Zero total weight puts
    everything on the parts in order, up to their caps.
    """
    if amount < 0:
        raise PromokitError("cannot allocate a negative amount")
    q = cur.quantum
    units = int((amount / q).to_integral_value(rounding=decimal.ROUND_HALF_UP))
    if Decimal(units) * q != amount:
        raise PromokitError(f"{amount} is not a multiple of the minor unit {q}")
    cap_units = [int((c / q).to_integral_value(rounding=decimal.ROUND_DOWN)) for c in caps] if caps else None
    if cap_units is not None and units > sum(cap_units):
        raise PromokitError(f"cannot allocate {amount}: it exceeds the sum of the caps")
    n = len(weights)
    result = [0] * n
    remaining = units
    active = [i for i in range(n) if cap_units is None or cap_units[i] > 0]
    # Repeat while capped parts leave something over for the others.
    while remaining > 0 and active:
        total_w = sum(max(weights[i], ZERO) for i in active)
        if total_w <= 0:
            for i in active:
                room = remaining if cap_units is None else min(remaining, cap_units[i] - result[i])
                result[i] += room
                remaining -= room
            break
        shares = {i: Decimal(remaining) * max(weights[i], ZERO) / total_w for i in active}
        floors = {i: int(shares[i].to_integral_value(rounding=decimal.ROUND_DOWN)) for i in active}
        leftover = remaining - sum(floors.values())
        order = sorted(active, key=lambda i: (-(shares[i] - floors[i]), i))
        for i in order[:leftover]:
            floors[i] += 1
        overflow = 0
        next_active = []
        for i in active:
            give = floors[i]
            if cap_units is not None:
                room = cap_units[i] - result[i]
                if give >= room:
                    overflow += give - room
                    give = room
                else:
                    next_active.append(i)
            else:
                next_active.append(i)
            result[i] += give
        remaining = overflow
        active = next_active
    if remaining:
        raise PromokitError("allocation could not place the whole amount")  # guarded above
    return [Decimal(r) * q for r in result]
