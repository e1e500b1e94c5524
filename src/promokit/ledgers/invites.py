"""Invite rewards in the ledger: the counters of a referral program, readable per inviter.

An inviter's reward is an order of its own in the ledger (`ORDER_ID#invite`, built by
checkout/invites.py), so it is reserved, committed, released and clawed back exactly like
every other claim: all of it or nothing, idempotent, exact under concurrency. Its claims:

| key | amount | capacity |
|---|---|---|
| `invite:P:inviter:I` | 1 | `invite limit N per inviter` (None: no cap) |
| `invite:P:inviter:I:day:D` | 1 | `invite limit N per inviter per day` (D: local day) |
| `invite:P:invitee:C` | 1 | 1: one reward per invitee, ever |
| `invite:P:points:I` / `invite:P:credit:I` | points / credit in minor units | none |
| `invite:P:code:I:CODE` | 1 | none (the coupon code issued) |

`invite_rewards` reads what an inviter has earned: committed (`used`) and pending (`held`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import unquote

from ..money import currency as money_currency
from . import catalog, keys
from .base import Ledger


def inviter(promotion: str, who: str, day: dt.date | None = None) -> str:
    return keys._key("invite", promotion, "inviter", who, *keys._day(day))


def invitee(promotion: str, who: str) -> str:
    return keys._key("invite", promotion, "invitee", who)


def points(promotion: str, who: str) -> str:
    return keys._key("invite", promotion, "points", who)


def credit(promotion: str, who: str) -> str:
    return keys._key("invite", promotion, "credit", who)


def code(promotion: str, who: str, code_text: str) -> str:
    return keys._key("invite", promotion, "code", who, code_text)


@dataclass(frozen=True, slots=True)
class InviteRewards:
    """What one inviter earned from one invite program: committed rewards, and those still
    pending (the invitee's order is reserved but not paid). Credit is in currency units."""

    promotion: str
    inviter: str
    invites: int
    pending: int
    points: int
    credit: Decimal
    coupons: tuple[str, ...]


def invite_rewards(ledger: Ledger, promotion: str, who: str, *, currency: str = "CNY") -> InviteRewards:
    """The rewards `who` earned from invite program `promotion` (zeros for an inviter never rewarded)."""
    cur = money_currency(currency)
    names = [inviter(promotion, who), points(promotion, who), credit(promotion, who)]
    b = ledger.balances(names)
    prefix = keys._key("invite", promotion, "code", who) + ":"
    codes = tuple(
        unquote(k[len(prefix) :]) for k, bal in catalog.counters(ledger, prefix).items() if bal.used > 0
    )
    count = b[names[0]]
    return InviteRewards(
        promotion=promotion,
        inviter=who,
        invites=count.used,
        pending=count.held,
        points=b[names[1]].used,
        credit=Decimal(b[names[2]].used).scaleb(-cur.minor_unit),
        coupons=codes,
    )
