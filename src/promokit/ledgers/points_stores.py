"""Points storage for the memory and SQLite ledgers (the PointsStore of points.py).

Both run a whole points operation inside `atomic()` — the memory ledger's lock, SQLite's
`BEGIN IMMEDIATE` — so the compare-and-set in `write` never fails for them; it is still
checked, as a guard against a caller that writes outside `atomic()`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from ._core import batched
from .base import LedgerError


class MemoryPointsStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._accounts: dict[str, tuple[int, str, float | None]] = {}
        self._records: dict[str, str] = {}
        self._moves: dict[str, list[str]] = {}

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self._lock:
            yield

    def read_account(self, customer: str) -> tuple[int, str | None]:
        with self._lock:
            version, doc, _ = self._accounts.get(customer, (0, None, None))
            return version, doc

    def read_records(self, keys: Sequence[str]) -> dict[str, str]:
        with self._lock:
            return {k: self._records[k] for k in keys if k in self._records}

    def write(
        self,
        customer: str,
        version: int,
        doc: str,
        next_due: float | None,
        moves: Sequence[str],
        records: dict[str, str],
    ) -> bool:
        with self._lock:
            if self._accounts.get(customer, (0, None, None))[0] != version:
                return False
            self._accounts[customer] = (version + 1, doc, next_due)
            self._moves.setdefault(customer, []).extend(moves)
            self._records.update(records)
            return True

    def history(self, customer: str, limit: int) -> list[str]:
        with self._lock:
            return list(self._moves.get(customer, [])[-limit:]) if limit > 0 else []

    def due(self, now: float, limit: int) -> list[str]:
        # A scan: the memory ledger serves tests and one-process tools.
        with self._lock:
            due = sorted((d, c) for c, (_, _, d) in self._accounts.items() if d is not None and d <= now)
            return [c for _, c in due[:limit]]


#: Created with the rest of the SQLite schema (sqlite.py, schema version 3).
SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS promokit_points_accounts (
    customer TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL, next_due REAL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS promokit_points_due ON promokit_points_accounts (next_due) WHERE next_due IS NOT NULL;
CREATE TABLE IF NOT EXISTS promokit_points_records (key TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS promokit_points_moves (
    id INTEGER PRIMARY KEY AUTOINCREMENT, customer TEXT NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS promokit_points_moves_customer ON promokit_points_moves (customer, id)
"""


class SQLitePointsStore:
    """On the SQLite ledger's file, per-thread connection (`conn`) and transactions: `tx` is the
    ledger's own `BEGIN IMMEDIATE` (driver errors become `LedgerError` there), `read_tx` its
    snapshot read."""

    def __init__(
        self,
        url: str,
        conn: Callable[[], sqlite3.Connection],
        tx: Callable[[], AbstractContextManager[None]],
        read_tx: Callable[[], AbstractContextManager[None]],
    ) -> None:
        self.url = url
        self._conn = conn
        self.atomic = tx
        self._read_tx = read_tx

    def read_account(self, customer: str) -> tuple[int, str | None]:
        row = (
            self._conn()
            .execute("SELECT version, doc FROM promokit_points_accounts WHERE customer = ?", (customer,))
            .fetchone()
        )
        return (0, None) if row is None else (int(row[0]), str(row[1]))

    def read_records(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in batched(list(keys), 500):
            marks = ",".join("?" * len(chunk))
            for key, body in self._conn().execute(
                f"SELECT key, body FROM promokit_points_records WHERE key IN ({marks})", tuple(chunk)
            ):
                found[key] = body
        return found

    def write(
        self,
        customer: str,
        version: int,
        doc: str,
        next_due: float | None,
        moves: Sequence[str],
        records: dict[str, str],
    ) -> bool:
        conn = self._conn()
        if version == 0:
            cur = conn.execute(
                "INSERT INTO promokit_points_accounts VALUES (?, 1, ?, ?) ON CONFLICT (customer) DO NOTHING",
                (customer, doc, next_due),
            )
        else:
            cur = conn.execute(
                "UPDATE promokit_points_accounts SET version = version + 1, doc = ?, next_due = ? "
                "WHERE customer = ? AND version = ?",
                (doc, next_due, customer, version),
            )
        if cur.rowcount != 1:
            return False
        conn.executemany(
            "INSERT INTO promokit_points_moves (customer, body) VALUES (?, ?)", [(customer, m) for m in moves]
        )
        conn.executemany(
            "INSERT INTO promokit_points_records VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET body = excluded.body",
            list(records.items()),
        )
        return True

    def history(self, customer: str, limit: int) -> list[str]:
        rows = self._read(
            "SELECT body FROM promokit_points_moves WHERE customer = ? ORDER BY id DESC LIMIT ?",
            (customer, limit),
        )
        return [r[0] for r in reversed(rows)]

    def due(self, now: float, limit: int) -> list[str]:
        rows = self._read(
            "SELECT customer FROM promokit_points_accounts WHERE next_due <= ? ORDER BY next_due LIMIT ?",
            (now, limit),
        )
        return [r[0] for r in rows]

    def _read(self, sql: str, args: tuple[object, ...]) -> list[tuple[str, ...]]:
        """A query outside `atomic`: in a snapshot read, driver errors as `LedgerError`."""
        try:
            with self._read_tx():
                return list(self._conn().execute(sql, args).fetchall())
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.url}: {exc}") from None
