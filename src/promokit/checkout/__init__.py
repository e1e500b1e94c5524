"""The checkout flow against a ledger: reserve what a priced order uses, commit, release, refund.

`promokit.checkout` is public: `reserve`/`commit`/`release` move an order's counters (stock,
limits, budgets, codes) in one atomic ledger call each, `refund` gives counters back for a
partial return (policy: docs/ledgers.md), and `claims_for`/`returns_for` show what they would
claim. The money side of a return is `promokit.refund` (module `refunds`). Invite rewards
(邀请有礼) are ledger orders of their own: `reserve_invite` ... `claw_back_invite` (module `invites`).
"""

from .invites import (
    InviteError,
    InviteReservation,
    claw_back_invite,
    commit_invite,
    release_invite,
    reserve_invite,
)
from .reserve import Reservation, claims_for, commit, refund, release, reserve, returns_for

__all__ = [
    "InviteError",
    "InviteReservation",
    "Reservation",
    "claims_for",
    "claw_back_invite",
    "commit",
    "commit_invite",
    "refund",
    "release",
    "release_invite",
    "reserve",
    "reserve_invite",
    "returns_for",
]
