"""Best-deal search: which promotions apply together (docs/semantics.md#item-competition).

Objective: the customer's saving on goods and shipping (points earned do not count). Ties go
to the smaller combination, then to the one holding the higher-priority promotion (then the
smaller id): combinations are compared by the sorted ranks of their members.

1. Every candidate is evaluated alone. Its saving alone is an upper bound of what it can add
   to any combination: every base only shrinks when more promotions apply (thresholds are
   measured after discounts, later layers see less, competing item promotions split lines).
   A candidate that does nothing alone does nothing anywhere, and gets its reason from that
   evaluation. The exception is a quantity deal on the cheapest units ("buy 2 get 1 free"):
   given fewer lines it may give a dearer unit away, so its bound prices the discounted units
   as the dearest ones (`actions.item.saving_bound`). Candidates that only give gifts or points (saving 0) are added at the end to
   the chosen combination when compatible.
2. Fast path: when the money-saving candidates are compatible and together save the sum of
   their savings alone, that combination is optimal (it reaches the upper bound): no search.
3. Otherwise an exact branch and bound over the subsets of compatible candidates, largest
   bound first, seeded with one evaluation of every compatible candidate in bound order. A
   branch is pruned when its bound cannot beat the best combination found: the sum of the
   bounds of the chosen and still compatible candidates, where an exclusive group (and the
   coupons, one per order) counts only its largest member and item-level promotions not
   stackable with each other count, per line, only the largest per-line bound
   (`actions.item.search_line_bounds`), and per group of them sharing lines at most the
   exact maximum of their item layer alone (`search_bounds.ComponentBound`); and, while
   the added promotions share no line with its item promotions, the saving of the nearest evaluated combination plus the bounds added. A
   combination is evaluated only when its own bound could beat the best found.
   The search is skipped when the seed provably wins: candidates that conflict only through
   exclusive groups, and a seed saving exactly the sum of their bounds with each group counted
   at its largest (`_reaches_bound`).
4. With more than `MAX_EXACT` money-saving candidates, or when the search has evaluated
   `MAX_EVALUATIONS` combinations, it stops and a heuristic takes over: greedy by saving
   alone (add a candidate when the combination saves more with it), then one pass dropping
   each chosen candidate and one pass swapping each left-out candidate in (dropping what
   conflicts with it), keeping every improvement: about 3n evaluations, starting from the
   best combination the exact search had found. The result then says
   `selection == "heuristic"`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ..compile.compiler import CompiledPromotion, conflicts, stackable
from ..language.ast import Layer
from ..models import Reason
from .actions import ZERO, Miss, Upsell
from .actions.cart import Cart
from .actions.item import saving_bound, search_line_bounds
from .evaluate import Evaluation, evaluate, holdable
from .search_bounds import ComponentBound

#: Money-saving candidates on one cart above which the exact search is not attempted.
MAX_EXACT = 16
#: Combinations the exact search may evaluate before the heuristic takes over.
MAX_EVALUATIONS = 1000

#: Money-saving candidates up to which `explain` evaluates every combination for alternatives.
MAX_EXPLORE = 10
#: Alternatives kept for explanations.
MAX_ALTERNATIVES = 5

Mode = Literal["none", "exact", "heuristic"]


class _OutOfBudget(Exception):
    pass


@dataclass(slots=True)
class Selection:
    best: Evaluation
    mode: Mode
    alone: dict[str, Evaluation]
    dropped: dict[str, Miss]  # did nothing alone: the reason from that evaluation
    excluded: dict[str, Miss] = field(default_factory=dict)  # could apply, left out of the best deal
    alternatives: list[Evaluation] = field(default_factory=list)  # best combinations it beat
    upsells: list[Upsell] = field(default_factory=list)  # of excluded promotions short of a threshold


class _Search:
    def __init__(self, cart: Cart, promotions: Sequence[CompiledPromotion]) -> None:
        self.cart = cart
        self.by_id = {p.id: p for p in promotions}
        self.memo: dict[frozenset[str], Evaluation | None] = {}
        self.evaluations = 0

    def run(self, members: Iterable[CompiledPromotion]) -> Evaluation | None:
        ps = sorted(members, key=lambda p: p.order)
        key = frozenset(p.id for p in ps)
        if key not in self.memo:
            self.evaluations += 1
            self.memo[key] = evaluate(self.cart, ps)
        return self.memo[key]

    def rank(self, ev: Evaluation) -> tuple[Decimal, int, tuple[int, ...]]:
        """Smaller is better: most saving, then fewer promotions, then higher priority / smaller id."""
        return (-ev.saving, len(ev.ids), tuple(sorted(self.by_id[i].order for i in ev.ids)))


def select(
    cart: Cart,
    candidates: Sequence[CompiledPromotion],
    strategy: Literal["best", "greedy"] = "best",
    *,
    explore: bool = False,
) -> Selection:
    """Choose the combination; `explore` also evaluates the heuristic's neighbourhood of the
    answer (drop one, swap one in), so that `RuleSet.explain` can list close alternatives
    that the exact search proved worse without evaluating them."""
    search = _Search(cart, candidates)
    alone: dict[str, Evaluation] = {}
    dropped: dict[str, Miss] = {}
    bound: dict[str, Decimal] = {}
    money: list[CompiledPromotion] = []
    extras: list[CompiledPromotion] = []  # gifts or points only
    for p in candidates:
        ev = search.run([p])
        assert ev is not None  # a single promotion is always a valid combination
        alone[p.id] = ev
        effect = ev.effects.get(p.id)
        miss = ev.misses.get(p.id)
        wider = saving_bound(p, cart) if p.layer is Layer.ITEM else None
        if effect is not None and effect.saving > 0:
            bound[p.id] = max(effect.saving, wider or ZERO)
            money.append(p)
        elif wider and (miss is None or miss.reason == "no_saving"):
            bound[p.id] = wider  # saves nothing on the cheapest units, may on the ones left to it
            money.append(p)
        elif effect is not None:
            extras.append(p)
        elif miss is not None and miss.reason == "budget" and miss.would_save > 0:
            bound[p.id] = miss.would_save  # may fit its budget once others leave it less to give
            money.append(p)
        elif miss is not None:
            dropped[p.id] = miss
    empty = search.run([])
    assert empty is not None
    if strategy == "greedy":
        chosen: list[CompiledPromotion] = []
        skipped: dict[str, Miss] = {}
        for p in sorted(candidates, key=lambda p: p.order):
            if p.id in dropped:
                continue
            rival = next((q for q in chosen if conflicts(p, q)), None)
            if rival is None:
                chosen.append(p)
            else:
                skipped[p.id] = Miss(
                    "excluded", f"lost to {rival.id} (greedy: higher rank first)", lost_to=rival.id
                )
        best = search.run(chosen) or empty
        selection = _finish(search, best, "heuristic", alone, dropped, money, bound)
        for pid, miss in skipped.items():
            selection.excluded.setdefault(pid, miss)
        return selection
    mode: Mode = "none"
    total_bound = sum(bound.values(), ZERO)
    combined = search.run(money)
    if (
        combined is not None
        and combined.saving == total_bound
        and all(p.id in combined.effects for p in money)
    ):
        best = combined
    elif len(money) > MAX_EXACT:
        best, mode = _heuristic(search, money, bound, empty), "heuristic"
    else:
        try:
            seed = _seed(search, money, bound, empty)  # a good incumbent prunes early
            if not explore and _reaches_bound(money, bound, seed):
                best, mode = seed, "exact"  # what the search would return, proved without it
            else:
                best, mode = _branch_and_bound(search, money, bound, seed), "exact"
        except _OutOfBudget:
            best, mode = _heuristic(search, money, bound, _incumbent(search, empty)), "heuristic"
    if explore:
        _explore(search, money)
    chosen = [search.by_id[i] for i in best.ids]
    left_out: dict[str, Miss] = {}
    for p in extras:
        rival = next((q for q in chosen if conflicts(p, q)), None)
        if rival is None:
            chosen.append(p)
        else:
            reason: Reason = "coupon_not_combinable" if p.is_coupon and rival.is_coupon else "excluded"
            words = f"lost to {rival.id}, which saves money (this one only gives gifts or points)"
            left_out[p.id] = Miss(reason, words, lost_to=rival.id)
    final = search.run(chosen) or best
    if final.saving < best.saving:  # cannot happen (extras save nothing); keep the proven best
        final = best
    selection = _finish(search, final, mode, alone, dropped, money, bound)
    selection.excluded.update(left_out)
    return selection


def _branch_and_bound(
    search: _Search, money: Sequence[CompiledPromotion], bound: dict[str, Decimal], start: Evaluation
) -> Evaluation:
    cands = sorted(money, key=lambda p: (-bound[p.id], p.order))
    best = start
    cart = search.cart
    per_line = {p.id: search_line_bounds(p, cart) for p in cands if p.layer is Layer.ITEM}

    rivals = {p.id: frozenset(q.id for q in cands if conflicts(p, q)) for p in cands}

    def compatible(p: CompiledPromotion, chosen: Sequence[CompiledPromotion]) -> bool:
        mine = rivals[p.id]
        return not mine or all(q.id not in mine for q in chosen)

    # item promotions declared stackable with another candidate (most have none)
    partnered = {p.id for p in cands if any(stackable(p, q) for q in cands if q is not p)}

    def grouped(members: Sequence[CompiledPromotion]) -> Decimal:
        """Sum of bounds counting, per exclusive group, only its largest member, and only the
        largest coupon when no two coupons combine: at most one of each can apply."""
        total = ZERO
        groups: dict[str, Decimal] = {}
        coupons: list[CompiledPromotion] = []
        for p in members:
            b = bound[p.id]
            if p.group is not None:
                groups[p.group] = max(groups.get(p.group, ZERO), b)
            elif p.is_coupon:
                coupons.append(p)
            else:
                total += b
        if any(stackable(a, b) for a, b in itertools.combinations(coupons, 2)):
            total += sum((bound[p.id] for p in coupons), ZERO)
        elif coupons:
            total += max(bound[p.id] for p in coupons)
        return total + sum(groups.values(), ZERO)

    reached: dict[frozenset[str], Decimal] = {}
    # The exact item-layer maximum of a group of item promotions sharing lines (`item_max`) is
    # a bound only when nothing outside the group changes what its lines give: no budget
    # (all or nothing) and no order cap (shared by every promotion).
    exact_items = cart.max_order_discount is None and all(cart.budgets.get(p.id) is None for p in cands)
    maxima: dict[frozenset[str], Decimal | None] = {}

    def item_max(group: Sequence[CompiledPromotion]) -> Decimal | None:
        """The most these item promotions save together over every assignment of their lines
        (None when unknown: not combinable, or too many assignments to try them all). Without
        stacking, each saves on its assigned lines at their prices whatever else applies, and
        a promotion added to a group can only add to its maximum (it may take its own lines
        and leave the others as they were), so this bounds every superset's item layer on
        these lines."""
        if not exact_items:
            return None
        key = frozenset(p.id for p in group)
        if key not in maxima:
            # an evaluation the search already made (every candidate alone) is the same;
            # others stay out of its memo, which lists the alternatives for explanations
            ev = search.memo[key] if key in search.memo else evaluate(cart, group)
            maxima[key] = ev.saving if ev is not None and ev.exhaustive else None
        return maxima[key]

    components = ComponentBound(cands, per_line, grouped, item_max)

    def reach(members: Sequence[CompiledPromotion]) -> Decimal:
        """`_reach`, memoised: it depends only on the set of members."""
        key = frozenset(p.id for p in members)
        found = reached.get(key)
        if found is None:
            found = reached[key] = _reach(members)
        return found

    def _reach(members: Sequence[CompiledPromotion]) -> Decimal:
        """Upper bound of what any combination of `members` saves.

        An `exclusive` promotion applies alone. Item-level promotions that are not stackable
        with each other share lines: each line gives at most the largest of their per-line
        bounds. Every promotion adds at most its own bound, and an exclusive group (or the
        coupons, one per order) at most its largest member's.
        """
        alone = [bound[p.id] for p in members if p.exclusive]
        members = [p for p in members if not p.exclusive]
        items = [p for p in members if p.id in per_line]
        total = grouped([p for p in members if p.id not in per_line])
        item_sum = grouped(items)
        if not any(p.id in partnered for p in items) or not any(
            stackable(a, b) for a, b in itertools.combinations(items, 2)
        ):
            item_sum = min(item_sum, components(items))
        return max([total + item_sum, *alone])

    # Adding promotions to a combination `anc` adds at most their bounds to what it saves:
    # bases only shrink. Two exceptions. A budget (a promotion left less to give may then
    # fit its budget): with budgets only `reach` is used. And a new item promotion that takes
    # lines from an item promotion of `anc`: every line of a combination goes to one of its
    # promotions, so `anc` may have been forced to spoil a threshold with a line, or to give
    # a cheapest-units deal a cheap line, which the newcomer relieves. So the incremental
    # bound is used only while the promotions added share no line with those of `anc`.
    incremental = all(cart.budgets.get(p.id) is None for p in cands)
    held = {p.id: frozenset(holdable(cart, p)) for p in cands if p.layer is Layer.ITEM}

    def lines_of(members: Iterable[CompiledPromotion]) -> frozenset[int]:
        out: frozenset[int] = frozenset()
        for p in members:
            out |= held.get(p.id, frozenset())
        return out

    empty_saving = search.run([])

    def beaten(limit: Decimal, size: int) -> bool:
        """No combination of `size` or more promotions saving at most `limit` can beat `best`."""
        return limit < best.saving or (limit == best.saving and size > len(best.ids))

    def dfs(start: int, chosen: list[CompiledPromotion], anc: Evaluation | None, extra: Decimal) -> None:
        """Extend `chosen` with candidates from `start` on. `anc` is the evaluation of the
        nearest evaluated ancestor combination (None if none), `extra` the sum of the bounds
        of the members of `chosen` added since: every combination below saves at most
        anc.saving + extra + the bounds of what it adds, while no line is shared (see above)."""
        nonlocal best
        base = anc.saving + extra if anc is not None and incremental else None
        taken = lines_of(q for q in chosen if anc is not None and q.id in anc.ids)
        if base is not None and taken & lines_of(
            q for q in chosen if anc is not None and q.id not in anc.ids
        ):
            base = None
        for j in range(start, len(cands)):
            p = cands[j]
            if not compatible(p, chosen):
                continue
            rest = [q for q in cands[j:] if compatible(q, chosen)]
            bound_here = reach(chosen + rest)
            if base is not None and not (taken & lines_of(rest)):
                bound_here = min(bound_here, base + sum((bound[q.id] for q in rest), ZERO))
            # Later j only see fewer candidates, so their bound is no larger: stop here.
            if beaten(bound_here, len(chosen) + 1):
                return
            members = [*chosen, p]
            own = reach(members)
            if base is not None and not (taken & held.get(p.id, frozenset())):
                own = min(own, base + bound[p.id])
            if beaten(own, len(members)):  # this node cannot win itself: only its subtree may
                dfs(j + 1, members, anc, extra + bound[p.id])
                continue
            if search.evaluations > MAX_EVALUATIONS:
                raise _OutOfBudget
            ev = search.run(members)
            if ev is not None and search.rank(ev) < search.rank(best):
                best = ev
            if ev is None:
                dfs(j + 1, members, anc, extra + bound[p.id])
            else:
                dfs(j + 1, members, ev, ZERO)

    dfs(0, [], empty_saving, ZERO)
    return best


def _seed(
    search: _Search, money: Sequence[CompiledPromotion], bound: dict[str, Decimal], empty: Evaluation
) -> Evaluation:
    """One evaluation: every candidate that conflicts with none taken before it, largest bound
    first. When the candidates do not spoil each other this is already the best deal, and the
    search only has to prove it."""
    chosen: list[CompiledPromotion] = []
    for p in sorted(money, key=lambda p: (-bound[p.id], p.order)):
        if all(not conflicts(p, q) for q in chosen):
            chosen.append(p)
    ev = search.run(chosen)
    return ev if ev is not None and search.rank(ev) < search.rank(empty) else empty


def _reaches_bound(money: Sequence[CompiledPromotion], bound: dict[str, Decimal], seed: Evaluation) -> bool:
    """Whether the seed is provably what `_branch_and_bound` returns, without searching.

    Only when the candidates conflict through exclusive groups alone (no `exclusive`
    promotion, no coupons that refuse each other): every valid combination then holds at
    most one member of each group, so it saves at most the bounds of the candidates outside
    groups plus the largest bound of each group. When the seed (all candidates outside
    groups, and the largest bound of each group, higher priority first on ties) saves exactly
    that, nothing saves more; a combination that saves as much must hold every candidate
    outside groups and a largest-bound member of each group (every bound is positive), so it
    has as many members and members of no higher priority: the seed wins the tie-break too.
    `explain` still searches, because its alternatives come from the combinations evaluated.
    """
    for a, b in itertools.combinations(money, 2):
        if conflicts(a, b) != (a.group is not None and a.group == b.group):
            return False
    expected: set[str] = set()
    groups: set[str] = set()
    total = ZERO
    for p in sorted(money, key=lambda p: (-bound[p.id], p.order)):
        if p.exclusive or bound[p.id] <= 0:
            return False
        if p.group is not None:
            if p.group in groups:
                continue
            groups.add(p.group)
        expected.add(p.id)
        total += bound[p.id]
    return seed.ids == expected and seed.saving == total


def _explore(search: _Search, money: Sequence[CompiledPromotion]) -> None:
    """Evaluate the alternatives `RuleSet.explain` lists: every valid combination of the
    money-saving candidates when there are at most `MAX_EXPLORE` of them, otherwise the
    heuristic's neighbourhood. Only `explain` pays for this; `price` does not."""
    if len(money) > MAX_EXPLORE:
        empty = search.run([])
        assert empty is not None
        _heuristic(search, money, {p.id: ZERO for p in money}, empty)
        return
    for size in range(1, len(money) + 1):
        for combo in itertools.combinations(money, size):
            if all(not conflicts(a, b) for a, b in itertools.combinations(combo, 2)):
                search.run(combo)


def _incumbent(search: _Search, empty: Evaluation) -> Evaluation:
    found = [ev for ev in search.memo.values() if ev is not None]
    return min(found, key=search.rank) if found else empty


def _heuristic(
    search: _Search, money: Sequence[CompiledPromotion], bound: dict[str, Decimal], start: Evaluation
) -> Evaluation:
    """Greedy by saving alone, then one pass of drop-one and one of swap-in (about 3n evaluations)."""
    by_bound = sorted(money, key=lambda p: (-bound[p.id], p.order))
    chosen: list[CompiledPromotion] = []
    current = search.run([]) or start
    for p in by_bound:  # add what helps, largest bound first
        if all(not conflicts(p, q) for q in chosen):
            ev = search.run([*chosen, p])
            if ev is not None and ev.saving > current.saving:
                chosen, current = [*chosen, p], ev
    best = current if search.rank(current) < search.rank(start) else start
    for p in reversed(by_bound):  # drop one: smallest bound first
        if p.id in best.ids:
            ev = search.run([search.by_id[i] for i in best.ids if i != p.id])
            if ev is not None and search.rank(ev) < search.rank(best):
                best = ev
    for p in by_bound:  # swap one in, dropping what conflicts with it
        if p.id not in best.ids:
            trial = [q for q in (search.by_id[i] for i in best.ids) if not conflicts(p, q)] + [p]
            ev = search.run(trial)
            if ev is not None and search.rank(ev) < search.rank(best):
                best = ev
    return best


def _finish(
    search: _Search,
    best: Evaluation,
    mode: Mode,
    alone: dict[str, Evaluation],
    dropped: dict[str, Miss],
    money: Sequence[CompiledPromotion],
    bound: dict[str, Decimal],
) -> Selection:
    """Name, for every money-saving candidate left out, what it lost to and by how much."""
    excluded: dict[str, Miss] = {}
    upsells: list[Upsell] = []
    cart = search.cart
    chosen = [search.by_id[i] for i in best.ids]
    for p in money:
        if p.id in best.ids:
            continue
        rivals = [q for q in chosen if conflicts(p, q)]
        alt = search.run([q for q in chosen if not conflicts(p, q)] + [p])
        own = alt.misses.get(p.id) if alt is not None else None
        if not rivals and own is not None and own.lost_to is None:
            # with the chosen deal it does nothing (e.g. a threshold its discounts push out of reach)
            excluded[p.id] = own
            if alt is not None:
                upsells += [u for u in alt.upsells if u.promotion == p.id]
            continue
        by = best.saving - alt.saving if alt is not None else ZERO
        lost_to: str | None = rivals[0].id if rivals else None
        if lost_to is None and own is not None and own.lost_to is not None:
            # its lines go to other item promotions that save more on them
            excluded[p.id] = Miss("excluded", f"lost to {own.lost_to}: {own.detail}", lost_to=own.lost_to)
            continue
        elif lost_to is None and alt is not None:  # it spoils others: name the one that loses most
            worse = [
                (best.effects[q].saving - (alt.effects[q].saving if q in alt.effects else ZERO), q)
                for q in best.effects
            ]
            worse = [w for w in worse if w[0] > 0]
            lost_to = max(worse, key=lambda w: (w[0], w[1]))[1] if worse else None
        coupons = lost_to is not None and search.by_id[lost_to].is_coupon and p.is_coupon
        reason: Reason = "coupon_not_combinable" if coupons else "excluded"
        rival = f"lost to {lost_to}" if lost_to else "left out"
        if by > 0:
            detail = f"{rival}: the chosen deal saves {cart.money(by)} more than the best one with {p.id}"
        else:
            detail = f"{rival}: equal saving, and ties go to fewer promotions, then higher priority"
        excluded[p.id] = Miss(reason, detail, lost_to=lost_to)
    # Combinations that differ in what actually took effect, best first (for `promokit explain`).
    alternatives: list[Evaluation] = []

    def effective_of(ev: Evaluation) -> frozenset[str]:
        return frozenset(pid for pid, e in ev.effects.items() if e.saving > 0)

    seen = {effective_of(best)}
    for ev in sorted((e for e in search.memo.values() if e is not None), key=search.rank):
        effective = effective_of(ev)
        if effective and effective not in seen:
            seen.add(effective)
            alternatives.append(ev)
            if len(alternatives) == MAX_ALTERNATIVES:
                break
    return Selection(best, mode, alone, dropped, excluded, alternatives, upsells)
