"""Item-layer bounds for the best-deal search (`branch_and_bound.BranchAndBound`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from ..compile.compiler import CompiledPromotion
from .actions import ZERO


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
