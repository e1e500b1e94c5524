"""The checkout flow against a ledger: reserve what a priced order uses, commit, release, refund.

`promokit.checkout` is public: `reserve`/`commit`/`release` move an order's counters (stock,
limits, budgets, codes) in one atomic ledger call each, `refund` gives counters back for a
partial return (policy: docs/ledgers.md), and `claims_for`/`returns_for` show what they would
claim. The money side of a return is `promokit.refund` (module `refunds`). `aprice`,
`areserve`, `acommit`, `arelease` and `arefund` are the same flow over an async ledger (aio.py).
Orders move points too, and `award` grants points for actions (docs/points.md). Invite
rewards (邀请有礼) are ledger orders of their own: `reserve_invite` ... `claw_back_invite`
(module `invites`).
"""

from .aio import acommit, aprice, arefund, arelease, areserve
from .awards import Award, Granted, NotGranted, UnknownEvent, award
from .exchange import IssuedCoupon, exchange
from .invites import (
    InviteError,
    InviteReservation,
    claw_back_invite,
    commit_invite,
    release_invite,
    reserve_invite,
)
from .points import PointsTerms
from .reserve import Reservation, claims_for, commit, refund, release, reserve, returns_for
from .retry import CartChanged

__all__ = [
    "Award",
    "CartChanged",
    "Granted",
    "InviteError",
    "InviteReservation",
    "IssuedCoupon",
    "NotGranted",
    "PointsTerms",
    "Reservation",
    "UnknownEvent",
    "acommit",
    "aprice",
    "arefund",
    "arelease",
    "areserve",
    "award",
    "claims_for",
    "claw_back_invite",
    "commit",
    "commit_invite",
    "exchange",
    "refund",
    "release",
    "release_invite",
    "reserve",
    "reserve_invite",
    "returns_for",
]
