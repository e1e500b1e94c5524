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
from .parts import line_mask

_LINE_BOUND = (Layer.ITEM, Layer.ORDER, Layer.COUPON)


class Footprints:
    def __init__(self, cart: Cart) -> None:
        self.cart = cart

    def lines(self, p: CompiledPromotion) -> frozenset[int]:
        """The lines whose amounts `p` reads: its eligible lines, and the lines its `when`
        condition counts when that condition has a scope of its own (docs/semantics.md#composed-offers)."""
        mask = line_mask(self.cart, p)
        return frozenset(i for i in range(len(self.cart.lines)) if mask >> i & 1)

    def movable(self, p: CompiledPromotion) -> bool:
        """Whether `p` acts on its own lines only (no shipping, no order cap to share)."""
        return self.cart.max_order_discount is None and p.layer in _LINE_BOUND

    def mask(self, members: Iterable[CompiledPromotion]) -> int:
        """The lines `members` read, as one bitmask (`parts.line_mask`)."""
        found = 0
        for q in members:
            found |= line_mask(self.cart, q)
        return found

    def apart(
        self, p: CompiledPromotion, members: Iterable[CompiledPromotion], read: int | None = None
    ) -> bool:
        """Whether `p` can be added to (or dropped from) `members` for exactly its saving alone.
        `read`: the lines the members other than `p` read, when the caller keeps it."""
        if not self.movable(p):
            return False
        if read is None:
            read = self.mask(q for q in members if q.id != p.id)
        return not line_mask(self.cart, p) & read
