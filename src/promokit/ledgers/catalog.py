"""Listing a ledger's counters by key prefix: what campaign statistics are read from.

The ledger contract (base.py) reads counters by name; statistics also need to find names
(which promotions, days, customers and codes were counted). Every adapter lists them with
`counter_keys(prefix)` — one read-only query: a dict scan (memory), a `substr`/`left` match
on the counters table (SQLite, PostgreSQL; no LIKE, whose wildcards `%` and `_` occur in
percent-encoded keys) and HSCAN over the used and held hashes (Redis, with the glob
characters escaped) — and this module reads their balances in one `balances` call.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Balance, Ledger, LedgerError


def counters(ledger: Ledger, prefix: str) -> Mapping[str, Balance]:
    """Every counter whose key starts with `prefix`, with its balance (sorted by key)."""
    listing = getattr(ledger, "counter_keys", None)
    if listing is None:  # a ledger of the application's own making, from before the method
        raise LedgerError(
            f"{getattr(ledger, 'url', ledger)}: this ledger cannot list its counters for statistics "
            "(it has no counter_keys(prefix): docs/ledgers.md#listing-counters)"
        )
    found: list[str] = listing(prefix)
    return dict(sorted(ledger.balances(found).items())) if found else {}
