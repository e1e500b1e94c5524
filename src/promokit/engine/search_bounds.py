"""Item-layer bounds and the covered-promotion rule of the best-deal search (`branch_and_bound.BranchAndBound`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from ..compile.compiler import CompiledPromotion
from ..language.ast import Layer
from .actions import ZERO
from .actions.cart import Cart
from .evaluate import MAX_ASSIGNMENTS


class ComponentBound:
    """Upper bound of the item layer when no two of the given item promotions stack.

    Split them into groups that share lines in their scopes (a line goes to one of the group,
    and what a promotion saves depends only on the lines it gets); each group saves at most
    the sum over its lines of the largest per-line bound, at most the sum of its members' own
    bounds (`grouped`), and at most the exact maximum of its item layer (`item_max`, None
    when unknown). Groups share no line, so their bounds add up. Built once per search: the
    scopes' overlaps and each group's bound are computed once.
    """

    def __init__(
        self,
        candidates: Sequence[CompiledPromotion],
        per_line: dict[str, dict[int, Decimal]],
        grouped: Callable[[Sequence[CompiledPromotion]], Decimal],
        item_max: Callable[[Sequence[CompiledPromotion]], Decimal | None],
    ) -> None:
        self.per_line = per_line
        self.grouped = grouped
        self.item_max = item_max
        holders: dict[int, list[str]] = {}
        for p in candidates:
            for i in per_line.get(p.id, {}):  # every line in its scope: those it may hold, and more
                holders.setdefault(i, []).append(p.id)
        self.neighbours: dict[str, set[str]] = {p.id: set() for p in candidates}
        for ids in holders.values():
            for pid in ids:
                self.neighbours[pid].update(ids)
        self.memo: dict[frozenset[str], Decimal] = {}

    def __call__(self, items: Sequence[CompiledPromotion]) -> Decimal:
        by_id = {p.id: p for p in items}
        seen: set[str] = set()
        total = ZERO
        for p in items:
            if p.id in seen:
                continue
            group: list[CompiledPromotion] = []
            todo = [p.id]
            seen.add(p.id)
            while todo:
                pid = todo.pop()
                group.append(by_id[pid])
                for other in self.neighbours[pid]:
                    if other in by_id and other not in seen:
                        seen.add(other)
                        todo.append(other)
            total += self._group(group)
        return total

    def _group(self, group: list[CompiledPromotion]) -> Decimal:
        key = frozenset(p.id for p in group)
        found = self.memo.get(key)
        if found is None:
            best_line: dict[int, Decimal] = {}
            for p in group:
                for i, b in self.per_line[p.id].items():
                    if b > best_line.get(i, ZERO):
                        best_line[i] = b
            found = min(self.grouped(group), sum(best_line.values(), ZERO))
            exact = self.item_max(group)
            if exact is not None:
                found = min(found, exact)
            self.memo[key] = found
        return found


class Covering:
    """Item promotions that can only add to a combination holding their lines (the
    branch and bound's covered-promotion rule, `branch_and_bound` module docstring).

    A candidate qualifies when it is an item promotion that conflicts with no candidate and
    nothing couples the promotions beyond their lines: no stacking, budgets, unit caps (units
    a capped price leaves over go to the line's next-best promotion) or order cap. Then,
    given no line, it changes nothing, so a combination with it tries every assignment of the
    combination without it.
    """

    def __init__(
        self,
        candidates: Sequence[CompiledPromotion],
        held: dict[str, frozenset[int]],
        rivals: dict[str, frozenset[str]],
        partnered: set[str],
        cart: Cart,
        exact_items: bool,
    ) -> None:
        self.held = held
        coupled = (
            not exact_items
            or bool(partnered)
            or any(cart.unit_caps.get(p.id) is not None for p in candidates)
        )
        self.free = (
            set()
            if coupled
            else {p.id for p in candidates if p.layer is Layer.ITEM and p.id in held and not rivals[p.id]}
        )

    def left_out(self, passed: Sequence[CompiledPromotion]) -> tuple[CompiledPromotion, ...]:
        """The qualifying candidates among `passed` (those a branch leaves out)."""
        if not self.free:
            return ()
        return tuple(p for p in passed if p.id in self.free)

    def covered(
        self, left: Sequence[CompiledPromotion], members: Sequence[CompiledPromotion]
    ) -> list[CompiledPromotion]:
        """The promotions of `left` whose lines the item promotions among `members` may all hold."""
        if not left:
            return []
        lines: set[int] = set()
        for q in members:
            lines.update(self.held.get(q.id, ()))
        return [x for x in left if self.held[x.id] <= lines]

    def exhaustive(self, members: Sequence[CompiledPromotion]) -> bool:
        """Whether every subset of `members` is evaluated over every assignment of its
        contested lines: at most `evaluate.MAX_ASSIGNMENTS` of them for all together."""
        holders: dict[int, int] = {}
        for q in members:
            for i in self.held.get(q.id, ()):
                holders[i] = holders.get(i, 0) + 1
        count = 1
        for n in holders.values():
            count *= n
        return count <= MAX_ASSIGNMENTS
