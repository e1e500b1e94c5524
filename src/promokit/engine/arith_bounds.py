"""What storewide thresholds can still give once the item layer took its discount (a bound for
the branch and bound, `branch_and_bound.BranchAndBound.reach`).

A combination saves its item-layer discount `x` plus what the later promotions save. An
order-level "spend X get Y off" (`Tiers`), "every X get Y off" (`EveryOff`) or a shipping
benefit over a spend on the goods (`ShippingOff`) whose scope is every line of the cart, with
the threshold measured after discounts, sees at most what the lines have left after the item
layer, `S - x` (`S` the cart's subtotal; the later promotions before it only take more off),
and what it gives does not grow when its base shrinks. So the combination saves at most
`x + F(S - x)` plus the bounds of its other later promotions, where `F(s)` sums, per such
promotion (per exclusive group of them: the largest), what its tiers give at a base of `s`,
never more than its saving alone (its bound). As `x` grows, `x + F(S - x)` only grows until
the base falls below a threshold, so its largest value for `x` up to the item layer's bound
is at that bound or where the base is exactly a threshold: the candidates to try.

Scoped thresholds (the same shapes on a part of the cart, "on category fruit, veg / spend 60
get 12 off") see the scope's subtotal `S_L` less the item discount on the scope's lines,
`x_L`. With `X_out` a bound of the item discount outside the scope (per line the largest
per-line bound of the item promotions, or their sum when some stack), `x_L >= x - X_out`, and
what they give does not grow as `x_L` grows, so the combination saves at most
`h(x) = x + F(S - x) + G(S_L - max(0, x - X_out))` (`G` as `F`, for the scoped promotions of
one scope) for some `0 <= x <= items`. `h` grows with slope 1 between the points where a base
is exactly a threshold, so its largest value is at `items` or at such a point. One scope per
bound: the scope whose promotions' bounds add up the most; the others keep their bounds.

Shipping thresholds over the goods (`ShippingOff` in the shipping layer, outside exclusive
groups, when every other promotion of the bound is order-level) see what the order layer left
as well: `S - z` with `z = x + y`, `y` what the order-level ones took off the goods, at most
`Y(x)` (what they give at their bases, the sum above). The other promotions (coupons, the rest)
only lower that base. So for an `x` the combination saves at most the largest
`z + Ship(S - z)` for `x <= z <= x + Y(x)`, at `x + Y(x)` or where `S - z` is a shipping
threshold; and over `x` that is largest at the candidates above or where `S - x` is a
shipping threshold (`Y` is constant between the candidates, so within such a piece the value
only grows with `x` until `x` passes a shipping threshold's `S - t`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from ..compile.compiler import CompiledPromotion
from ..language import ast as A
from ..language.ast import Layer
from .actions import ZERO
from .actions.cart import Cart

_LATER = (Layer.ORDER, Layer.SHIPPING)
#: Thresholds up to the cart's subtotal above which a promotion keeps its plain bound
#: ("every 1 get 0.10 off" on a large cart would make every yuan a candidate).
MAX_STEPS = 100


class SpendBound:
    """`F` and the largest `x + F(S - x)` for the candidates of one search."""

    def __init__(
        self, cart: Cart, candidates: Sequence[CompiledPromotion], bound: dict[str, Decimal]
    ) -> None:
        self.bound = bound
        self.subtotal = sum(cart.subtotals, ZERO)
        everything = len(cart.lines)
        self.shaped = {
            p.id
            for p in candidates
            if p.layer in _LATER
            and not p.is_coupon
            and not p.exclusive
            and len(cart.eligible[p.id]) == everything
            and p.promotion.threshold_base is not A.ThresholdBase.ORIGINAL
            and _shaped(p)
            and len(_thresholds(p, self.subtotal)) <= MAX_STEPS
        }
        self.steps = {pid: _thresholds(cart.promotions[pid], self.subtotal) for pid in self.shaped}
        grouped: dict[str, list[CompiledPromotion]] = {}
        for p in candidates:
            if p.group is not None:
                grouped.setdefault(p.group, []).append(p)
        # a group counts here only when every member does (at most one of it applies)
        self.whole_groups = {g for g, ps in grouped.items() if all(q.id in self.shaped for q in ps)}
        # scoped thresholds (outside any exclusive group): per promotion its lines and their subtotal
        self.scoped: dict[str, frozenset[int]] = {}
        self.scope_total: dict[frozenset[int], Decimal] = {}
        for p in candidates:
            lines = frozenset(cart.eligible[p.id])
            if (
                p.layer in _LATER
                and not p.is_coupon
                and not p.exclusive
                and p.group is None
                and 0 < len(lines) < everything
                and p.promotion.threshold_base is not A.ThresholdBase.ORIGINAL
                and _shaped(p)
            ):
                total = sum((cart.subtotals[i] for i in lines), ZERO)
                if len(_thresholds(p, total)) <= MAX_STEPS:
                    self.scoped[p.id] = lines
                    self.scope_total[lines] = total
                    self.steps[p.id] = _thresholds(p, total)

    def split(
        self, later: Sequence[CompiledPromotion]
    ) -> tuple[list[CompiledPromotion], list[CompiledPromotion]]:
        """The later promotions this bound covers, and the others."""
        mine: list[CompiledPromotion] = []
        rest: list[CompiledPromotion] = []
        scopes: dict[frozenset[int], Decimal] = {}
        for p in later:
            if p.id in self.scoped:
                lines = self.scoped[p.id]
                scopes[lines] = scopes.get(lines, ZERO) + self.bound[p.id]
        scope = max(scopes, key=lambda lines: (scopes[lines], sorted(lines)), default=None)
        for p in later:
            if p.id in self.shaped and (p.group is None or p.group in self.whole_groups):
                mine.append(p)
            elif p.id in self.scoped and self.scoped[p.id] == scope:
                mine.append(p)
            else:
                rest.append(p)
        return mine, rest

    def scope(self, mine: Sequence[CompiledPromotion]) -> frozenset[int] | None:
        """The lines of the scoped promotions among `mine` (one scope, `split`), if any."""
        return next((self.scoped[p.id] for p in mine if p.id in self.scoped), None)

    def most(self, mine: Sequence[CompiledPromotion], items: Decimal, outside: Decimal = ZERO) -> Decimal:
        """The largest `h(x)` for `0 <= x <= items` (`mine` from `split`; `outside` bounds the
        item discount on the lines outside their scope, `X_out`, when it has scoped ones)."""
        s = self.subtotal
        scope = self.scope(mine)
        local = [p for p in mine if p.id in self.scoped]
        storewide = [p for p in mine if p.id not in self.scoped]
        ships = [p for p in storewide if p.layer is Layer.SHIPPING and p.group is None]
        first = [p for p in mine if p not in ships]
        if not ships or any(p.layer is not Layer.ORDER for p in first):
            ships, first = [], storewide  # every threshold at the spend the item layer left
        else:
            storewide = [p for p in storewide if p not in ships]
        # the item layer takes at most the subtotal, and on the scope's lines at most theirs
        top = min(items, s)
        s_scope = ZERO
        xs = {top, *(s - t for p in storewide for t in self.steps[p.id])}
        xs.update(s - t for p in ships for t in self.steps[p.id])
        if scope is not None:
            s_scope = self.scope_total[scope]
            top = min(top, outside + s_scope)
            xs.update(outside + s_scope - t for p in local for t in self.steps[p.id])
        best = ZERO
        for x in xs:
            if not ZERO <= x <= top:
                continue
            given = self._given(storewide, s - x)
            if scope is not None:
                given += self._given(local, s_scope - max(ZERO, x - outside))
            best = max(best, x + given if not ships else self._shipped(ships, x, given))
        return best

    def _shipped(self, ships: Sequence[CompiledPromotion], x: Decimal, given: Decimal) -> Decimal:
        """The largest `z + Ship(S - z)` for `x <= z <= x + given`: the order layer took
        `z - x` off the goods, at most `given`, and the shipping thresholds see what it left."""
        s = self.subtotal
        end = min(x + given, s)
        zs = {end, *(s - t for p in ships for t in self.steps[p.id] if x <= s - t <= end)}
        return max(z + self._given(ships, s - z) for z in zs)

    def _given(self, mine: Sequence[CompiledPromotion], spend: Decimal) -> Decimal:
        """`F(spend)`: per promotion (per exclusive group, the largest) what it gives at that base."""
        total = ZERO
        groups: dict[str, Decimal] = {}
        for p in mine:
            value = min(self.bound[p.id], _gives(p, spend))
            if p.group is None:
                total += value
            else:
                groups[p.group] = max(groups.get(p.group, ZERO), value)
        return total + sum(groups.values(), ZERO)


def _shaped(p: CompiledPromotion) -> bool:
    action = p.action
    if isinstance(action, A.ShippingOff):
        return action.threshold is not None and action.basis is A.ShippingBasis.GOODS
    return isinstance(action, A.Tiers | A.EveryOff)


def _thresholds(p: CompiledPromotion, most: Decimal) -> list[Decimal]:
    """The bases at which what `p` gives steps up, up to `most`."""
    action = p.action
    if isinstance(action, A.Tiers):
        return [t.threshold for t in action.tiers]
    if isinstance(action, A.EveryOff):
        if action.step <= 0:
            return []
        steps = int((most / action.step).to_integral_value(rounding=ROUND_FLOOR))
        return [action.step * k for k in range(1, steps + 1)]
    assert isinstance(action, A.ShippingOff) and action.threshold is not None
    return [action.threshold]


def _gives(p: CompiledPromotion, base: Decimal) -> Decimal:
    """At most what `p` saves when its threshold base is `base` (every line in its scope, so
    an amount off the goods also takes no more than `base`)."""
    action = p.action
    if isinstance(action, A.Tiers):
        reached = [t.off for t in action.tiers if t.threshold <= base]
        return min(max(reached, default=ZERO), base)
    if isinstance(action, A.EveryOff):
        if action.step <= 0:
            return ZERO
        amount = action.off * int((base / action.step).to_integral_value(rounding=ROUND_FLOOR))
        if action.cap is not None:
            amount = min(amount, action.cap)
        return min(amount, base)
    assert isinstance(action, A.ShippingOff) and action.threshold is not None
    return Decimal("Infinity") if base >= action.threshold else ZERO  # then its bound
