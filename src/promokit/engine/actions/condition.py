"""Conditions and unit caps of composed offers (docs/semantics.md#composed-offers).

`applications` evaluates a promotion's `when` condition: the measure (spend, units, distinct
SKUs) of the lines in the condition's scope (the promotion's own scope when none is given)
and how many times the benefit applies (1, or one per full step when it repeats, cut by its
`up to` and by `limit N per order` uses). The item layer measures on original prices (item
discounts apply side by side, so there is no "after" yet); the later layers measure on what
the item layer left unless the promotion says `threshold on original prices`.

`take_units` is the one unit selection every capped benefit uses: the cheapest or the dearest
units first, at most `per_line` from a line and `count` in all.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from ...compile.compiler import CompiledPromotion
from ...language import ast as A
from ...language.formatter import action as format_action
from . import ZERO, Miss, Upsell
from .cart import Cart


def uses_per_order(cp: CompiledPromotion) -> int | None:
    """`limit N per order` / 每单限N次: applications of the benefit one order may get."""
    return cp.uses_cap


def per_line(cp: CompiledPromotion) -> int | None:
    """`limit N units per line` / 每行限N件: units one cart line may have discounted."""
    return cp.line_cap


def order_unit_cap(cp: CompiledPromotion, cart: Cart) -> int | None:
    """Units an order-level benefit may cover: its unit limits (per order / per customer, what
    the ledger has left of them), None when it has none. Stock alone does not cap the units of
    an order-level discount (it counts gift and flash units, docs/semantics.md#limits)."""
    limited = any(lim.counted is A.Counted.UNITS and lim.per is not A.Per.LINE for lim in cp.promotion.limits)
    return cart.unit_caps.get(cp.id) if limited else None


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def condition_lines(cp: CompiledPromotion, cart: Cart) -> tuple[int, ...]:
    found = cart.condition_lines.get(cp.id)
    if found is None:
        scope = cp.condition_scope
        if scope is None:
            found = cart.eligible[cp.id]
        else:
            found = tuple(i for i, line in enumerate(cart.lines) if scope.matches(line))
        cart.condition_lines[cp.id] = found
    return found


def read_lines(cp: CompiledPromotion, cart: Cart) -> tuple[int, ...]:
    """The lines whose amounts a promotion reads: its eligible lines, plus the lines its `when`
    condition counts when the condition has a scope of its own (memo keys, footprints)."""
    own = cart.eligible[cp.id]
    if cp.condition_scope is None:
        return own
    return tuple(sorted(set(own) | set(condition_lines(cp, cart))))


def applications(
    cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], *, item_layer: bool
) -> tuple[int, Miss | None, list[Upsell]]:
    """(times the benefit applies, the miss when the condition is not met, upsells)."""
    req = cp.promotion.condition
    cap = uses_per_order(cp)
    if req is None:
        return (1 if cap is None else min(1, cap)), None, []
    lines = condition_lines(cp, cart)
    original = item_layer or cp.promotion.threshold_base is A.ThresholdBase.ORIGINAL
    if req.measure is A.Measure.SPEND:
        have = sum(((cart.subtotals[i] if original else remaining[i]) for i in lines), ZERO)
    elif req.measure is A.Measure.UNITS:
        have = Decimal(sum(cart.quantities[i] for i in lines))
    else:
        have = Decimal(len({cart.lines[i].sku for i in lines}))
    if have < req.at_least:  # the words are built only for a miss: the search calls this often
        where = cp.condition_scope.describe() if cp.condition_scope is not None else cp.scope.describe()
        if req.measure is A.Measure.SPEND:
            shown = cart.money(have)
        elif req.measure is A.Measure.UNITS:
            shown = f"{have} unit" + ("" if have == 1 else "s")
        else:
            shown = f"{have} different sku" + ("" if have == 1 else "s")
        short = req.at_least - have
        needed = cart.money(req.at_least) if req.measure is A.Measure.SPEND else f"{req.at_least}"
        basis = " at original prices" if original and req.measure is A.Measure.SPEND else ""
        detail = f"the condition counts {shown} of {where}{basis}; it needs {needed}"
        what = benefit_words(cp, cart)
        # no `need`: the shortfall is measured on the condition's scope, not the promotion's
        if req.measure is A.Measure.SPEND:
            miss = Miss("threshold", detail, shortfall=short)
            return 0, miss, [Upsell(cp.id, what, shortfall=short, scope=where)]
        return 0, Miss("threshold", detail), [Upsell(cp.id, what, units=int(short), deal=what, scope=where)]
    times = _floor(have / req.at_least) if req.repeat else 1
    for most in (req.max_times, cap):
        if most is not None:
            times = min(times, most)
    return times, None, []


def benefit_words(cp: CompiledPromotion, cart: Cart) -> str:
    """What a promotion's benefit gives, in words for a hint ("1 free unit", "¥10.00 off")."""
    action = cp.action
    if isinstance(action, A.FreeUnits):
        return f"{action.count} free unit{'s' if action.count != 1 else ''} of {cp.scope.describe()}"
    if isinstance(action, A.AmountOff):
        return f"{cart.money(action.amount)} off"
    return format_action(action)


def take_units(
    runs: Sequence[tuple[Decimal, int, int]], count: int | None, choice: A.UnitChoice, line_cap: int | None
) -> dict[int, int]:
    """From (unit value, line, units) runs, the units taken per line: `choice` first (ties by
    line), at most `line_cap` from one line and `count` in all (None: no limit)."""
    if count is None and line_cap is None:  # no cap: every unit, no order to choose
        return {i: n for _, i, n in runs if n > 0}
    ordered = sorted(runs, key=lambda r: ((r[0] if choice is A.UnitChoice.CHEAPEST else -r[0]), r[1]))
    left = count
    taken: dict[int, int] = {}
    for _, i, n in ordered:
        if left is not None and left <= 0:
            break
        take = n if line_cap is None else min(n, line_cap)
        if left is not None:
            take = min(take, left)
            left -= take
        if take > 0:
            taken[i] = take
    return taken
