"""`postgresql://` for asyncio: the PostgreSQL ledger over psycopg's `AsyncConnection`.

The same schema and plpgsql functions (postgres_sql.py) as the sync adapter (postgres.py):
`connect` runs the sync adapter's `init` once (create or check the schema, under its
advisory lock) and then every call is one `SELECT schema.pk_*(...)` in autocommit mode,
with the same arguments, the same retries on deadlock / serialization / unique violations,
and replies decoded by replies.py. Connections come from a small pool (`?pool=N`,
default 10) so concurrent tasks run concurrently instead of queueing on one connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._core import (
    EXPIRE_BATCH,
    PURGE_BATCH,
    Clock,
    check_order_id,
    check_retention,
    check_ttl,
    encode,
    encode_returns,
    normalize,
    normalize_returns,
    redact,
)
from .base import Balance, Claim, LedgerError, OrderState, ReserveOutcome
from .postgres import _RETRY, PostgresLedger, _first_line, _import_psycopg
from .replies import balances, postgres_answer, reserve_outcome


class AsyncPostgresLedger:
    campaign_stats: bool = True  # set by open_async_ledger (docs/ledgers.md#campaign-statistics-off)

    def __init__(
        self, url: str, conninfo: str, schema: str, soft: bool, size: int, clock: Clock | None
    ) -> None:
        self._psycopg = _import_psycopg()
        self.url, self.schema, self._soft = redact(url), schema, soft
        self._conninfo, self._clock = conninfo, clock
        self._idle: list[Any] = []
        self._slots = asyncio.Semaphore(size)

    @classmethod
    async def connect(cls, url: str, *, clock: Clock | None = None) -> AsyncPostgresLedger:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        try:
            size = int(query.pop("pool", "10"))
        except ValueError:
            size = 0
        if not 1 <= size <= 1000:
            raise LedgerError(f"{redact(url)}: pool must be a number of connections from 1 to 1000")
        url = urlunsplit(parts._replace(query=urlencode(query)))
        # The sync adapter reads the URL and creates or checks the schema: one formula for both.
        sync = await asyncio.to_thread(PostgresLedger, url, clock=clock)
        sync.close()
        ledger = cls(url, sync._conninfo, sync.schema, sync._soft, size, clock)
        async with ledger._connection():  # reachable now, not at the first checkout
            pass
        return ledger

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        async with self._slots:
            conn = self._idle.pop() if self._idle else None
            if conn is None or conn.closed:
                try:
                    conn = await self._psycopg.AsyncConnection.connect(
                        self._conninfo, autocommit=True, connect_timeout=5
                    )
                except self._psycopg.Error as exc:
                    raise LedgerError(
                        f"{self.url}: cannot connect to PostgreSQL: {_first_line(exc)}"
                    ) from None
            try:
                yield conn
            finally:
                if not conn.closed and not conn.broken:
                    self._idle.append(conn)

    async def _call(self, function: str, *args: object) -> list[str]:
        now = None if self._clock is None else float(self._clock())
        marks = ", ".join(["%s"] * (len(args) + 1))
        query = f"SELECT {self.schema}.{function}({marks})"
        reconnected = False
        for attempt in range(8):
            async with self._connection() as conn:
                try:
                    cursor = await conn.execute(query, (*args, now), prepare=True)
                    row = await cursor.fetchone()
                    return list(row[0])
                except self._psycopg.Error as exc:
                    if getattr(exc, "sqlstate", None) in _RETRY and attempt < 7:
                        retry = True
                    elif (conn.closed or conn.broken) and not reconnected:
                        # a dropped connection: one retry on a fresh one (calls are idempotent)
                        reconnected, retry = True, True
                    else:
                        raise LedgerError(f"{self.url}: {function} failed: {_first_line(exc)}") from None
            if retry:
                await asyncio.sleep(0.001 * 2**attempt)
        raise AssertionError("unreachable")

    async def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        return {k: b.total for k, b in (await self.balances(keys)).items()}

    async def balances(self, keys: Sequence[str]) -> Mapping[str, Balance]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        return balances(wanted, await self._call("pk_balances", wanted))

    async def reserve(self, order_id: str, claims: Sequence[Claim], ttl: float) -> ReserveOutcome:
        check_order_id(order_id)
        check_ttl(ttl)
        wanted = normalize(claims)
        reply = await self._call(
            "pk_reserve",
            order_id,
            encode(wanted),
            [c.key for c in wanted],
            [c.amount for c in wanted],
            [-1 if c.limit is None else c.limit for c in wanted],
            float(ttl),
            self._soft,
        )
        return reserve_outcome(self.url, order_id, wanted, reply)

    async def commit(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        reply = await self._call("pk_finish", order_id, "commit", self._soft)
        return postgres_answer(self.url, order_id, reply, "committed")

    async def release(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        reply = await self._call("pk_finish", order_id, "release", self._soft)
        return postgres_answer(self.url, order_id, reply, "released")

    async def refund(self, order_id: str, returns: Sequence[Claim], refund_id: str) -> OrderState:
        check_order_id(order_id)
        check_order_id(refund_id)
        wanted = normalize_returns(returns)
        reply = await self._call(
            "pk_refund",
            order_id,
            refund_id,
            encode_returns(wanted),
            [r.key for r in wanted],
            [r.amount for r in wanted],
        )
        return postgres_answer(self.url, order_id, reply, "refunded")

    async def sweep(self) -> int:
        total = 0
        while True:
            now = None if self._clock is None else float(self._clock())
            async with self._connection() as conn:
                try:
                    cursor = await conn.execute(
                        f"SELECT {self.schema}.pk_expire_due({self.schema}.pk_now(%s), %s)",
                        (now, EXPIRE_BATCH),
                    )
                    row = await cursor.fetchone()
                except self._psycopg.Error as exc:
                    raise LedgerError(f"{self.url}: sweep failed: {_first_line(exc)}") from None
            total += int(row[0])
            if int(row[0]) < EXPIRE_BATCH:
                return total

    async def purge(self, older_than: float) -> int:
        check_retention(older_than)
        total = 0
        while True:
            reply = await self._call("pk_purge", float(older_than), PURGE_BATCH)
            expired, purged = int(reply[0]), int(reply[1])
            total += purged
            if expired < PURGE_BATCH and purged < PURGE_BATCH:
                return total

    async def state(self, order_id: str) -> OrderState | None:
        check_order_id(order_id)
        reply = await self._call("pk_finish", order_id, "state", self._soft)
        if reply[0] == "unknown":
            return None
        return postgres_answer(self.url, order_id, reply, "read")

    async def counter_keys(self, prefix: str) -> list[str]:
        # left(), not LIKE: `%` and `_` occur in percent-encoded keys
        async with self._connection() as conn:
            try:
                cursor = await conn.execute(
                    f"SELECT key FROM {self.schema}.counters WHERE left(key, %s) = %s", (len(prefix), prefix)
                )
                rows = await cursor.fetchall()
            except self._psycopg.Error as exc:
                raise LedgerError(f"{self.url}: cannot list counters: {_first_line(exc)}") from None
        return sorted(str(r[0]) for r in rows)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()
