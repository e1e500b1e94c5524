"""One customer's points account as data: lots, pending points, holds, and the pure rules on them.

Everything here is a pure function of the account document and an instant; the
storage adapters only keep the document (docs/points.md#how-it-is-stored). Rules:

- A **lot** is points earned together: `[ref, earned_at, expires_at|None, points]`.
  Spending takes lots **FIFO by expiry**: the lot expiring first goes first, lots that
  never expire last (ties: earliest earned, then ref).
- A **hold** (an order's redeemed points between reserve and commit) takes the lot
  pieces out of the lots at once, so a lot cannot expire under a hold; releasing it
  puts the pieces back with their own expiry (expired ones then expire at once).
- **Pending** points (earned by a committed order, inside its return window) are not
  spendable; they become a lot when the window ends.
- `settle(now)` applies what time has done: holds past their TTL come back, pending
  points past their window become lots, lots past their expiry expire. It runs before
  every operation (lazily) and from `sweep()`.

The balance is what the customer owns: `available` (in lots) + `held`. Every change
to it is a `Movement`, so the sum of an account's movements is always its balance
(and the sum of their `pending` parts its pending points).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

MovementKind = Literal["earn", "pending", "spend", "expire", "clawback", "return", "adjust"]


@dataclass(frozen=True, slots=True)
class Movement:
    """One change to an account. `points`: change of the balance; `pending`: of pending points."""

    at: float
    kind: MovementKind
    points: int
    pending: int
    ref: str  # the order, refund or event id
    note: str = ""

    def to_json(self) -> str:
        """The movement as one compact JSON array (the stored form of the history)."""
        return json.dumps(
            [self.at, self.kind, self.points, self.pending, self.ref, self.note],
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Movement:
        """The movement `to_json` wrote."""
        at, kind, points, pending, ref, note = json.loads(text)
        return cls(float(at), kind, int(points), int(pending), str(ref), str(note))


@dataclass(frozen=True, slots=True)
class PointsLot:
    points: int
    earned_at: float
    expires_at: float | None
    ref: str


@dataclass(frozen=True, slots=True)
class PointsAccount:
    """A customer's points at one instant (after lazy expiry)."""

    customer: str
    balance: int  # owned: available + held
    available: int  # spendable now
    held: int  # held by reserved orders
    pending: int  # earned by orders still inside their return window
    lots: tuple[PointsLot, ...]  # spendable lots, in spending order
    exists: bool = True  # False: the ledger has never seen this customer (all zeros)

    def expiring(self, before: float) -> tuple[PointsLot, ...]:
        """The lots that expire before the instant `before` (e.g. now + 30 days)."""
        return tuple(lot for lot in self.lots if lot.expires_at is not None and lot.expires_at < before)


@dataclass
class Lot:
    """Points earned together. `ref`: the order or event that earned them."""

    ref: str
    earned_at: float
    expires_at: float | None
    points: int

    def same(self, other: Lot) -> bool:
        return (self.ref, self.earned_at, self.expires_at) == (other.ref, other.earned_at, other.expires_at)

    def key(self) -> tuple[bool, float, float, str]:
        """Spending order: expiring first, never-expiring last, then earliest earned."""
        return (self.expires_at is None, self.expires_at or 0.0, self.earned_at, self.ref)

    def to_list(self) -> list[object]:
        return [self.ref, self.earned_at, self.expires_at, self.points]

    @classmethod
    def of(cls, raw: list[Any]) -> Lot:
        ref, earned_at, expires_at, points = raw
        return cls(str(ref), float(earned_at), None if expires_at is None else float(expires_at), int(points))


@dataclass
class Pending:
    """Points an order earned, spendable from `available_at` (end of the return window)."""

    ref: str
    available_at: float
    points: int
    earned_at: float
    expires_at: float | None

    def to_list(self) -> list[object]:
        return [self.ref, self.available_at, self.points, self.earned_at, self.expires_at]

    @classmethod
    def of(cls, raw: list[Any]) -> Pending:
        ref, available_at, points, earned_at, expires_at = raw
        return cls(
            str(ref),
            float(available_at),
            int(points),
            float(earned_at),
            None if expires_at is None else float(expires_at),
        )


@dataclass
class Hold:
    """An order's redeemed points between reserve and commit: the lot pieces it took."""

    expires_at: float
    pieces: list[Lot]

    @property
    def points(self) -> int:
        return sum(p.points for p in self.pieces)


@dataclass
class AccountDoc:
    """The stored document of one account (see the module docstring)."""

    lots: list[Lot] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    holds: dict[str, Hold] = field(default_factory=dict)

    # ------------------------------------------------------------------ storage
    def to_json(self) -> str:
        self.lots.sort(key=Lot.key)
        return json.dumps(
            {
                "l": [lot.to_list() for lot in self.lots],
                "p": [p.to_list() for p in self.pending],
                "h": {o: [h.expires_at, [p.to_list() for p in h.pieces]] for o, h in self.holds.items()},
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | None) -> AccountDoc:
        if not text:
            return cls()
        d = json.loads(text)
        return cls(
            [Lot.of(x) for x in d["l"]],
            [Pending.of(x) for x in d["p"]],
            {o: Hold(float(h[0]), [Lot.of(x) for x in h[1]]) for o, h in d["h"].items()},
        )

    def next_due(self) -> float | None:
        """The next instant `settle` would change something (for the sweep index)."""
        times = [h.expires_at for h in self.holds.values()]
        times += [p.available_at for p in self.pending]
        times += [lot.expires_at for lot in self.lots if lot.expires_at is not None]
        return min(times) if times else None

    # ------------------------------------------------------------------ views
    @property
    def available(self) -> int:
        return sum(lot.points for lot in self.lots)

    @property
    def held(self) -> int:
        return sum(h.points for h in self.holds.values())

    @property
    def pending_points(self) -> int:
        return sum(p.points for p in self.pending)

    def view(self, customer: str, exists: bool = True) -> PointsAccount:
        self.lots.sort(key=Lot.key)
        lots = tuple(PointsLot(lot.points, lot.earned_at, lot.expires_at, lot.ref) for lot in self.lots)
        available, held = self.available, self.held
        return PointsAccount(customer, available + held, available, held, self.pending_points, lots, exists)

    # ------------------------------------------------------------------ rules
    def add_lot(self, lot: Lot) -> None:
        if lot.points > 0:
            self.put_back([lot])

    def take(self, points: int) -> list[Lot]:
        """Take `points` from the lots FIFO by expiry; the caller checked `available`."""
        self.lots.sort(key=Lot.key)
        pieces: list[Lot] = []
        left = points
        while left > 0:
            lot = self.lots[0]
            n = min(left, lot.points)
            pieces.append(Lot(lot.ref, lot.earned_at, lot.expires_at, n))
            left -= n
            lot.points -= n
            if lot.points == 0:
                self.lots.pop(0)
        return pieces

    def put_back(self, pieces: list[Lot]) -> None:
        """Return lot pieces (a released hold, returned redeemed points) with their own expiry."""
        for piece in pieces:
            for lot in self.lots:
                if lot.same(piece):
                    lot.points += piece.points
                    break
            else:
                self.lots.append(Lot(piece.ref, piece.earned_at, piece.expires_at, piece.points))
        self.lots.sort(key=Lot.key)

    def settle(self, now: float) -> list[Movement]:
        """Apply time: expired holds come back, matured pending points become lots, due lots expire."""
        moves: list[Movement] = []
        for order_id in [o for o, h in self.holds.items() if h.expires_at <= now]:
            self.put_back(self.holds.pop(order_id).pieces)
        for p in [p for p in self.pending if p.available_at <= now]:
            self.pending.remove(p)
            self.add_lot(Lot(p.ref, p.earned_at, p.expires_at, p.points))
            moves.append(Movement(p.available_at, "earn", p.points, -p.points, p.ref))
        for lot in [lot for lot in self.lots if lot.expires_at is not None and lot.expires_at <= now]:
            self.lots.remove(lot)
            moves.append(Movement(lot.expires_at or now, "expire", -lot.points, 0, lot.ref))
        return moves
