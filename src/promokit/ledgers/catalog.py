"""Listing a ledger's counters by key prefix: what campaign statistics are read from.

The ledger contract (base.py) reads counters by name; statistics also need to find names
(which promotions, days, customers and codes were counted). Each adapter stores counters
in one place, so listing is one read-only query per adapter: a dict scan (memory), a
`substr` match on the counters table (SQLite, PostgreSQL; no LIKE, whose wildcards `%`
and `_` occur in percent-encoded keys) and HSCAN over the used and held hashes (Redis,
with the glob characters escaped). Kept out of the adapters' modules: it is a read path
for reports, not part of taking claims.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping

from .base import Balance, Ledger, LedgerError
from .memory import MemoryLedger
from .postgres import PostgresLedger
from .redis import RedisLedger
from .sqlite import SQLiteLedger

_GLOB = re.compile(r"([*?\[\]\\])")


def counters(ledger: Ledger, prefix: str) -> Mapping[str, Balance]:
    """Every counter whose key starts with `prefix`, with its balance (sorted by key)."""
    if isinstance(ledger, MemoryLedger):
        with ledger._lock:
            found = [k for k in ledger._counters if k.startswith(prefix)]
    elif isinstance(ledger, SQLiteLedger):
        try:
            rows = ledger._conn().execute(
                "SELECT key FROM promokit_counters WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
            )
            found = [str(r[0]) for r in rows]
        except sqlite3.Error as exc:
            raise LedgerError(f"{ledger.url}: cannot list counters: {exc}") from None
    elif isinstance(ledger, PostgresLedger):
        try:
            cur = ledger._conn().execute(
                f"SELECT key FROM {ledger.schema}.counters WHERE left(key, %s) = %s", (len(prefix), prefix)
            )
            found = [str(r[0]) for r in cur.fetchall()]
        except ledger._psycopg.Error as exc:
            raise LedgerError(f"{ledger.url}: cannot list counters: {exc}") from None
    elif isinstance(ledger, RedisLedger):
        pattern = _GLOB.sub(r"\\\1", prefix) + "*"
        try:
            found = sorted(
                {k for name in ledger.keys[:2] for k, _ in ledger._client.hscan_iter(name, match=pattern)}
            )
        except ledger._errors as exc:
            raise LedgerError(f"{ledger.url}: cannot list counters: {exc}") from None
    else:
        raise LedgerError(f"{ledger.url}: this ledger cannot list its counters for statistics")
    return dict(sorted(ledger.balances(found).items())) if found else {}
