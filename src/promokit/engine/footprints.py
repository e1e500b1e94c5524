"""When adding or dropping a promotion changes a combination by exactly what it saves alone.

An item-, order- or coupon-level promotion reads and changes only the amounts of its
eligible lines (its threshold base, its apportionment, the lines it may hold), and never the
shipping fee. Every other promotion likewise reads only its own eligible lines (and shipping
promotions the fee). So when none of a promotion's eligible lines is an eligible line of a
member of a combination, and no order cap couples all promotions, the combination with it
saves exactly what it saves without it plus what it saves alone: the same lines at the same
amounts, nothing else moved. The heuristic (`selection._heuristic`) uses this to skip
evaluations whose outcome is known (docs/semantics.md#best-deal).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..compile.compiler import CompiledPromotion
from ..language.ast import Layer
from .actions.cart import Cart
from .actions.condition import read_lines

_LINE_BOUND = (Layer.ITEM, Layer.ORDER, Layer.COUPON)


class Footprints:
    def __init__(self, cart: Cart) -> None:
        self.cart = cart

    def lines(self, p: CompiledPromotion) -> frozenset[int]:
        """The lines whose amounts `p` reads: its eligible lines, and the lines its `when`
        condition counts when that condition has a scope of its own (docs/semantics.md#composed-offers)."""
        if p.id not in self.cart.eligible:
            return frozenset()
        return frozenset(read_lines(p, self.cart))

    def movable(self, p: CompiledPromotion) -> bool:
        """Whether `p` acts on its own lines only (no shipping, no order cap to share)."""
        return self.cart.max_order_discount is None and p.layer in _LINE_BOUND

    def apart(self, p: CompiledPromotion, members: Iterable[CompiledPromotion]) -> bool:
        """Whether `p` can be added to (or dropped from) `members` for exactly its saving alone."""
        if not self.movable(p):
            return False
        mine = self.lines(p)
        return all(q.id == p.id or not (mine & self.lines(q)) for q in members)
