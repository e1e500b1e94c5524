"""Points for actions: `points ID on EVENT` rules granted by `checkout.award` on every adapter."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from promokit.checkout import UnknownEvent, award
from promokit.loader import loads
from promokit.models import Customer

from .conftest import FakeClock, Store

SH = ZoneInfo("Asia/Shanghai")

RULES = """
timezone Asia/Shanghai
segment members = level >= 1

points register-bonus "注册送积分" on register {
  earn 100 points
  limit 1 per customer
}

points checkin-daily "每日签到" on checkin {
  earn 5 points
  streak 7 days earn 20 points
  limit 1 per customer per day
}

points member-wednesday "会员日双倍" on checkin {
  every wed
  for members
  points x 2
}

points photo-review "晒图评价" on review {
  for attr "photo" == true
  earn 10 points
  limit 2 per customer per day
}

points invite-friend "邀请好友" on invite {
  earn 50 points
  limit 3 per customer
  budget 120
}
"""


@pytest.fixture(scope="module")
def rules() -> Any:
    return loads(RULES, name="points.promo")


def day(n: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, 1, hour, tzinfo=SH) + dt.timedelta(days=n)  # 2026-11-01 is a Sunday


def test_register_once_per_customer_and_replays_grant_nothing_more(store: Store, rules: Any) -> None:
    ledger: Any = store.open(FakeClock())
    first = award(rules, "register", "c1", event_id="reg-1", at=day(0), ledger=ledger)
    assert (first.points, [g.rule for g in first.granted]) == (100, ["register-bonus"])
    replay = award(rules, "register", "c1", event_id="reg-1", at=day(0), ledger=ledger)
    assert replay.replay and replay.points == 100 and replay.granted == first.granted
    second = award(rules, "register", "c1", event_id="reg-2", at=day(1), ledger=ledger)
    assert second.points == 0 and [(n.rule, n.reason) for n in second.not_granted] == [
        ("register-bonus", "limit")
    ]
    assert ledger.points.account("c1").balance == 100


def test_check_in_streaks_and_member_day_doubling(store: Store, rules: Any) -> None:
    ledger: Any = store.open(FakeClock())
    member = Customer(id="c1", level=1)
    got = [
        award(rules, "checkin", member, event_id=f"ci-{n}", at=day(n), ledger=ledger).points for n in range(8)
    ]
    # Nov 1 is a Sunday: Wednesday (index 3) doubles; day 7 of the run earns 20 more (day index 6).
    assert got == [5, 5, 5, 10, 5, 5, 25, 5]
    again = award(rules, "checkin", member, event_id="ci-again", at=day(7, 20), ledger=ledger)
    assert again.points == 0 and again.not_granted[-1].reason == "limit"
    # A missed day starts a new run.
    assert award(rules, "checkin", member, event_id="ci-9", at=day(9), ledger=ledger).points == 5
    wed = award(rules, "checkin", Customer(id="c2"), event_id="x", at=day(3), ledger=ledger)
    assert wed.points == 5 and [(n.rule, n.reason) for n in wed.not_granted] == [
        ("member-wednesday", "audience")
    ]
    assert ledger.points.account("c1").balance == sum(got) + 5


def test_event_attributes_budgets_and_windows(store: Store, rules: Any) -> None:
    ledger: Any = store.open(FakeClock())
    no_photo = award(rules, "review", "c1", event_id="r1", at=day(0), ledger=ledger)
    assert no_photo.points == 0 and no_photo.not_granted[0].reason == "audience"
    assert (
        award(
            rules, "review", "c1", event_id="r2", at=day(0), ledger=ledger, attributes={"photo": True}
        ).points
        == 10
    )
    invites = [award(rules, "invite", f"c{i}", event_id="inv", at=day(0), ledger=ledger) for i in range(3)]
    assert [a.points for a in invites] == [50, 50, 0]  # budget 120 points: the third does not fit
    assert invites[2].not_granted[0].reason == "budget"


def test_an_event_no_rule_knows_is_a_clear_error(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    with pytest.raises(UnknownEvent, match="'chekin'.*checkin"):
        award(rules, "chekin", "c1", event_id="e", at=day(0), ledger=ledger)
