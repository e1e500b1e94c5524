"""Expiry policies on the shop's calendar: across DST changes and year ends (docs/points.md#expiry)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from promokit.cli.main import main
from promokit.ledgers import open_ledger
from promokit.ledgers.points_policy import ExpiryPolicy, PointsError

from .conftest import FakeClock, Store

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ts(y: int, m: int, d: int, hh: int = 0, mm: int = 0, zone: ZoneInfo = BERLIN) -> float:
    return dt.datetime(y, m, d, hh, mm, tzinfo=zone).timestamp()


@pytest.mark.parametrize(
    ("earned", "months", "expires"),
    [
        # Earned in CET (winter), expiring at a CEST (summer) midnight: 22:00 UTC, not 23:00.
        (ts(2026, 2, 10, 12), 1, ts(2026, 4, 1)),
        # Earned in the hour DST starts (2026-03-29 02:00 -> 03:00), at local midnight of May 1.
        (ts(2026, 3, 29, 3, 30), 1, ts(2026, 5, 1)),
        # Earned on the day DST ends (2026-10-25, 25 hours long), expiring in CET.
        (ts(2026, 10, 25, 23, 30), 1, ts(2026, 12, 1)),
        # Twelve months across a year end: earned 2026-12-31 23:59 local -> end of 2027-12.
        (ts(2026, 12, 31, 23, 59), 12, ts(2028, 1, 1)),
    ],
)
def test_months_end_at_a_local_midnight_whatever_the_offset(
    earned: float, months: int, expires: float
) -> None:
    assert ExpiryPolicy(months=months, timezone="Europe/Berlin").expires_at(earned) == expires


def test_a_yearly_date_uses_the_local_year_of_earning() -> None:
    policy = ExpiryPolicy(yearly=(12, 31), timezone="Asia/Shanghai")
    # 2026-12-31 23:30 in Shanghai is still 2026 there (15:30 UTC) -> end of 2027-12-31 local.
    earned = ts(2026, 12, 31, 23, 30, SHANGHAI)
    assert policy.expires_at(earned) == ts(2028, 1, 1, zone=SHANGHAI)
    # Ten minutes later it is 2027 locally (still 2026 in UTC): one year more.
    assert policy.expires_at(earned + 1800) == ts(2029, 1, 1, zone=SHANGHAI)
    assert ExpiryPolicy(yearly=(2, 29), years=1).expires_at(ts(2027, 5, 1, zone=ZoneInfo("UTC"))) == ts(
        2028, 3, 1, zone=ZoneInfo("UTC")
    )
    assert ExpiryPolicy(yearly=(2, 29), years=1).expires_at(ts(2026, 5, 1, zone=ZoneInfo("UTC"))) == ts(
        2027, 3, 1, zone=ZoneInfo("UTC")
    )
    assert ExpiryPolicy().expires_at(earned) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"months": 0},
        {"months": 1.5},
        {"months": 12, "yearly": (12, 31)},
        {"yearly": (2, 30)},
        {"years": -1},
        {"months": 12, "timezone": "Mars/Olympus"},
    ],
)
def test_a_bad_policy_is_a_clear_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(PointsError):
        ExpiryPolicy(**kwargs)


def test_a_ledger_expires_points_at_the_policy_instant_across_dst(store: Store) -> None:
    earned = ts(2026, 10, 24, 20)  # the evening before DST ends in Berlin
    clock = FakeClock(earned)
    ledger: Any = store.open(clock)
    policy = ExpiryPolicy(months=1, timezone="Europe/Berlin")
    ledger.points.earn("c1", 300, "e1", policy=policy)
    edge = ts(2026, 12, 1)  # 2026-11-30 23:00 UTC
    account = ledger.points.account("c1")
    assert account.lots[0].expires_at == edge
    assert [lot.points for lot in account.expiring(edge + 1)] == [300]
    clock.now = edge - 1
    assert ledger.points.account("c1").balance == 300
    clock.now = edge
    assert ledger.points.account("c1").balance == 0
    assert ledger.points.sweep() == 1
    assert [(m.kind, m.points, m.at) for m in ledger.points.history("c1")][-1] == ("expire", -300, edge)


def test_order_points_expire_by_the_policy_counted_from_the_commit(store: Store) -> None:
    clock = FakeClock(ts(2026, 12, 31, 23, 30, SHANGHAI))
    ledger: Any = store.open(clock)
    policy = ExpiryPolicy(yearly=(12, 31), timezone="Asia/Shanghai")
    ledger.points.hold("A-1", "c1", redeem=0, earn=50, ttl=60, policy=policy, return_window=3600)
    ledger.points.commit("A-1")
    clock.advance(3600)  # pending -> available in 2027; the lot keeps the 2026 earning date
    lot = ledger.points.account("c1").lots[0]
    assert (lot.points, lot.expires_at) == (50, ts(2028, 1, 1, zone=SHANGHAI))


def test_ledger_sweep_from_the_shell_expires_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    long_ago: Any = open_ledger(url, clock=lambda: 1_000.0)
    long_ago.points.earn("c1", 40, "e1", expires_at=2_000.0)  # expired long ago by the wall clock
    assert main(["ledger", "sweep", url]) == 0
    assert "settled 1 points account(s)" in capsys.readouterr().out
    moves = open_ledger(url).points.history("c1")  # type: ignore[attr-defined]
    assert [(m.kind, m.points) for m in moves] == [("earn", 40), ("expire", -40)]
