"""The ledger contract, run against every adapter (memory, SQLite, Redis, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from promokit.ledgers import Claim, LedgerConflict, LedgerError, open_ledger

from .conftest import FakeClock, Store, make_store


def stock(amount: int = 1, limit: int | None = 3, key: str = "stock:p") -> Claim:
    return Claim(key, amount, limit, "p")


def test_a_reservation_holds_its_claims_until_commit_makes_them_used(store: Store) -> None:
    ledger = store.open()
    out = ledger.reserve("o1", [stock(2)], ttl=60)
    assert out.ok and out.status == "reserved" and out.failed == ()
    assert ledger.balances(["stock:p"])["stock:p"].held == 2
    state = ledger.commit("o1")
    assert state.status == "committed" and state.expires_at is None
    b = ledger.balances(["stock:p"])["stock:p"]
    assert (b.used, b.held) == (2, 0)
    assert ledger.usage(["stock:p", "never:seen"]) == {"stock:p": 2, "never:seen": 0}


def test_a_cart_that_does_not_fit_takes_nothing_and_names_the_failed_claims(store: Store) -> None:
    ledger = store.open()
    assert ledger.reserve("o1", [stock(2)], ttl=60).ok
    out = ledger.reserve("o2", [Claim("uses:q", 1, 5, "q"), stock(2)], ttl=60)
    assert not out.ok and out.status is None
    assert [c.key for c in out.failed] == ["stock:p"]
    assert ledger.usage(["uses:q", "stock:p"]) == {"uses:q": 0, "stock:p": 2}
    assert ledger.state("o2") is None  # a failed reservation records nothing ...
    assert ledger.reserve("o2", [Claim("uses:q", 1, 5, "q")], ttl=60).ok  # ... so the order can retry


def test_claims_without_a_limit_are_counted_but_never_fail(store: Store) -> None:
    ledger = store.open()
    for i in range(3):
        assert ledger.reserve(f"o{i}", [Claim("stats:p:orders", 1000, None, "p")], ttl=60).ok
    assert ledger.usage(["stats:p:orders"])["stats:p:orders"] == 3000


def test_a_limit_of_zero_refuses_every_claim(store: Store) -> None:
    out = store.open().reserve("o1", [Claim("cuses:p:anon", 1, 0, "p")], ttl=60)
    assert not out.ok and len(out.failed) == 1


def test_replaying_a_reservation_returns_the_first_outcome_and_takes_nothing_more(store: Store) -> None:
    ledger = store.open()
    first = ledger.reserve("o1", [stock(1), Claim("budget:p", 500, 1000, "p")], ttl=60)
    again = ledger.reserve("o1", [Claim("budget:p", 500, 1000, "p"), stock(1)], ttl=60)  # order of claims is irrelevant
    assert first == again
    assert ledger.usage(["stock:p", "budget:p"]) == {"stock:p": 1, "budget:p": 500}


def test_the_same_order_id_with_different_claims_is_a_conflict(store: Store) -> None:
    ledger = store.open()
    ledger.reserve("o1", [stock(1)], ttl=60)
    with pytest.raises(LedgerConflict, match="o1"):
        ledger.reserve("o1", [stock(2)], ttl=60)
    assert ledger.usage(["stock:p"])["stock:p"] == 1


def test_claims_on_one_key_are_merged_before_checking(store: Store) -> None:
    ledger = store.open()
    out = ledger.reserve("o1", [stock(2, 3), stock(2, 5)], ttl=60)
    assert not out.ok and out.failed == (Claim("stock:p", 4, 3, "p"),)


def test_release_gives_the_hold_back_and_is_idempotent(store: Store) -> None:
    ledger = store.open()
    ledger.reserve("o1", [stock(3)], ttl=60)
    assert ledger.release("o1").status == "released"
    assert ledger.release("o1").status == "released"
    assert ledger.usage(["stock:p"])["stock:p"] == 0
    assert ledger.reserve("o1", [stock(3)], ttl=60) == ledger.reserve("o1", [stock(3)], ttl=60)
    assert not ledger.reserve("o1", [stock(3)], ttl=60).ok  # replay of a released order holds nothing
    with pytest.raises(LedgerError, match="cannot be committed"):
        ledger.commit("o1")


def test_commit_is_idempotent_and_a_committed_order_cannot_be_released(store: Store) -> None:
    ledger = store.open()
    ledger.reserve("o1", [stock(1)], ttl=60)
    assert ledger.commit("o1") == ledger.commit("o1")
    assert ledger.usage(["stock:p"])["stock:p"] == 1
    with pytest.raises(LedgerError, match="refund"):
        ledger.release("o1")


def test_unknown_orders_are_errors_for_commit_release_and_refund(store: Store) -> None:
    ledger = store.open()
    assert ledger.state("nope") is None
    with pytest.raises(LedgerError, match="unknown order 'nope'"):
        ledger.commit("nope")
    with pytest.raises(LedgerError, match="unknown order 'nope'"):
        ledger.release("nope")
    with pytest.raises(LedgerError, match="unknown order 'nope'"):
        ledger.refund("nope", [], "r")


def test_reservations_expire_after_their_ttl_lazily_and_by_sweep(store: Store) -> None:
    clock = FakeClock()
    ledger = store.open(clock)
    ledger.reserve("o1", [stock(2)], ttl=10)
    ledger.reserve("o2", [stock(1)], ttl=30)
    clock.advance(10)  # o1's TTL has passed: it expires lazily, on the next access
    assert ledger.usage(["stock:p"])["stock:p"] == 1
    state = ledger.state("o1")
    assert state is not None and state.status == "expired"
    with pytest.raises(LedgerError, match="expired"):
        ledger.commit("o1")
    clock.advance(20)
    assert ledger.sweep() + ledger.sweep() <= 1  # o2 may already have expired lazily
    assert ledger.usage(["stock:p"])["stock:p"] == 0


def test_sweep_releases_every_expired_reservation_and_counts_them(store: Store) -> None:
    clock = FakeClock()
    ledger = store.open(clock)
    for i in range(70):  # more than one expiry batch
        ledger.reserve(f"o{i}", [Claim(f"k{i}", 1, None, "p")], ttl=5)
    clock.advance(6)
    assert ledger.sweep() == 70
    assert ledger.sweep() == 0
    assert set(ledger.usage([f"k{i}" for i in range(70)]).values()) == {0}


def test_refunds_return_committed_amounts_once_per_refund_id(store: Store) -> None:
    ledger = store.open()
    ledger.reserve("o1", [stock(3), Claim("budget:p", 900, None, "p")], ttl=60)
    with pytest.raises(LedgerError, match="cannot be refunded"):
        ledger.refund("o1", [stock(1)], "r1")
    ledger.commit("o1")
    first = ledger.refund("o1", [stock(1), Claim("budget:p", 300, None, "p")], "r1")
    assert first.status == "refunded"
    assert ledger.refund("o1", [Claim("budget:p", 300, None, "p"), stock(1)], "r1") == first
    assert ledger.usage(["stock:p", "budget:p"]) == {"stock:p": 2, "budget:p": 600}
    assert {c.key: c.amount for c in first.returned} == {"stock:p": 1, "budget:p": 300}
    with pytest.raises(LedgerConflict):
        ledger.refund("o1", [stock(2)], "r1")
    with pytest.raises(LedgerError, match="left to return"):
        ledger.refund("o1", [stock(3)], "r2")
    with pytest.raises(LedgerError, match="not claimed"):
        ledger.refund("o1", [Claim("other", 1, None, "p")], "r3")
    ledger.refund("o1", [stock(2)], "r4")
    assert ledger.usage(["stock:p"])["stock:p"] == 0
    assert ledger.commit("o1").status == "refunded"


def test_bad_arguments_are_refused_before_anything_is_taken(store: Store) -> None:
    ledger = store.open()
    for bad in ([Claim("k", 0, 1, "p")], [Claim("k", -1, 1, "p")], [Claim("", 1, 1, "p")]):
        with pytest.raises(ValueError):
            ledger.reserve("o1", bad, ttl=60)
    with pytest.raises(ValueError):
        ledger.reserve("", [stock()], ttl=60)
    with pytest.raises(ValueError):
        ledger.reserve("o1", [stock()], ttl=0)
    assert ledger.state("o1") is None


def test_a_second_client_sees_the_same_counters(store: Store) -> None:
    a, b = store.open(), store.open()
    a.reserve("o1", [stock(2)], ttl=60)
    assert not b.reserve("o2", [stock(2)], ttl=60).ok
    assert b.commit("o1").status == "committed"


def test_keys_and_order_ids_may_hold_any_text(store: Store) -> None:
    ledger = store.open()
    key = 'cuses:p:客户 "1"\\:{x}'
    assert ledger.reserve("订单-1 {tag}", [Claim(key, 1, 1, "促销")], ttl=60).ok
    assert not ledger.reserve("订单-2", [Claim(key, 1, 1, "促销")], ttl=60).ok
    state = ledger.state("订单-1 {tag}")
    assert state is not None and state.claims == (Claim(key, 1, 1, "促销"),)


@pytest.mark.parametrize(
    "url, words",
    [
        ("ftp://user:secret@host/x", "unknown ledger URL scheme ftp://"),
        ("nonsense", "unknown ledger URL scheme (none)"),
        ("redis://user:secret@127.0.0.1:1/0", "cannot reach Redis"),
        ("postgresql://user:secret@127.0.0.1:1/db", "cannot connect to PostgreSQL"),
        ("sqlite:////no/such/dir/x.db", "does not exist"),
    ],
)
def test_bad_urls_raise_a_ledger_error_naming_the_url_without_credentials(url: str, words: str) -> None:
    with pytest.raises(LedgerError) as info:
        open_ledger(url)
    assert words in str(info.value)
    assert "secret" not in str(info.value)


def test_a_dropped_server_connection_loses_nothing_and_the_next_call_reconnects(shared_store: Store) -> None:
    ledger: Any = shared_store.open()
    ledger.reserve("o1", [stock(1)], ttl=60)
    ledger.commit("o1")
    if shared_store.kind == "postgres":  # the server ends our session, as a restart would
        killer = open_ledger(shared_store.url)._conn()  # type: ignore[attr-defined]
        killer.execute("SELECT pg_terminate_backend(%s)", (ledger._conn().info.backend_pid,))
    elif shared_store.kind == "redis":  # the server forgets its scripts and drops clients, as a restart would
        ledger._client.script_flush()
        ledger._client.client_kill_filter(_type="normal", skipme=False)
    else:
        ledger.close()
    assert ledger.reserve("o2", [stock(1)], ttl=60).ok
    state = ledger.state("o1")
    assert state is not None and state.status == "committed"
    assert ledger.usage(["stock:p"])["stock:p"] == 2


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_schema_of_another_version_is_refused(kind: str, tmp_path: Path) -> None:
    store, cleanup = make_store(kind, tmp_path)
    try:
        ledger: Any = store.open()
        if kind == "sqlite":
            ledger._conn().execute("UPDATE promokit_meta SET value = '99' WHERE name = 'schema_version'")
        else:
            ledger._conn().execute(f"UPDATE {ledger.schema}.meta SET value = '99' WHERE name = 'schema_version'")
        with pytest.raises(LedgerError, match="version 99 but this promokit needs 1") as info:
            open_ledger(store.url)
        assert store.url.split("?")[0].split("://")[1].split("/")[0].split("@")[-1] in str(info.value)
    finally:
        cleanup()


def test_large_money_amounts_stay_exact(store: Store) -> None:
    ledger = store.open()
    big = 10**15 + 7  # minor units: beyond what a 14-digit float print keeps
    assert ledger.reserve("o1", [Claim("budget:p", big, big + 1, "p")], ttl=60).ok
    ledger.commit("o1")
    ledger.refund("o1", [Claim("budget:p", 3, None, "p")], "r1")
    state = ledger.refund("o1", [Claim("budget:p", 10**15 + 1, None, "p")], "r2")
    assert state.returned == (Claim("budget:p", 10**15 + 4, big + 1, "p"),)
    assert ledger.balances(["budget:p"])["budget:p"].used == 3
    assert not ledger.reserve("o2", [Claim("budget:p", big - 1, big + 1, "p")], ttl=60).ok  # one too many
    assert ledger.reserve("o3", [Claim("budget:p", big - 2, big + 1, "p")], ttl=60).ok  # exactly full
