"""`memory://`: the in-process reference ledger.

Thread-safe (one lock around every call), not shared between processes and lost
on exit: for tests, single-process tools and as the model the other adapters are
checked against. Expiry uses a heap of (expires_at, order id), so lazy expiry on
each call costs O(log n) per expired order, never a scan.
"""

from __future__ import annotations

import copy
import heapq
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from ._core import Clock, Order, StoreLedger
from .base import Balance
from .points import PointsBook
from .points_stores import MemoryPointsStore


class MemoryLedger(StoreLedger):
    def __init__(self, url: str = "memory://", *, clock: Clock | None = None) -> None:
        super().__init__(url, clock)
        self._lock = threading.RLock()
        self._counters: dict[str, Balance] = {}
        self._orders: dict[str, Order] = {}
        self._heap: list[tuple[float, str]] = []
        self.points = PointsBook(self.url, MemoryPointsStore(), self._clock)

    @contextmanager
    def _tx(self) -> Iterator[None]:
        # All-or-nothing: the shared logic validates before it writes, and the lock
        # makes every call atomic with respect to other threads.
        with self._lock:
            yield

    def _get_balances(self, keys: Sequence[str]) -> dict[str, Balance]:
        return {k: self._counters.get(k, Balance()) for k in keys}

    def _put_balances(self, changes: Mapping[str, Balance]) -> None:
        self._counters.update(changes)

    def _get_order(self, order_id: str) -> Order | None:
        order = self._orders.get(order_id)
        # A copy: the shared logic mutates orders before storing them back.
        return None if order is None else copy.deepcopy(order)

    def _put_order(self, order: Order, *, new: bool) -> None:
        self._orders[order.order_id] = copy.deepcopy(order)
        if new and order.expires_at is not None:
            heapq.heappush(self._heap, (order.expires_at, order.order_id))

    def _has_due(self, now: float) -> bool:
        # Stale heap entries (released or committed orders) count as due: the write path
        # then pops them, which is harmless and keeps this a peek.
        return bool(self._heap) and self._heap[0][0] <= now

    def _due(self, now: float, limit: int | None) -> list[Order]:
        due: list[Order] = []
        taken: set[str] = set()
        while self._heap and self._heap[0][0] <= now and (limit is None or len(due) < limit):
            expires_at, order_id = heapq.heappop(self._heap)
            order = self._orders.get(order_id)
            # After `purge`, a purged id reserved again leaves the old reservation's heap entry
            # behind: only the entry of the current reservation counts, and an order is due once
            # per call even when both entries have come due (else it would be released twice).
            if (
                order is not None
                and order.status == "reserved"
                and order.expires_at == expires_at
                and order_id not in taken
            ):
                taken.add(order_id)
                due.append(copy.deepcopy(order))
        return due

    def _purgeable(self, cutoff: float, limit: int) -> list[str]:
        # A scan: the memory ledger serves tests and one-process tools, where the order
        # count is small; the durable adapters use an index on changed_at.
        done = [o for o in self._orders.values() if o.status != "reserved" and o.changed_at < cutoff]
        done.sort(key=lambda o: (o.changed_at, o.order_id))
        return [o.order_id for o in done[:limit]]

    def _delete_orders(self, order_ids: Sequence[str]) -> None:
        for order_id in order_ids:
            del self._orders[order_id]

    def counter_keys(self, prefix: str) -> list[str]:
        with self._lock:
            return sorted(k for k in self._counters if k.startswith(prefix))

    def close(self) -> None:
        pass
