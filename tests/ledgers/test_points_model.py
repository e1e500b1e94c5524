"""Every shared adapter agrees with the memory reference on random points histories."""

from __future__ import annotations

import random
from typing import Any

import pytest

from promokit.ledgers import LedgerError, open_ledger

from .conftest import FakeClock, Store

DAY = 86400.0
CUSTOMERS = ("a", "b")


def outcome(call: Any) -> object:
    try:
        return call()
    except LedgerError as exc:  # InsufficientPoints, conflicts, refused transitions: compared by type
        return type(exc).__name__


def step(book: Any, clock: FakeClock, rng: random.Random, i: int) -> object:
    c = rng.choice(CUSTOMERS)
    op = rng.choice(
        ["earn", "earn", "spend", "adjust", "hold", "commit", "release", "refund", "time", "replay"]
    )
    n = rng.randint(1, 60)
    order = f"o{rng.randint(0, 6)}"
    if op == "earn":
        return outcome(
            lambda: book.earn(c, n, f"e{i}", expires_at=clock.now + rng.choice([DAY, 10 * DAY, 400 * DAY]))
        )
    if op == "spend":
        return outcome(lambda: book.spend(c, n, f"s{i}"))
    if op == "adjust":
        return outcome(lambda: book.adjust(c, rng.choice([-n, n]), f"a{i}"))
    if op == "hold":
        return outcome(
            lambda: book.hold(
                order, c, redeem=n, earn=n // 2, ttl=rng.choice([60, 3 * DAY]), return_window=DAY
            )
        )
    if op == "commit":
        return outcome(lambda: book.commit(order))
    if op == "release":
        return outcome(lambda: book.release(order))
    if op == "refund":
        return outcome(
            lambda: book.refund(order, f"r{i}", returned=rng.randint(0, 20), clawback=rng.randint(0, 20))
        )
    if op == "replay":
        return outcome(lambda: book.earn(c, 5, "same-event"))
    clock.advance(rng.choice([30, 3600, DAY, 5 * DAY]))
    return outcome(book.sweep)


def view(book: Any) -> object:
    return [
        (book.account(c), [(m.kind, m.points, m.pending, m.ref) for m in book.history(c, 1000)])
        for c in CUSTOMERS
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_histories_match_the_memory_model(shared_store: Store, seed: int) -> None:
    clock = FakeClock()  # shared: both ledgers read it
    model: Any = open_ledger("memory://", clock=clock)
    real: Any = shared_store.open(clock)
    rng_model, rng_real = random.Random(seed), random.Random(seed)
    for i in range(120):
        expected = step(model.points, clock, rng_model, i)
        # The same draws on the second ledger; a time step moves a throwaway clock, because the
        # model's step already moved the shared one.
        got = step(real.points, FakeClock(clock.now), rng_real, i)
        assert got == expected, (i, expected, got)
    model.points.sweep()
    real.points.sweep()
    assert view(real.points) == view(model.points)
