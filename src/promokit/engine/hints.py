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

from ..compile.compiler import CompiledPromotion, conflicts
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
    chosen = [promotions[i] for i in best.ids if i in promotions]
    found: dict[str, Hint] = {}
    sort_keys: dict[str, tuple[Decimal, Decimal, int, int]] = {}
    upsells = [u for u in best.upsells if u.promotion in best.effects] + list(extra)
    for up in upsells:
        p = promotions.get(up.promotion)
        if p is None or up.promotion in found:
            continue
        if p.id not in best.ids and any(conflicts(p, q) for q in chosen):
            continue
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
        found[p.id] = Hint(promotion=p.id, message=message, shortfall=shown, units=up.units, unlocks=unlocks)
        sort_keys[p.id] = (-(up.unlocks or ZERO), shortfall or ZERO, up.units or 0, p.order)
    ordered = sorted(found, key=lambda pid: sort_keys[pid])
    return tuple(found[pid] for pid in ordered[:MAX_HINTS])
