"""What changed for one request between two rule sets, and the totals over a replay.

The cost of a result to the shop is the money it gives away: goods discount plus shipping
discount (`cost`). Points and gifts are reported beside it, not converted into money: their
value is a business decision the rules do not state. A request is *changed* when anything a
customer would notice differs: any money figure, the points, the gifts or the amount of any
applied promotion (docs/programs.md#replay).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..models import PricingResult

ZERO = Decimal(0)


def cost(result: PricingResult) -> Decimal:
    """The money a priced cart gives away: the goods discount plus the shipping discount."""
    return result.discount + result.shipping_discount


def _gifts(result: PricingResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in result.gifts:
        out[g.sku] = out.get(g.sku, 0) + g.quantity
    return out


def _applied(result: PricingResult) -> dict[str, Decimal]:
    return {a.promotion: a.amount for a in result.applied}


@dataclass(frozen=True, slots=True)
class PromotionChange:
    """One promotion whose amount differs; None: not applied in that version."""

    promotion: str
    old: Decimal | None
    new: Decimal | None

    def words(self) -> str:
        if self.old is None:
            return f"+{self.promotion} {self.new}"
        if self.new is None:
            return f"-{self.promotion} {self.old}"
        return f"{self.promotion} {self.old}->{self.new}"


@dataclass(frozen=True, slots=True)
class RequestDiff:
    name: str  # the file, or `file:line` for JSON lines
    old: PricingResult
    new: PricingResult
    promotions: tuple[PromotionChange, ...]

    @property
    def cost_difference(self) -> Decimal:
        return cost(self.new) - cost(self.old)

    @property
    def total_difference(self) -> Decimal:
        return self.new.total - self.old.total

    @property
    def points_difference(self) -> int:
        return self.new.points_earned - self.old.points_earned

    @property
    def gifts_changed(self) -> bool:
        return _gifts(self.old) != _gifts(self.new)

    @property
    def changed(self) -> bool:
        o, n = self.old, self.new
        money = (o.discount, o.shipping, o.total, o.points_earned, o.points_redeemed)
        return (
            money != (n.discount, n.shipping, n.total, n.points_earned, n.points_redeemed)
            or self.gifts_changed
            or bool(self.promotions)
            or [ln.total for ln in o.lines] != [ln.total for ln in n.lines]
        )


def compare(name: str, old: PricingResult, new: PricingResult) -> RequestDiff:
    """The differences of one request priced under the old and the new rules."""
    a, b = _applied(old), _applied(new)
    changes = tuple(
        PromotionChange(pid, a.get(pid), b.get(pid))
        for pid in sorted(a.keys() | b.keys())
        if a.get(pid) != b.get(pid)
    )
    return RequestDiff(name, old, new, changes)


def movers_first(diffs: list[RequestDiff]) -> list[RequestDiff]:
    """Biggest movers first: by the size of the cost difference, then of the total's, then by name."""
    return sorted(diffs, key=lambda d: (-abs(d.cost_difference), -abs(d.total_difference), d.name))


@dataclass(slots=True)
class Totals:
    requests: int = 0
    changed: int = 0
    errors: int = 0
    old_discount: Decimal = ZERO
    new_discount: Decimal = ZERO
    old_total: Decimal = ZERO
    new_total: Decimal = ZERO
    old_cost: Decimal = ZERO
    new_cost: Decimal = ZERO
    old_points: int = 0
    new_points: int = 0
    promotions: dict[str, int] = field(default_factory=dict)  # promotion id -> requests it changed in

    @property
    def cost_difference(self) -> Decimal:
        return self.new_cost - self.old_cost

    def add(self, d: RequestDiff) -> None:
        self.requests += 1
        self.changed += d.changed
        self.old_discount += d.old.discount
        self.new_discount += d.new.discount
        self.old_total += d.old.total
        self.new_total += d.new.total
        self.old_cost += cost(d.old)
        self.new_cost += cost(d.new)
        self.old_points += d.old.points_earned
        self.new_points += d.new.points_earned
        for change in d.promotions:
            self.promotions[change.promotion] = self.promotions.get(change.promotion, 0) + 1
