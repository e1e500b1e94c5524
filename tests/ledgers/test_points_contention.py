"""Points under contention and after a crash, on every adapter (docs/points.md#concurrency).

Many workers spend, earn and hold-then-commit on ONE account at once. The balance must
equal the sum of the committed movements, never go below zero, and every successful
spend must be backed: start + earned - spent == balance, counted from the workers'
own outcomes. A worker killed with SIGKILL while holding points: they come back once
the hold's TTL has passed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from promokit.ledgers.points import InsufficientPoints

from .conftest import Store

WORKERS, OPS, START = 8, 25, 100


def test_concurrent_spends_and_earns_on_one_account_never_lose_or_create_points(store: Store) -> None:
    setup: Any = store.open()
    setup.points.earn("hot", START, "start")
    outcomes: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(w: int) -> None:
        ledger: Any = store.open()
        rng = random.Random(w)
        mine: list[tuple[str, int]] = []
        try:
            for i in range(OPS):
                n = rng.randint(1, 15)
                kind = rng.choice(["spend", "spend", "earn", "order"])
                ref = f"w{w}-{i}"
                try:
                    if kind == "earn":
                        mine.append(("earn", ledger.points.earn("hot", n, ref).points))
                    elif kind == "spend":
                        mine.append(("spend", ledger.points.spend("hot", n, ref).points))
                        assert ledger.points.spend("hot", n, ref).points == -n  # a replay: no second spend
                    else:
                        ledger.points.hold(ref, "hot", redeem=n, earn=0, ttl=600)
                        ledger.points.commit(ref)
                        mine.append(("order", -n))
                except InsufficientPoints:
                    mine.append(("refused", 0))
        except BaseException as exc:  # reported below, with the worker's outcomes
            errors.append(exc)
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert len(outcomes) == WORKERS * OPS
    account = setup.points.account("hot")
    moves = setup.points.history("hot", 10_000)
    assert account.balance == START + sum(n for _, n in outcomes) == sum(m.points for m in moves)
    assert account.balance >= 0 and account.held == 0
    # The running balance, replayed movement by movement, never went below zero.
    running = 0
    for m in moves:
        running += m.points
        assert running >= 0
    assert sum(1 for kind, _ in outcomes if kind in ("spend", "order")) > 0


CHILD = """
import sys, time
from promokit.ledgers import open_ledger
ledger = open_ledger(sys.argv[1])
order = ledger.points.hold("doomed", "c1", redeem=80, earn=10, ttl=600)
print("held" if order.status == "reserved" else "failed", flush=True)
time.sleep(60)
"""


def test_points_held_by_a_killed_worker_come_back_after_the_ttl(shared_store: Store) -> None:
    ledger: Any = shared_store.open()
    ledger.points.earn("c1", 100, "e1")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, shared_store.url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    account = ledger.points.account("c1")
    assert (account.available, account.held) == (20, 80)  # the TTL has not passed
    # Later (a clock past the TTL instead of sleeping ten minutes): the hold is gone.
    later: Any = shared_store.open(clock=lambda: time.time() + 601)
    assert later.points.sweep() == 1
    account = later.points.account("c1")
    assert (account.balance, account.available, account.held, account.pending) == (100, 100, 0, 0)
    order = later.points.order("doomed")
    assert order is not None and order.status == "expired"
    assert later.points.spend("c1", 100, "all").points == -100
