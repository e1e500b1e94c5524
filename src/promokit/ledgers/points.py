"""Points accounts on a ledger: earn, spend, hold for an order, commit, release, refund, expire.

    book = ledger.points                       # every adapter has one (docs/points.md)
    book.earn("c1", 100, "register:c1", note="register")
    book.hold("A-1001", "c1", redeem=500, earn=80, ttl=900)      # checkout.reserve does this
    book.commit("A-1001")                      # spends the 500, records 80 pending
    book.refund("A-1001", "R-1", returned=250, clawback=40)

One implementation for every adapter. An operation reads the customer's account
document (points_account.py), applies time (`settle`) and the change in Python, and
writes the result with ONE atomic compare-and-set call of the adapter: the account's
version must still be the one read (a Lua script on Redis, one plpgsql function on
PostgreSQL; memory and SQLite run the whole operation under their lock /
`BEGIN IMMEDIATE`, so their compare never fails). A concurrent writer of the same
account makes the compare fail and the operation is recomputed on fresh data, so two
spends of the same points never both succeed and no update is lost. Why not the
account rules in Lua and plpgsql too: FIFO lots, expiry calendars (time zones, DST)
and proportional claw-backs would then exist three times; contention is per customer,
not per shop, so optimistic retries are rare.

Idempotency: every operation carries an order, refund or event id. Its record is
written in the same atomic call as the account, so a replay finds it and returns the
first outcome; the same id with different content raises `LedgerConflict`.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import quote

from ._core import check_order_id
from .base import LedgerConflict, LedgerError
from .points_account import AccountDoc, Hold, Lot, Movement, Pending, PointsAccount
from .points_policy import DEFAULT_RETURN_WINDOW, ExpiryPolicy, PointsError, check_points, check_window

#: Compare-and-set attempts before an operation gives up on a very busy account.
MAX_ATTEMPTS = 200
#: Accounts settled per sweep batch.
SWEEP_BATCH = 64

PointsStatus = Literal["reserved", "committed", "released", "expired", "refunded"]


class InsufficientPoints(PointsError):
    """A spend or hold asks for more points than the account has available."""

    def __init__(self, message: str, available: int) -> None:
        super().__init__(message)
        self.available = available


@dataclass(frozen=True, slots=True)
class PointsOrder:
    """The points side of an order. `returned`/`clawed_back`/`shortfall` add up over refunds.

    `shortfall`: earned points a refund should have clawed back but could not, because the
    customer had already spent them (the balance never goes below zero).
    """

    order_id: str
    customer: str
    status: PointsStatus
    redeemed: int
    earned: int
    expires_at: float | None = None  # of the hold, while reserved
    returned: int = 0
    clawed_back: int = 0
    shortfall: int = 0


@dataclass(frozen=True, slots=True)
class PointsEvent:
    """The outcome of an earn, spend or adjustment by event id (replays return it again)."""

    event_id: str
    customer: str
    kind: str
    points: int  # signed change of the balance
    at: float
    expires_at: float | None = None
    note: str = ""


class PointsStore(Protocol):
    """What an adapter provides: a consistent read and an atomic compare-and-set write."""

    def atomic(self) -> AbstractContextManager[None]:
        """Memory and SQLite: the whole operation under their lock; elsewhere a no-op."""
        ...

    def read_account(self, customer: str) -> tuple[int, str | None]:
        """(version, document); (0, None) for a customer never seen."""
        ...

    def read_records(self, keys: Sequence[str]) -> dict[str, str]: ...

    def write(
        self,
        customer: str,
        version: int,
        doc: str,
        next_due: float | None,
        moves: Sequence[str],
        records: dict[str, str],
    ) -> bool:
        """Atomically: if the account is still at `version`, store `doc` (version + 1), append
        `moves` to its history and upsert `records`; False (nothing written) otherwise."""
        ...

    def history(self, customer: str, limit: int) -> list[str]: ...

    def due(self, now: float, limit: int) -> list[str]:
        """Customers whose account has something to settle at `now` (holds, pending, expiry)."""
        ...


def order_key(order_id: str) -> str:
    return "o:" + quote(order_id, safe="")


def event_key(customer: str, event_id: str) -> str:
    # Event ids are per customer: "checkin:2026-12-01" may be used by every customer.
    return "e:" + quote(customer, safe="") + ":" + quote(event_id, safe="")


def check_customer(customer: object) -> str:
    if not isinstance(customer, str) or not customer or len(customer) > 200:
        raise PointsError(
            "a points account needs a customer id: a non-empty string of at most 200 characters"
        )
    return customer


def _order(order_id: str, r: dict[str, Any]) -> PointsOrder:
    return PointsOrder(
        order_id, r["c"], r["s"], r["sp"], r["ea"], r["x"] if r["s"] == "reserved" else None,
        r["rt"], r["cb"], r["sf"],
    )  # fmt: skip


def _event_of(event_id: str, r: dict[str, Any]) -> PointsEvent:
    kind, _, note = json.loads(r["w"])
    return PointsEvent(event_id, r["c"], kind, r["p"], r["at"], r["x"], note)


class _Op:
    """One operation's working state: the settled account, records read and written, movements."""

    def __init__(self, customer: str, doc: AccountDoc, now: float, moves: list[Movement]) -> None:
        self.customer = customer
        self.doc = doc
        self.now = now
        self.moves = moves
        self.records: dict[str, str] = {}


class PointsBook:
    """Points accounts on one ledger (module docstring). Thread-safe; one per ledger."""

    def __init__(self, url: str, store: PointsStore, clock: Callable[[], float] | None = None) -> None:
        self.url = url
        self._store = store
        self._clock = clock or time.time

    # ------------------------------------------------------------------ machinery
    def _run(self, customer: str, keys: Sequence[str], change: Callable[[_Op, dict[str, str]], Any]) -> Any:
        """Read, settle, apply `change`, compare-and-set; again on a concurrent write."""
        for attempt in range(MAX_ATTEMPTS):
            with self._store.atomic():
                now = self._clock()
                version, text = self._store.read_account(customer)
                records = self._store.read_records(keys) if keys else {}  # after the account: see write()
                doc = AccountDoc.from_json(text)
                op = _Op(customer, doc, now, doc.settle(now))
                result = change(op, records)
                new_text = doc.to_json()
                if not op.moves and not op.records and new_text == (text or AccountDoc().to_json()):
                    return result  # nothing changed (a replay or a read): no write
                moves = [m.to_json() for m in op.moves]
                if self._store.write(customer, version, new_text, doc.next_due(), moves, op.records):
                    return result
            time.sleep(random.uniform(0, 0.0005 * min(attempt + 1, 20)))
        raise LedgerError(f"{self.url}: points account {customer!r} is too busy; try again")

    def _customer_of(self, order_id: str) -> tuple[str, dict[str, Any]] | None:
        raw = self._store.read_records([order_key(order_id)]).get(order_key(order_id))
        if raw is None:
            return None
        record: dict[str, Any] = json.loads(raw)
        return record["c"], record

    # ------------------------------------------------------------------ reads
    def account(self, customer: str) -> PointsAccount:
        """Balance, available, held and pending points and the lots, as of now (read-only)."""
        check_customer(customer)
        version, text = self._store.read_account(customer)
        doc = AccountDoc.from_json(text)
        doc.settle(self._clock())
        return doc.view(customer, exists=text is not None)

    def history(self, customer: str, limit: int = 100) -> tuple[Movement, ...]:
        """The account's latest movements, oldest first. Lazy expiry writes its movements on the
        next operation or sweep; `account()` already shows its effect."""
        check_customer(customer)
        return tuple(Movement.from_json(m) for m in self._store.history(customer, limit))

    def order(self, order_id: str) -> PointsOrder | None:
        """The points side of an order (None: the order holds or earned no points)."""
        check_order_id(order_id)
        found = self._customer_of(order_id)
        if found is None:
            return None
        record = found[1]
        if record["s"] == "reserved" and record["x"] <= self._clock():
            record["s"] = "expired"
        return _order(order_id, record)

    def event(self, customer: str, event_id: str) -> PointsEvent | None:
        """The recorded outcome of an earn, spend or adjustment by event id (None: never made)."""
        check_customer(customer)
        check_order_id(event_id)
        raw = self._store.read_records([event_key(customer, event_id)]).get(event_key(customer, event_id))
        return None if raw is None else _event_of(event_id, json.loads(raw))

    # ------------------------------------------------------------------ events
    def _event(
        self, customer: str, event_id: str, kind: str, points: int, note: str, expires_at: float | None
    ) -> PointsEvent:
        check_customer(customer)
        check_order_id(event_id)
        key = event_key(customer, event_id)
        wanted = json.dumps([kind, points, note], ensure_ascii=False)

        def change(op: _Op, records: dict[str, str]) -> PointsEvent:
            if key in records:
                seen = json.loads(records[key])
                if seen["w"] != wanted:
                    raise LedgerConflict(
                        f"{self.url}: points event {event_id!r} was recorded with different content"
                    )
                return _event_of(event_id, seen)
            if expires_at is not None and expires_at <= op.now:
                raise PointsError(f"points event {event_id!r}: the expiry date is in the past")
            delta = points
            if kind == "spend" or points < 0:
                need = abs(points)
                if need > op.doc.available:
                    raise InsufficientPoints(
                        f"{self.url}: customer {customer!r} has {op.doc.available} points available, "
                        f"{need} needed for {event_id!r}",
                        op.doc.available,
                    )
                op.doc.take(need)
                delta = -need
            else:
                op.doc.add_lot(Lot(event_id, op.now, expires_at, points))
            op.moves.append(Movement(op.now, kind, delta, 0, event_id, note))  # type: ignore[arg-type]
            record = {"c": customer, "w": wanted, "p": delta, "at": op.now, "x": expires_at}
            op.records[key] = json.dumps(record, ensure_ascii=False)
            return _event_of(event_id, record)

        result: PointsEvent = self._run(customer, [key], change)
        return result

    def earn(
        self,
        customer: str,
        points: int,
        event_id: str,
        *,
        note: str = "",
        policy: ExpiryPolicy | None = None,
        expires_at: float | None = None,
    ) -> PointsEvent:
        """Credit `points` now (an action: register, check-in, review ...), idempotent by `event_id`.

        The lot expires at `expires_at` or by `policy` (default: never)."""
        check_points(points, "points earned")
        if expires_at is None and policy is not None:
            expires_at = policy.expires_at(self._clock())
        return self._event(customer, event_id, "earn", points, note, expires_at)

    def spend(self, customer: str, points: int, event_id: str, *, note: str = "") -> PointsEvent:
        """Spend `points` now (a points-mall purchase, a coupon exchange); refused beyond the balance."""
        check_points(points, "points spent")
        return self._event(customer, event_id, "spend", points, note, None)

    def adjust(
        self, customer: str, points: int, event_id: str, *, note: str = "", expires_at: float | None = None
    ) -> PointsEvent:
        """A manual correction: positive adds a lot, negative takes points FIFO (never below zero)."""
        if isinstance(points, bool) or not isinstance(points, int) or points == 0:
            raise PointsError(f"an adjustment must be a non-zero whole number of points, got {points!r}")
        check_points(abs(points), "points adjusted")
        return self._event(customer, event_id, "adjust", points, note, expires_at)

    # ------------------------------------------------------------------ orders
    def hold(
        self,
        order_id: str,
        customer: str,
        *,
        redeem: int,
        earn: int,
        ttl: float,
        policy: ExpiryPolicy | None = None,
        return_window: float = DEFAULT_RETURN_WINDOW,
    ) -> PointsOrder:
        """Reserve: hold the `redeem` points the order spends and note the `earn` it will earn.

        Raises InsufficientPoints when fewer are available. A replay returns the order; holding
        a reserved order again with other amounts replaces the hold (a re-priced checkout)."""
        check_order_id(order_id)
        check_customer(customer)
        check_points(redeem, "points redeemed", allow_zero=True)
        check_points(earn, "points earned", allow_zero=True)
        window = check_window(return_window)
        if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 < ttl <= 86400 * 365:
            raise PointsError(f"ttl must be a positive number of seconds, got {ttl!r}")
        key = order_key(order_id)
        pol = (policy or ExpiryPolicy()).to_json()

        def change(op: _Op, records: dict[str, str]) -> PointsOrder:
            old = json.loads(records[key]) if key in records else None
            if old is not None:
                if old["c"] != customer:
                    raise LedgerConflict(f"{self.url}: order {order_id!r} holds points of another customer")
                live = old["s"] == "reserved" and order_id in op.doc.holds
                if not live or (old["sp"], old["ea"]) == (redeem, earn):
                    if old["s"] == "reserved" and not live:
                        old["s"] = "expired"
                    return _order(order_id, old)
                op.doc.put_back(op.doc.holds.pop(order_id).pieces)  # re-priced: replace the hold
            if redeem > op.doc.available:
                raise InsufficientPoints(
                    f"{self.url}: customer {customer!r} has {op.doc.available} points available, "
                    f"order {order_id!r} redeems {redeem}",
                    op.doc.available,
                )
            op.doc.holds[order_id] = Hold(op.now + ttl, op.doc.take(redeem))
            record = {"c": customer, "s": "reserved", "sp": redeem, "ea": earn, "x": op.now + ttl,
                      "w": window, "pol": pol, "pc": [], "rt": 0, "cb": 0, "sf": 0, "f": {}}  # fmt: skip
            op.records[key] = json.dumps(record, ensure_ascii=False)
            return _order(order_id, record)

        result: PointsOrder = self._run(customer, [key], change)
        return result

    def _finish(self, order_id: str, verb: str) -> PointsOrder | None:
        check_order_id(order_id)
        found = self._customer_of(order_id)
        if found is None:
            return None  # the order redeemed and earned no points
        customer, key = found[0], order_key(order_id)

        def change(op: _Op, records: dict[str, str]) -> PointsOrder:
            r = json.loads(records[key])
            live = r["s"] == "reserved" and order_id in op.doc.holds
            if r["s"] == "reserved" and not live:
                r["s"] = "expired"
            if live and verb == "commit":
                hold = op.doc.holds.pop(order_id)
                if hold.points:
                    op.moves.append(Movement(op.now, "spend", -hold.points, 0, order_id, "order"))
                if r["ea"]:
                    policy = ExpiryPolicy.from_json(r["pol"])
                    p = Pending(order_id, op.now + r["w"], r["ea"], op.now, policy.expires_at(op.now))
                    op.doc.pending.append(p)
                    op.moves.append(Movement(op.now, "pending", 0, p.points, order_id, "order"))
                r.update(s="committed", pc=[x.to_list() for x in hold.pieces])
                op.records[key] = json.dumps(r, ensure_ascii=False)
            elif live:
                op.doc.put_back(op.doc.holds.pop(order_id).pieces)
                r["s"] = "released"
                op.records[key] = json.dumps(r, ensure_ascii=False)
            elif verb == "commit" and r["s"] not in ("committed", "refunded"):
                raise LedgerError(
                    f"{self.url}: the points of order {order_id!r} cannot be committed: {r['s']}"
                )
            elif verb == "release" and r["s"] not in ("released", "expired"):
                raise LedgerError(
                    f"{self.url}: the points of order {order_id!r} cannot be released: it is {r['s']} "
                    "(refund it instead)"
                )
            return _order(order_id, r)

        result: PointsOrder = self._run(customer, [key], change)
        return result

    def commit(self, order_id: str) -> PointsOrder | None:
        """After payment: the held points are spent, the earned ones become pending. None: no points."""
        return self._finish(order_id, "commit")

    def release(self, order_id: str) -> PointsOrder | None:
        """On cancel: the held points come back. None: the order has no points."""
        return self._finish(order_id, "release")

    def refund(self, order_id: str, refund_id: str, *, returned: int, clawback: int) -> PointsOrder:
        """A return: give back `returned` redeemed points and claw back `clawback` earned ones.

        Returned points go back to the lots they came from (latest-expiring first). The claw-back
        takes pending points of the order first, then available points; what the customer has
        already spent is recorded as `shortfall`, never taken below zero. Idempotent by refund id."""
        check_order_id(order_id)
        check_order_id(refund_id)
        check_points(returned, "points returned", allow_zero=True)
        check_points(clawback, "points clawed back", allow_zero=True)
        found = self._customer_of(order_id)
        if found is None:
            raise LedgerError(f"{self.url}: order {order_id!r} has no points to refund")
        customer, key = found[0], order_key(order_id)
        wanted = f"{returned}:{clawback}"

        def change(op: _Op, records: dict[str, str]) -> PointsOrder:
            r = json.loads(records[key])
            seen = r["f"].get(refund_id)
            if seen is not None:
                if seen != wanted:
                    raise LedgerConflict(
                        f"{self.url}: points refund {refund_id!r} was made with different amounts"
                    )
                return _order(order_id, r)
            if r["s"] not in ("committed", "refunded"):
                raise LedgerError(
                    f"{self.url}: the points of order {order_id!r} cannot be refunded: {r['s']}"
                )
            if returned > r["sp"] - r["rt"]:
                raise PointsError(
                    f"refund {refund_id!r}: returning {returned} points but only {r['sp'] - r['rt']} left to return"
                )
            if clawback > r["ea"] - r["cb"] - r["sf"]:
                raise PointsError(
                    f"refund {refund_id!r}: clawing back {clawback} points but only "
                    f"{r['ea'] - r['cb'] - r['sf']} left to claw back"
                )
            if returned:
                spent = [Lot.of(x) for x in r["pc"]]
                back, left = [], returned
                for piece in sorted(spent, key=Lot.key, reverse=True):  # the longest-living first
                    n = min(left, piece.points)
                    if n:
                        back.append(Lot(piece.ref, piece.earned_at, piece.expires_at, n))
                        piece.points -= n
                        left -= n
                op.doc.put_back(back)
                r["pc"] = [x.to_list() for x in spent if x.points]
                op.moves.append(Movement(op.now, "return", returned, 0, order_id, refund_id))
            taken = 0
            pending = next((p for p in op.doc.pending if p.ref == order_id), None)
            if clawback and pending is not None:
                taken = min(clawback, pending.points)
                pending.points -= taken
                if not pending.points:
                    op.doc.pending.remove(pending)
                op.moves.append(Movement(op.now, "clawback", 0, -taken, order_id, refund_id))
            rest = min(clawback - taken, op.doc.available)
            if rest:
                op.doc.take(rest)
                op.moves.append(Movement(op.now, "clawback", -rest, 0, order_id, refund_id))
            r["rt"] += returned
            r["cb"] += taken + rest
            r["sf"] += clawback - taken - rest
            r["s"] = "refunded"
            r["f"][refund_id] = wanted
            op.records[key] = json.dumps(r, ensure_ascii=False)
            return _order(order_id, r)

        result: PointsOrder = self._run(customer, [key], change)
        return result

    # ------------------------------------------------------------------ time
    def sweep(self) -> int:
        """Settle every account with something due (expired holds, matured pending, expired lots)."""
        settled: set[str] = set()
        while True:
            due = [c for c in self._store.due(self._clock(), SWEEP_BATCH) if c not in settled]
            for customer in due:
                self._run(customer, [], lambda op, records: None)
            settled.update(due)
            if not due:  # settled accounts leave the due index; never loop on one that did not
                return len(settled)
