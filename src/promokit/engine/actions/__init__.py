"""Action evaluators: what one promotion does to the cart, given what earlier ones left.

The evaluators are pure functions over a `Cart` (the request, resolved once per price call)
and the amounts the lines still have (`remaining`). Each returns an `Effect` (per-line
amounts and units, shipping, gifts, points) or a `Miss` (why it does nothing, with the
shortfall), plus `Upsell` records from which hints are built without re-evaluating.
Evaluators never round except through `promokit.money`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ...models import Reason

ZERO = Decimal(0)


@dataclass(slots=True)
class Effect:
    """What an applied promotion did. `amounts`/`units` are keyed by cart line index."""

    amounts: dict[int, Decimal] = field(default_factory=dict)
    units: dict[int, int] = field(default_factory=dict)
    #: shipping discount per shipping line, keyed by its index in `request.shipping_lines`
    shipping_lines: dict[int, Decimal] = field(default_factory=dict)
    gifts: tuple[tuple[str, int], ...] = ()
    points: int = 0  # points earned
    redeemed: int = 0  # points redeemed

    @property
    def goods(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    @property
    def shipping(self) -> Decimal:
        return sum(self.shipping_lines.values(), ZERO)

    @property
    def saving(self) -> Decimal:
        return self.goods + self.shipping

    @property
    def is_empty(self) -> bool:
        return self.saving == 0 and not self.gifts and self.points == 0


@dataclass(frozen=True, slots=True)
class Miss:
    """Why a promotion did not apply. `would_save`: its discount before a budget refused it."""

    reason: Reason
    detail: str
    shortfall: Decimal | None = None
    lost_to: str | None = None
    would_save: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Upsell:
    """Raw material for a hint: spend `shortfall` more (or add `units`) in scope to unlock `unlocks`.

    `what` says what is unlocked in words ("¥20 off", "gift OIL x1", "free shipping").
    """

    promotion: str
    what: str
    shortfall: Decimal | None = None
    units: int | None = None
    unlocks: Decimal | None = None
    deal: str | None = None  # quantity deals: what the next unit gets ("the 2nd is 50% off")
    need: Decimal | None = None  # the spend threshold itself, to re-measure the shortfall
    scope: str | None = None  # where to add, when not the promotion's scope (a `when` condition's)


Outcome = Effect | Miss
