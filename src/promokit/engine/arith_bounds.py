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

    def split(
        self, later: Sequence[CompiledPromotion]
    ) -> tuple[list[CompiledPromotion], list[CompiledPromotion]]:
        """The later promotions this bound covers, and the others."""
        mine: list[CompiledPromotion] = []
        rest: list[CompiledPromotion] = []
        for p in later:
            if p.id in self.shaped and (p.group is None or p.group in self.whole_groups):
                mine.append(p)
            else:
                rest.append(p)
        return mine, rest

    def most(self, mine: Sequence[CompiledPromotion], items: Decimal) -> Decimal:
        """The largest `x + F(S - x)` for `0 <= x <= items` (`mine` from `split`)."""
        s = self.subtotal
        spends = {max(s - items, ZERO)}
        for p in mine:
            spends.update(t for t in self.steps[p.id] if s - items <= t <= s)
        return max(s - spend + self._given(mine, spend) for spend in spends)

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
