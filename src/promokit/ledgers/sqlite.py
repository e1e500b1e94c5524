"""`sqlite:///path.db`: the embedded, durable ledger for one machine.

URL paths follow SQLAlchemy: `sqlite:///orders.db` is relative to the working
directory, `sqlite:////var/lib/shop/ledger.db` is absolute.

Why these settings:
- WAL journal: readers never block the writer and the writer never blocks readers.
- `BEGIN IMMEDIATE` for every call: the write lock is taken up front, so two
  processes cannot both read a counter and then both write it (no lost update,
  no oversell) and SQLite never has to abort a deferred transaction on upgrade.
- `synchronous=NORMAL`: in WAL mode a commit survives a crash of the process; a
  power loss can lose the last few transactions but never corrupts the file.
  FULL is 2-5x slower (docs/performance.md). Pass `?synchronous=FULL` to choose it.
- `busy_timeout`: a writer waits for the lock instead of failing (default 30 s,
  `?busy_timeout_ms=`).
One connection per thread and per process (connections are not shared across fork).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ._core import Clock, Order, StoreLedger, batched, decode, encode, redact
from .base import Balance, LedgerError
from .points import PointsBook
from .points_stores import SQLITE_SCHEMA, SQLitePointsStore

#: 2 added promokit_orders.changed_at (for `purge`); a version 1 file is migrated on open.
#: 3 added the points tables (points_stores.py); created on open, nothing else changes.
SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS promokit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS promokit_counters (
    key TEXT PRIMARY KEY, used INTEGER NOT NULL DEFAULT 0, held INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS promokit_orders (
    order_id TEXT PRIMARY KEY, status TEXT NOT NULL, claims TEXT NOT NULL,
    expires_at REAL, returned TEXT NOT NULL DEFAULT '{}', refunds TEXT NOT NULL DEFAULT '{}',
    changed_at REAL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS promokit_orders_due ON promokit_orders (expires_at) WHERE status = 'reserved';
"""

# Run after the version check (a version 1 table has no changed_at column yet).
_INDEXES_V2 = """
CREATE INDEX IF NOT EXISTS promokit_orders_changed ON promokit_orders (changed_at) WHERE status <> 'reserved'
"""

# Version 1 -> 2. A v1 row does not know when it last changed: expires_at is an upper bound
# for reserved/released/expired orders and committed ones get the migration time, so the
# retention window is counted from the migration at the earliest — never purges too soon.
_MIGRATE_V1 = (
    "ALTER TABLE promokit_orders ADD COLUMN changed_at REAL",
    "UPDATE promokit_orders SET changed_at = coalesce(expires_at, ?)",
)

_COLUMNS = "order_id, status, claims, expires_at, returned, refunds, changed_at"


def sqlite_path(url: str) -> str:
    parts = urlsplit(url)
    if parts.netloc:
        raise LedgerError(
            f"{redact(url)}: a SQLite URL has no host; use sqlite:///relative.db or sqlite:////abs.db"
        )
    path = parts.path[1:] if parts.path.startswith("/") else parts.path
    if not path or path == ":memory:":
        raise LedgerError(
            f"{redact(url)}: give a database file (sqlite:///ledger.db); use memory:// for in-memory"
        )
    return path


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is open; a failing rollback must not hide the first error."""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


class SQLiteLedger(StoreLedger):
    def __init__(self, url: str, *, clock: Clock | None = None) -> None:
        super().__init__(redact(url), clock)
        self.path = sqlite_path(url)
        query = parse_qs(urlsplit(url).query)
        self._synchronous = query.get("synchronous", ["NORMAL"])[0].upper()
        if self._synchronous not in ("NORMAL", "FULL", "OFF", "EXTRA"):
            raise LedgerError(f"{self.url}: synchronous must be NORMAL, FULL, EXTRA or OFF")
        try:
            self._busy_ms = int(query.get("busy_timeout_ms", ["30000"])[0])
        except ValueError:
            raise LedgerError(f"{self.url}: busy_timeout_ms must be an integer") from None
        self._local = threading.local()
        self.points = PointsBook(
            self.url, SQLitePointsStore(self.url, self._conn, self._tx, self._read_tx), self._clock
        )
        self.init()

    def init(self) -> None:
        """Create the schema (idempotent) and check its version."""
        parent = Path(self.path).parent
        if not parent.is_dir():
            raise LedgerError(f"{self.url}: directory {str(parent)!r} does not exist")
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in (_SCHEMA + ";" + SQLITE_SCHEMA).split(";"):
                if statement.strip():
                    conn.execute(statement)
            row = conn.execute("SELECT value FROM promokit_meta WHERE name = 'schema_version'").fetchone()
            if row is not None and row[0] not in ("1", "2", str(SCHEMA_VERSION)):
                conn.execute("ROLLBACK")
                raise LedgerError(
                    f"{self.url}: schema version {row[0]} but this promokit needs {SCHEMA_VERSION}"
                )
            if row is not None and row[0] == "1":
                conn.execute(_MIGRATE_V1[0])
                conn.execute(_MIGRATE_V1[1], (self._clock(),))
            conn.execute(_INDEXES_V2)
            conn.execute(
                "INSERT INTO promokit_meta VALUES ('schema_version', ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise LedgerError(f"{self.url}: cannot initialise the ledger: {exc}") from None

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            return conn
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=self._busy_ms / 1000
            )
            conn.execute(f"PRAGMA busy_timeout={self._busy_ms}")
            self._use_wal(conn)
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.url}: cannot open the database: {exc}") from None
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """Switch the file to WAL once; later connections only read the (persistent) mode.

        Switching needs an exclusive lock and SQLite does not call the busy handler for it,
        so many processes opening the same new file at once can see "database is locked":
        retry within the busy timeout instead of failing.
        """
        deadline = time.monotonic() + self._busy_ms / 1000
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    @contextmanager
    def _tx(self) -> Iterator[None]:
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.url}: {exc}") from None
        try:
            yield
            conn.execute("COMMIT")
        except sqlite3.Error as exc:  # e.g. a corrupt file found mid-transaction: LedgerError
            _rollback(conn)
            raise LedgerError(f"{self.url}: {exc}") from None
        except BaseException:
            _rollback(conn)
            raise

    @contextmanager
    def _read_tx(self) -> Iterator[None]:
        # A deferred transaction reads a WAL snapshot without taking the write lock, so
        # pricing reads never queue behind reservations.
        conn = self._conn()
        try:
            conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.url}: {exc}") from None
        try:
            yield
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise LedgerError(f"{self.url}: {exc}") from None
        except BaseException:
            _rollback(conn)
            raise

    def _get_balances(self, keys: Sequence[str]) -> dict[str, Balance]:
        found = {k: Balance() for k in keys}
        conn = self._conn()
        for chunk in batched(list(keys), 500):
            marks = ",".join("?" * len(chunk))
            for key, used, held in conn.execute(
                f"SELECT key, used, held FROM promokit_counters WHERE key IN ({marks})", tuple(chunk)
            ):
                found[key] = Balance(used, held)
        return found

    def _put_balances(self, changes: Mapping[str, Balance]) -> None:
        self._conn().executemany(
            "INSERT INTO promokit_counters (key, used, held) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET used = excluded.used, held = excluded.held",
            [(k, b.used, b.held) for k, b in changes.items()],
        )

    @staticmethod
    def _order(row: tuple[str, str, str, float | None, str, str, float | None]) -> Order:
        order_id, status, claims, expires_at, returned, refunds, changed_at = row
        return Order(
            order_id,
            status,  # type: ignore[arg-type]  # the CHECK constraint keeps it one of Status
            decode(claims),
            expires_at,
            json.loads(returned),
            json.loads(refunds),
            changed_at or 0.0,
        )

    def _get_order(self, order_id: str) -> Order | None:
        row = (
            self._conn()
            .execute(
                f"SELECT {_COLUMNS} FROM promokit_orders WHERE order_id = ?",
                (order_id,),
            )
            .fetchone()
        )
        return None if row is None else self._order(row)

    def _put_order(self, order: Order, *, new: bool) -> None:
        self._conn().execute(
            f"INSERT OR REPLACE INTO promokit_orders ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                order.order_id,
                order.status,
                encode(order.claims),
                order.expires_at,
                json.dumps(order.returned, sort_keys=True) if order.returned else "{}",
                json.dumps(order.refunds, sort_keys=True) if order.refunds else "{}",
                order.changed_at,
            ),
        )

    def _due(self, now: float, limit: int | None) -> list[Order]:
        rows = (
            self._conn()
            .execute(
                f"SELECT {_COLUMNS} FROM promokit_orders "
                "WHERE status = 'reserved' AND expires_at <= ? ORDER BY expires_at LIMIT ?",
                (now, -1 if limit is None else limit),
            )
            .fetchall()
        )
        return [self._order(r) for r in rows]

    def _purgeable(self, cutoff: float, limit: int) -> list[str]:
        rows = (
            self._conn()
            .execute(
                "SELECT order_id FROM promokit_orders WHERE status <> 'reserved' AND changed_at < ? "
                "ORDER BY changed_at LIMIT ?",
                (cutoff, limit),
            )
            .fetchall()
        )
        return [r[0] for r in rows]

    def _delete_orders(self, order_ids: Sequence[str]) -> None:
        self._conn().executemany("DELETE FROM promokit_orders WHERE order_id = ?", [(i,) for i in order_ids])

    def counter_keys(self, prefix: str) -> list[str]:
        # substr, not LIKE: `%` and `_` occur in percent-encoded keys
        with self._read_tx():
            rows = (
                self._conn()
                .execute(
                    "SELECT key FROM promokit_counters WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
                )
                .fetchall()
            )
        return sorted(str(r[0]) for r in rows)

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
