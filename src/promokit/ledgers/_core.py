"""Shared ledger logic: claim normalisation, URL redaction and the reference state machine.

`StoreLedger` implements the whole contract of `base.Ledger` over a handful of storage
primitives that run inside one transaction. The memory adapter (the reference model)
and the SQLite adapter are both `StoreLedger`s, so they cannot drift apart; the Redis
(Lua) and PostgreSQL (plpgsql) adapters re-implement the same transitions server-side,
and the stateful test in tests/ledgers compares them against the memory model.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from .base import Balance, Claim, LedgerConflict, LedgerError, OrderState, ReserveOutcome, Status

Clock = Callable[[], float]

#: Orders expired lazily per call; `sweep()` loops until none are left.
EXPIRE_BATCH = 64
#: Finished orders deleted per purge call (one transaction / script call each).
PURGE_BATCH = 500
MAX_ORDER_ID = 200
#: Amounts and limits stay below 2**53 so that Lua (doubles) and every store count exactly.
MAX_AMOUNT = 2**53 - 1
LIVE: frozenset[Status] = frozenset({"reserved", "committed", "refunded"})


def redact(url: str) -> str:
    """The URL without user name or password (also a `password=` query value), for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable ledger URL>"
    netloc = parts.netloc.rpartition("@")[2]
    query = "&".join(
        f"{k}=***" if k.lower() == "password" else (f"{k}={v}" if v or "=" in item else k)
        for item in parts.query.split("&")
        if item
        for k, _, v in [item.partition("=")]
    )
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def check_order_id(order_id: str) -> None:
    if not isinstance(order_id, str) or not order_id or len(order_id) > MAX_ORDER_ID:
        raise LedgerError(f"order id must be a non-empty string of at most {MAX_ORDER_ID} characters")


def normalize(claims: Sequence[Claim]) -> tuple[Claim, ...]:
    """Sorted by key; claims on one key merged (amounts added, smallest limit, first promotion).

    Validates amounts (positive ints) and limits (None or ints >= 0): a float or a
    negative amount would silently corrupt a counter.
    """
    merged: dict[str, Claim] = {}
    for c in claims:
        if isinstance(c.amount, bool) or not isinstance(c.amount, int) or not 0 < c.amount <= MAX_AMOUNT:
            raise LedgerError(
                f"claim {c.key!r}: amount must be a positive integer below 2**53, got {c.amount!r}"
            )
        if c.limit is not None and (
            isinstance(c.limit, bool) or not isinstance(c.limit, int) or not 0 <= c.limit <= MAX_AMOUNT
        ):
            raise LedgerError(f"claim {c.key!r}: limit must be None or an integer >= 0, got {c.limit!r}")
        if not c.key:
            raise LedgerError("claim key must not be empty")
        prev = merged.get(c.key)
        if prev is None:
            merged[c.key] = c
        else:
            limits = [x for x in (prev.limit, c.limit) if x is not None]
            merged[c.key] = Claim(
                c.key, prev.amount + c.amount, min(limits) if limits else None, prev.promotion
            )
    return tuple(merged[k] for k in sorted(merged))


def encode(claims: Sequence[Claim]) -> str:
    """Canonical text of normalised claims: equal claims give byte-equal text (conflict checks)."""
    return json.dumps(
        [[c.key, c.amount, c.limit, c.promotion] for c in claims], separators=(",", ":"), ensure_ascii=False
    )


def decode(text: str) -> tuple[Claim, ...]:
    return tuple(
        Claim(str(k), int(a), None if lim is None else int(lim), str(p)) for k, a, lim, p in json.loads(text)
    )


def encode_returns(returns: Sequence[Claim]) -> str:
    """Canonical text of a refund's returns: only keys and amounts matter."""
    return json.dumps([[c.key, c.amount] for c in returns], separators=(",", ":"), ensure_ascii=False)


def normalize_returns(returns: Sequence[Claim]) -> tuple[Claim, ...]:
    return tuple(Claim(c.key, c.amount, None, c.promotion) for c in normalize(returns))


def check_retention(older_than: float) -> None:
    if (
        not isinstance(older_than, int | float)
        or isinstance(older_than, bool)
        or not 0 <= older_than <= 86400 * 36500
    ):
        raise LedgerError(f"older_than must be a number of seconds >= 0, got {older_than!r}")


def check_ttl(ttl: float) -> None:
    if not isinstance(ttl, int | float) or isinstance(ttl, bool) or not ttl > 0 or ttl > 86400 * 365:
        raise LedgerError(f"ttl must be a positive number of seconds, got {ttl!r}")


@dataclass
class Order:
    """A stored order: its normalised claims and what refunds have returned (per key)."""

    order_id: str
    status: Status
    claims: tuple[Claim, ...]
    expires_at: float | None
    returned: dict[str, int] = field(default_factory=dict)
    refunds: dict[str, str] = field(default_factory=dict)  # refund id -> encode_returns text
    # When the status last changed (unix seconds): the time of reserve, commit, release or
    # the last refund; for an expired order its expires_at (when it logically expired, not
    # when it was swept, so every adapter agrees). `purge` compares it with the retention.
    changed_at: float = 0.0

    def state(self) -> OrderState:
        by_key = {c.key: c for c in self.claims}
        returned = tuple(
            Claim(k, a, by_key[k].limit, by_key[k].promotion) for k, a in sorted(self.returned.items()) if a
        )
        return OrderState(self.order_id, self.status, self.claims, self.expires_at, returned)


def unknown(url: str, order_id: str, verb: str = "") -> LedgerError:
    """The error for an order id the ledger has no record of.

    After `purge` a finished order's record is gone, so a refund (or a late commit) of
    it cannot be told apart from one that never existed: the message says both.
    """
    if verb == "refunded":
        return LedgerError(
            f"{url}: unknown order {order_id!r}: it cannot be refunded because it was never reserved "
            "or its record was purged after the retention window (`purge`); refunds must come within "
            "the retention window"
        )
    return LedgerError(
        f"{url}: unknown order {order_id!r} (never reserved, or purged after the retention window)"
    )


def reply_error(url: str, order_id: str, verb: str, tag: str, detail: object) -> LedgerError:
    """The error for a server-side script's non-state reply (`tag`, `detail`).

    Redis (Lua) and PostgreSQL (plpgsql) answer commit/release/refund with the same tags,
    so both adapters map them to the same errors here.
    """
    if tag == "unknown":
        return unknown(url, order_id, verb)
    if tag == "conflict":
        return LedgerConflict(f"{url}: a refund of order {order_id!r} was made with different returns")
    if tag == "bad":
        hint = " (refund it instead)" if verb == "released" else ""
        return LedgerError(f"{url}: order {order_id!r} cannot be {verb}: it is {detail}{hint}")
    if tag == "problem":
        return LedgerError(f"{url}: refund of order {order_id!r}: {detail}")
    return LedgerError(f"{url}: unexpected reply {tag!r} {detail!r}")


def refund_problems(order: Order, returns: tuple[Claim, ...]) -> str | None:
    """Why `returns` cannot be refunded from `order` (None: they can)."""
    claimed = {c.key: c.amount for c in order.claims}
    for r in returns:
        if r.key not in claimed:
            return f"key {r.key!r} was not claimed by order {order.order_id!r}"
        left = claimed[r.key] - order.returned.get(r.key, 0)
        if r.amount > left:
            return f"key {r.key!r}: returning {r.amount} but only {left} left to return"
    return None


class StoreLedger(ABC):
    """The contract's state machine over storage primitives (see the module docstring).

    Subclasses provide `_tx()` (a context manager making the body atomic and
    isolated) and the primitives; everything else is shared.
    """

    url: str
    #: whether `promokit.checkout` claims campaign statistics on this ledger (open_ledger)
    campaign_stats: bool = True

    def __init__(self, url: str, clock: Clock | None) -> None:
        self.url = url
        self._clock: Clock = clock or time.time

    # ------------------------------------------------------------------ primitives
    @abstractmethod
    def _tx(self) -> AbstractContextManager[None]: ...

    def _has_due(self, now: float) -> bool:
        """Whether some reservation is past its TTL (must not change anything)."""
        return bool(self._due(now, 1))

    def _read_tx(self) -> AbstractContextManager[None]:
        """A consistent read-only snapshot; by default the write transaction."""
        return self._tx()

    @abstractmethod
    def _get_balances(self, keys: Sequence[str]) -> dict[str, Balance]: ...

    @abstractmethod
    def _put_balances(self, changes: Mapping[str, Balance]) -> None: ...

    @abstractmethod
    def _get_order(self, order_id: str) -> Order | None: ...

    @abstractmethod
    def _put_order(self, order: Order, *, new: bool) -> None: ...

    @abstractmethod
    def _due(self, now: float, limit: int | None) -> list[Order]:
        """Reserved orders whose expiry is <= now (at most `limit`)."""

    @abstractmethod
    def _purgeable(self, cutoff: float, limit: int) -> list[str]:
        """Ids of orders not `reserved` whose `changed_at` < cutoff (oldest first, at most `limit`)."""

    @abstractmethod
    def _delete_orders(self, order_ids: Sequence[str]) -> None: ...

    # ------------------------------------------------------------------ helpers
    def _add(self, claims: Sequence[tuple[str, int, int]]) -> None:
        """Apply (key, d_used, d_held) deltas."""
        current = self._get_balances(sorted({k for k, _, _ in claims}))
        for key, du, dh in claims:
            b = current[key]
            current[key] = Balance(b.used + du, b.held + dh)
        self._put_balances(current)

    def _expire(self, order: Order) -> None:
        self._add([(c.key, 0, -c.amount) for c in order.claims])
        order.status = "expired"
        order.changed_at = order.expires_at if order.expires_at is not None else order.changed_at
        self._put_order(order, new=False)

    def _expire_due(self, now: float, limit: int | None = EXPIRE_BATCH) -> int:
        due = self._due(now, limit)
        for order in due:
            self._expire(order)
        return len(due)

    def _load(self, order_id: str, now: float) -> Order | None:
        order = self._get_order(order_id)
        if order is not None and order.status == "reserved" and order.expires_at is not None:
            if order.expires_at <= now:
                self._expire(order)
        return order

    # ------------------------------------------------------------------ contract
    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        return {k: b.total for k, b in self.balances(keys).items()}

    def balances(self, keys: Sequence[str]) -> Mapping[str, Balance]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        now = self._clock()
        with self._read_tx():
            if not self._has_due(now):  # the common case: a plain read, no write lock
                return self._get_balances(wanted)
        with self._tx():
            self._expire_due(now)
            return self._get_balances(wanted)

    def reserve(self, order_id: str, claims: Sequence[Claim], ttl: float) -> ReserveOutcome:
        check_order_id(order_id)
        check_ttl(ttl)
        wanted = normalize(claims)
        with self._tx():
            now = self._clock()
            self._expire_due(now)
            existing = self._load(order_id, now)
            if existing is not None:
                if existing.claims != wanted:
                    raise LedgerConflict(f"{self.url}: order {order_id!r} was reserved with different claims")
                return ReserveOutcome(order_id, existing.status in LIVE, (), existing.status)
            current = self._get_balances([c.key for c in wanted])
            failed = tuple(
                c for c in wanted if c.limit is not None and current[c.key].total + c.amount > c.limit
            )
            if failed:
                return ReserveOutcome(order_id, False, failed, None)
            self._put_balances(
                {c.key: Balance(current[c.key].used, current[c.key].held + c.amount) for c in wanted}
            )
            self._put_order(Order(order_id, "reserved", wanted, now + ttl, changed_at=now), new=True)
            return ReserveOutcome(order_id, True, (), "reserved")

    def commit(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        with self._tx():
            now = self._clock()
            order = self._load(order_id, now)
            if order is None:
                raise unknown(self.url, order_id)
            if order.status == "reserved":
                self._add([(c.key, c.amount, -c.amount) for c in order.claims])
                order.status, order.expires_at, order.changed_at = "committed", None, now
                self._put_order(order, new=False)
            elif order.status not in ("committed", "refunded"):
                raise LedgerError(
                    f"{self.url}: order {order_id!r} cannot be committed: it was {order.status}"
                )
            return order.state()

    def release(self, order_id: str) -> OrderState:
        check_order_id(order_id)
        with self._tx():
            now = self._clock()
            order = self._load(order_id, now)
            if order is None:
                raise unknown(self.url, order_id)
            if order.status == "reserved":
                self._add([(c.key, 0, -c.amount) for c in order.claims])
                order.status, order.changed_at = "released", now
                self._put_order(order, new=False)
            elif order.status not in ("released", "expired"):
                raise LedgerError(
                    f"{self.url}: order {order_id!r} cannot be released: it was {order.status} (refund it instead)"
                )
            return order.state()

    def refund(self, order_id: str, returns: Sequence[Claim], refund_id: str) -> OrderState:
        check_order_id(order_id)
        check_order_id(refund_id)
        wanted = normalize_returns(returns)
        text = encode_returns(wanted)
        with self._tx():
            now = self._clock()
            order = self._load(order_id, now)
            if order is None:
                raise unknown(self.url, order_id, "refunded")
            seen = order.refunds.get(refund_id)
            if seen is not None:
                if seen != text:
                    raise LedgerConflict(f"{self.url}: refund {refund_id!r} was made with different returns")
                return order.state()
            if order.status not in ("committed", "refunded"):
                raise LedgerError(f"{self.url}: order {order_id!r} cannot be refunded: it is {order.status}")
            problem = refund_problems(order, wanted)
            if problem:
                raise LedgerError(f"{self.url}: refund {refund_id!r}: {problem}")
            self._add([(r.key, -r.amount, 0) for r in wanted])
            for r in wanted:
                order.returned[r.key] = order.returned.get(r.key, 0) + r.amount
            order.refunds[refund_id] = text
            order.status, order.changed_at = "refunded", now
            self._put_order(order, new=False)
            return order.state()

    def sweep(self) -> int:
        total = 0
        while True:
            with self._tx():
                n = self._expire_due(self._clock())
            total += n
            if n < EXPIRE_BATCH:
                return total

    def purge(self, older_than: float) -> int:
        """Delete finished orders whose last change is more than `older_than` seconds ago.

        Each batch first expires due reservations (as `sweep` does, so an abandoned
        reservation is purged once its expiry is old enough), then deletes order
        records only: counters are never touched, so committed usage stays counted.
        """
        check_retention(older_than)
        total = 0
        while True:
            with self._tx():
                now = self._clock()
                expired = self._expire_due(now)
                ids = self._purgeable(now - older_than, PURGE_BATCH)
                self._delete_orders(ids)
            total += len(ids)
            if expired < EXPIRE_BATCH and len(ids) < PURGE_BATCH:
                return total

    def state(self, order_id: str) -> OrderState | None:
        check_order_id(order_id)
        with self._tx():
            order = self._load(order_id, self._clock())
            return None if order is None else order.state()


def batched(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
