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
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import partial

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
        found = _QUANTA.get(self.minor_unit)  # every rounding asks: built once per minor unit
        if found is None:
            found = _QUANTA[self.minor_unit] = Decimal(1).scaleb(-self.minor_unit)
        return found


_QUANTA: dict[int, Decimal] = {}


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


def quantizer(cur: Currency, rounding: Rounding = Rounding.HALF_UP) -> Callable[[Decimal], Decimal]:
    """`quantize` with the currency and rounding mode bound once, for callers that round many
    amounts in a row (a result rounds ~100): the same rounding, one lookup."""
    return partial(Decimal.quantize, exp=cur.quantum, rounding=_ROUNDING[rounding], context=PRICING_CONTEXT)


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
    ratios = _ratios(weights)
    cap_units, whole = (
        _units_down(caps, ratios if caps is weights else _ratios(caps), cur) if caps else (None, False)
    )
    if cap_units is not None and units > sum(cap_units):
        raise PromokitError(f"cannot allocate {amount}: it exceeds the sum of the caps")
    n = len(weights)
    result = [0] * n
    remaining = units
    scaled: list[int] | None
    if caps is weights and whole and ratios is not None and all(num > 0 for num, _ in ratios):
        # The search apportions order-level amounts by what lines have left, capped at it: one
        # list, positive, in whole minor units, which are then also the integer weights.
        positive = list(weights)
        scaled = cap_units
    else:
        positive = [w if w > ZERO else ZERO for w in weights]
        scaled = None if ratios is None else _scaled([r if r[0] > 0 else (0, 1) for r in ratios])
    active = list(range(n)) if cap_units is None else [i for i in range(n) if cap_units[i] > 0]
    # Repeat while capped parts leave something over for the others. Lists by position in
    # `active` (ascending indexes), not dicts: the best-deal search apportions per combination.
    while remaining > 0 and active:
        floors = _shares_exact(remaining, active, scaled)
        if floors is None:
            total_w = sum([positive[i] for i in active], ZERO)
            if total_w <= 0:
                for i in active:
                    room = remaining if cap_units is None else min(remaining, cap_units[i] - result[i])
                    result[i] += room
                    remaining -= room
                break
            floors = _shares_decimal(remaining, active, positive, total_w)
        overflow = 0
        next_active = []
        for k, i in enumerate(active):
            give = floors[k]
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


def _ratios(values: Sequence[Decimal]) -> list[tuple[int, int]] | None:
    """Each value as an exact fraction (numerator, denominator), or None when one is not finite."""
    try:
        return [v.as_integer_ratio() for v in values]
    except (ValueError, OverflowError):  # infinity or NaN
        return None


def _units_down(
    caps: Sequence[Decimal], ratios: list[tuple[int, int]] | None, cur: Currency
) -> tuple[list[int], bool]:
    """Each cap in minor units, rounded toward zero: `int((cap / quantum).to_integral_value(ROUND_DOWN))`,
    computed with integers (`ratios`: the caps as fractions) where the quotient is a whole
    number the context holds exactly; and whether every cap was such a whole number."""
    q = cur.quantum
    if ratios is None:
        return [int((c / q).to_integral_value(rounding=decimal.ROUND_DOWN)) for c in caps], False
    scale = 10**cur.minor_unit
    limit = 10 ** (decimal.getcontext().prec - 1)
    out = []
    whole = True
    for c, (num, den) in zip(caps, ratios, strict=True):
        units, rest = divmod(num * scale, den)
        if not rest and -limit < units < limit:
            out.append(units)
        else:
            out.append(int((c / q).to_integral_value(rounding=decimal.ROUND_DOWN)))
            whole = False
    return out, whole


def _scaled(ratios: list[tuple[int, int]]) -> list[int]:
    """Weights (as fractions, all >= 0) as integers over one power of ten."""
    common = math.lcm(*{den for _, den in ratios})  # a product of powers of 2 and 5 (finite decimals)
    scale = 1
    while scale % common:
        scale *= 10
    return [num * (scale // den) for num, den in ratios]


def _shares_decimal(remaining: int, active: list[int], weights: list[Decimal], total_w: Decimal) -> list[int]:
    """Per position in `active`: its share of `remaining` units by weight, rounded down, plus
    one for the `leftover` largest remainders (ties to the earlier index), in the context's
    Decimal arithmetic (the definition `_shares_exact` reproduces)."""
    whole = Decimal(remaining)
    shares = [whole * weights[i] / total_w for i in active]
    floors = [int(share) for share in shares]  # int() truncates: ROUND_DOWN of a share >= 0
    leftover = remaining - sum(floors)
    if leftover:  # (as the slice below reads it, whatever its sign)
        # largest remainder first, ties to the earlier index (a stable sort keeps them in order)
        fractions = [share - whole_part for share, whole_part in zip(shares, floors, strict=True)]
        for k in sorted(range(len(active)), key=fractions.__getitem__, reverse=True)[:leftover]:
            floors[k] += 1
    return floors


def _shares_exact(remaining: int, active: list[int], scaled: list[int] | None) -> list[int] | None:
    """`_shares_decimal` in integer arithmetic, or None where it might not give the same parts.

    Each Decimal share is the exact quotient rounded to the context's precision P. With
    integer weights a_i (total A) and R units, the exact share is R*a_i/A = k_i + r_i/A. When
    100*R*A < 10**P the product and the sum are exact, the rounding error of a share is below
    half of 1/A, the smallest gap between two different remainders: the integer parts and the
    order of different remainders are the Decimal ones. Equal remainders r_i = r_j > 0 are
    rounded at the same digit (equal Decimal fractions) when k_i and k_j have as many digits
    (or are both 0); otherwise the Decimal rounding may order them: left to `_shares_decimal`.
    Zero total weight (everything to the parts in order) is left to the caller, as None.
    """
    if scaled is None:
        return None
    weights = [scaled[i] for i in active]
    total = sum(weights)
    if total <= 0 or 100 * remaining * total >= 10 ** decimal.getcontext().prec:
        return None
    pairs = [divmod(remaining * a, total) for a in weights]
    floors = [k for k, _ in pairs]
    leftover = remaining - sum(floors)
    if leftover:
        rests = [r for _, r in pairs]
        if len(set(rests)) < len(rests):  # equal remainders: rounded at the same digit?
            width: dict[int, int] = {}
            for k, r in pairs:
                if r:
                    digits = len(str(k)) if k else 0
                    if width.setdefault(r, digits) != digits:
                        return None
        for k in sorted(range(len(active)), key=rests.__getitem__, reverse=True)[:leftover]:
            floors[k] += 1
    return floors
