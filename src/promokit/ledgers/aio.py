"""Async ledgers: the ledger contract (base.py) with `async` calls, for asyncio services.

    ledger = await open_async_ledger("redis://127.0.0.1:6379/0")     # or postgresql://, sqlite://, memory://
    outcome = await ledger.reserve("A-1", claims, ttl=900)
    await ledger.close()

`redis://` runs on `redis.asyncio` (redis_async.py) and `postgresql://` on psycopg's
`AsyncConnection` (postgres_async.py); both send the very calls of their sync adapters (the
same Lua script, the same plpgsql functions) and decode the replies in replies.py, so the
contract and its tests are shared. `sqlite://` runs the sync adapter in a worker thread
(`asyncio.to_thread`: SQLite has no async driver), `memory://` runs inline (no I/O).
Pricing itself stays synchronous: it is CPU-bound and pure (docs/production.md#async).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from ._core import Clock, redact
from .base import Balance, Claim, Ledger, OrderState, ReserveOutcome
from .memory import MemoryLedger
from .sqlite import SQLiteLedger
from .urls import campaign_option, unknown_scheme, url_scheme

if TYPE_CHECKING:  # imported when used: the clients are optional extras
    from .postgres_async import AsyncPostgresLedger
    from .redis_async import AsyncRedisLedger

_T = TypeVar("_T")


@runtime_checkable
class AsyncLedger(Protocol):
    """`base.Ledger` with awaitable calls: same semantics, same errors."""

    url: str

    async def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        """Used + held amount per key (0 for unknown keys); read-only."""
        ...

    async def balances(self, keys: Sequence[str]) -> Mapping[str, Balance]:
        """Used and held amounts per key (zeros for unknown keys); read-only."""
        ...

    async def reserve(self, order_id: str, claims: Sequence[Claim], ttl: float) -> ReserveOutcome:
        """Hold all claims for `ttl` seconds, atomically, or none of them."""
        ...

    async def commit(self, order_id: str) -> OrderState:
        """Make a reservation permanent (after payment)."""
        ...

    async def release(self, order_id: str) -> OrderState:
        """Give a reservation back (cancelled)."""
        ...

    async def refund(self, order_id: str, returns: Sequence[Claim], refund_id: str) -> OrderState:
        """Give back part of a committed order; `refund_id` makes each refund idempotent."""
        ...

    async def sweep(self) -> int:
        """Release every reservation past its TTL; returns how many."""
        ...

    async def purge(self, older_than: float) -> int:
        """Forget finished orders older than `older_than` seconds (see `base.Ledger.purge`)."""
        ...

    async def state(self, order_id: str) -> OrderState | None:
        """The order as the ledger holds it, or None if unknown."""
        ...

    async def counter_keys(self, prefix: str) -> list[str]:
        """Every counter key starting with `prefix`, literally, sorted (see `base.Ledger.counter_keys`)."""
        ...

    async def close(self) -> None:
        """Release the connections; the ledger is unusable afterwards."""
        ...


class ThreadedLedger:
    """A sync ledger behind async calls: in a worker thread (SQLite) or inline (memory)."""

    campaign_stats: bool = True  # set by open_async_ledger (docs/ledgers.md#campaign-statistics-off)

    def __init__(self, inner: Ledger, *, threaded: bool) -> None:
        self.inner, self.url, self._threaded = inner, inner.url, threaded

    async def _run(self, fn: Callable[..., _T], *args: object) -> _T:
        if self._threaded:
            return await asyncio.to_thread(fn, *args)
        return fn(*args)

    async def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        return await self._run(self.inner.usage, keys)

    async def balances(self, keys: Sequence[str]) -> Mapping[str, Balance]:
        return await self._run(self.inner.balances, keys)

    async def reserve(self, order_id: str, claims: Sequence[Claim], ttl: float) -> ReserveOutcome:
        return await self._run(self.inner.reserve, order_id, claims, ttl)

    async def commit(self, order_id: str) -> OrderState:
        return await self._run(self.inner.commit, order_id)

    async def release(self, order_id: str) -> OrderState:
        return await self._run(self.inner.release, order_id)

    async def refund(self, order_id: str, returns: Sequence[Claim], refund_id: str) -> OrderState:
        return await self._run(self.inner.refund, order_id, returns, refund_id)

    async def sweep(self) -> int:
        return await self._run(self.inner.sweep)

    async def purge(self, older_than: float) -> int:
        return await self._run(self.inner.purge, older_than)

    async def counter_keys(self, prefix: str) -> list[str]:
        return await self._run(self.inner.counter_keys, prefix)

    async def state(self, order_id: str) -> OrderState | None:
        return await self._run(self.inner.state, order_id)

    async def close(self) -> None:
        await self._run(self.inner.close)


async def open_async_ledger(
    url: str, *, clock: Clock | None = None, campaign_stats: bool | None = None
) -> AsyncLedger:
    """Open an async ledger by URL (the URLs and options of `open_ledger`); raises LedgerError as it does."""
    scheme = url_scheme(url)
    url, stats_on = campaign_option(url, campaign_stats)
    ledger = await _open(url, scheme, clock)
    ledger.campaign_stats = stats_on
    return ledger


async def _open(
    url: str, scheme: str, clock: Clock | None
) -> ThreadedLedger | AsyncRedisLedger | AsyncPostgresLedger:
    if scheme == "memory":
        return ThreadedLedger(MemoryLedger(redact(url), clock=clock), threaded=False)
    if scheme == "sqlite":
        sqlite = await asyncio.to_thread(SQLiteLedger, url, clock=clock)
        return ThreadedLedger(sqlite, threaded=True)
    if scheme in ("redis", "rediss"):
        from .redis_async import AsyncRedisLedger

        return await AsyncRedisLedger.connect(url, clock=clock)
    if scheme in ("postgresql", "postgres"):
        from .postgres_async import AsyncPostgresLedger

        return await AsyncPostgresLedger.connect(url, clock=clock)
    raise unknown_scheme(url, scheme)
