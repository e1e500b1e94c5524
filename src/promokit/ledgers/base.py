"""The ledger contract: named counters with capacities, taken atomically per order.

A ledger knows nothing about promotions. The engine turns a priced result into
`Claim`s — "take `amount` from counter `key`, whose capacity is `limit`" — and the
ledger takes all of an order's claims at once or none of them. Keys are built by
`promokit.ledgers.keys` (stock, per-customer uses and units, per-day counters in
the rule's time zone, total uses, budgets in minor units, coupon codes, stats).

Lifecycle of an order id (the idempotency key):
    reserve -> commit -> (refund ...)      paid
    reserve -> release                      cancelled
    reserve -> (ttl passes) -> expired      abandoned; swept lazily or by `sweep()`

Every call is idempotent: replaying it with the same order id returns the first
outcome and changes nothing; the same order id with different claims raises
`LedgerConflict`.

Refinements every adapter follows (the contract suite in tests/ledgers checks them):
- A reservation that does not fit records nothing, so the caller may re-price and
  reserve again under the same order id with fewer claims.
- Claims are normalised before use: sorted by key, claims on the same key merged
  (amounts added, the smallest limit kept). Conflicts compare normalised claims.
- commit: reserved -> committed; replays on committed/refunded return the state;
  on released/expired or unknown orders it raises `LedgerError` (never pay for a
  hold that is gone). release: reserved -> released; replays on released/expired
  return the state; on committed/refunded it raises `LedgerError` (use refund).
- refund: only committed/refunded orders; each key at most what the order claimed
  minus what earlier refunds returned; a replayed refund id with the same returns
  changes nothing, with different returns raises `LedgerConflict`.
- counter_keys(prefix): the keys of every counter ever counted that start with `prefix`,
  literally (`%`, `_`, `*`, `?` are characters, not wildcards: keys are percent-encoded),
  sorted; a counter given back to 0 is still listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from ..errors import PromokitError


class LedgerError(PromokitError):
    """A ledger cannot be opened or used (bad URL, unreachable server, wrong schema).

    The message names the URL without credentials.
    """


class LedgerConflict(LedgerError):
    """The same order id was used with different content."""


@dataclass(frozen=True, slots=True)
class Claim:
    """Take `amount` (> 0, an integer: units, uses or minor currency units) from `key`.

    `limit` is the counter's capacity (None: unlimited, counted only, e.g. stats).
    A claim fits when used + held + amount <= limit. `promotion` is for reporting
    which promotion a failed claim belongs to.
    """

    key: str
    amount: int
    limit: int | None
    promotion: str


Status = Literal["reserved", "committed", "released", "expired", "refunded"]


@dataclass(frozen=True, slots=True)
class ReserveOutcome:
    """`ok`: everything was taken. Otherwise nothing was, and `failed` lists the claims that did not fit."""

    order_id: str
    ok: bool
    failed: tuple[Claim, ...] = ()
    status: Status | None = None  # the order's status after the call


@dataclass(frozen=True, slots=True)
class OrderState:
    order_id: str
    status: Status
    claims: tuple[Claim, ...]
    expires_at: float | None  # unix seconds, for reservations
    returned: tuple[Claim, ...] = ()  # what refunds gave back so far, merged per key


@dataclass(frozen=True, slots=True)
class Balance:
    """A counter's state: `used` by committed orders, `held` by live reservations."""

    used: int = 0
    held: int = 0

    @property
    def total(self) -> int:
        return self.used + self.held


@runtime_checkable
class Ledger(Protocol):
    """What the engine and an order service need from a ledger."""

    url: str  # without credentials

    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        """Used + held amount per key (0 for unknown keys). Read-only; used when pricing."""
        ...

    def balances(self, keys: Sequence[str]) -> Mapping[str, Balance]:
        """Used and held amounts per key (zeros for unknown keys). Read-only; for stats and audits."""
        ...

    def reserve(self, order_id: str, claims: Sequence[Claim], ttl: float) -> ReserveOutcome:
        """Hold all claims for `ttl` seconds, atomically, or none of them."""
        ...

    def commit(self, order_id: str) -> OrderState:
        """Make a reservation permanent (after payment)."""
        ...

    def release(self, order_id: str) -> OrderState:
        """Give a reservation back (cancelled)."""
        ...

    def refund(self, order_id: str, returns: Sequence[Claim], refund_id: str) -> OrderState:
        """Give back part of a committed order; `refund_id` makes each refund idempotent."""
        ...

    def sweep(self) -> int:
        """Release every reservation past its TTL; returns how many."""
        ...

    def purge(self, older_than: float) -> int:
        """Forget finished orders whose last change is more than `older_than` seconds old.

        Deletes committed, released, expired and refunded order records (an expired
        order's last change is its expiry time), never a live reservation and never a
        counter: used/held totals stay exact. Returns how many orders were removed.
        Trade-off: a purged order id is unknown afterwards (a late commit or refund
        raises `LedgerError`, a late reserve reserves again), so the retention must
        exceed the longest retry and refund window (suggested: 30 days).
        """
        ...

    def state(self, order_id: str) -> OrderState | None:
        """The order's reservation as the ledger holds it (status, claims, returns), or None if unknown."""
        ...

    def counter_keys(self, prefix: str) -> list[str]:
        """Every counter key that starts with `prefix` (compared literally: no wildcards),
        sorted. Read-only; statistics find their counters with it (`ledgers/catalog.py`)."""
        ...

    def close(self) -> None:
        """Release the connection or pool; the ledger is unusable afterwards."""
        ...
