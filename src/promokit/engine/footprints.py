"""When adding or dropping a promotion changes a combination by exactly what it saves alone.

An item-, order- or coupon-level promotion reads and changes only the amounts of its
eligible lines (its threshold base, its apportionment, the lines it may hold), and never the
shipping fee. Every other promotion likewise reads only its own eligible lines (and shipping
promotions the fee). So when none of a promotion's eligible lines is an eligible line of a
member of a combination, and no order cap couples all promotions, the combination with it
saves exactly what it saves without it plus what it saves alone: the same lines at the same
amounts, nothing else moved. The heuristic (`selection._heuristic`) uses this to skip
evaluations whose outcome is known (docs/semantics.md#best-deal).

Likewise an order-level promotion whose threshold the combination leaves out of reach adds
nothing to it (`Footprints.short`), nor does an item promotion that wins none of its lines
under the assignment heuristic (`Footprints.outbid`); and dropping a member whose saving
exceeds what the later members fall short of their bounds loses (`Footprints.needed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from ..compile.compiler import CompiledPromotion
from ..language.ast import Layer
from .actions import ZERO, Miss
from .actions.cart import Cart
from .actions.order import evaluate_order
from .evaluate import MAX_ASSIGNMENTS, Evaluation
from .line_choices import holdable, likely_winner
from .parts import BY_RANK, line_mask

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

    def contested(self, members: Iterable[CompiledPromotion]) -> bool:
        """Whether two item promotions among `members` may hold one line. Counted from the
        lines each may hold, not from `line_choices`: that memo keeps the order of the first
        call's promotions, and the order of a line's choices breaks the evaluation's ties."""
        seen: set[int] = set()
        for q in members:
            if q.layer is Layer.ITEM:
                lines = holdable(self.cart, q)
                if seen.intersection(lines):
                    return True
                seen.update(lines)
        return False

    def idle(self, p: CompiledPromotion, ev: Evaluation, members: Sequence[CompiledPromotion]) -> bool:
        """Whether `p` would do nothing added to `members` (at most what `ev`, their
        evaluation or that of a part of them that left the others' lines alone, had left):
        `short` or `outbid`."""
        return self.short(p, ev, members) or self.outbid(p, members)

    def short(self, p: CompiledPromotion, ev: Evaluation, members: Iterable[CompiledPromotion]) -> bool:
        """Whether the order-level `p`, added to `members` (evaluated as `ev`), would miss its
        threshold, so that the combination with it saves exactly what `ev` saves.

        Adding an order-level promotion leaves the item layer as it was when the lines'
        assignment does not depend on the later layers: none is contested, or the assignment
        heuristic gives each contested line to its likely winner (`ev.exhaustive` False; the
        same item promotions, so the same choice of heuristic). `p` then sees at most what
        the lines had when the order layer started in `ev` (the order promotions before it
        only take more off), and a threshold missed on more is missed on less. A promotion that
        does nothing changes no amount. Not with an order cap (shared by every promotion).
        """
        if p.layer is not Layer.ORDER or self.cart.max_order_discount is not None:
            return False
        if ev.exhaustive and self.contested(members):
            return False
        fees = tuple(ship.amount for ship in self.cart.shipping_lines)
        outcome, _ = evaluate_order(p, self.cart, ev.before[Layer.ORDER], fees)
        return isinstance(outcome, Miss) and outcome.reason == "threshold"

    def outbid(self, p: CompiledPromotion, members: Sequence[CompiledPromotion]) -> bool:
        """Whether the item promotion `p`, added to `members`, would get no line, so that the
        combination with it saves exactly what `members` save.

        When the combination has more than `evaluate.MAX_ASSIGNMENTS` assignments of its
        contested lines without `p` (so also with it), each goes to its likely winner (`line_choices.likely_winner`,
        which depends only on the line's choices); when `p` wins none of its lines, every
        line goes where it went without `p`, and `p`, given nothing, changes nothing. Not with
        stacking (choices of several promotions), budgets or unit caps (units a capped or
        refused promotion leaves over go to the line's next-best promotion, which may be `p`),
        or an order cap.
        """
        cart = self.cart
        if p.layer is not Layer.ITEM or cart.max_order_discount is not None:
            return False
        if cart.stacking is None or cart.stacking.partners:  # unknown yet, or some stack
            return False
        holders: dict[int, list[CompiledPromotion]] = {}
        for q in members:
            if q.layer is not Layer.ITEM or q.id == p.id:
                continue
            if cart.unit_caps.get(q.id) is not None or cart.budgets.get(q.id) is not None:
                return False
            for i in holdable(cart, q):
                holders.setdefault(i, []).append(q)
        if cart.unit_caps.get(p.id) is not None or cart.budgets.get(p.id) is not None:
            return False
        without = 1
        for found in holders.values():
            without *= len(found)
        if without <= MAX_ASSIGNMENTS:  # with and without it, the heuristic assignment
            return False
        mine = (p.id,)
        for i in holdable(cart, p):
            # the line's choices as `line_choices` lists them: one promotion each, rank order
            options: list[tuple[str, ...]] = [(q.id,) for q in sorted([*holders.get(i, ()), p], key=BY_RANK)]
            if likely_winner(cart, i, options) == mine:
                return False
        return True

    def needed(self, p: CompiledPromotion, ev: Evaluation, bound: Mapping[str, Decimal]) -> bool:
        """Whether the combination evaluated as `ev` without its member `p` saves less.

        With the lines' assignment fixed (as in `short`) and `p`'s lines held by no other item
        promotion of it (when `p` is an item promotion; otherwise the item layer does not
        depend on it), dropping `p` leaves the item layer as it was but for `p`'s own
        effect; the later promotions may then save more, but none more than its `bound`
        (its saving alone, on the whole original cart). So the rest saves at most `ev.saving`
        less `p`'s saving plus what the later members fall short of their bounds: when that
        is less, dropping `p` loses. Not with an order cap (dropping a promotion frees some of
        it for the item layer)."""
        cart = self.cart
        mine = ev.effects.get(p.id)
        if mine is None or mine.saving <= 0 or cart.max_order_discount is not None:
            return False
        members = [q for q in (cart.promotions[i] for i in ev.ids) if q.id != p.id]
        items = [q for q in members if q.layer is Layer.ITEM]
        if ev.exhaustive and self.contested([*items, p]):
            return False
        if p.layer is Layer.ITEM:
            lines = set(holdable(cart, p))
            if any(lines.intersection(holdable(cart, q)) for q in items):
                return False
        slack = ZERO
        for q in members:
            if q.layer is Layer.ITEM:
                continue
            if q.id not in bound:
                return False
            effect = ev.effects.get(q.id)
            slack += bound[q.id] - (effect.saving if effect is not None else ZERO)
        return mine.saving > slack
