"""`money.allocate` apportions in integer arithmetic where that gives the Decimal parts.

The largest-remainder shares are defined by the context's Decimal arithmetic (each share is
the quotient rounded to the context's precision, `money._shares_decimal`). `_shares_exact`
computes them with integers, and declines (None) where rounding could order two equal
remainders differently. Whenever it answers, it must equal the Decimal definition, and
`allocate` as a whole must equal the plain Decimal algorithm it replaced (kept here as the
reference), digits and exponents included, in every context it may run in.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.money import (
    CURRENCIES,
    PRICING_CONTEXT,
    Currency,
    _scaled,
    _shares_decimal,
    _shares_exact,
    allocate,
)

CONTEXTS = (
    PRICING_CONTEXT,
    decimal.Context(),  # half-even, 28 digits
    decimal.Context(prec=12, rounding=decimal.ROUND_DOWN),
    decimal.Context(prec=14, rounding=decimal.ROUND_UP),
)


def reference(
    amount: Decimal, weights: Sequence[Decimal], cur: Currency, caps: Sequence[Decimal] | None = None
) -> list[Decimal]:
    """The Decimal-only largest-remainder apportionment (the definition)."""
    q = cur.quantum
    units = int((amount / q).to_integral_value(rounding=decimal.ROUND_HALF_UP))
    if Decimal(units) * q != amount:
        raise ValueError(f"{amount} is not a multiple of the minor unit {q}")
    cap_units = [int((c / q).to_integral_value(rounding=decimal.ROUND_DOWN)) for c in caps] if caps else None
    if cap_units is not None and units > sum(cap_units):
        raise ValueError(f"cannot allocate {amount}: it exceeds the sum of the caps")
    n = len(weights)
    result = [0] * n
    remaining = units
    active = [i for i in range(n) if cap_units is None or cap_units[i] > 0]
    while remaining > 0 and active:
        total_w = sum(max(weights[i], Decimal(0)) for i in active)
        if total_w <= 0:
            for i in active:
                room = remaining if cap_units is None else min(remaining, cap_units[i] - result[i])
                result[i] += room
                remaining -= room
            break
        shares = {i: Decimal(remaining) * max(weights[i], Decimal(0)) / total_w for i in active}
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
    return [Decimal(r) * q for r in result]


# few distinct weights, scaled by powers of ten: equal remainders under shares of different sizes
_BASE = st.sampled_from(["1", "3", "7", "0.01", "0.33", "2.5", "19.99", "0", "1234.56", "0.125"])
_WEIGHT = st.builds(lambda b, s: Decimal(b).scaleb(s), _BASE, st.integers(-3, 4)) | st.builds(
    lambda n, e: Decimal(n).scaleb(-e), st.integers(-50, 10**9), st.integers(0, 4)
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[decimal.Context, Currency, Decimal, list[Decimal], list[Decimal] | None]:
    ctx = draw(st.sampled_from(CONTEXTS))
    cur = CURRENCIES[draw(st.sampled_from(["CNY", "JPY"]))]
    weights = draw(st.lists(_WEIGHT, min_size=1, max_size=9))
    caps = None
    if draw(st.booleans()):  # capped at the weights themselves, one list (as `order._spread` does)
        caps = weights
        units = draw(
            st.integers(0, max(0, sum(max(int(w // cur.quantum), 0) for w in weights) - len(weights)))
        )
    elif draw(st.booleans()):
        # whole minor units mostly; some with digits below the minor unit, negative or too long
        cap = st.integers(0, 5000).map(lambda n: Decimal(n) * cur.quantum) | st.builds(
            lambda n, e: Decimal(n).scaleb(-e), st.integers(-100, 10**40), st.integers(0, 5)
        )
        caps = [draw(cap) for _ in weights]
        ratios = [c.as_integer_ratio() for c in caps]
        units = sum(max(n * 10**cur.minor_unit // d, 0) for n, d in ratios)
        top = max(0, units - len(caps))  # room for a cap that rounds down
        top = min(top, 10**9)
        units = draw(st.integers(0, top))
    else:
        units = draw(st.integers(0, 10**7))
    return ctx, cur, Decimal(units) * cur.quantum, weights, caps


@settings(max_examples=600, deadline=None)
@given(cases())
def test_allocate_gives_the_decimal_parts_digit_for_digit(
    case: tuple[decimal.Context, Currency, Decimal, list[Decimal], list[Decimal] | None],
) -> None:
    ctx, cur, amount, weights, caps = case
    with decimal.localcontext(ctx):
        assert _outcome(allocate, amount, weights, cur, caps) == _outcome(
            reference, amount, weights, cur, caps
        )


def _outcome(fn: Callable[..., list[Decimal]], *args: object) -> list[str]:
    """The parts as strings (digits and exponent), or the error's words."""
    try:
        return [str(p) for p in fn(*args)]
    except ValueError as error:
        return [str(error)]


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(CONTEXTS), st.integers(1, 10**8), st.lists(_WEIGHT, min_size=1, max_size=12))
def test_integer_shares_equal_the_decimal_shares_whenever_given(
    ctx: decimal.Context, remaining: int, weights: list[Decimal]
) -> None:
    positive = [w if w > 0 else Decimal(0) for w in weights]
    active = list(range(len(positive)))
    with decimal.localcontext(ctx):
        exact = _shares_exact(remaining, active, _scaled([w.as_integer_ratio() for w in positive]))
        total = sum(positive, Decimal(0))
        if exact is not None:
            assert exact == _shares_decimal(remaining, active, positive, total)


def test_equal_remainders_on_shares_of_different_sizes_are_left_to_decimals() -> None:
    # 1/3 of a unit on shares 0.33.. and 3.33..: Decimal rounds their fractions at different digits
    with decimal.localcontext(PRICING_CONTEXT):
        assert _shares_exact(10, [0, 1, 2], [1, 10, 19]) is None
        assert _shares_exact(2, [0, 1], [1, 1]) == [1, 1]


def test_a_rounding_ordered_tie_keeps_the_decimal_answer() -> None:
    # shares 3.33.., 0.33.., 0.33..: equal remainders, but Decimal keeps one more digit of the
    # second (no integer part), so its fraction is the larger and it gets the leftover cent
    with decimal.localcontext(PRICING_CONTEXT):
        parts = allocate(Decimal("0.04"), [Decimal(10), Decimal(1), Decimal(1)], CURRENCIES["CNY"])
    assert parts == [Decimal("0.03"), Decimal("0.01"), Decimal("0.00")]
