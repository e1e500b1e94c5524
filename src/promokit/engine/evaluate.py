"""Evaluate one combination of promotions on a cart, layer by layer (docs/semantics.md#layers).

`evaluate(cart, promotions)` is the single function both the best-deal search and
`RuleSet.price_combination` use, so the search's answer is by construction the best of what
`price_combination` returns over the subsets it considers.

Item level: a line covered by several item-level promotions of the combination that are not
declared stackable with each other goes, as a whole line, to one of them (or to a set of
mutually stackable ones, applied in priority order, each on what the one before left). The
assignment is chosen to maximise the customer's saving of the whole combination: every
assignment is tried when there are at most `MAX_ASSIGNMENTS`, otherwise each contested line
goes to the promotions that save most on it alone (documented heuristic).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from ..compile.compiler import CompiledPromotion, conflicts
from ..language.ast import Layer, PointsRedeem
from .actions import ZERO, Effect, Miss, Outcome, Upsell
from .actions.cart import Cart
from .actions.condition import read_lines
from .actions.item import evaluate_item
from .actions.order import evaluate_order
from .limits import settle
from .line_choices import holdable, leftover_units, likely_winner, line_choices
from .parts import BY_RANK, LayerStarts, Part, split

#: Contested-line assignments tried exhaustively per combination; above it, the heuristic.
MAX_ASSIGNMENTS = 16

_LAYERS = (Layer.ITEM, Layer.ORDER, Layer.COUPON, Layer.SHIPPING, Layer.POINTS)
_LAYER_RANK = {layer: k for k, layer in enumerate(_LAYERS)}


@dataclass(slots=True)
class Evaluation:
    """The outcome of one combination: per-promotion effects (in application order) and misses."""

    ids: frozenset[str]
    effects: dict[str, Effect]
    misses: dict[str, Miss]
    upsells: list[Upsell]
    remaining: list[Decimal]
    shipping: tuple[Decimal, ...]  # what each shipping line costs after the shipping layer
    saving: Decimal
    assignment: dict[int, tuple[str, ...]] = field(default_factory=dict)
    exhaustive: bool = True  # False when the assignment heuristic was used
    # item promotions given only units a capped price left over, with the line (`_leftover_units`)
    late: tuple[tuple[int, str], ...] = ()
    # what the lines had left when each layer started (thresholds, shortfalls, hints)
    before: Mapping[Layer, tuple[Decimal, ...]] = field(default_factory=dict)

    @property
    def goods_discount(self) -> Decimal:
        return sum((e.goods for e in self.effects.values()), ZERO)

    @property
    def points_earned(self) -> int:
        return sum(e.points for e in self.effects.values())

    @property
    def points_redeemed(self) -> int:
        return sum(e.redeemed for e in self.effects.values())

    @property
    def gift_units(self) -> int:
        return sum(q for e in self.effects.values() for _, q in e.gifts)


def valid(promotions: Sequence[CompiledPromotion]) -> bool:
    """No two of them exclude each other (exclusive, one exclusive group, coupon combinability).

    The same test as `conflicts` on every pair, in one pass: the search calls it per combination."""
    unique = list({p.id: p for p in promotions}.values())
    if len(unique) < 2:
        return True
    groups: set[str] = set()
    coupons: list[CompiledPromotion] = []
    for p in unique:
        if p.exclusive:
            return False
        if p.group is not None:
            if p.group in groups:
                return False
            groups.add(p.group)
        if p.is_coupon:
            coupons.append(p)
    return not any(conflicts(a, b) for a, b in itertools.combinations(coupons, 2))


def evaluate(cart: Cart, promotions: Sequence[CompiledPromotion]) -> Evaluation | None:
    """Price `promotions` together on the cart; None when they cannot be combined.

    A combination whose promotions fall into parts that share no line is priced part by part
    (each part memoised per request, `parts.py`) and put together: the same outcome as
    pricing it whole, since no part can change what another reads."""
    if len(promotions) == 1:
        return _alone(cart, promotions[0])
    ordered = sorted(promotions, key=BY_RANK)
    if not valid(ordered):
        return None
    groups = split(cart, ordered)
    if len(groups) < 2:
        choices = line_choices(cart, [p for p in ordered if p.layer is Layer.ITEM])
        return _whole(cart, ordered, choices, _assignments(choices) > MAX_ASSIGNMENTS)
    keys = [frozenset(p.id for p in g.members) for g in groups]
    shapes = [_shape(cart, key, g.members) for key, g in zip(keys, groups, strict=True)]
    # the assignment heuristic is chosen for the whole combination, as if priced whole
    count = 1
    for _, n in shapes:
        count *= n
    heuristic = count > MAX_ASSIGNMENTS
    parts = []
    for key, g, (choices, _) in zip(keys, groups, shapes, strict=True):
        found = cart.item_layers.get(("part", key, heuristic))
        if not isinstance(found, Evaluation):
            found = _whole(cart, g.members, choices, heuristic)
            cart.item_layers["part", key, heuristic] = found
        parts.append((g, found))
    return _merged(cart, ordered, parts)


def _alone(cart: Cart, p: CompiledPromotion) -> Evaluation:
    """One promotion on its own, as `_whole` prices a combination of one, without the steps
    only a combination needs (rank order, validity, parts, contested lines): the search
    prices every candidate alone (tests/properties/test_alone.py checks it is the same)."""
    if p.layer is not Layer.ITEM:
        first = _item_layer(cart, (), (), ())
        rest = _later_layers(cart, (p,), first, (p.id,))
        return _evaluation((p,), first.saving + rest.saving, {}, first, rest)
    choices = line_choices(cart, (p,))
    for options in choices.values():
        if len(options) > 1:  # (a promotion alone contests no line with another)
            return _whole(cart, [p], choices, _assignments(choices) > MAX_ASSIGNMENTS)
    assignment = {i: options[0] for i, options in choices.items()}
    first = _item_layer(cart, (p,), tuple(sorted(assignment.items())), (p.id,))
    rest = _later_layers(cart, (), first, ())
    return _evaluation((p,), first.saving + rest.saving, assignment, first, rest)


def _assignments(choices: dict[int, list[tuple[str, ...]]]) -> int:
    """How many assignments of the contested lines there are."""
    count = 1
    for options in choices.values():
        count *= len(options)
    return count


def _shape(
    cart: Cart, key: frozenset[str], members: Sequence[CompiledPromotion]
) -> tuple[dict[int, list[tuple[str, ...]]], int]:
    """A part's line choices and number of assignments, memoised per part."""
    found = cast("tuple[dict[int, list[tuple[str, ...]]], int] | None", cart.item_layers.get(("shape", key)))
    if found is None:
        choices = line_choices(cart, [p for p in members if p.layer is Layer.ITEM])
        found = (choices, _assignments(choices))
        cart.item_layers["shape", key] = found
    return found


def _whole(
    cart: Cart,
    ordered: Sequence[CompiledPromotion],
    choices: dict[int, list[tuple[str, ...]]],
    heuristic: bool,
) -> Evaluation:
    """Price `ordered` (valid, rank order) in one piece: every assignment of its contested
    lines, or each to its likely winner when `heuristic`."""
    contested = sorted(i for i, c in choices.items() if len(c) > 1)
    fixed = {i: c[0] for i, c in choices.items() if len(c) == 1}
    if not contested:
        return _run(cart, ordered, fixed)
    if heuristic:
        assignment = dict(fixed)
        for i in contested:
            assignment[i] = likely_winner(cart, i, choices[i])
        result = _run(cart, ordered, assignment)
        result.exhaustive = False
        return result
    items, later = _split(ordered)
    item_ids = tuple(p.id for p in items)
    later_ids = tuple(p.id for p in later)
    # Each assignment as its `_item_layer` key: (line, owners) in line order, the contested
    # slots overwritten per combination (the dict form is built for the winner only).
    lines = sorted(choices)
    slots = [k for k, i in enumerate(lines) if len(choices[i]) > 1]
    by_line = [(i, choices[i][0]) for i in lines]
    best: tuple[Decimal, tuple[tuple[str, ...], ...], _ItemLayer, _Later] | None = None
    for combo in itertools.product(*(choices[i] for i in contested)):
        for k, owners in zip(slots, combo, strict=True):
            by_line[k] = (lines[k], owners)
        first = _item_layer(cart, items, tuple(by_line), item_ids)
        rest = _later_layers(cart, later, first, later_ids)
        saving = first.saving + rest.saving
        if best is None or saving > best[0]:  # ties keep the earlier assignment
            best = (saving, combo, first, rest)
    assert best is not None
    saving, combo, first, rest = best
    assignment = dict(fixed)
    assignment.update(zip(contested, combo, strict=True))
    return _evaluation(ordered, saving, assignment, first, rest)


def _merged(
    cart: Cart, ordered: Sequence[CompiledPromotion], parts: Sequence[tuple[Part, Evaluation]]
) -> Evaluation:
    """The evaluation of a whole combination from those of its parts: each part's lines as it
    left them, and effects, misses and upsells in the order the whole evaluation records them
    (item promotions in rank order, then units left over by capped prices line by line, then
    the later layers in the order they apply)."""
    items, later = _split(ordered)
    effects: dict[str, Effect] = {}
    misses: dict[str, Miss] = {}
    upsells: dict[str, list[Upsell]] = {}
    late: list[tuple[int, str]] = []
    remaining = list(cart.subtotals)
    assignment: dict[int, tuple[str, ...]] = {}
    saving = ZERO
    for part, ev in parts:
        effects.update(ev.effects)
        misses.update(ev.misses)
        late += ev.late
        for u in ev.upsells:
            upsells.setdefault(u.promotion, []).append(u)
        for i in part.lines:
            remaining[i] = ev.remaining[i]
        assignment.update(ev.assignment)
        saving += ev.saving
    late.sort()
    added = {pid for _, pid in late}
    in_items = [p.id for p in items]
    in_later = [p.id for p in later]
    order = [i for i in in_items if i not in added] + [pid for _, pid in late] + in_later
    return Evaluation(
        before=LayerStarts(cart.subtotals, [(part.lines, ev.before) for part, ev in parts]),
        ids=frozenset(p.id for p in ordered),
        effects={pid: effects[pid] for pid in order if pid in effects},
        misses={pid: misses[pid] for pid in in_items + in_later if pid in misses},
        upsells=[u for pid in in_items + in_later for u in upsells.get(pid, ())],
        remaining=remaining,
        shipping=parts[0][1].shipping,
        saving=saving,
        assignment=dict(sorted(assignment.items())),
        exhaustive=all(ev.exhaustive for _, ev in parts),
        late=tuple(late),
    )


@dataclass(frozen=True, slots=True)
class _ItemLayer:
    """The item layer of a combination: it does not depend on the later layers, so the search
    computes it once per (item promotions, assignment) and reuses it under every order-level
    combination."""

    remaining: tuple[Decimal, ...]
    effects: dict[str, Effect]
    misses: dict[str, Miss]
    upsells: tuple[Upsell, ...]
    room: Decimal | None
    saving: Decimal  # of `effects`, summed once
    late: tuple[tuple[int, str], ...]  # `_leftover_units`: (line, promotion) given only left-over units


def _item_outcome(
    cart: Cart, p: CompiledPromotion, lines: list[int], remaining: list[Decimal]
) -> tuple[Outcome, list[Upsell]]:
    """`evaluate_item` memoised per request: an item action reads only the remaining amounts of
    the lines it was given, and outcomes are never mutated afterwards (`limits.apply_limits` and
    `_leftover_units` cut copies), so every assignment that gives it the same lines on the
    same amounts shares one outcome."""
    key = ("item", p.id, tuple(lines), tuple(remaining[i] for i in lines))
    found = cast("tuple[Outcome, list[Upsell]] | None", cart.item_layers.get(key))
    if found is None:
        found = evaluate_item(p, cart, lines, remaining)
        cart.item_layers[key] = found
    return found


def _item_layer(
    cart: Cart,
    items: Sequence[CompiledPromotion],
    by_line: tuple[tuple[int, tuple[str, ...]], ...],
    item_ids: tuple[str, ...],
) -> _ItemLayer:
    """The item layer under one assignment, given as (line, owners) pairs in line order and
    memoised per (item promotions, assignment)."""
    key = (item_ids, by_line)
    memo = cart.item_layers
    cached = memo.get(key)
    if isinstance(cached, _ItemLayer):
        return cached
    assignment = dict(by_line)
    remaining = list(cart.subtotals)
    effects: dict[str, Effect] = {}
    misses: dict[str, Miss] = {}
    upsells: list[Upsell] = []
    room = cart.max_order_discount
    held: dict[str, list[int]] = {}  # promotion -> the lines it was given, in line order
    for i, owners in by_line:
        for pid in owners:
            held.setdefault(pid, []).append(i)
    known = cart.holdable.get
    for p in items:
        lines = held.get(p.id, [])
        if not (
            known(p.id) or holdable(cart, p)
        ):  # does nothing on any line: its reason from its lines alone
            outcome, ups = _item_outcome(cart, p, list(cart.eligible[p.id]), list(cart.subtotals))
            misses[p.id] = outcome if isinstance(outcome, Miss) else Miss("no_saving", "saves nothing here")
            upsells.extend(ups)
            continue
        if not lines:
            winner = next((w for i in cart.eligible[p.id] for w in assignment.get(i, ())), None)
            misses[p.id] = Miss("excluded", f"its lines went to {winner}, which saves more", lost_to=winner)
            continue
        # `_item_outcome`, inlined: the search runs this loop for every member of every combination
        key_p = ("item", p.id, tuple(lines), tuple([remaining[i] for i in lines]))
        found = cast("tuple[Outcome, list[Upsell]] | None", memo.get(key_p))
        if found is None:
            found = memo[key_p] = evaluate_item(p, cart, lines, remaining)
        outcome, ups = found
        if ups:
            upsells.extend(ups)
        room = settle(cart, p, outcome, room, remaining, effects, misses)
    late = leftover_units(cart, items, assignment, remaining, effects, misses) if room is None else ()
    saving = sum((e.saving for e in effects.values()), ZERO)
    layer = _ItemLayer(tuple(remaining), effects, misses, tuple(upsells), room, saving, late)
    memo[key] = layer
    return layer


@dataclass(frozen=True, slots=True)
class _Later:
    """The order, coupon, shipping and points layers run on one item layer's result. They
    depend only on the promotions and on what the item layer left, so combinations that
    differ only in item promotions that left the same amounts share them."""

    remaining: tuple[Decimal, ...]
    effects: dict[str, Effect]
    misses: dict[str, Miss]
    upsells: tuple[Upsell, ...]
    shipping: tuple[Decimal, ...]
    before: dict[Layer, tuple[Decimal, ...]]
    saving: Decimal  # of `effects`, summed once


def _later_layers(
    cart: Cart, later: Sequence[CompiledPromotion], first: _ItemLayer, later_ids: tuple[str, ...]
) -> _Later:
    memo = cart.item_layers
    key = ("later", later_ids, first.remaining, first.room)
    cached = memo.get(key)
    if isinstance(cached, _Later):
        return cached
    if not later:  # nothing after the item layer (its result per item layer, memoised as above)
        fees = _fees(cart)
        nothing = dict.fromkeys(_LAYERS[1:], first.remaining)
        result = _Later(first.remaining, {}, {}, (), fees, {Layer.ITEM: cart.subtotals, **nothing}, ZERO)
        memo[key] = result
        return result
    remaining = list(first.remaining)
    effects: dict[str, Effect] = {}
    misses: dict[str, Miss] = {}
    upsells: list[Upsell] = []
    room = first.room
    shipping = _fees(cart)
    before: dict[Layer, tuple[Decimal, ...]] = {Layer.ITEM: cart.subtotals}
    eligible = cart.eligible
    for p in later:
        if p.layer not in before:
            before[p.layer] = tuple(remaining)
        # One promotion on the same amounts gives the same outcome in every combination
        # (outcomes are never mutated: `limits.apply_limits` cuts a copy). It reads only its eligible
        # lines (threshold, apportionment) and its `when` condition's lines, so only their
        # amounts key it: combinations that differ elsewhere share it.
        lines = eligible[p.id] if p.condition_scope is None else read_lines(p, cart)
        key_p = ("order", p.id, tuple([remaining[i] for i in lines]), shipping)
        found = cast("tuple[Outcome, list[Upsell]] | None", memo.get(key_p))
        if found is None:
            found = memo[key_p] = evaluate_order(p, cart, remaining, shipping)
        outcome, ups = found
        if ups:
            upsells.extend(ups)
        room = settle(cart, p, outcome, room, remaining, effects, misses)
        applied = effects.get(p.id)
        if applied is not None and applied.shipping_lines:
            off = applied.shipping_lines
            shipping = tuple(fee - off.get(k, ZERO) for k, fee in enumerate(shipping))
    for layer in _LAYERS[1:]:
        if layer not in before:  # no promotion of this layer ran: it would see what is left now
            later_layers = [lay for lay in _LAYERS if lay in before and _LAYER_RANK[lay] > _LAYER_RANK[layer]]
            before[layer] = before[later_layers[0]] if later_layers else tuple(remaining)
    saving = sum((e.saving for e in effects.values()), ZERO)
    result = _Later(tuple(remaining), effects, misses, tuple(upsells), shipping, before, saving)
    memo[key] = result
    return result


def _fees(cart: Cart) -> tuple[Decimal, ...]:
    """What each shipping line of the request costs before any promotion (memoised per request)."""
    found = cast("tuple[Decimal, ...] | None", cart.item_layers.get("fees"))
    if found is None:
        found = tuple(ship.amount for ship in cart.shipping_lines)
        cart.item_layers["fees"] = found
    return found


def _split(ordered: Sequence[CompiledPromotion]) -> tuple[list[CompiledPromotion], list[CompiledPromotion]]:
    """Item promotions (rank order) and the later ones in the order they apply: layer by
    layer, each in rank order; points: redemption pays for goods before points are earned on
    what is left."""
    items = [p for p in ordered if p.layer is Layer.ITEM]
    if len(items) == len(ordered):
        return items, []
    later = [p for p in ordered if p.layer is not Layer.ITEM]
    if any(p.layer is not Layer.ORDER for p in later):  # `ordered` is in rank order already
        later.sort(key=lambda p: (_LAYER_RANK[p.layer], not isinstance(p.action, PointsRedeem), p.order))
    return items, later


def _saving(first: _ItemLayer, rest: _Later) -> Decimal:
    return first.saving + rest.saving


def _evaluation(
    ordered: Sequence[CompiledPromotion],
    saving: Decimal,
    assignment: dict[int, tuple[str, ...]],
    first: _ItemLayer,
    rest: _Later,
) -> Evaluation:
    return Evaluation(
        before=dict(rest.before),
        ids=frozenset(p.id for p in ordered),
        effects={**first.effects, **rest.effects},
        misses={**first.misses, **rest.misses},
        upsells=[*first.upsells, *rest.upsells],
        remaining=list(rest.remaining),
        shipping=rest.shipping,
        saving=saving,
        assignment={i: a for i, a in assignment.items() if len(a) > 0},
        late=first.late,
    )


def _run(
    cart: Cart, ordered: Sequence[CompiledPromotion], assignment: dict[int, tuple[str, ...]]
) -> Evaluation:
    items, later = _split(ordered)
    first = _item_layer(cart, items, tuple(sorted(assignment.items())), tuple(p.id for p in items))
    rest = _later_layers(cart, later, first, tuple(p.id for p in later))
    return _evaluation(ordered, _saving(first, rest), assignment, first, rest)


def is_empty(outcome: Outcome) -> bool:
    return isinstance(outcome, Miss) or outcome.is_empty
