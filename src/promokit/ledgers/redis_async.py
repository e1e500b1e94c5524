"""`redis://` for asyncio: the Redis ledger over `redis.asyncio`.

The same script (redis_lua.py), keys and arguments as the sync adapter (redis.py), one
`EVALSHA` per call, replies decoded by replies.py. redis-py's async client keeps its own
connection pool, so concurrent tasks do not queue behind one socket. A `NOSCRIPT` reply (a
restarted or flushed server) is answered with `EVAL`, which reloads the script; a dropped
connection is retried once (every call is idempotent per order or refund id). Like the sync
adapter, every call sends the epoch read at connect and the script refuses it once Redis
lost the namespace (docs/ledgers.md#running-in-production).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from ._core import (
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
from .redis import SWEEP_BATCH, _import_redis, glob_prefix
from .redis_lua import EPOCH, SCRIPT, script_keys, url_options
from .replies import balances, redis_answer, reserve_outcome, reset_error


class AsyncRedisLedger:
    campaign_stats: bool = True  # set by open_async_ledger (docs/ledgers.md#campaign-statistics-off)

    def __init__(
        self, url: str, client: Any, keys: list[str], wait_replicas: int, clock: Clock | None
    ) -> None:
        redis = _import_redis()
        self.url, self.keys, self._client = redact(url), keys, client
        self._wait_replicas, self._clock = wait_replicas, clock
        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.RedisError,)
        self._noscript: type[BaseException] = redis.exceptions.NoScriptError
        self._dropped = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
        self.sha: str = _sha(SCRIPT)
        self._epoch: str | None = None

    @classmethod
    async def connect(cls, url: str, *, clock: Clock | None = None) -> AsyncRedisLedger:
        redis = _import_redis()
        import redis.asyncio as aioredis

        client_url, namespace, wait_text = url_options(url)
        try:
            wait_replicas = int(wait_text)
        except ValueError:
            raise LedgerError(f"{redact(url)}: wait_replicas must be an integer") from None
        try:
            client = aioredis.Redis.from_url(client_url, decode_responses=True, socket_timeout=10)
            await client.ping()
            keys = script_keys(namespace)
            marker = await client.get(keys[EPOCH])
            epoch = None if marker is None else str(marker)  # decode_responses: already text
        except (ValueError, redis.exceptions.RedisError) as exc:
            raise LedgerError(f"{redact(url)}: cannot reach Redis: {exc}") from None
        ledger = cls(url, client, keys, wait_replicas, clock)
        ledger._epoch = epoch
        return ledger

    async def init(self) -> None:
        """Write the namespace's epoch marker if it has none (idempotent), and adopt it."""
        try:
            await self._client.set(self.keys[EPOCH], secrets.token_hex(16), nx=True)
            self._epoch = await self._client.get(self.keys[EPOCH])
        except self._errors as exc:
            raise LedgerError(f"{self.url}: cannot initialise the ledger: {exc}") from None

    def _now(self) -> str:
        return "" if self._clock is None else repr(float(self._clock()))

    async def _call(self, *args: object) -> list[Any]:
        if self._epoch is None:  # opened before `init`: nothing counted yet, adopt the marker
            try:
                self._epoch = await self._client.get(self.keys[EPOCH])
            except self._errors as exc:
                raise LedgerError(f"{self.url}: Redis call failed: {exc}") from None
            if self._epoch is None:
                raise reset_error(self.url, None, "")
        argv = [len(self.keys), *self.keys, self._epoch, args[0], self._now(), *args[1:]]
        for attempt in (1, 2):
            try:
                try:
                    reply: list[Any] = await self._client.execute_command("EVALSHA", self.sha, *argv)
                except self._noscript:
                    reply = await self._client.execute_command("EVAL", SCRIPT, *argv)
                if reply and reply[0] == "reset":
                    raise reset_error(self.url, self._epoch, reply[1])
                return reply
            except self._dropped as exc:
                if attempt == 2:
                    raise LedgerError(f"{self.url}: Redis call failed: {exc}") from None
            except self._errors as exc:
                raise LedgerError(f"{self.url}: Redis call failed: {exc}") from None
        raise AssertionError("unreachable")

    async def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        return {k: b.total for k, b in (await self.balances(keys)).items()}

    async def balances(self, keys: Sequence[str]) -> Mapping[str, Balance]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        return balances(wanted, (await self._call("balances", *wanted))[1:])

    async def reserve(self, order_id: str, claims: Sequence[Claim], ttl: float) -> ReserveOutcome:
        check_order_id(order_id)
        check_ttl(ttl)
        wanted = normalize(claims)
        reply = await self._call("reserve", order_id, encode(wanted), repr(float(ttl)))
        return reserve_outcome(self.url, order_id, wanted, reply)

    async def commit(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        state = redis_answer(self.url, order_id, await self._call("commit", order_id), "committed")
        if self._wait_replicas:
            try:
                acked = int(await self._client.wait(self._wait_replicas, 100))
            except self._errors as exc:
                raise LedgerError(f"{self.url}: WAIT failed: {exc}") from None
            if acked < self._wait_replicas:
                raise LedgerError(
                    f"{self.url}: order {order_id!r} committed on the primary but only {acked} replica(s) "
                    f"acknowledged within 100 ms; retry commit (idempotent) or reconcile"
                )
        return state

    async def release(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        return redis_answer(self.url, order_id, await self._call("release", order_id), "released")

    async def refund(self, order_id: str, returns: Sequence[Claim], refund_id: str) -> OrderState:
        check_order_id(order_id)
        check_order_id(refund_id)
        wanted = normalize_returns(returns)
        flat: list[object] = []
        for r in wanted:
            flat += [r.key, r.amount]
        reply = await self._call("refund", order_id, refund_id, encode_returns(wanted), len(wanted), *flat)
        return redis_answer(self.url, order_id, reply, "refunded")

    async def sweep(self) -> int:
        total = 0
        while True:
            n = int((await self._call("sweep", SWEEP_BATCH))[1])
            total += n
            if n < SWEEP_BATCH:
                return total

    async def purge(self, older_than: float) -> int:
        check_retention(older_than)
        total = 0
        while True:
            reply = await self._call("purge", repr(float(older_than)), PURGE_BATCH)
            expired, purged = int(reply[1]), int(reply[2])
            total += purged
            if expired < PURGE_BATCH and purged < PURGE_BATCH:
                return total

    async def state(self, order_id: str) -> OrderState | None:
        check_order_id(order_id)
        reply = await self._call("state", order_id)
        if reply[0] == "unknown":
            return None
        return redis_answer(self.url, order_id, reply, "read")

    async def counter_keys(self, prefix: str) -> list[str]:
        pattern = glob_prefix(prefix)
        found: set[str] = set()
        try:  # the used and held hashes: a counter only ever held is listed too
            for name in self.keys[:2]:
                async for key, _ in self._client.hscan_iter(name, match=pattern):
                    found.add(key)
        except self._errors as exc:
            raise LedgerError(f"{self.url}: cannot list counters: {exc}") from None
        return sorted(found)

    async def close(self) -> None:
        await self._client.aclose()


def _sha(script: str) -> str:
    return hashlib.sha1(script.encode("utf-8")).hexdigest()  # what Redis names a script by
