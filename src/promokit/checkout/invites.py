"""Invite rewards at checkout (邀请有礼): the inviter's reward as a ledger order of its own.

    r = checkout.reserve(rules, request, result, order_id="A-1", ledger=ledger)
    invite = invites.reserve_invite(rules, request, r.result, order_id="A-1", ledger=ledger,
                                    known_inviter=customers.exists)
    checkout.commit(ledger, "A-1"); invites.commit_invite(ledger, "A-1")      # paid
    checkout.release(ledger, "A-1"); invites.release_invite(ledger, "A-1")    # cancelled
    invites.claw_back_invite(ledger, "A-1", refund_id="R-1")                   # any refund

The invitee's first-order benefit is the promotion's action, priced like any promotion. The
reward is a second ledger order, `A-1#invite`, whose claims carry the caps (per inviter in
total and per day, one reward per invitee ever), so concurrent invites never exceed a cap.
When the reward does not fit (a cap is reached, the invitee was already rewarded) the
invitee's order goes on without it. Policy (docs/programs.md#invite-rewards): the reward is
granted when the invitee's order commits and **clawed back** in full by any refund of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from ..compile.windows import local_day
from ..engine.ruleset import RuleSet
from ..engine.usage import minor_units
from ..errors import RequestError
from ..ledgers import invites as ik
from ..ledgers.base import Claim, Ledger, OrderState
from ..models import CheckoutRequest, PricingResult
from ..money import currency

SUFFIX = "#invite"


class InviteError(RequestError):
    """An invite the shop cannot reward: the inviter is unknown (`known_inviter` said so)."""


@dataclass(frozen=True, slots=True)
class InviteReservation:
    """`ok`: the reward is held under `order_id` (the invitee's order id + `#invite`).

    Otherwise nothing was taken and `failed` says why in words (a cap reached, already rewarded).
    `codes` are the coupon codes issued (granted when the reward commits).
    """

    ok: bool
    order_id: str
    inviter: str
    promotions: tuple[str, ...]
    codes: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def issue_code(pattern: str, promotion: str, order_id: str) -> str:
    """The coupon code for one rewarded order: `*` replaced by 10 hex digits of a hash of the
    promotion and the order id, so a replay issues the same code and two orders never share one."""
    digest = hashlib.sha256(f"{promotion}\n{order_id}".encode()).hexdigest()[:10].upper()
    return pattern.replace("*", digest, 1)


def invite_claims(
    rules: RuleSet, result: PricingResult, *, order_id: str, inviter: str
) -> tuple[list[Claim], list[str]]:
    """The reward claims of every invite program applied to `result` for `inviter`, and the codes issued."""
    invitee = result.customer_id
    claims: list[Claim] = []
    codes: list[str] = []
    if invitee is None:
        return claims, codes
    for applied in result.applied:
        p = rules.promotion(applied.promotion)
        reward = p.invite
        if reward is None:
            continue
        total = next((lim.count for lim in p.invite_limits if not lim.per_day), None)
        daily = next((lim.count for lim in p.invite_limits if lim.per_day), None)
        claims.append(Claim(ik.inviter(p.id, inviter), 1, total, p.id))
        if daily is not None:
            day = local_day(result.at, p.timezone or rules.ast.timezone)
            claims.append(Claim(ik.inviter(p.id, inviter, day), 1, daily, p.id))
        claims.append(Claim(ik.invitee(p.id, invitee), 1, 1, p.id))
        if reward.kind == "points" and reward.amount is not None:
            claims.append(Claim(ik.points(p.id, inviter), int(reward.amount), None, p.id))
        elif reward.kind == "credit" and reward.amount is not None:
            amount = minor_units(reward.amount, currency(result.currency))
            claims.append(Claim(ik.credit(p.id, inviter), amount, None, p.id))
        elif reward.pattern is not None:
            issued = issue_code(reward.pattern, p.id, order_id)
            codes.append(issued)
            claims.append(Claim(ik.code(p.id, inviter, issued), 1, None, p.id))
    return claims, codes


def _words(claim: Claim, inviter: str) -> str:
    kind = claim.key.split(":")[2]
    if kind == "invitee":
        return "this customer has already earned their inviter a reward"
    if ":day:" in claim.key:
        return f"inviter {inviter} reached the daily invite limit of {claim.limit}"
    return f"inviter {inviter} reached the invite limit of {claim.limit}"


def reserve_invite(
    rules: RuleSet,
    request: CheckoutRequest,
    result: PricingResult,
    *,
    order_id: str,
    ledger: Ledger,
    ttl: float = 900,
    known_inviter: Callable[[str], bool] | None = None,
) -> InviteReservation | None:
    """Hold the inviter's reward for the invitee's order `order_id` (None: no invite program applied).

    Raises InviteError when `known_inviter` says the inviter is not a customer of the shop.
    """
    inviter = request.customer.invited_by
    if inviter is None or request.customer.id is None:
        return None
    claims, codes = invite_claims(rules, result, order_id=order_id, inviter=inviter)
    if not claims:
        return None
    if known_inviter is not None and not known_inviter(inviter):
        raise InviteError(f"unknown inviter {inviter!r} in customer.invited_by: no reward can be granted")
    reward_id = order_id + SUFFIX
    promotions = tuple(sorted({c.promotion for c in claims}))
    outcome = ledger.reserve(reward_id, claims, ttl)
    if outcome.ok:
        return InviteReservation(True, reward_id, inviter, promotions, tuple(codes))
    failed = tuple(dict.fromkeys(_words(c, inviter) for c in outcome.failed)) or (
        "the reward was released or expired",
    )
    return InviteReservation(False, reward_id, inviter, promotions, (), failed)


def commit_invite(ledger: Ledger, order_id: str) -> OrderState | None:
    """Grant the reward of the invitee's order `order_id` once it is paid (None: it has none held)."""
    if ledger.state(order_id + SUFFIX) is None:
        return None
    return ledger.commit(order_id + SUFFIX)


def release_invite(ledger: Ledger, order_id: str) -> OrderState | None:
    """Give the held reward back when the invitee's order is cancelled (None: it has none)."""
    state = ledger.state(order_id + SUFFIX)
    if state is None or state.status != "reserved":
        return state
    return ledger.release(order_id + SUFFIX)


def claw_back_invite(ledger: Ledger, order_id: str, *, refund_id: str) -> OrderState | None:
    """Take the whole reward back after a refund of the invitee's order: the inviter's count,
    points, credit and code, and the cap slots (None: the order earned no reward)."""
    state = ledger.state(order_id + SUFFIX)
    if state is None or state.status not in ("committed", "refunded"):
        return state
    back = {c.key: c.amount for c in state.returned}
    returns = [Claim(c.key, c.amount - back.get(c.key, 0), None, c.promotion) for c in state.claims]
    returns = [c for c in returns if c.amount > 0]
    if not returns:
        return state
    return ledger.refund(order_id + SUFFIX, returns, refund_id)
