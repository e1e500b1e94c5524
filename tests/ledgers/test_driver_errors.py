"""Driver errors reach the caller as LedgerError (issue 15, item 8): a SQLite file corrupted
under an open ledger raised `sqlite3.DatabaseError` from every call."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit.ledgers import Claim, LedgerError, open_ledger


def test_a_sqlite_file_corrupted_under_an_open_ledger_raises_ledger_error(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    ledger = open_ledger(f"sqlite:///{path}")
    for i in range(300):
        assert ledger.reserve(f"o{i}", [Claim(f"stock:p{i}", 1, 100, "p")], ttl=60).ok
    ledger.close()
    reopened = open_ledger(f"sqlite:///{path}")
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 7):
        data[offset] = 0xAB
    path.write_bytes(bytes(data))
    for call in (
        lambda: reopened.usage(["stock:p1"]),
        lambda: reopened.reserve("x", [Claim("stock:p1", 1, 100, "p")], ttl=60),
        lambda: reopened.state("o1"),
        lambda: reopened.sweep(),
    ):
        with pytest.raises(LedgerError, match="malformed|not a database"):
            call()
    with pytest.raises(LedgerError, match="malformed|not a database"):
        open_ledger(f"sqlite:///{path}")
