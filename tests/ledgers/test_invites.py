"""Invite rewards (邀请有礼) against every real ledger: caps exact under concurrency, claw-back.

docs/programs.md#invite-rewards describes the program; checkout/invites.py the flow.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from pydantic import ValidationError

from promokit import checkout
from promokit.checkout import invites
from promokit.ledgers import Ledger, invite_rewards, open_ledger
from promokit.loader import loads
from promokit.models import CheckoutRequest

from .conftest import Store

RULES = loads(
    """
timezone Asia/Shanghai
promotion invite "邀请有礼" {
  for new customer
  on category "tea"
  满30减10
  invite reward 500 points
  invite limit 3 per inviter per day
  invite limit 5 per inviter
}
promotion invite-coupon "邀请得券" {
  for new customer
  on category "cups"
  满20减5
  邀请奖励 券 "INV-*"
}
promotion invite-credit {
  for new customer
  on category "pots"
  满50减5
  invite reward 8.50 credit
}
"""
)


def request(
    invitee: str | None, inviter: str | None, day: str = "2026-11-24", category: str = "tea"
) -> CheckoutRequest:
    customer: dict[str, object] = {"orders": 0}
    if invitee is not None:
        customer["id"] = invitee
    if inviter is not None:
        customer["invited_by"] = inviter
    return CheckoutRequest.model_validate(
        {
            "at": f"{day}T12:00:00+08:00",
            "customer": customer,
            "lines": [{"id": "l1", "sku": "T", "category": category, "unit_price": "60.00", "quantity": 1}],
        }
    )


def invite_order(
    ledger: Ledger, order_id: str, req: CheckoutRequest, *, pay: bool = True
) -> invites.InviteReservation:
    result = RULES.price(req, ledger=ledger)
    assert checkout.reserve(RULES, req, result, order_id=order_id, ledger=ledger).ok
    reward = invites.reserve_invite(RULES, req, result, order_id=order_id, ledger=ledger)
    assert reward is not None
    if pay:
        checkout.commit(ledger, order_id)
        invites.commit_invite(ledger, order_id)
    return reward


def test_the_inviter_earns_on_commit_and_loses_it_on_refund(store: Store) -> None:
    ledger = store.open()
    req = request("friend-1", "alice")
    result = RULES.price(req)
    assert [(a.promotion, a.amount) for a in result.applied] == [("invite", Decimal("10.00"))]
    reward = invite_order(ledger, "o1", req, pay=False)
    assert reward.ok and reward.order_id == "o1#invite"
    held = invite_rewards(ledger, "invite", "alice")
    assert (held.invites, held.pending, held.points) == (0, 1, 0)  # not paid yet: pending only
    checkout.commit(ledger, "o1")
    invites.commit_invite(ledger, "o1")
    paid = invite_rewards(ledger, "invite", "alice")
    assert (paid.invites, paid.pending, paid.points) == (1, 0, 500)
    # Any refund of the invitee's order claws the reward back in full, once.
    invites.claw_back_invite(ledger, "o1", refund_id="r1")
    invites.claw_back_invite(ledger, "o1", refund_id="r2")  # nothing left to take: no change
    back = invite_rewards(ledger, "invite", "alice")
    assert (back.invites, back.points) == (0, 0)


def test_a_cancelled_order_releases_the_reward(store: Store) -> None:
    ledger = store.open()
    invite_order(ledger, "o1", request("friend-1", "alice"), pay=False)
    checkout.release(ledger, "o1")
    invites.release_invite(ledger, "o1")
    assert invite_rewards(ledger, "invite", "alice").pending == 0
    # The invitee's slot came back too: their next first order can still reward alice.
    assert invite_order(ledger, "o2", request("friend-1", "alice")).ok


def test_one_reward_per_invitee(store: Store) -> None:
    ledger = store.open()
    assert invite_order(ledger, "o1", request("friend-1", "alice")).ok
    second = invite_order(ledger, "o2", request("friend-1", "bob"))
    assert not second.ok
    assert second.failed == ("this customer has already earned their inviter a reward",)
    assert invite_rewards(ledger, "invite", "bob").invites == 0


def test_daily_and_total_caps(store: Store) -> None:
    ledger = store.open()
    outcomes = [invite_order(ledger, f"a{i}", request(f"f{i}", "alice", "2026-11-24")).ok for i in range(4)]
    assert outcomes == [True, True, True, False]  # 3 per day
    outcomes = [invite_order(ledger, f"b{i}", request(f"g{i}", "alice", "2026-11-25")).ok for i in range(3)]
    assert outcomes == [True, True, False]  # 5 in total
    failed = invite_order(ledger, "c", request("h", "alice", "2026-11-26"))
    assert failed.failed == ("inviter alice reached the invite limit of 5",)
    assert invite_rewards(ledger, "invite", "alice").invites == 5


def test_concurrent_rewards_never_exceed_the_cap(shared_store: Store) -> None:
    """Twelve invitees of one inviter check out at once, each through its own client."""

    def one(i: int) -> bool:
        ledger = shared_store.open()
        try:
            return invite_order(ledger, f"o{i}", request(f"friend-{i}", "alice")).ok
        finally:
            ledger.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(one, range(12)))
    assert results.count(True) == 3  # the daily cap, whatever the interleaving
    ledger = shared_store.open()
    earned = invite_rewards(ledger, "invite", "alice")
    assert (earned.invites, earned.pending, earned.points) == (3, 0, 1500)


def test_coupon_and_credit_rewards(store: Store) -> None:
    ledger = store.open()
    reward = invite_order(ledger, "o1", request("friend-1", "alice", category="cups"))
    assert reward.ok and reward.codes == (invites.issue_code("INV-*", "invite-coupon", "o1"),)
    assert reward.codes[0].startswith("INV-") and len(reward.codes[0]) == 14
    assert invite_rewards(ledger, "invite-coupon", "alice").coupons == reward.codes
    invite_order(ledger, "o2", request("friend-2", "alice", category="pots"))
    invite_order(ledger, "o3", request("friend-3", "alice", category="pots"))
    assert invite_rewards(ledger, "invite-credit", "alice").credit == Decimal("17.00")


def test_bad_invites() -> None:
    with pytest.raises(ValidationError, match="nobody can invite themselves"):
        request("alice", "alice")
    # Not invited, or anonymous: the invitee benefit does not apply, with a reason.
    for req in (request("friend-1", None), request(None, "alice")):
        result = RULES.price(req)
        (miss,) = [n for n in result.not_applied if n.promotion == "invite"]
        assert miss.reason == "audience" and "only for an invited customer" in miss.detail
    # An inviter the shop does not know: a clear error, nothing reserved.
    ledger = open_ledger("memory://")
    req = request("friend-1", "mallory")
    with pytest.raises(invites.InviteError, match="unknown inviter 'mallory'"):
        invites.reserve_invite(
            RULES,
            req,
            RULES.price(req),
            order_id="o1",
            ledger=ledger,
            known_inviter=lambda who: who == "alice",
        )
    assert ledger.state("o1#invite") is None


def test_replayed_calls_count_nothing_twice(store: Store) -> None:
    ledger = store.open()
    req = request("friend-1", "alice")
    result = RULES.price(req)
    for _ in range(2):  # a retried checkout: the same order id
        reward = invites.reserve_invite(RULES, req, result, order_id="o1", ledger=ledger)
        assert reward is not None and reward.ok
    assert invite_rewards(ledger, "invite", "alice").pending == 1
    for _ in range(2):
        invites.commit_invite(ledger, "o1")
    assert invite_rewards(ledger, "invite", "alice").invites == 1
    assert invite_rewards(ledger, "invite", "alice").points == 500
    assert invites.commit_invite(ledger, "no-such-order") is None  # an order without a reward
