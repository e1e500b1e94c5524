"""Hints ("凑单"): what the customer could still unlock, built from data pricing already has.

Sources: the upsell records the chosen deal's evaluation produced (the next tier of an applied
tier promotion, the next every-X step, the next group of a quantity deal) and those of
promotions that did nothing alone because a threshold was not reached. A promotion that
conflicts with the chosen deal gives no hint (reaching it would not add to this deal). A spend
shortfall is re-measured on what the chosen deal leaves to pay in the promotion's scope when
the promotion's layer starts.
Sorted by value to the customer (what it unlocks, largest first; then the smallest shortfall,
then rank); at most `MAX_HINTS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..benefits import spec_for
from ..compile.compiler import CompiledPromotion, conflicts, stackable
from ..language.ast import Bundle, SelectorKind
from ..models import Hint
from .actions import ZERO, Upsell
from .actions.cart import Cart
from .actions.order import threshold_base
from .evaluate import Evaluation

#: Hints returned per priced cart.
MAX_HINTS = 5


def base_in(cart: Cart, ev: Evaluation, p: CompiledPromotion) -> Decimal:
    """What `p`'s threshold would be measured on inside the combination `ev` (its layer's start)."""
    return threshold_base(p, cart, ev.before.get(p.layer, tuple(ev.remaining)))


def build_hints(
    cart: Cart,
    best: Evaluation,
    extra: Iterable[Upsell],
    promotions: dict[str, CompiledPromotion],
) -> tuple[Hint, ...]:
    rivals = Rivals([promotions[i] for i in best.ids if i in promotions])
    found: dict[str, Hint] = {}
    sort_keys: dict[str, tuple[Decimal, Decimal, int, int]] = {}
    upsells = [u for u in best.upsells if u.promotion in best.effects] + list(extra)
    for up in upsells:
        p = promotions.get(up.promotion)
        if p is None or up.promotion in found:
            continue
        if p.id not in best.ids and rivals.any_with(p):
            continue
        if up.units is not None and _beyond_cap(cart, best, p.id, up.units):
            continue  # the cap leaves no room for the next deal: the promise would be false
        if up.units is not None and _saves_nothing(cart, p, up.units):
            continue  # more units at these prices would not beat the deal's price
        budget = cart.budgets.get(p.id)
        if budget is not None and up.unlocks is not None and budget < up.unlocks:
            continue  # the budget left cannot pay what the hint would promise (docs/semantics.md#hints)
        scope = up.scope or p.scope.describe()
        where = "" if scope == "all items" else f" of {scope}"
        if up.units is not None:
            noun = "unit" if up.units == 1 else "units"
            message = f"add {up.units} more {noun}{where}: {up.deal or up.what}"
            shortfall = None
        else:
            shortfall = up.shortfall or ZERO
            if p.id not in best.ids and up.need is not None:
                # re-measured on what the chosen deal leaves to pay in the promotion's scope
                shortfall = up.need - base_in(cart, best, p)
            if shortfall <= 0:
                continue
            message = f"add {cart.money(shortfall)}{where} to get {up.what}"
        unlocks = cart.q(up.unlocks) if up.unlocks is not None else None
        shown = cart.q(shortfall) if shortfall is not None else None
        gives = spec_for(p.action).gift
        gift = gives(p.action) if gives is not None else None
        found[p.id] = Hint(
            promotion=p.id,
            message=message,
            shortfall=shown,
            units=up.units,
            unlocks=unlocks,
            kind="units" if up.units is not None else "spend",
            title=p.title,
            scope=_scope_name(p) if scope != "all items" else None,
            gift_sku=gift[0] if gift is not None else None,
            gift_quantity=gift[1] if gift is not None else None,
        )
        sort_keys[p.id] = (-(up.unlocks or ZERO), shortfall or ZERO, up.units or 0, p.order)
    ordered = sorted(found, key=lambda pid: sort_keys[pid])
    return tuple(found[pid] for pid in ordered[:MAX_HINTS])


class Rivals:
    """`any(conflicts(p, q) for q in chosen)` without a scan of `chosen` per question (hundreds
    of upsells and dropped thresholds ask when many promotions overlap)."""

    def __init__(self, chosen: list[CompiledPromotion]) -> None:
        self.chosen = chosen
        self.ids = {q.id for q in chosen}
        self.exclusive = any(q.exclusive for q in chosen)
        self.groups = {q.group for q in chosen if q.group is not None}
        self.coupons = [q for q in chosen if q.is_coupon]

    def any_with(self, p: CompiledPromotion) -> bool:
        """The relation of `compile.compiler.conflicts`, against every member at once."""
        if p.id in self.ids:  # rare: a member against the others, member by member
            return any(conflicts(p, q) for q in self.chosen)
        if not self.chosen:
            return False
        if p.exclusive or self.exclusive or (p.group is not None and p.group in self.groups):
            return True
        return p.is_coupon and any(not stackable(p, q) for q in self.coupons)


def _beyond_cap(cart: Cart, best: Evaluation, pid: str, more: int) -> bool:
    """True when `more` units of a quantity deal would pass the promotion's unit cap.

    Conservative: the units the chosen deal already discounts plus the units to add must
    fit under the cap (limits, stock, flash limits; ledger use included), else no hint.
    """
    cap = cart.unit_caps.get(pid)
    if cap is None:
        return False
    effect = best.effects.get(pid)
    already = sum(effect.units.values()) if effect is not None else 0
    return already + more > cap


def _saves_nothing(cart: Cart, p: CompiledPromotion, more: int) -> bool:
    """A bundle (N for ¥X) that would still save nothing with `more` units added at the dearest
    price in scope: its N dearest units, those already in the cart counted at their prices, cost
    no more than ¥X (a hint must be true: docs/semantics.md#hints)."""
    action = p.action
    if not isinstance(action, Bundle):
        return False
    eligible = [cart.lines[i] for i in cart.eligible.get(p.id, ())]
    if not eligible:
        return False
    dearest = max(line.unit_price for line in eligible)
    units = sorted(
        [line.unit_price for line in eligible for _ in range(min(line.quantity, action.count))]
        + [dearest] * min(more, action.count),
        reverse=True,
    )
    return sum(units[: action.count], Decimal(0)) <= action.price


def _scope_name(p: CompiledPromotion) -> str:
    """The named scope a promotion is written on (`on promo-goods`), else the scope in words."""
    sc = p.promotion.scope
    if len(sc.include) == 1 and not sc.exclude and sc.include[0].kind is SelectorKind.SCOPE:
        return sc.include[0].values[0]
    return p.scope.describe()
