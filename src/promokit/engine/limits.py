"""Budgets and the rule set's order cap on one promotion's outcome (docs/semantics.md#limits).

`settle` records an outcome in a combination's evaluation (`evaluate._item_layer`,
`evaluate._later_layers`) after `apply_limits`: a budget is all or nothing, the order cap
takes what is left of it.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_FLOOR, Decimal

from ..compile.compiler import CompiledPromotion
from ..language.ast import PointsRedeem
from .actions import ZERO, Effect, Miss, Outcome
from .actions.cart import Cart, shrink


def settle(
    cart: Cart,
    p: CompiledPromotion,
    outcome: Outcome,
    room: Decimal | None,
    remaining: list[Decimal],
    effects: dict[str, Effect],
    misses: dict[str, Miss],
) -> Decimal | None:
    """Record an outcome after budget and order cap; subtract an applied one from the lines."""
    if room is None and isinstance(outcome, Effect) and cart.budgets.get(p.id) is None:
        for i, amount in outcome.amounts.items():  # no limit applies: `apply_limits` would keep it as is
            remaining[i] -= amount
        effects[p.id] = outcome
        return room
    if isinstance(outcome, Effect):
        outcome, room = apply_limits(cart, p, outcome, room)
    if isinstance(outcome, Miss):
        misses[p.id] = outcome
        return room
    for i, amount in outcome.amounts.items():
        remaining[i] -= amount
    effects[p.id] = outcome
    return room


def apply_limits(
    cart: Cart, p: CompiledPromotion, effect: Effect, room: Decimal | None
) -> tuple[Outcome, Decimal | None]:
    """Budget (all or nothing, docs/semantics.md#limits) and the rule set's order cap (what is left of it)."""
    budget = cart.budgets.get(p.id)
    if budget is not None and effect.saving > budget:
        words = f"remaining budget {cart.money(budget)} cannot cover its {cart.money(effect.saving)}"
        return Miss("budget", words, would_save=effect.saving), room
    if room is None or effect.goods == 0:
        return effect, room
    if room <= 0:
        return Miss(
            "order_cap", f"the order cap of {cart.money(cart.max_order_discount or ZERO)} is used up"
        ), room
    if effect.goods > room:
        limit = room
        action = p.action
        effect = replace(effect)  # evaluations share outcomes: cut a copy
        if isinstance(action, PointsRedeem):  # whole redemption steps only
            steps = int((room / action.per).to_integral_value(rounding=ROUND_FLOOR))
            limit = action.per * steps
            effect.redeemed = int((action.points * steps).to_integral_value(rounding=ROUND_FLOOR))
            if steps <= 0:
                return Miss("order_cap", "the order cap leaves less than one redemption step"), room
        effect.amounts = shrink(cart, effect.amounts, limit)
        effect.units = {i: n for i, n in effect.units.items() if i in effect.amounts}
    return effect, room - effect.goods
