"""`postgresql://user@host:port/db[?schema=NAME]`: the ledger for a shop that already runs PostgreSQL.

psycopg 3, autocommit: each call is ONE `SELECT schema.pk_*(...)` (a plpgsql function,
see postgres_sql.py), so a whole cart is one round trip and one transaction; the
function locks counter rows in key order. The schema (default `promokit`) is created
by `promokit ledger init URL` and idempotently on first use, under an advisory lock
so concurrent first users do not race. A `meta` table records the schema version;
a different version raises LedgerError instead of corrupting counters.
Durability is PostgreSQL's: a committed reservation survives a server restart or
crash. Holds are soft by default (see postgres_sql.py; `?durable_holds=1` for fully
synchronous holds).
Transient errors (deadlock, serialization, a concurrent insert of the same order id)
are retried a few times; the functions make every retry safe.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
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
from .points import PointsBook
from .postgres_points import POINTS_DDL, PostgresPointsStore
from .postgres_sql import DDL, MIGRATE_V1, SCHEMA_VERSION
from .replies import balances, postgres_answer, reserve_outcome

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_RETRY = {"40P01", "40001", "23505"}  # deadlock, serialization failure, unique violation


def _import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise LedgerError("the PostgreSQL ledger needs psycopg 3: pip install 'promokit[postgres]'") from None
    return psycopg


class PostgresLedger:
    campaign_stats: bool = True  # set by open_ledger (docs/ledgers.md#campaign-statistics-off)

    def __init__(self, url: str, *, clock: Clock | None = None, init: bool = True) -> None:
        self._psycopg = _import_psycopg()
        self.url = redact(url)
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.schema = query.pop("schema", "promokit")
        self._soft = query.pop("durable_holds", "0") not in ("1", "true", "yes", "on")
        if not _NAME.match(self.schema):
            raise LedgerError(f"{self.url}: schema must be a lower-case SQL name, got {self.schema!r}")
        self._conninfo = urlunsplit(parts._replace(scheme="postgresql", query=urlencode(query)))
        self._clock = clock
        self._local = threading.local()
        self.points = PointsBook(self.url, PostgresPointsStore(self._call), clock)
        if init:
            self.init()

    # ------------------------------------------------------------------ plumbing
    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid() and not conn.closed:
            return conn
        try:
            conn = self._psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
        except self._psycopg.Error as exc:
            raise LedgerError(f"{self.url}: cannot connect to PostgreSQL: {_first_line(exc)}") from None
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def init(self) -> None:
        """Create or upgrade-check the schema (idempotent; safe to run concurrently)."""
        conn = self._conn()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"promokit:{self.schema}",))
                exists = conn.execute(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'meta'",
                    (self.schema,),
                ).fetchone()
                version = None
                if exists:
                    row = conn.execute(
                        f"SELECT value FROM {self.schema}.meta WHERE name = 'schema_version'"
                    ).fetchone()
                    version = None if row is None else row[0]
                if version not in (None, "1", "2", str(SCHEMA_VERSION)):
                    raise LedgerError(
                        f"{self.url}: ledger schema {self.schema!r} has version {version} "
                        f"but this promokit needs {SCHEMA_VERSION}"
                    )
                if version != str(SCHEMA_VERSION):
                    if version == "1":  # created by an earlier promokit: add changed_at first
                        now = None if self._clock is None else float(self._clock())
                        conn.execute(MIGRATE_V1[0].replace("@", self.schema))
                        conn.execute(MIGRATE_V1[1].replace("@", self.schema), (now,))
                    conn.execute((DDL + POINTS_DDL).replace("@", self.schema))
                    conn.execute(
                        f"INSERT INTO {self.schema}.meta VALUES ('schema_version', %s) "
                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                        (str(SCHEMA_VERSION),),
                    )
        except self._psycopg.Error as exc:
            raise LedgerError(
                f"{self.url}: cannot initialise the ledger schema: {_first_line(exc)}"
            ) from None

    def _call(self, function: str, *args: object) -> list[str]:
        now = None if self._clock is None else float(self._clock())
        marks = ", ".join(["%s"] * (len(args) + 1))
        query = f"SELECT {self.schema}.{function}({marks})"
        reconnected = False
        for attempt in range(8):
            conn = self._conn()
            try:
                row = conn.execute(query, (*args, now), prepare=True).fetchone()
                return list(row[0])
            except self._psycopg.Error as exc:
                if getattr(exc, "sqlstate", None) in _RETRY and attempt < 7:
                    time.sleep(0.001 * 2**attempt)
                    continue
                if conn.closed or conn.broken:
                    # The connection died (server restart, failover, idle kill). Every call is
                    # idempotent per order/refund id, so one retry on a fresh connection is safe
                    # even if the first attempt committed before the connection dropped.
                    self._local.conn = None
                    if not reconnected:
                        reconnected = True
                        continue
                raise LedgerError(f"{self.url}: {function} failed: {_first_line(exc)}") from None
        raise AssertionError("unreachable")

    def _answer(self, order_id: str, reply: list[str], verb: str) -> OrderState:
        return postgres_answer(self.url, order_id, reply, verb)

    # ------------------------------------------------------------------ contract
    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        return {k: b.total for k, b in self.balances(keys).items()}

    def balances(self, keys: Sequence[str]) -> Mapping[str, Balance]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        return balances(wanted, self._call("pk_balances", wanted))

    def reserve(self, order_id: str, claims: Sequence[Claim], ttl: float) -> ReserveOutcome:
        check_order_id(order_id)
        check_ttl(ttl)
        wanted = normalize(claims)
        reply = self._call(
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

    def commit(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        return self._answer(order_id, self._call("pk_finish", order_id, "commit", self._soft), "committed")

    def release(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        return self._answer(order_id, self._call("pk_finish", order_id, "release", self._soft), "released")

    def refund(self, order_id: str, returns: Sequence[Claim], refund_id: str) -> OrderState:
        check_order_id(order_id)
        check_order_id(refund_id)
        wanted = normalize_returns(returns)
        reply = self._call(
            "pk_refund",
            order_id,
            refund_id,
            encode_returns(wanted),
            [r.key for r in wanted],
            [r.amount for r in wanted],
        )
        return self._answer(order_id, reply, "refunded")

    def sweep(self) -> int:
        total = 0
        while True:
            now = None if self._clock is None else float(self._clock())
            conn = self._conn()
            try:
                row = conn.execute(
                    f"SELECT {self.schema}.pk_expire_due({self.schema}.pk_now(%s), %s)", (now, EXPIRE_BATCH)
                ).fetchone()
            except self._psycopg.Error as exc:
                raise LedgerError(f"{self.url}: sweep failed: {_first_line(exc)}") from None
            total += int(row[0])
            if int(row[0]) < EXPIRE_BATCH:
                return total

    def purge(self, older_than: float) -> int:
        """Forget finished orders older than the window; one `pk_purge` call per batch (see base.Ledger)."""
        check_retention(older_than)
        total = 0
        while True:
            reply = self._call("pk_purge", float(older_than), PURGE_BATCH)
            expired, purged = int(reply[0]), int(reply[1])
            total += purged
            if expired < PURGE_BATCH and purged < PURGE_BATCH:
                return total

    def state(self, order_id: str) -> OrderState | None:
        check_order_id(order_id)
        reply = self._call("pk_finish", order_id, "state", self._soft)
        if reply[0] == "unknown":
            return None
        return self._answer(order_id, reply, "read")

    def counter_keys(self, prefix: str) -> list[str]:
        # left(), not LIKE: `%` and `_` occur in percent-encoded keys
        try:
            cur = self._conn().execute(
                f"SELECT key FROM {self.schema}.counters WHERE left(key, %s) = %s", (len(prefix), prefix)
            )
            rows = cur.fetchall()
        except self._psycopg.Error as exc:
            raise LedgerError(f"{self.url}: cannot list counters: {_first_line(exc)}") from None
        return sorted(str(r[0]) for r in rows)

    def drop(self) -> None:
        """Drop this ledger's schema (tests and `ledger init --reset`); other schemas are untouched."""
        try:
            self._conn().execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        except self._psycopg.Error as exc:
            raise LedgerError(f"{self.url}: {_first_line(exc)}") from None

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
