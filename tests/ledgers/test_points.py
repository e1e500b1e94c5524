"""Points accounts, run against every adapter (memory, SQLite, Redis, PostgreSQL): docs/points.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from promokit.ledgers import Claim, LedgerConflict, LedgerError
from promokit.ledgers.points import InsufficientPoints, PointsBook
from promokit.ledgers.points_policy import PointsError
from promokit.ledgers.redis_lua import EPOCH

from .conftest import FakeClock, Store, make_store

DAY = 86400.0


def book(store: Store, clock: FakeClock | None = None) -> PointsBook:
    ledger: Any = store.open(clock or FakeClock())
    points: PointsBook = ledger.points
    return points


def conserved(points: PointsBook, customer: str) -> None:
    """The balance is the sum of the movements; pending points the sum of their pending parts."""
    # Lazy expiry is written by the next operation: a sweep makes the history complete.
    points.sweep()
    moves = points.history(customer, 10_000)
    account = points.account(customer)
    assert sum(m.points for m in moves) == account.balance >= 0
    assert sum(m.pending for m in moves) == account.pending >= 0


def test_earn_then_spend_and_the_history_adds_up(store: Store) -> None:
    points = book(store)
    first = points.earn("c1", 100, "register:c1", note="register")
    assert (first.points, first.kind) == (100, "earn")
    points.earn("c1", 5, "checkin:2027-01-15")
    spent = points.spend("c1", 30, "mall:1", note="points mall")
    assert spent.points == -30
    account = points.account("c1")
    assert (account.balance, account.available, account.held, account.pending) == (75, 75, 0, 0)
    assert [m.kind for m in points.history("c1")] == ["earn", "earn", "spend"]
    conserved(points, "c1")


def test_spending_more_than_the_balance_is_refused_and_changes_nothing(store: Store) -> None:
    points = book(store)
    points.earn("c1", 50, "e1")
    with pytest.raises(InsufficientPoints, match="50 points available") as info:
        points.spend("c1", 51, "s1")
    assert info.value.available == 50
    with pytest.raises(InsufficientPoints):
        points.adjust("c1", -51, "a1")
    assert points.account("c1").balance == 50
    assert points.account("nobody").balance == 0
    with pytest.raises(InsufficientPoints):
        points.spend("nobody", 1, "s2")


def test_a_replayed_event_returns_the_first_outcome_and_a_changed_one_is_a_conflict(store: Store) -> None:
    points = book(store)
    a = points.earn("c1", 10, "checkin:1")
    assert points.earn("c1", 10, "checkin:1") == a
    assert points.account("c1").balance == 10
    with pytest.raises(LedgerConflict, match="checkin:1"):
        points.earn("c1", 20, "checkin:1")
    # Event ids are per customer.
    points.earn("c2", 10, "checkin:1")
    assert points.account("c2").balance == 10 and points.account("c1").balance == 10
    s = points.spend("c1", 4, "s1")
    assert points.spend("c1", 4, "s1") == s and points.account("c1").balance == 6


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.earn("c1", -5, "e"), ">= 0"),
        (lambda p: p.earn("c1", 2.5, "e"), "whole number"),
        (lambda p: p.earn("c1", True, "e"), "whole number"),
        (lambda p: p.earn("c1", 0, "e"), "at least 1"),
        (lambda p: p.spend("c1", -1, "e"), ">= 0"),
        (lambda p: p.adjust("c1", 0, "e"), "non-zero"),
        (lambda p: p.earn("", 5, "e"), "customer id"),
        (lambda p: p.earn("c1", 5, "e", expires_at=1.0), "in the past"),
        (lambda p: p.hold("o1", "c1", redeem=-1, earn=0, ttl=60), ">= 0"),
        (lambda p: p.hold("o1", "c1", redeem=1, earn=0, ttl=0), "ttl"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(store: Store, call: Any, message: str) -> None:
    points = book(store)
    with pytest.raises(PointsError, match=message):
        call(points)
    assert points.account("c1").balance == 0 and points.history("c1") == ()


def test_lots_are_spent_oldest_expiring_first(store: Store) -> None:
    clock = FakeClock()
    points = book(store, clock)
    points.earn("c1", 10, "late", expires_at=clock.now + 300 * DAY)
    points.earn("c1", 10, "never")
    points.earn("c1", 10, "soon", expires_at=clock.now + 10 * DAY)
    points.spend("c1", 15, "s1")
    lots = {lot.ref: lot.points for lot in points.account("c1").lots}
    assert lots == {"late": 5, "never": 10}
    assert [lot.ref for lot in points.account("c1").expiring(clock.now + 365 * DAY)] == ["late"]


def test_points_expire_lazily_and_by_sweep(store: Store) -> None:
    clock = FakeClock()
    points = book(store, clock)
    points.earn("c1", 10, "a", expires_at=clock.now + DAY)
    points.earn("c1", 7, "b", expires_at=clock.now + 2 * DAY)
    clock.advance(DAY)  # exactly at the expiry instant: expired
    assert points.account("c1").balance == 7
    with pytest.raises(InsufficientPoints):
        points.spend("c1", 8, "s1")
    clock.advance(DAY)
    assert points.sweep() == 1
    assert points.sweep() == 0
    moves = points.history("c1")
    assert [(m.kind, m.points, m.ref) for m in moves[-2:]] == [("expire", -10, "a"), ("expire", -7, "b")]
    conserved(points, "c1")


def test_an_order_holds_its_points_then_commit_spends_them_and_earns_pending(store: Store) -> None:
    clock = FakeClock()
    points = book(store, clock)
    points.earn("c1", 600, "e1")
    held = points.hold("A-1", "c1", redeem=500, earn=80, ttl=900, return_window=7 * DAY)
    assert held.status == "reserved" and held.expires_at == clock.now + 900
    assert points.hold("A-1", "c1", redeem=500, earn=80, ttl=900, return_window=7 * DAY) == held
    account = points.account("c1")
    assert (account.balance, account.available, account.held) == (600, 100, 500)
    with pytest.raises(InsufficientPoints):  # the held points cannot be spent twice
        points.hold("A-2", "c1", redeem=101, earn=0, ttl=900)
    done = points.commit("A-1")
    assert done is not None and done.status == "committed"
    assert points.commit("A-1") == done  # a replay
    account = points.account("c1")
    assert (account.balance, account.held, account.pending) == (100, 0, 80)
    clock.advance(7 * DAY)  # the return window ends: pending points become spendable
    account = points.account("c1")
    assert (account.balance, account.available, account.pending) == (180, 180, 0)
    conserved(points, "c1")
    assert points.commit("no-points-order") is None and points.release("no-points-order") is None


def test_release_and_the_ttl_give_held_points_back(store: Store) -> None:
    clock = FakeClock()
    points = book(store, clock)
    points.earn("c1", 100, "e1")
    points.hold("A-1", "c1", redeem=60, earn=0, ttl=60)
    released = points.release("A-1")
    assert released is not None and released.status == "released"
    assert points.account("c1").available == 100
    with pytest.raises(LedgerError, match="cannot be committed"):
        points.commit("A-1")
    points.hold("A-2", "c1", redeem=100, earn=5, ttl=60)
    clock.advance(60)
    assert points.account("c1").available == 100
    order = points.order("A-2")
    assert order is not None and order.status == "expired"
    assert points.sweep() == 1
    with pytest.raises(LedgerError, match="expired"):
        points.commit("A-2")
    conserved(points, "c1")


def test_holding_again_with_other_amounts_replaces_the_hold(store: Store) -> None:
    points = book(store)
    points.earn("c1", 100, "e1")
    points.hold("A-1", "c1", redeem=80, earn=0, ttl=60)
    points.hold("A-1", "c1", redeem=30, earn=3, ttl=60)  # re-priced after a failed reservation
    assert points.account("c1").held == 30
    with pytest.raises(LedgerConflict):
        points.hold("A-1", "c2", redeem=30, earn=3, ttl=60)


def test_a_refund_returns_redeemed_points_and_claws_back_earned_ones(store: Store) -> None:
    clock = FakeClock()
    points = book(store, clock)
    points.earn("c1", 500, "e1", expires_at=clock.now + 100 * DAY)
    points.hold("A-1", "c1", redeem=400, earn=60, ttl=60, return_window=7 * DAY)
    points.commit("A-1")
    first = points.refund("A-1", "R-1", returned=100, clawback=20)
    assert (first.returned, first.clawed_back, first.shortfall, first.status) == (100, 20, 0, "refunded")
    assert points.refund("A-1", "R-1", returned=100, clawback=20) == first
    with pytest.raises(LedgerConflict):
        points.refund("A-1", "R-1", returned=50, clawback=20)
    account = points.account("c1")
    assert (account.balance, account.pending) == (200, 40)
    assert account.lots[0].expires_at == clock.now + 100 * DAY  # returned to the lot it came from
    clock.advance(7 * DAY)  # 40 points become spendable; the customer spends everything
    points.spend("c1", 240, "mall:1")
    second = points.refund("A-1", "R-2", returned=0, clawback=40)
    assert (second.clawed_back, second.shortfall) == (20, 40)  # nothing left to claw: recorded
    assert points.account("c1").balance == 0
    with pytest.raises(PointsError, match="left to return"):
        points.refund("A-1", "R-3", returned=301, clawback=0)
    with pytest.raises(PointsError, match="left to claw back"):
        points.refund("A-1", "R-3", returned=0, clawback=1)
    with pytest.raises(LedgerError, match="no points"):
        points.refund("never", "R-1", returned=1, clawback=0)
    conserved(points, "c1")


def test_a_refund_of_an_order_not_committed_is_refused(store: Store) -> None:
    points = book(store)
    points.earn("c1", 10, "e1")
    points.hold("A-1", "c1", redeem=10, earn=0, ttl=60)
    with pytest.raises(LedgerError, match="cannot be refunded"):
        points.refund("A-1", "R-1", returned=10, clawback=0)


def test_clients_of_one_store_see_the_same_accounts(shared_store: Store) -> None:
    a: Any = shared_store.open()
    b: Any = shared_store.open()
    a.points.earn("c1", 10, "e1")
    assert b.points.account("c1").balance == 10
    assert b.points.earn("c1", 10, "e1").points == 10
    assert a.points.account("c1").balance == 10


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_version_2_ledger_gains_the_points_tables_when_opened(kind: str, tmp_path: Path) -> None:
    store, cleanup = make_store(kind, tmp_path)
    try:
        ledger: Any = store.open()
        ledger.reserve("old", [Claim("stock:p", 2, 5, "p")], ttl=60)
        ledger.commit("old")
        conn = ledger._conn()
        if kind == "sqlite":  # what promokit with schema version 2 created
            for table in ("accounts", "records", "moves"):
                conn.execute(f"DROP TABLE promokit_points_{table}")
            conn.execute("UPDATE promokit_meta SET value = '2' WHERE name = 'schema_version'")
        else:
            s = ledger.schema
            conn.execute(f"DROP TABLE {s}.points_accounts, {s}.points_records, {s}.points_moves")
            conn.execute(f"UPDATE {s}.meta SET value = '2' WHERE name = 'schema_version'")
        ledger.close()
        migrated: Any = store.open()
        state = migrated.state("old")
        assert state is not None and state.status == "committed"
        assert migrated.usage(["stock:p"])["stock:p"] == 2
        migrated.points.earn("c1", 10, "e1")
        assert migrated.points.account("c1").balance == 10
    finally:
        cleanup()


def test_points_on_redis_fail_closed_when_the_namespace_lost_its_data(tmp_path: Path) -> None:
    store, cleanup = make_store("redis", tmp_path)
    try:
        ledger: Any = store.open()
        ledger.points.earn("c1", 10, "e1")
        ledger._client.delete(ledger.keys[EPOCH])  # what a restart without persistence leaves behind
        with pytest.raises(LedgerError, match="epoch|lost|initialised"):
            ledger.points.earn("c1", 5, "e2")
        with pytest.raises(LedgerError, match="epoch|lost|initialised"):
            ledger.points.account("c1")
        with pytest.raises(LedgerError, match="epoch|lost|initialised"):
            ledger.points.order("o1")
    finally:
        cleanup()
