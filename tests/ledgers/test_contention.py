"""Contention: 32 workers (threads, then processes) fight over a flash sale.

Stock 100, 3 orders per customer, a budget of 10 per order: thousands of attempts in
3 trials per mode, then the invariants: exactly `STOCK` live orders, conservation
(stock = remaining + reserved + committed, all from the ledger and matching the
orders), no customer over its limit, identical replays. The same harness run on a
deliberately racy ledger must report violations, which proves it can see an oversell.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from promokit.ledgers import Claim, Ledger, open_ledger
from promokit.ledgers.base import Balance
from promokit.ledgers.sqlite import SQLiteLedger

from .conftest import Store

STOCK, PER_CUSTOMER, CUSTOMERS, PRICE = 100, 3, 40, 10
WORKERS, ATTEMPTS, TRIALS = 32, 20, 3


@dataclass(frozen=True)
class Record:
    order_id: str
    customer: str
    ok: bool
    replay_ok: bool  # replaying reserve (and commit) returned exactly the first outcome


def claims(trial: int, customer: str) -> list[Claim]:
    p = f"flash{trial}"
    return [
        Claim(f"stock:{p}", 1, STOCK, p),
        Claim(f"cuses:{p}:{customer}", 1, PER_CUSTOMER, p),
        Claim(f"budget:{p}", PRICE, PRICE * STOCK, p),
    ]


def work(ledger: Ledger, trial: int, worker: int, attempts: int) -> list[Record]:
    rng = random.Random(trial * 1000 + worker)
    records = []
    for a in range(attempts):
        customer = f"c{rng.randrange(CUSTOMERS)}"
        order_id = f"t{trial}-w{worker}-{a}"
        wanted = claims(trial, customer)
        first = ledger.reserve(order_id, wanted, ttl=600)
        replay_ok = True
        if first.ok:
            replay_ok = ledger.reserve(order_id, list(reversed(wanted)), ttl=600) == first
            roll = rng.random()
            if roll < 0.5:
                committed = ledger.commit(order_id)
                replay_ok = replay_ok and ledger.commit(order_id) == committed
            elif roll < 0.6:
                ledger.release(order_id)
        records.append(Record(order_id, customer, first.ok, replay_ok))
    return records


def _process_worker(
    url: str, racy: bool, trial: int, worker: int, attempts: int, out: multiprocessing.Queue[object]
) -> None:
    ledger: Ledger = RacyLedger(url) if racy else open_ledger(url)
    try:
        out.put((worker, work(ledger, trial, worker, attempts)))
    except BaseException as exc:  # report instead of hanging the parent
        out.put((worker, repr(exc)))


def run_threads(open_client: Callable[[], Ledger], trial: int) -> list[Record]:
    results: list[list[Record]] = [[] for _ in range(WORKERS)]
    errors: list[BaseException] = []

    def body(w: int) -> None:
        try:
            results[w] = work(open_client(), trial, w, ATTEMPTS)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return [r for rs in results for r in rs]


def run_processes(url: str, racy: bool, trial: int) -> list[Record]:
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[object] = ctx.Queue()
    procs = [
        ctx.Process(target=_process_worker, args=(url, racy, trial, w, ATTEMPTS, queue))
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    records: list[Record] = []
    for _ in procs:
        message = queue.get(timeout=120)
        assert isinstance(message, tuple)
        got: object = message[1]
        if not isinstance(got, list):
            raise AssertionError(f"worker failed: {got}")
        records.extend(got)
    for p in procs:
        p.join(timeout=30)
    return records


def violations(ledger: Ledger, trial: int, records: Sequence[Record]) -> list[str]:
    """Every broken invariant, in words (empty: the ledger held)."""
    p = f"flash{trial}"
    problems = []
    states = {r.order_id: ledger.state(r.order_id) for r in records if r.ok}
    status = Counter(s.status for s in states.values() if s is not None)
    live = status["reserved"] + status["committed"]
    if live != STOCK:
        problems.append(f"{live} live orders for a stock of {STOCK}")
    b = ledger.balances([f"stock:{p}", f"budget:{p}"])
    stock, budget = b[f"stock:{p}"], b[f"budget:{p}"]
    remaining = STOCK - stock.total
    if remaining < 0 or STOCK != remaining + status["reserved"] + status["committed"]:
        problems.append(
            f"conservation: remaining {remaining} + reserved {status['reserved']} + committed {status['committed']} != {STOCK}"
        )
    if (stock.held, stock.used) != (status["reserved"], status["committed"]):
        problems.append(f"stock counter {stock} disagrees with orders {dict(status)}")
    if budget != Balance(PRICE * status["committed"], PRICE * status["reserved"]):
        problems.append(f"budget counter {budget} disagrees with orders {dict(status)}")
    per_customer = Counter(
        r.customer
        for r in records
        if r.ok and states[r.order_id] and states[r.order_id].status in ("reserved", "committed")
    )  # type: ignore[union-attr]
    counted = ledger.usage([f"cuses:{p}:c{i}" for i in range(CUSTOMERS)])
    for i in range(CUSTOMERS):
        c = f"c{i}"
        if per_customer[c] > PER_CUSTOMER:
            problems.append(f"customer {c} has {per_customer[c]} orders, limit {PER_CUSTOMER}")
        if counted[f"cuses:{p}:{c}"] != per_customer[c]:
            problems.append(f"customer {c}: counter {counted[f'cuses:{p}:{c}']} != {per_customer[c]} orders")
    if not all(r.replay_ok for r in records):
        problems.append("a replay returned a different outcome")
    return problems


class RacyLedger(SQLiteLedger):
    """The classic oversell: read the counters, think, write them back, with no transaction."""

    @contextmanager
    def _tx(self) -> Iterator[None]:
        yield  # autocommit: every statement stands alone

    def _get_balances(self, keys: Sequence[str]) -> dict[str, Balance]:
        found = super()._get_balances(keys)
        time.sleep(0.0005)  # the window between check and write that real checkouts have too
        return found


def test_no_oversell_under_contention_from_threads(store: Store) -> None:
    for trial in range(TRIALS):
        records = run_threads(store.open, trial)
        assert len(records) == WORKERS * ATTEMPTS
        assert violations(store.open(), trial, records) == []


def test_no_oversell_under_contention_from_processes(shared_store: Store) -> None:
    for trial in range(TRIALS):
        records = run_processes(shared_store.url, False, trial)
        assert len(records) == WORKERS * ATTEMPTS
        assert violations(shared_store.open(), trial, records) == []


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_the_contention_check_catches_a_racy_ledger(tmp_path: Path, mode: str) -> None:
    url = f"sqlite:///{tmp_path / 'racy.db'}"
    found = []
    for trial in range(TRIALS):
        if mode == "threads":
            records = run_threads(lambda: RacyLedger(url), trial)
        else:
            records = run_processes(url, True, trial)
        found += violations(RacyLedger(url), trial, records)
    assert found, "the racy ledger passed: the contention check cannot see an oversell"
