"""The ledger contract, run against every adapter (memory, SQLite, Redis, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from promokit.ledgers import Balance, Claim, LedgerConflict, LedgerError, open_ledger
from promokit.ledgers._core import PURGE_BATCH

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
    again = ledger.reserve(
        "o1", [Claim("budget:p", 500, 1000, "p"), stock(1)], ttl=60
    )  # order of claims is irrelevant
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
            ledger._conn().execute(
                f"UPDATE {ledger.schema}.meta SET value = '99' WHERE name = 'schema_version'"
            )
        with pytest.raises(LedgerError, match="version 99 but this promokit needs 3") as info:
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


# ---------------------------------------------------------------------- retention (purge)
DAY = 86400.0


def finished_and_live_orders(ledger: Any, clock: FakeClock) -> None:
    """At day 0: o-committed, o-released, o-refunded (2 of 3 back), o-expired (TTL 10 s),
    o-live (a reservation with a 3-day TTL). At day 1.9: o-recent committed."""
    ledger.reserve("o-committed", [stock(2, None), Claim("budget:p", 700, 5000, "p")], ttl=60)
    ledger.commit("o-committed")
    ledger.reserve("o-released", [stock(1, None)], ttl=60)
    ledger.release("o-released")
    ledger.reserve("o-refunded", [stock(3, None)], ttl=60)
    ledger.commit("o-refunded")
    ledger.refund("o-refunded", [stock(2, None)], "r1")
    ledger.reserve("o-expired", [stock(4, None)], ttl=10)
    ledger.reserve("o-live", [stock(5, None), Claim("budget:p", 100, 5000, "p")], ttl=3 * DAY)
    clock.advance(1.9 * DAY)
    ledger.reserve("o-recent", [stock(1, None)], ttl=60)
    ledger.commit("o-recent")
    clock.advance(0.1 * DAY)  # now: day 2


def test_purge_forgets_only_finished_orders_older_than_the_window_and_keeps_counters(store: Store) -> None:
    clock = FakeClock()
    ledger: Any = store.open(clock)
    finished_and_live_orders(ledger, clock)
    keys = ["stock:p", "budget:p"]
    before = ledger.balances(keys)
    # conservation: used = committed minus refunded, held = the live reservation only
    assert before == {"stock:p": Balance(used=2 + 1 + 1, held=5), "budget:p": Balance(used=700, held=100)}
    assert ledger.purge(1 * DAY) == 4  # committed, released, refunded, expired: all last changed at day 0
    assert ledger.balances(keys) == before  # records go, counters stay exact
    for gone in ("o-committed", "o-released", "o-refunded", "o-expired"):
        assert ledger.state(gone) is None
    live, recent = ledger.state("o-live"), ledger.state("o-recent")
    assert live is not None and live.status == "reserved"  # older than the window, but live
    assert recent is not None and recent.status == "committed"  # finished inside the window
    assert ledger.purge(1 * DAY) == 0  # idempotent
    assert ledger.commit("o-live").status == "committed"  # the untouched reservation still works
    assert ledger.balances(keys) == {
        "stock:p": Balance(used=9, held=0),
        "budget:p": Balance(used=800, held=0),
    }


def test_a_refund_or_commit_after_purge_is_refused_and_a_late_reserve_reserves_again(store: Store) -> None:
    clock = FakeClock()
    ledger = store.open(clock)
    ledger.reserve("o1", [stock(2)], ttl=60)
    ledger.commit("o1")
    clock.advance(31 * DAY)
    assert ledger.purge(30 * DAY) == 1
    with pytest.raises(LedgerError, match="unknown order 'o1'.*purged after the retention window"):
        ledger.refund("o1", [stock(1)], "r1")
    with pytest.raises(LedgerError, match="unknown order 'o1'"):
        ledger.commit("o1")
    assert ledger.usage(["stock:p"])["stock:p"] == 2  # the refund gave nothing back
    # The documented trade-off: the id is forgotten, so a replayed reserve takes again.
    assert ledger.reserve("o1", [stock(1)], ttl=60).ok
    assert ledger.usage(["stock:p"])["stock:p"] == 3


def test_purge_counts_age_from_the_last_change_and_the_window_is_exclusive(store: Store) -> None:
    clock = FakeClock()
    ledger = store.open(clock)
    ledger.reserve("o1", [stock(1)], ttl=60)
    ledger.commit("o1")
    clock.advance(50)
    ledger.refund("o1", [stock(1)], "r1")  # a refund is a change: the window restarts
    clock.advance(100)
    assert ledger.purge(100) == 0  # exactly 100 s old is not older than 100 s
    clock.advance(1)
    assert ledger.purge(100) == 1
    with pytest.raises(ValueError):
        ledger.purge(-1)


def test_a_reservation_past_its_ttl_is_expired_by_purge_and_purged_once_its_expiry_is_old(
    store: Store,
) -> None:
    clock = FakeClock()
    ledger = store.open(clock)
    ledger.reserve("o1", [stock(2)], ttl=10)
    clock.advance(20)  # expired at +10, nobody touched it
    assert ledger.purge(60) == 0  # expired now (holds back), but its expiry is only 10 s old
    assert ledger.usage(["stock:p"])["stock:p"] == 0
    state = ledger.state("o1")
    assert state is not None and state.status == "expired"
    clock.advance(60)
    assert ledger.purge(60) == 1


def test_purge_works_through_more_orders_than_one_batch(store: Store) -> None:
    clock = FakeClock()
    ledger = store.open(clock)
    for i in range(PURGE_BATCH + 20):
        ledger.reserve(f"o{i}", [Claim("k", 1, None, "p")], ttl=5)
    clock.advance(100)
    assert ledger.purge(10) == PURGE_BATCH + 20
    assert ledger.usage(["k"])["k"] == 0


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_version_1_schema_is_migrated_and_its_old_orders_age_from_the_migration(
    kind: str, tmp_path: Path
) -> None:
    store, cleanup = make_store(kind, tmp_path)
    try:
        clock = FakeClock()
        ledger: Any = store.open(clock)
        ledger.reserve("old", [stock(2)], ttl=60)
        ledger.commit("old")
        # Turn the store back into what `promokit ledger init` of version 1 created.
        if kind == "sqlite":
            conn = ledger._conn()
            conn.execute("DROP INDEX promokit_orders_changed")
            conn.execute("ALTER TABLE promokit_orders DROP COLUMN changed_at")
            conn.execute("UPDATE promokit_meta SET value = '1' WHERE name = 'schema_version'")
        else:
            s = ledger.schema
            conn = ledger._conn()
            conn.execute(f"DROP FUNCTION {s}.pk_purge")
            conn.execute(f"ALTER TABLE {s}.orders DROP COLUMN changed_at")
            conn.execute(f"UPDATE {s}.meta SET value = '1' WHERE name = 'schema_version'")
        ledger.close()
        clock.advance(100 * DAY)
        migrated: Any = store.open(clock)  # opening migrates
        state = migrated.state("old")
        assert state is not None and state.status == "committed"
        assert migrated.usage(["stock:p"])["stock:p"] == 2
        assert migrated.purge(30 * DAY) == 0  # its age counts from the migration, not from day 0
        clock.advance(31 * DAY)
        assert migrated.purge(30 * DAY) == 1
        assert migrated.usage(["stock:p"])["stock:p"] == 2
        assert store.open(clock).purge(30 * DAY) == 0  # reopening a version 2 schema changes nothing
    finally:
        cleanup()


def test_counter_keys_lists_by_literal_prefix_sorted_held_and_given_back_included(store: Store) -> None:
    """`counter_keys(prefix)`: wildcards of LIKE (`%`, `_`) and of Redis globs (`*`, `?`, `[`)
    are characters of the prefix; held-only and given-back (0) counters are listed."""
    ledger = store.open()
    names = ["stats:a_b:x", "stats:aXb:x", "stats:a%b:y", "stats:a*b:z", "stats:a?b:[1]", "stock:a_b"]
    assert ledger.reserve("o1", [Claim(k, 1, None, "p") for k in names[:3]], ttl=60).ok
    ledger.commit("o1")
    assert ledger.reserve("o2", [Claim(k, 1, None, "p") for k in names[3:]], ttl=60).ok  # held only
    assert ledger.reserve("o3", [Claim("stats:gone", 1, None, "p")], ttl=60).ok
    ledger.release("o3")  # given back to 0: still a counter the ledger knows
    assert ledger.counter_keys("stats:") == sorted([*names[:5], "stats:gone"])
    assert ledger.counter_keys("stats:a_b:") == ["stats:a_b:x"]  # `_` is not "any character"
    assert ledger.counter_keys("stats:a%") == ["stats:a%b:y"]  # `%` is not "anything"
    assert ledger.counter_keys("stats:a*") == ["stats:a*b:z"]  # `*` is not "anything"
    assert ledger.counter_keys("stats:a?b:[") == ["stats:a?b:[1]"]
    assert ledger.counter_keys("nothing:") == []
    assert ledger.counter_keys("") == sorted([*names, "stats:gone"])
    other = store.open()  # a second client sees the same counters
    assert other.counter_keys("stock:") == ["stock:a_b"]
