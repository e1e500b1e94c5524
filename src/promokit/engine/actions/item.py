"""Item-level actions: prices and per-unit amounts (linear), and quantity deals (pooled units).

Linear actions (percentage, amount off each, special / flash / group price) discount each
unit of a line alike, so a line's amount is computed from the line's remaining amount and
rounded once per line. Quantity deals pool the units of all the lines they were given and
pick units: "buy N get M free" and "Nth unit off" take the cheapest units by default
(`dearest` when declared), "N for P" bundles take the dearest units, which save most
(the cheapest with `cheapest first`); each default is the benefit's `BenefitSpec.units`.
A unit cap (flash limit per customer, stock, unit limits, ledger) limits discounted units,
`每行限N件` the units of one line; the rest of the units pay the normal price
(docs/semantics.md#limits, docs/semantics.md#composed-offers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import cast

from ...benefits import spec_for
from ...benefits.spec import Evaluation
from ...compile.compiler import CompiledPromotion
from ...language import ast as A
from . import ZERO, Effect, Miss, Outcome, Upsell
from .cart import Cart, shrink
from .condition import applications, per_line, take_units, uses_per_order

HUNDRED = Decimal(100)
#: saving(value of the units, number of units) -> unrounded saving on them
Saving = Callable[[Decimal, int], Decimal]


def unit_saving(action: A.Action) -> Saving | None:
    """The one formula of a per-unit action: what it saves on `n` units worth `value` together
    (unrounded); None for actions that pool units (quantity deals, bundles, free units).
    The formula is the benefit's own (`BenefitSpec.unit_saving`)."""
    formula = spec_for(action).unit_saving
    return formula(action) if formula is not None else None


def deal_shape(cp: CompiledPromotion) -> tuple[int, int, Decimal] | None:
    """The one shape of a pooled-units deal: every `step` units, `per_step` get `rate` off
    (buy N get M free, Nth unit, N for P: `BenefitSpec.deal`); None for the other actions."""
    shape = spec_for(cp.action).deal
    return shape(cp.action) if shape is not None else None


def _choice(cp: CompiledPromotion) -> A.UnitChoice:
    """Which units a deal takes: `cheapest first` / `dearest first` on the promotion, else the
    action's own choice (`买2赠1 高价优先`), else the benefit's default (`BenefitSpec.units`)."""
    own = getattr(cp.action, "units", None)
    default = spec_for(cp.action).units or A.UnitChoice.CHEAPEST
    return cp.promotion.pick or (own if isinstance(own, A.UnitChoice) else default)


def evaluate_item(
    cp: CompiledPromotion, cart: Cart, lines: Sequence[int], remaining: Sequence[Decimal]
) -> tuple[Outcome, list[Upsell]]:
    """Apply one item-level promotion to `lines` (those assigned to it) on their remaining
    amounts, by the shape its spec names (`BenefitSpec.evaluation`)."""
    action = cp.action
    spec = spec_for(action)
    times, miss, ups = applications(cp, cart, remaining, item_layer=True)
    if miss is not None:
        return miss, ups
    shape = spec.evaluation
    if shape is Evaluation.FREE_UNITS:
        count = cast(A.FreeUnits, action).count * times
        deal = f"{count} free"
        return _pick_units(cp, cart, lines, remaining, count, count, Decimal(1), _choice(cp), deal, once=True)
    words = spec.words(action, cart.money) if spec.words is not None else type(action).__name__
    saving = unit_saving(action)
    if saving is not None:  # LINEAR, and a percentage in the item layer
        out = _linear(cp, cart, lines, remaining, saving, words)
        own_cap = spec.own_cap(action) if spec.own_cap is not None else None
        return (_cap(cart, out, own_cap, "its `up to`") if own_cap is not None else out), []
    if shape is Evaluation.BUNDLE:
        return _bundle(cp, cart, lines, remaining, cast(A.Bundle, action), words)
    found = deal_shape(cp)
    if shape is Evaluation.POOLED and found is not None:
        step, per_step, rate = found
        priced = spec.deal_saving(action) if spec.deal_saving is not None else None
        return _pick_units(
            cp, cart, lines, remaining, step, per_step, rate, _choice(cp), words, saving=priced
        )
    raise TypeError(f"{type(action).__name__} is not an item-level action")  # pragma: no cover


def _linear(
    cp: CompiledPromotion,
    cart: Cart,
    lines: Sequence[int],
    remaining: Sequence[Decimal],
    saving: Saving,
    no_saving_words: str,
) -> Outcome:
    cap = cart.unit_caps.get(cp.id)
    qty = cart.quantities
    rows = []
    for i in lines:
        if remaining[i] <= 0:
            continue
        per_unit = saving(remaining[i] / qty[i], 1)
        if per_unit > 0:
            rows.append((per_unit, i))
    if not rows:
        return Miss("no_saving", f"saves nothing: {no_saving_words}")
    # units that save most first (`cheapest first`: those that save least), at most the caps
    choice = cp.promotion.pick or A.UnitChoice.DEAREST
    units = take_units([(saving, i, qty[i]) for saving, i in rows], cap, choice, per_line(cp))
    amounts: dict[int, Decimal] = {}
    for i, n in units.items():
        value = remaining[i] if n == qty[i] else remaining[i] * n / qty[i]
        amount = min(cart.q(saving(value, n)), remaining[i])
        if amount > 0:
            amounts[i] = amount
    if not amounts:
        return Miss("no_saving", f"saves nothing after rounding: {no_saving_words}")
    effect = Effect(amounts=amounts, units={i: units[i] for i in amounts})
    return _cap(cart, effect, cp.cap, "its cap")


def _cap(cart: Cart, out: Outcome, cap: Decimal | None, words: str) -> Outcome:
    if cap is None or not isinstance(out, Effect) or out.goods <= cap:
        return out
    out.amounts = shrink(cart, out.amounts, cap)
    out.units = {i: n for i, n in out.units.items() if i in out.amounts}
    return out


def _runs(cart: Cart, lines: Sequence[int], remaining: Sequence[Decimal]) -> list[tuple[Decimal, int, int]]:
    """(unit value, line index, units) for each line with something left."""
    q = cart.quantities
    return [(remaining[i] / q[i], i, q[i]) for i in lines if remaining[i] > 0]


def _pick_units(
    cp: CompiledPromotion,
    cart: Cart,
    lines: Sequence[int],
    remaining: Sequence[Decimal],
    step: int,
    per_step: int,
    rate: Decimal,
    choice: A.UnitChoice,
    deal: str,
    *,
    once: bool = False,
    saving: Saving | None = None,
) -> tuple[Outcome, list[Upsell]]:
    """Every `step` units pooled, `per_step` of them get `rate` off (free: rate 1), or save
    `saving` (a price for them: 第2件1元). `once`: `per_step` units in all, however many units
    there are (free units of a composed offer)."""
    runs = _runs(cart, lines, remaining)
    total = sum(n for _, _, n in runs)
    scope = cp.scope.describe()
    if total < step and not once:
        missing = step - total
        up = Upsell(cp.id, deal, units=missing, deal=deal)
        return Miss("threshold", f"needs {step} units of {scope}; the cart has {total}"), [up]
    steps = 1 if once else total // step
    most = uses_per_order(cp)  # 每单限N次: applications per order
    if most is not None and not once:
        steps = min(steps, most)
    discounted = steps * per_step
    cap = cart.unit_caps.get(cp.id)
    if cap is not None:
        discounted = min(discounted, cap)
    taken = take_units(runs, discounted, choice, per_line(cp))
    amounts: dict[int, Decimal] = {}
    units: dict[int, int] = {}
    for i, take in taken.items():
        value = remaining[i] if take == cart.quantities[i] else remaining[i] * take / cart.quantities[i]
        off = value * rate if saving is None else saving(value, take)
        amount = min(cart.q(off), remaining[i])
        if amount > 0:
            amounts[i], units[i] = amount, take
    upsells = []
    if not once and total % step and (cap is None or discounted < cap):
        upsells.append(Upsell(cp.id, deal, units=step - total % step, deal=deal))
    if not amounts:
        return Miss("no_saving", "the discounted units cost nothing"), upsells
    return _cap(cart, Effect(amounts=amounts, units=units), cp.cap, "its cap"), upsells


def _bundle(
    cp: CompiledPromotion,
    cart: Cart,
    lines: Sequence[int],
    remaining: Sequence[Decimal],
    action: A.Bundle,
    deal: str,
) -> tuple[Outcome, list[Upsell]]:
    """`count` units for `price` (docs/semantics.md#composed-offers): the bundles allowed (whole
    bundles of the units, at most `每单限N次`, at most the unit cap's whole bundles) cover units
    chosen like any capped benefit's (`take_units`: dearest first unless `cheapest first`, at
    most `每行限N件` from a line); those units form bundles from the dearest while a bundle
    costs less than its units."""
    runs = _runs(cart, lines, remaining)
    total = sum(n for _, _, n in runs)
    count, price = action.count, action.price
    if total < count:
        up = Upsell(cp.id, deal, units=count - total, deal=deal)
        return Miss("threshold", f"needs {count} units of {cp.scope.describe()}; the cart has {total}"), [up]
    line_cap = per_line(cp)
    usable = total if line_cap is None else sum(min(n, line_cap) for _, _, n in runs)
    bundles_left = usable // count
    most = uses_per_order(cp)  # 每单限N次: bundles per order
    if most is not None:
        bundles_left = min(bundles_left, most)
    cap = cart.unit_caps.get(cp.id)
    if cap is not None:
        bundles_left = min(bundles_left, cap // count)
    choice = _choice(cp)
    chosen = take_units(runs, bundles_left * count, choice, line_cap)
    value_of = {i: value for value, i, _ in runs}
    units = sorted(((value_of[i], i, n) for i, n in chosen.items()), key=lambda r: (-r[0], r[1]))
    used: dict[int, int] = {}
    saving = ZERO
    pos, taken = 0, 0  # current run, units taken from it
    while bundles_left > 0 and pos < len(units):
        value, i, n = units[pos]
        if n - taken >= count:  # whole bundles inside one run save alike: take them at once
            gain = value * count - price
            if gain <= 0:
                break
            m = min((n - taken) // count, bundles_left)
            saving += gain * m
            used[i] = used.get(i, 0) + m * count
            taken += m * count
            bundles_left -= m
        else:  # one bundle spanning runs
            picked: list[tuple[int, int]] = []
            need, p, t, worth = count, pos, taken, ZERO
            while need and p < len(units):
                v, j, k = units[p]
                take = min(need, k - t)
                picked.append((j, take))
                worth += v * take
                need -= take
                t += take
                if t == k:
                    p, t = p + 1, 0
            if need or worth - price <= 0:
                break
            saving += worth - price
            for j, take in picked:
                used[j] = used.get(j, 0) + take
            pos, taken, bundles_left = p, t, bundles_left - 1
            continue
        if taken == n:
            pos, taken = pos + 1, 0
    upsells = []
    if total % count:
        upsells.append(Upsell(cp.id, deal, units=count - total % count, deal=deal))
    if saving <= 0:
        return Miss("no_saving", f"{deal} is not cheaper than the units it would take"), upsells
    keys = sorted(used)
    values = [remaining[i] * used[i] / cart.quantities[i] for i in keys]
    caps = [cart.q_down(v) for v in values]
    amount = min(cart.q(saving), sum(caps, ZERO))
    parts = cart.spread(amount, values, caps)
    effect = Effect(
        amounts={i: a for i, a in zip(keys, parts, strict=True) if a > 0},
        units={i: used[i] for i, a in zip(keys, parts, strict=True) if a > 0},
    )
    return _cap(cart, effect, cp.cap, "its cap"), upsells


def is_per_unit(cp: CompiledPromotion) -> bool:
    """A promotion that discounts each unit of a line alike (no pooling of units)."""
    return unit_saving(cp.action) is not None


def leftover_saving(cp: CompiledPromotion, cart: Cart, value: Decimal, units: int) -> Decimal | None:
    """What a per-unit promotion without caps saves on `units` undiscounted units worth
    `value` (rounded once, as `_linear` does); None when it cannot take them (not per unit,
    or capped: its amount would then depend on its other lines)."""
    action = cp.action
    saving = unit_saving(action)
    if saving is None or cp.cap is not None or per_line(cp) is not None:
        return None
    own_cap = spec_for(action).own_cap
    if own_cap is not None and own_cap(action) is not None:
        return None
    return min(cart.q(saving(value, units)), value)


def saving_bound(cp: CompiledPromotion, cart: Cart) -> Decimal | None:
    """An upper bound of what a cheapest-units benefit can save on any subset of its lines.

    "Buy 2 get 1 free" on the cheapest units is not monotone: given fewer lines (another
    promotion took the cheap ones) it may give a dearer unit away; so are free units, a
    `cheapest first` bundle and a capped per-unit benefit with `cheapest first`. The bound
    prices the units they take as the dearest ones. None for every other action, whose
    saving alone on all its lines already bounds what it saves in any combination.
    """
    action = cp.action
    spec = spec_for(action)
    if spec.evaluation is Evaluation.BUNDLE:
        return _bundle_bound(cp, cart, cast(A.Bundle, action))
    if unit_saving(action) is not None:
        return _linear_bound(cp, cart)
    if spec.monotone or _choice(cp) is not A.UnitChoice.CHEAPEST:
        return None
    once = spec.evaluation is Evaluation.FREE_UNITS
    shape = deal_shape(cp)
    if once:
        times, miss, _ = applications(cp, cart, cart.subtotals, item_layer=True)
        step, per_step, rate = (
            1,
            (0 if miss is not None else cast(A.FreeUnits, action).count * times),
            Decimal(1),
        )
    elif shape is not None:
        step, per_step, rate = shape
    else:  # pragma: no cover - a non-monotone benefit names its shape
        return None
    runs = sorted(_runs(cart, cart.eligible[cp.id], cart.subtotals), key=lambda r: (-r[0], r[1]))
    units = sum(n for _, _, n in runs)
    left = per_step if once else (units // step) * per_step
    cap = cart.unit_caps.get(cp.id)
    if cap is not None:
        left = min(left, cap)
    if left <= 0:  # too few units even with every line: it can never apply
        return ZERO
    total = ZERO
    for value, _, n in runs:
        take = min(n, left)
        total += value * take
        left -= take
    return cart.q(total * rate) + cart.currency.quantum * len(runs)  # rounding slack per line


def _linear_bound(cp: CompiledPromotion, cart: Cart) -> Decimal | None:
    """A capped per-unit benefit with `cheapest first` takes the units that save least; given
    fewer lines it takes others that save more. Bound: the units that save most, within the caps."""
    saving = unit_saving(cp.action)
    cap, line_cap = cart.unit_caps.get(cp.id), per_line(cp)
    if saving is None or cp.promotion.pick is not A.UnitChoice.CHEAPEST or (cap is None and line_cap is None):
        return None
    q = cart.quantities
    lines = [i for i in cart.eligible[cp.id] if cart.subtotals[i] > 0]
    rows = [(saving(cart.subtotals[i] / q[i], 1), i, q[i]) for i in lines]
    taken = take_units(rows, cap, A.UnitChoice.DEAREST, line_cap)
    total = sum((saving(cart.subtotals[i] * n / q[i], n) for i, n in taken.items()), ZERO)
    return cart.q(total) + cart.currency.quantum * len(lines)  # rounding slack per line


def _bundle_bound(cp: CompiledPromotion, cart: Cart, action: A.Bundle) -> Decimal | None:
    """A `cheapest first` bundle is not monotone either: given fewer lines, its bundles take
    dearer units. Bound: bundles of the dearest units, as many as may form, while they save."""
    if _choice(cp) is not A.UnitChoice.CHEAPEST:
        return None
    runs = sorted(_runs(cart, cart.eligible[cp.id], cart.subtotals), key=lambda r: (-r[0], r[1]))
    bundles = sum(n for _, _, n in runs) // action.count
    uses, cap = uses_per_order(cp), cart.unit_caps.get(cp.id)
    if uses is not None:
        bundles = min(bundles, uses)
    if cap is not None:
        bundles = min(bundles, cap // action.count)
    units = [value for value, _, n in runs for _ in range(min(n, bundles * action.count))]
    total = ZERO
    for b in range(bundles):
        gain = sum(units[b * action.count : (b + 1) * action.count], ZERO) - action.price
        if gain <= 0:
            break
        total += gain
    return cart.q(total) + cart.currency.quantum * len(runs)  # rounding slack per line


def line_bounds(cp: CompiledPromotion, cart: Cart) -> dict[int, Decimal]:
    """Per line, the most this item-level promotion can take off it in any combination.

    Ignores unit caps and amount caps (a capped promotion may move its units to another line
    once a line goes elsewhere), and for quantity deals allows the whole line (or its
    percentage), since pooled units may come from any line.
    """
    saving = unit_saving(cp.action)
    shape = deal_shape(cp)
    rate = shape[2] if shape is not None else Decimal(1)
    out: dict[int, Decimal] = {}
    for i in cart.eligible[cp.id]:
        value, n = cart.subtotals[i], cart.quantities[i]
        if saving is not None:
            bound = cart.q(saving(value, n))
        elif rate != 1:  # Nth unit off: at most its percentage of any unit
            bound = cart.q(value * rate)
        else:  # buy N get M free, N for P, free units: any unit of the line may be taken
            bound = value
        out[i] = bound
    return out


def search_line_bounds(cp: CompiledPromotion, cart: Cart) -> dict[int, Decimal]:
    """`line_bounds` tightened for the best-deal search's pruning (not for `holdable`).

    A quantity deal discounts at most `discounted` units in all (every `step` units of all
    its lines give `per_step`, and a unit cap cuts that), so one line gives at most that many
    of its units, each at most at the deal's rate: "buy 2 get 1 free" on lines of 2 and 1
    units frees one unit, never a whole line. A bundle's amount on a line never exceeds the
    value of the units it used there (`_bundle` caps each part at it).
    """
    out = line_bounds(cp, cart)
    shape = deal_shape(cp)
    if shape is None:
        return out
    step, per_step, rate = shape
    lines = cart.eligible[cp.id]
    units = sum(cart.quantities[i] for i in lines)
    most = (units // step) * per_step
    cap = cart.unit_caps.get(cp.id)
    if cap is not None:
        most = min(most, cap)
    for i in lines:
        value, n = cart.subtotals[i], cart.quantities[i]
        take = min(n, max(most, 0))
        if take < n:
            worth = value * take / n
            out[i] = min(out[i], cart.q(worth * rate) if rate != 1 else cart.q(worth))
    return out
