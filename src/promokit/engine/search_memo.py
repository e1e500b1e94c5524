"""What the best-deal search shares: memoised evaluations, the ranking, conflicts in O(1).

`SearchMemo` evaluates each combination once per request (the memo also feeds the
alternatives `explain` lists); `SearchMemo.rank` is the order of docs/semantics.md#best-deal
(most saving, then fewer promotions, then higher priority / smaller id). `Taken` holds a
combination being built one promotion at a time and answers "what does this one conflict
with?" without comparing it with every member (greedy passes over hundreds of candidates).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ..compile.compiler import CompiledPromotion, conflicts, stackable
from .actions.cart import Cart
from .evaluate import Evaluation, evaluate
from .parts import BY_RANK


class OutOfBudget(Exception):
    """The exact search evaluated its allowance of combinations (`selection.MAX_EVALUATIONS`)."""


class SearchMemo:
    def __init__(self, cart: Cart, promotions: Sequence[CompiledPromotion]) -> None:
        self.cart = cart
        self.by_id = {p.id: p for p in promotions}
        self.memo: dict[frozenset[str], Evaluation | None] = {}
        self.evaluations = 0

    def run(self, members: Iterable[CompiledPromotion]) -> Evaluation | None:
        """The evaluation of `members` together (None when they conflict), computed once."""
        ps = sorted(members, key=BY_RANK)
        key = frozenset(p.id for p in ps)
        if key not in self.memo:
            self.evaluations += 1
            self.memo[key] = evaluate(self.cart, ps)
        return self.memo[key]

    def known(self, members: Iterable[CompiledPromotion]) -> Evaluation | None:
        """The evaluation of `members` if the search already made it, without evaluating."""
        return self.memo.get(frozenset(p.id for p in members))

    def rank(self, ev: Evaluation) -> tuple[Decimal, int, tuple[int, ...]]:
        """Smaller is better: most saving, then fewer promotions, then higher priority / smaller id."""
        return (-ev.saving, len(ev.ids), tuple(sorted(self.by_id[i].order for i in ev.ids)))

    def better(self, *evaluations: Evaluation) -> Evaluation:
        """The best of `evaluations` by `rank`."""
        return min(evaluations, key=self.rank)

    def best_found(self, default: Evaluation) -> Evaluation:
        """The best combination evaluated so far (`default` when it is better or none was)."""
        found = [ev for ev in self.memo.values() if ev is not None]
        return self.better(default, *found)


def rivals_of(p: CompiledPromotion, members: Iterable[CompiledPromotion]) -> list[CompiledPromotion]:
    """The members `p` cannot apply with, in their order: `compile.compiler.conflicts`, with
    the common case (no exclusive group, not a coupon) down to one attribute per member."""
    if p.exclusive or p.group is not None or p.is_coupon:
        return [q for q in members if conflicts(p, q)]
    return [q for q in members if q.exclusive and q.id != p.id]


class Taken:
    """A combination built one promotion at a time, indexed so that `rival` is O(1) per test
    (bar coupons, which are few): the same relation as `compile.compiler.conflicts`."""

    def __init__(self, members: Iterable[CompiledPromotion] = ()) -> None:
        self.members: list[CompiledPromotion] = []
        self.groups: dict[str, CompiledPromotion] = {}
        self.coupons: list[CompiledPromotion] = []
        self.ids: set[str] = set()
        for p in members:
            self.add(p)

    def rival(self, p: CompiledPromotion) -> CompiledPromotion | None:
        """The first member (in the order added) that `p` cannot apply with, None if none."""
        if not self.members or p.id in self.ids:
            return None
        first = self.members[0]
        if p.exclusive or first.exclusive:  # an exclusive member is always alone, hence first
            return first
        found: list[CompiledPromotion] = []
        if p.group is not None and p.group in self.groups:
            found.append(self.groups[p.group])
        if p.is_coupon:
            coupon = next((q for q in self.coupons if not stackable(p, q)), None)
            if coupon is not None:
                found.append(coupon)
        if len(found) == 2:  # the earlier one, as a scan of the members would find
            return min(found, key=self.members.index)
        return found[0] if found else None

    def add(self, p: CompiledPromotion) -> None:
        if p.id in self.ids:
            return
        self.members.append(p)
        self.ids.add(p.id)
        if p.group is not None:
            self.groups.setdefault(p.group, p)
        if p.is_coupon:
            self.coupons.append(p)
