"""Which item promotions of a combination may take each line (docs/semantics.md#item-competition).

`holdable`: the lines an item promotion can discount at all (a promotion that saves nothing,
or whose `when` condition fails, holds no line away from the others). `line_choices`: per
line, the sets of the combination's item promotions it may go to, memoised per set of item
promotions (`stacking.StackableSets` when some stack). `likely_winner`: the choice the
assignment heuristic gives a contested line (`evaluate.MAX_ASSIGNMENTS`). `leftover_units`:
units a capped price left at full price, given to the line's next-best per-unit promotion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import cast

from ..compile.compiler import CompiledPromotion, stackable
from .actions import ZERO, Effect, Miss
from .actions.cart import Cart
from .actions.condition import applications
from .actions.item import evaluate_item, is_per_unit, leftover_saving, line_bounds, saving_bound
from .stacking import StackableSets, stack_partners


def line_choices(cart: Cart, items: Sequence[CompiledPromotion]) -> dict[int, list[tuple[str, ...]]]:
    """`_line_choices` memoised per set of item promotions."""
    key = frozenset(p.id for p in items)
    found = cart.choices.get(key)
    if found is None:
        found = cart.choices[key] = _line_choices(cart, items)
    return found


def _line_choices(cart: Cart, items: Sequence[CompiledPromotion]) -> dict[int, list[tuple[str, ...]]]:
    """Per line, the sets of its item promotions that are mutually stackable: the maximal
    sets and, bounded, their subsets (`stacking.StackableSets.choices`)."""
    if cart.stacking is None:
        cart.stacking = StackableSets(stack_partners(cart.promotions.values()))
    sets = cart.stacking
    known = cart.holdable.get
    if not sets.partners:  # nothing stacks (the common case): one promotion per choice, rank order
        single: dict[int, list[tuple[str, ...]]] = {}
        for p in items:
            one = (p.id,)
            lines = known(p.id)
            for i in lines if lines is not None else holdable(cart, p):
                single.setdefault(i, []).append(one)
        return single
    covering: dict[int, list[CompiledPromotion]] = {}
    for p in items:
        for i in holdable(cart, p):
            covering.setdefault(i, []).append(p)
    return {i: [tuple(p.id for p in members) for members in sets.choices(ps)] for i, ps in covering.items()}


def holdable(cart: Cart, p: CompiledPromotion) -> tuple[int, ...]:
    """The lines an item-level promotion may take: those it can discount at all.

    A promotion that does nothing alone on all its lines (price above the current price, too
    few units for its deal, a bundle dearer than its units) takes no line, and a linear one
    (percentage, amount off, prices) takes no line it cannot discount. Without this, a
    promotion that saves nothing could still hold a cheap line away from a "cheapest unit
    free" deal and change which unit that deal gives away. Likewise a promotion whose `when`
    condition fails: at the item layer it is measured on original prices over the whole cart,
    so it fails in every combination and must not hold lines away from the others.
    """
    found = cart.holdable.get(p.id)
    if found is None:
        eligible = cart.eligible[p.id]
        _, unmet, ups = applications(p, cart, cart.subtotals, item_layer=True)
        outcome, ups = (
            (unmet, ups) if unmet is not None else evaluate_item(p, cart, eligible, list(cart.subtotals))
        )
        cart.standalone[p.id] = outcome.amounts if isinstance(outcome, Effect) else {}
        if unmet is None and (isinstance(outcome, Effect) or (saving_bound(p, cart) or ZERO) > 0):
            bounds = line_bounds(p, cart)
            found = tuple(i for i in eligible if bounds[i] > 0)
        else:
            found = ()
        cart.holdable[p.id] = found
        if found == tuple(eligible):
            # the outcome its evaluation alone needs (`_item_outcome`'s key): computed once
            key = ("item", p.id, found, tuple(cart.subtotals[i] for i in found))
            cart.item_layers.setdefault(key, (outcome, ups))
    return found


def likely_winner(cart: Cart, line: int, choices: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The choice that saves most on `line` alone (the earlier one on ties), memoised per
    (line, choices): the assignment heuristic asks again for every combination."""
    key = ("winner", line, tuple(choices))
    found = cast("tuple[str, ...] | None", cart.item_layers.get(key))
    if found is None:
        best = max(range(len(choices)), key=lambda k: (_alone_value(cart, choices[k], line), -k))
        found = cart.item_layers[key] = choices[best]
    return found


def _alone_value(cart: Cart, ids: tuple[str, ...], line: int) -> Decimal:
    """What these promotions save on `line` when each applies alone to all its lines."""
    total = ZERO
    for pid in ids:
        if pid not in cart.standalone:
            holdable(cart, cart.promotions[pid])
        total += cart.standalone[pid].get(line, ZERO)
    return total


def leftover_units(
    cart: Cart,
    items: Sequence[CompiledPromotion],
    assignment: dict[int, tuple[str, ...]],
    remaining: list[Decimal],
    effects: dict[str, Effect],
    misses: dict[str, Miss],
) -> tuple[tuple[int, str], ...]:
    """Units a capped price left at full price go to the next-best item promotion (docs/semantics.md#item-competition).

    A line given to one per-unit promotion (a percentage, an amount off each, a price) that
    discounted only some of its units (a flash limit of 2 per customer on a line of 5) keeps
    the rest at full price; here they go to the combination's other per-unit promotion on
    that line that saves most on them, when it has no caps of its own (unit cap, amount cap,
    budget), so that its amount stays exact per line. The line then carries two adjustments,
    each with its units. Only lines with a single promotion (no stacking) are split.
    Returns the (line, promotion) of those that got no other amount (their place in `effects`).
    """
    late: list[tuple[int, str]] = []
    for i in sorted(assignment):
        owners = assignment[i]
        if len(owners) != 1:
            continue
        owner = cart.promotions[owners[0]]
        if not _per_unit(owner):
            continue
        done = effects[owner.id].units.get(i, 0) if owner.id in effects else 0
        left = cart.quantities[i] - done
        if left <= 0:
            continue
        value = cart.subtotals[i] * left / cart.quantities[i]
        best: tuple[Decimal, CompiledPromotion] | None = None
        for r in items:
            if r.id == owner.id or stackable(r, owner) or i not in holdable(cart, r):
                continue
            if cart.unit_caps.get(r.id) is not None or cart.budgets.get(r.id) is not None:
                continue
            amount = leftover_saving(r, cart, value, left)
            if amount is not None and amount > 0 and (best is None or amount > best[0]):
                best = (amount, r)
        if best is None:
            continue
        amount, r = best
        prior = effects.get(r.id)
        if prior is None:
            effects[r.id] = Effect(amounts={i: amount}, units={i: left})
            misses.pop(r.id, None)
            late.append((i, r.id))
        else:
            effects[r.id] = replace(
                prior, amounts={**prior.amounts, i: amount}, units={**prior.units, i: left}
            )
        remaining[i] -= amount
    return tuple(late)


_PER_UNIT: dict[type, bool] = {}


def _per_unit(p: CompiledPromotion) -> bool:
    """`is_per_unit`, which depends only on the action's class, memoised per class."""
    kind = type(p.action)
    found = _PER_UNIT.get(kind)
    if found is None:
        found = _PER_UNIT[kind] = is_per_unit(p)
    return found
