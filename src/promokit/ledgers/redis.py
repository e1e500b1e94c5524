"""`redis://host:port/db[?namespace=NAME]`: the distributed ledger (redis-py, Lua).

Every call is ONE `EVALSHA` of the script in `redis_lua.py` (the script body is sent
only after a `NOSCRIPT`, e.g. after a server restart). A script runs
atomically on the server, so a whole cart is checked and held with no interleaving
and no client-side locking.

Keys and Redis Cluster: all keys of a namespace share the hash tag `{promokit:NAME}`:
`{promokit:NAME}:used`, `:held`, `:due`, `:orders` and `:done` (finished orders by
last change, for `purge`). A cart touches counters shared
with every other order (stock, budgets), so the only tag that keeps every cart's
keys in one slot is one per namespace. Trade-off: one namespace lives on one
cluster node (one Redis core: ~20k-65k script calls/s); scale out by giving each
shop, tenant or large campaign its own namespace, which lands on its own slot.
All keys a script touches are declared in KEYS, so the script is cluster-correct.

Time: by default the script reads the server's `TIME`, so clients with skewed clocks
agree on expiry. A `clock=` passed to `open_ledger` (tests) is sent instead.
Durability: see docs/ledgers.md#running-in-production (AOF, `noeviction`, async replication).

Fail closed: `init()` (`promokit ledger init URL`) writes a random epoch to
`{promokit:NAME}:epoch`; a client reads it when it opens, and every script call checks it
first, atomically. A Redis that lost the namespace (restart without persistence, eviction)
has no marker, so every call raises LedgerError instead of counting from zero.

Connections: each thread keeps one connection of the pool (fast path, see `_call`); it goes
back to the pool when the connection drops and when the thread ends, so dropped sockets and
short-lived threads never exhaust the pool.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
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
from .points import PointsBook
from .redis_lua import EPOCH, SCRIPT, script_keys, url_options
from .redis_points import RedisPointsStore
from .replies import balances, redis_answer, reserve_outcome, reset_error

SWEEP_BATCH = 256


class _Held:
    """One thread's pool connection; handed back to the pool when dropped or garbage.

    Lives in a `threading.local`, which CPython clears when its thread ends, so the
    connection of a finished thread returns to the pool instead of leaking its slot.
    """

    __slots__ = ("conn", "pid", "pool")

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.pid = os.getpid()
        self.conn: Any = pool.get_connection()

    def give_back(self, *, broken: bool = False) -> None:
        conn, self.conn = self.conn, None
        if conn is None or self.pid != os.getpid():
            return  # a forked child must not touch its parent's pool
        if broken:
            conn.disconnect()
        self.pool.release(conn)

    def __del__(self) -> None:
        try:
            self.give_back()
        except Exception:  # noqa: BLE001 - interpreter shutdown: nothing left to leak into
            pass


def _import_redis() -> Any:
    try:
        import redis
    except ImportError:
        raise LedgerError("the Redis ledger needs the redis package: pip install 'promokit[redis]'") from None
    return redis


_GLOB = re.compile(r"([*?\[\]\\])")


def glob_prefix(prefix: str) -> str:
    """An HSCAN pattern matching keys that start with `prefix` literally (glob characters escaped)."""
    return _GLOB.sub(r"\\\1", prefix) + "*"


class RedisLedger:
    campaign_stats: bool = True  # set by open_ledger (docs/ledgers.md#campaign-statistics-off)

    def __init__(self, url: str, *, clock: Clock | None = None) -> None:
        redis = _import_redis()
        self.url = redact(url)
        client_url, namespace, wait_replicas = url_options(url)
        try:
            # WAIT for this many replicas after a commit (a second round trip, commits only).
            self._wait_replicas = int(wait_replicas)
        except ValueError:
            raise LedgerError(f"{self.url}: wait_replicas must be an integer") from None
        self.keys = script_keys(namespace)
        self._epoch: str | None = None
        self._clock = clock
        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.RedisError,)
        self._noscript: type[BaseException] = redis.exceptions.NoScriptError
        self._dropped = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
        self._local = threading.local()
        try:
            self._client = redis.Redis.from_url(client_url, decode_responses=True, socket_timeout=10)
            self._client.ping()
            self._script = self._client.register_script(SCRIPT)
            self._epoch = self._client.get(self.keys[EPOCH])
        except (ValueError, *self._errors) as exc:
            raise LedgerError(f"{self.url}: cannot reach Redis: {exc}") from None
        self.sha: str = self._script.sha
        self._points = RedisPointsStore(self.url, self._client, namespace, self._errors, self._current_epoch)
        self.points = PointsBook(self.url, self._points, clock)

    def init(self) -> None:
        """Write the namespace's epoch marker if it has none (idempotent), and adopt it.

        Run once for a new ledger (`promokit ledger init URL`). After Redis lost data, run it
        only once the counters are restored or reconciled: it makes the namespace usable again.
        """
        try:
            self._client.set(self.keys[EPOCH], secrets.token_hex(16), nx=True)
            self._epoch = self._client.get(self.keys[EPOCH])
        except self._errors as exc:
            raise LedgerError(f"{self.url}: cannot initialise the ledger: {exc}") from None

    def _now(self) -> str:
        return "" if self._clock is None else repr(float(self._clock()))

    def _held(self) -> _Held:
        held: _Held | None = getattr(self._local, "held", None)
        if held is None or held.conn is None or held.pid != os.getpid():
            held = _Held(self._client.connection_pool)
            self._local.held = held
        return held

    def _call(self, *args: object) -> list[Any]:
        """One EVALSHA on this thread's own connection.

        redis-py's per-command machinery (pool checkout, retry wrapper, callbacks) cost
        more than the script itself; a dedicated connection per thread sends the command
        and reads the reply directly (~1.6x the throughput of `Script.__call__` here).
        NOSCRIPT (a restarted or flushed server) is answered with EVAL, which reloads
        the script; a dropped connection is given back to the pool and the call retried
        once on a new one, which is safe because every ledger call is idempotent. Every
        driver error, the connect included, becomes LedgerError.
        """
        if self._epoch is None:
            self._adopt_epoch()
        argv = [len(self.keys), *self.keys, self._epoch, args[0], self._now(), *args[1:]]
        for attempt in (1, 2):
            held: _Held | None = None
            try:
                held = self._held()
                conn = held.conn
                try:
                    conn.send_command("EVALSHA", self.sha, *argv)
                    reply: list[Any] = conn.read_response()
                except self._noscript:
                    conn.send_command("EVAL", SCRIPT, *argv)
                    reply = conn.read_response()
            except self._dropped as exc:
                if held is not None:
                    held.give_back(broken=True)
                self._local.held = None
                if attempt == 2:
                    raise LedgerError(f"{self.url}: Redis call failed: {exc}") from None
                continue
            except self._errors as exc:
                raise LedgerError(f"{self.url}: Redis call failed: {exc}") from None
            if reply and reply[0] == "reset":
                raise reset_error(self.url, self._epoch, reply[1])
            return reply
        raise AssertionError("unreachable")

    def _current_epoch(self) -> str:
        """The epoch this client works under (points check it too: redis_points.py)."""
        if self._epoch is None:
            self._adopt_epoch()
        assert self._epoch is not None
        return self._epoch

    def _adopt_epoch(self) -> None:
        """A client opened before `init` counted nothing yet: it may adopt the new marker."""
        try:
            self._epoch = self._client.get(self.keys[EPOCH])
        except self._errors as exc:
            raise LedgerError(f"{self.url}: Redis call failed: {exc}") from None
        if self._epoch is None:
            raise reset_error(self.url, None, "")

    def _answer(self, order_id: str, reply: list[Any], verb: str) -> OrderState:
        return redis_answer(self.url, order_id, reply, verb)

    # ------------------------------------------------------------------ contract
    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        return {k: b.total for k, b in self.balances(keys).items()}

    def balances(self, keys: Sequence[str]) -> Mapping[str, Balance]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        return balances(wanted, self._call("balances", *wanted)[1:])

    def reserve(self, order_id: str, claims: Sequence[Claim], ttl: float) -> ReserveOutcome:
        check_order_id(order_id)
        check_ttl(ttl)
        wanted = normalize(claims)
        reply = self._call("reserve", order_id, encode(wanted), repr(float(ttl)))
        return reserve_outcome(self.url, order_id, wanted, reply)

    def commit(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        state = self._answer(order_id, self._call("commit", order_id), "committed")
        if self._wait_replicas:
            try:
                acked = int(self._client.wait(self._wait_replicas, 100))
            except self._errors as exc:
                raise LedgerError(f"{self.url}: WAIT failed: {exc}") from None
            if acked < self._wait_replicas:
                raise LedgerError(
                    f"{self.url}: order {order_id!r} committed on the primary but only {acked} replica(s) "
                    f"acknowledged within 100 ms; retry commit (idempotent) or reconcile"
                )
        return state

    def release(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        return self._answer(order_id, self._call("release", order_id), "released")

    def refund(self, order_id: str, returns: Sequence[Claim], refund_id: str) -> OrderState:
        check_order_id(order_id)
        check_order_id(refund_id)
        wanted = normalize_returns(returns)
        flat: list[object] = []
        for r in wanted:
            flat += [r.key, r.amount]
        reply = self._call("refund", order_id, refund_id, encode_returns(wanted), len(wanted), *flat)
        return self._answer(order_id, reply, "refunded")

    def sweep(self) -> int:
        total = 0
        while True:
            n = int(self._call("sweep", SWEEP_BATCH)[1])
            total += n
            if n < SWEEP_BATCH:
                return total

    def purge(self, older_than: float) -> int:
        """Forget finished orders older than the window; one EVALSHA per batch (see base.Ledger)."""
        check_retention(older_than)
        total = 0
        while True:
            reply = self._call("purge", repr(float(older_than)), PURGE_BATCH)
            expired, purged = int(reply[1]), int(reply[2])
            total += purged
            if expired < PURGE_BATCH and purged < PURGE_BATCH:
                return total

    def state(self, order_id: str) -> OrderState | None:
        check_order_id(order_id)
        reply = self._call("state", order_id)
        if reply[0] == "unknown":
            return None
        return self._answer(order_id, reply, "read")

    def counter_keys(self, prefix: str) -> list[str]:
        pattern = glob_prefix(prefix)
        try:  # the used and held hashes: a counter only ever held is listed too
            found = {k for name in self.keys[:2] for k, _ in self._client.hscan_iter(name, match=pattern)}
        except self._errors as exc:
            raise LedgerError(f"{self.url}: cannot list counters: {exc}") from None
        return sorted(found)

    def flush(self) -> None:
        """Delete this namespace's keys, its epoch marker included (tests); never other data."""
        self._points.flush()
        try:
            self._client.delete(*self.keys)
        except self._errors as exc:
            raise LedgerError(f"{self.url}: {exc}") from None

    def close(self) -> None:
        held: _Held | None = getattr(self._local, "held", None)
        if held is not None:
            held.give_back(broken=True)
            self._local.held = None
        try:
            self._client.close()
        except self._errors as exc:
            raise LedgerError(f"{self.url}: {exc}") from None
