"""The exact best-deal search: branch and bound over subsets of compatible candidates.

Subsets are explored depth first, candidates largest bound first, from an incumbent (the
best combination known: the greedy pass, the seed). A branch is pruned when its bound cannot
beat the incumbent (docs/semantics.md#best-deal, step 4). Two bounds, the smaller is used:

- `reach`: the sum of the candidates' bounds, where an exclusive group (and the coupons, one
  per order) counts only its largest member, an `exclusive` promotion counts alone, and item
  promotions that do not stack count per line only the largest per-line bound and, per group
  of them sharing lines, at most that group's exact item-layer maximum (`ComponentBound`);
  order and shipping thresholds count what they give at the spend the item layer (and, for
  shipping, the order layer) leaves, storewide or in one scope (`arith_bounds.SpendBound`);
- the incremental bound: the saving of the nearest evaluated ancestor plus the bounds of the
  promotions added since, valid only while no added item promotion shares a line with an item
  promotion of that ancestor (taking a line away from one may raise what it saves: a line no
  longer spoils a threshold, a "cheapest unit free" deal gives a dearer unit away) and
  without budgets (a promotion left less to give may then fit its budget).

A combination is evaluated only when its own bound could beat the incumbent; otherwise only
its extensions are explored.

Covered item promotions (`Covering`): an item promotion `x` that conflicts with no candidate,
where nothing stacks, budgets, unit caps or an order cap couple the promotions, and whose lines
are all lines another item promotion of a combination `S` may hold, can only add to `S`: the
evaluation of `S + x` tries every assignment of `S` (with `x` given nothing, which leaves every
other amount as it was) and more, so when it is exhaustive it saves at least what `S` saves.
The walk visits `S + x` (in the branch taking `x`) before `S` (in the branch leaving it out),
and that branch ends with an incumbent saving at least as much as everything in it. So in a
branch that left `x` out, once the chosen members cover `x`'s lines, no combination saves
more than the incumbent: the branch is pruned when its combinations are also larger (ties
go to fewer promotions) and its evaluations are all exhaustive, and a combination `S` whose
`S + x` was evaluated exhaustively is bounded by that saving.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ..compile.compiler import CompiledPromotion, conflicts, stackable
from ..language.ast import Layer
from .actions import ZERO
from .actions.item import search_line_bounds
from .arith_bounds import SpendBound
from .evaluate import Evaluation, evaluate
from .line_choices import holdable
from .search_bounds import ComponentBound, Covering
from .search_memo import OutOfBudget, SearchMemo


class BranchAndBound:
    """One exact search over `money` (candidates that save money, each with its `bound`)."""

    def __init__(
        self,
        search: SearchMemo,
        money: Sequence[CompiledPromotion],
        bound: dict[str, Decimal],
        incumbent: Evaluation,
        max_evaluations: int,
    ) -> None:
        self.search = search
        self.bound = bound
        self.best = incumbent
        self.max_evaluations = max_evaluations
        cart = search.cart
        self.cands = sorted(money, key=lambda p: (-bound[p.id], p.order))
        self.per_line = {p.id: search_line_bounds(p, cart) for p in self.cands if p.layer is Layer.ITEM}
        self.rivals = {p.id: frozenset(q.id for q in self.cands if conflicts(p, q)) for p in self.cands}
        # item promotions declared stackable with another candidate (most have none)
        self.partnered = {p.id for p in self.cands if any(stackable(p, q) for q in self.cands if q is not p)}
        # The exact item-layer maximum of a group (`item_max`) bounds it only when nothing
        # outside the group changes what its lines give: no budget (all or nothing) and no
        # order cap (shared by every promotion).
        self.exact_items = cart.max_order_discount is None and all(
            cart.budgets.get(p.id) is None for p in self.cands
        )
        self.incremental = all(cart.budgets.get(p.id) is None for p in self.cands)
        self.held = {p.id: frozenset(holdable(cart, p)) for p in self.cands if p.layer is Layer.ITEM}
        self.reached: dict[frozenset[str], Decimal] = {}
        self.maxima: dict[frozenset[str], Decimal | None] = {}
        self.components = ComponentBound(self.cands, self.per_line, self.grouped, self.item_max)
        self.spend = SpendBound(cart, self.cands, bound)
        self.covering = Covering(self.cands, self.held, self.rivals, self.partnered, cart, self.exact_items)

    def run(self) -> Evaluation:
        """The best combination: the incumbent unless the search finds a better one.

        Raises `OutOfBudget` after `max_evaluations` evaluations (the caller falls back)."""
        self._extend(0, [], self.search.run([]), ZERO, ())
        return self.best

    # ------------------------------------------------------------------ bounds

    def compatible(self, p: CompiledPromotion, chosen: Sequence[CompiledPromotion]) -> bool:
        mine = self.rivals[p.id]
        return not mine or all(q.id not in mine for q in chosen)

    def grouped(self, members: Sequence[CompiledPromotion]) -> Decimal:
        """Sum of bounds counting, per exclusive group, only its largest member, and only the
        largest coupon when no two coupons combine: at most one of each can apply."""
        total = ZERO
        groups: dict[str, Decimal] = {}
        coupons: list[CompiledPromotion] = []
        for p in members:
            b = self.bound[p.id]
            if p.group is not None:
                groups[p.group] = max(groups.get(p.group, ZERO), b)
            elif p.is_coupon:
                coupons.append(p)
            else:
                total += b
        if any(stackable(a, b) for a, b in itertools.combinations(coupons, 2)):
            total += sum((self.bound[p.id] for p in coupons), ZERO)
        elif coupons:
            total += max(self.bound[p.id] for p in coupons)
        return total + sum(groups.values(), ZERO)

    def item_max(self, group: Sequence[CompiledPromotion]) -> Decimal | None:
        """The most these item promotions save together over every assignment of their lines
        (None when unknown: not combinable, or too many assignments to try them all). Without
        stacking, each saves on its assigned lines at their prices whatever else applies, and
        a promotion added to a group can only add to its maximum (it may take its own lines
        and leave the others as they were), so this bounds every superset's item layer on
        these lines."""
        if not self.exact_items:
            return None
        key = frozenset(p.id for p in group)
        if key not in self.maxima:
            # an evaluation the search already made (every candidate alone) is the same;
            # others stay out of its memo, which lists the alternatives for explanations
            memo = self.search.memo
            ev = memo[key] if key in memo else evaluate(self.search.cart, group)
            self.maxima[key] = ev.saving if ev is not None and ev.exhaustive else None
        return self.maxima[key]

    def reach(self, members: Sequence[CompiledPromotion]) -> Decimal:
        """Upper bound of what any combination of `members` saves (memoised per set).

        An `exclusive` promotion applies alone. Item-level promotions that are not stackable
        with each other share lines: each line gives at most the largest of their per-line
        bounds. Every promotion adds at most its own bound, and an exclusive group (or the
        coupons, one per order) at most its largest member's.
        """
        key = frozenset(p.id for p in members)
        found = self.reached.get(key)
        if found is None:
            alone = [self.bound[p.id] for p in members if p.exclusive]
            shared = [p for p in members if not p.exclusive]
            items = [p for p in shared if p.id in self.per_line]
            later = [p for p in shared if p.id not in self.per_line]
            total = self.grouped(later)
            item_sum = self.grouped(items)
            alone_per_line = not any(p.id in self.partnered for p in items) or not any(
                stackable(a, b) for a, b in itertools.combinations(items, 2)
            )
            if alone_per_line:
                item_sum = min(item_sum, self.components(items))
            most = total + item_sum
            spent, rest = self.spend.split(later)
            if spent:  # thresholds see what the item layer left (`arith_bounds`)
                scope = self.spend.scope(spent)
                outside = ZERO if scope is None else self.outside(items, scope, alone_per_line)
                most = min(most, self.grouped(rest) + self.spend.most(spent, item_sum, outside))
            found = self.reached[key] = max([most, *alone])
        return found

    def outside(self, items: Sequence[CompiledPromotion], scope: frozenset[int], alone: bool) -> Decimal:
        """A bound of what `items` take off the lines outside `scope`: per line the largest
        per-line bound (the sum when some of them stack: a line may then get several)."""
        per_line: dict[int, Decimal] = {}
        for p in items:
            for i, b in self.per_line[p.id].items():
                if i not in scope:
                    per_line[i] = max(per_line.get(i, ZERO), b) if alone else per_line.get(i, ZERO) + b
        return sum(per_line.values(), ZERO)

    def lines_of(self, members: Iterable[CompiledPromotion]) -> frozenset[int]:
        """The lines the item promotions among `members` may hold."""
        out: frozenset[int] = frozenset()
        for p in members:
            out |= self.held.get(p.id, frozenset())
        return out

    def beaten(self, limit: Decimal, size: int) -> bool:
        """No combination of `size` or more promotions saving at most `limit` beats the incumbent."""
        best = self.best
        return limit < best.saving or (limit == best.saving and size > len(best.ids))

    def incremental_base(
        self, chosen: Sequence[CompiledPromotion], anc: Evaluation | None, extra: Decimal
    ) -> tuple[Decimal | None, frozenset[int]]:
        """The ancestor's saving plus the bounds added since (None when not a valid bound), and
        the lines the ancestor's item promotions may hold."""
        if anc is None:
            return None, frozenset()
        taken = self.lines_of(q for q in chosen if q.id in anc.ids)
        if not self.incremental or taken & self.lines_of(q for q in chosen if q.id not in anc.ids):
            return None, taken
        return anc.saving + extra, taken

    # ------------------------------------------------------------------ the walk

    def _extend(
        self,
        start: int,
        chosen: list[CompiledPromotion],
        anc: Evaluation | None,
        extra: Decimal,
        skipped: tuple[CompiledPromotion, ...],
    ) -> None:
        """Extend `chosen` with candidates from `start` on. `anc` is the evaluation of the
        nearest evaluated ancestor combination (None if none), `extra` the sum of the bounds
        of the members of `chosen` added since, `skipped` the covering candidates
        (`Covering`) the branch left out."""
        base, taken = self.incremental_base(chosen, anc, extra)
        for j in range(start, len(self.cands)):
            p = self.cands[j]
            if not self.compatible(p, chosen):
                continue
            rest = [q for q in self.cands[j:] if self.compatible(q, chosen)]
            bound_here = self.reach(chosen + rest)
            if base is not None and not (taken & self.lines_of(rest)):
                bound_here = min(bound_here, base + sum((self.bound[q.id] for q in rest), ZERO))
            # Later j only see fewer candidates, so their bound is no larger: stop here.
            if self.beaten(bound_here, len(chosen) + 1):
                return
            members = [*chosen, p]
            left = skipped + self.covering.left_out(self.cands[start:j])
            covered = self.covering.covered(left, members)
            if (
                covered
                and self.beaten(self.best.saving, len(members))
                and self.covering.exhaustive([*members, *rest[1:], covered[0]])
            ):
                continue  # every combination of this branch saves at most the incumbent's, with more members
            own = self.reach(members)
            if base is not None and not (taken & self.held.get(p.id, frozenset())):
                own = min(own, base + self.bound[p.id])
            for x in covered:
                known = self.search.known([*members, x])
                if known is not None and known.exhaustive:
                    own = min(own, known.saving)
            if self.beaten(own, len(members)):  # this node cannot win itself: only its subtree may
                self._extend(j + 1, members, anc, extra + self.bound[p.id], left)
                continue
            ev = self._evaluate(members)
            if ev is None:
                self._extend(j + 1, members, anc, extra + self.bound[p.id], left)
            else:
                self._extend(j + 1, members, ev, ZERO, left)

    def _evaluate(self, members: Sequence[CompiledPromotion]) -> Evaluation | None:
        """Evaluate a combination and keep it when it beats the incumbent."""
        if self.search.evaluations > self.max_evaluations:
            raise OutOfBudget
        ev = self.search.run(members)
        if ev is not None and self.search.rank(ev) < self.search.rank(self.best):
            self.best = ev
        return ev
