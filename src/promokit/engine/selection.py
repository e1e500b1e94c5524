"""Best-deal search: which promotions apply together (docs/semantics.md#best-deal).

Objective: the customer's saving on goods and shipping (points earned do not count). Ties go
to the smaller combination, then to the one holding the higher-priority promotion (then the
smaller id): combinations are compared by the sorted ranks of their members.

1. Every candidate is evaluated alone. Its saving alone is an upper bound of what it can add
   to any combination: every base only shrinks when more promotions apply (thresholds are
   measured after discounts, later layers see less, competing item promotions split lines).
   A candidate that does nothing alone does nothing anywhere, and gets its reason from that
   evaluation. The exception is a quantity deal on the cheapest units ("buy 2 get 1 free"):
   given fewer lines it may give a dearer unit away, so its bound prices the discounted
   units as the dearest ones (`actions.item.saving_bound`). Candidates that only give gifts
   or points (saving 0) are added at the end to the chosen combination when compatible.
2. The greedy pass (rank order, each promotion taken when it conflicts with none taken) is
   evaluated first and kept as the incumbent: whatever the search does afterwards, the
   answer is never worse than greedy.
3. `exclusive` promotions apply alone, so they are handled apart: each one alone (already
   evaluated in step 1) against the best combination of the others. They neither block the
   search over the others nor stand in for it.
4. Over the non-exclusive money-saving candidates: the fast path when together they save the
   sum of their bounds (optimal, no search); the seed (every compatible candidate, largest
   bound first) when it provably reaches the bound (`_reaches_bound`); otherwise the exact
   branch and bound (`branch_and_bound.BranchAndBound`) from the best of seed, incumbent and
   (for `price`) the combination `_grown` by bound.
5. With more than `MAX_EXACT` of them, or once the search has evaluated `MAX_EVALUATIONS`
   combinations, a heuristic takes over (`_heuristic`): the best of the incumbent, the seed
   and a combination grown by bound (a candidate added only when the combination then saves
   more), then one pass dropping each member and one adding or swapping in each other
   candidate (dropping what conflicts with it), keeping every improvement. The result then
   says `selection == "heuristic"`.

`Selection.mode` is what answered: "none" (fast path, nothing compared), "exact",
"heuristic", or "greedy" (`strategy="greedy"`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ..compile.compiler import CompiledPromotion, conflicts
from ..language.ast import Layer
from ..models import Reason
from .actions import ZERO, Miss, Upsell
from .actions.cart import Cart
from .actions.item import saving_bound
from .branch_and_bound import BranchAndBound
from .evaluate import Evaluation
from .footprints import Footprints
from .left_out import alternatives, left_out
from .search_memo import OutOfBudget, SearchMemo, Taken, rivals_of

#: Non-exclusive money-saving candidates on one cart above which the exact search is not attempted.
MAX_EXACT = 16
#: Combinations the exact search may evaluate before the heuristic takes over.
MAX_EVALUATIONS = 1000

#: Money-saving candidates up to which `explain` evaluates every combination for alternatives.
MAX_EXPLORE = 10

Mode = Literal["none", "exact", "heuristic", "greedy"]


@dataclass(slots=True)
class Selection:
    best: Evaluation
    mode: Mode
    alone: dict[str, Evaluation]
    dropped: dict[str, Miss]  # did nothing alone: the reason from that evaluation
    excluded: dict[str, Miss] = field(default_factory=dict)  # could apply, left out of the best deal
    alternatives: list[Evaluation] = field(default_factory=list)  # best combinations it beat
    upsells: list[Upsell] = field(default_factory=list)  # of excluded promotions short of a threshold


@dataclass(slots=True)
class _Candidates:
    """The candidates sorted by what they do alone (step 1)."""

    alone: dict[str, Evaluation] = field(default_factory=dict)
    dropped: dict[str, Miss] = field(default_factory=dict)
    bound: dict[str, Decimal] = field(default_factory=dict)
    money: list[CompiledPromotion] = field(default_factory=list)
    extras: list[CompiledPromotion] = field(default_factory=list)  # gifts or points only


def select(
    cart: Cart,
    candidates: Sequence[CompiledPromotion],
    strategy: Literal["best", "greedy"] = "best",
    *,
    explore: bool = False,
) -> Selection:
    """Choose the combination; `explore` (for `RuleSet.explain`) also evaluates the
    alternatives to list and measures by how much each left-out promotion lost."""
    search = SearchMemo(cart, candidates)
    found = _alone(search, candidates)
    empty = search.run([])
    assert empty is not None
    greedy, skipped = _greedy(search, candidates, found.dropped, empty)
    if strategy == "greedy":
        selection = _finish(search, greedy, "greedy", found, explore)
        for pid, miss in skipped.items():
            selection.excluded.setdefault(pid, miss)
        return selection
    best, mode = _best_money(search, found, greedy, empty, explore)
    if explore:
        _explore(search, found.money)
    final = _with_extras(search, best, found.extras)
    # never worse than greedy, by construction: the greedy pass was the first incumbent
    assert final.best.saving >= greedy.saving
    selection = _finish(search, final.best, mode, found, explore)
    selection.excluded.update(final.left_out)
    return selection


def _alone(search: SearchMemo, candidates: Sequence[CompiledPromotion]) -> _Candidates:
    """Evaluate every candidate alone: its bound, or why it can never apply (step 1)."""
    cart = search.cart
    out = _Candidates()
    for p in candidates:
        ev = search.run([p])
        assert ev is not None  # a single promotion is always a valid combination
        out.alone[p.id] = ev
        effect = ev.effects.get(p.id)
        miss = ev.misses.get(p.id)
        wider = saving_bound(p, cart) if p.layer is Layer.ITEM else None
        if effect is not None and effect.saving > 0:
            out.bound[p.id] = max(effect.saving, wider or ZERO)
            out.money.append(p)
        elif wider and (miss is None or miss.reason == "no_saving"):
            out.bound[p.id] = wider  # saves nothing on the cheapest units, may on the ones left to it
            out.money.append(p)
        elif effect is not None:
            out.extras.append(p)
        elif miss is not None and miss.reason == "budget" and miss.would_save > 0:
            out.bound[p.id] = miss.would_save  # may fit its budget once others leave it less to give
            out.money.append(p)
        elif miss is not None:
            out.dropped[p.id] = miss
    return out


def _greedy(
    search: SearchMemo, candidates: Sequence[CompiledPromotion], dropped: dict[str, Miss], empty: Evaluation
) -> tuple[Evaluation, dict[str, Miss]]:
    """Promotions in rank order, each taken when it conflicts with none taken (those that do
    nothing alone are passed over, so that they hold nothing back)."""
    taken = Taken()
    skipped: dict[str, Miss] = {}
    for p in sorted(candidates, key=lambda p: p.order):
        if p.id in dropped:
            continue
        rival = taken.rival(p)
        if rival is None:
            taken.add(p)
        else:
            words = f"lost to {rival.id} (greedy: higher rank first)"
            skipped[p.id] = Miss("excluded", words, lost_to=rival.id)
    return search.run(taken.members) or empty, skipped


def _best_money(
    search: SearchMemo, found: _Candidates, greedy: Evaluation, empty: Evaluation, explore: bool
) -> tuple[Evaluation, Mode]:
    """The best combination of money-saving candidates, never worse than `greedy` (steps 2–5)."""
    bound = found.bound
    shared = [p for p in found.money if not p.exclusive]
    apart = [found.alone[p.id] for p in found.money if p.exclusive]
    incumbent = search.better(greedy, empty, *apart)
    combined = search.run(shared)
    if (
        combined is not None
        and combined.saving == sum((bound[p.id] for p in shared), ZERO)
        and all(p.id in combined.effects for p in shared)
    ):
        # `combined` reaches the bound of every combination without an exclusive promotion
        return search.better(combined, incumbent), "exact" if apart else "none"
    if len(shared) > MAX_EXACT:
        return _heuristic(search, shared, bound, incumbent, not explore), "heuristic"
    try:
        seed = _seed(search, shared, bound, empty)  # a good incumbent prunes early
        if not explore and _reaches_bound(shared, bound, seed):
            return search.better(seed, incumbent), "exact"  # what the search would return
        start = search.better(seed, incumbent)
        if not explore:  # a closer incumbent prunes more than its n evaluations cost
            by_bound = sorted(shared, key=lambda p: (-bound[p.id], p.order))
            grown = _grown(search, by_bound, _alone_savings(search, shared), Footprints(search.cart), True)
            start = search.better(start, grown)
        return BranchAndBound(search, shared, bound, start, MAX_EVALUATIONS).run(), "exact"
    except OutOfBudget:
        return _heuristic(search, shared, bound, search.best_found(incumbent), not explore), "heuristic"


@dataclass(slots=True)
class _Final:
    best: Evaluation
    left_out: dict[str, Miss]


def _with_extras(search: SearchMemo, best: Evaluation, extras: Sequence[CompiledPromotion]) -> _Final:
    """The chosen combination plus every gift- or points-only candidate compatible with it."""
    taken = Taken(search.by_id[i] for i in sorted(best.ids, key=lambda i: search.by_id[i].order))
    missed: dict[str, Miss] = {}
    for p in extras:
        if p.id in taken.ids:
            continue
        rival = taken.rival(p)
        if rival is None:
            taken.add(p)
            continue
        reason: Reason = "coupon_not_combinable" if p.is_coupon and rival.is_coupon else "excluded"
        words = f"lost to {rival.id}, which saves money (this one only gives gifts or points)"
        missed[p.id] = Miss(reason, words, lost_to=rival.id)
    final = search.run(taken.members) or best
    if final.saving < best.saving:  # cannot happen (extras save nothing); keep the proven best
        final = best
    return _Final(final, missed)


def _seed(
    search: SearchMemo, money: Sequence[CompiledPromotion], bound: dict[str, Decimal], empty: Evaluation
) -> Evaluation:
    """One evaluation: every candidate that conflicts with none taken before it, largest bound
    first. When the candidates do not spoil each other this is already the best deal, and the
    search only has to prove it."""
    taken = Taken()
    for p in sorted(money, key=lambda p: (-bound[p.id], p.order)):
        if taken.rival(p) is None:
            taken.add(p)
    ev = search.run(taken.members)
    return ev if ev is not None and search.rank(ev) < search.rank(empty) else empty


def _reaches_bound(money: Sequence[CompiledPromotion], bound: dict[str, Decimal], seed: Evaluation) -> bool:
    """Whether the seed is provably what the branch and bound returns, without searching.

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


def _explore(search: SearchMemo, money: Sequence[CompiledPromotion]) -> None:
    """Evaluate the alternatives `RuleSet.explain` lists: every valid combination of the
    money-saving candidates when there are at most `MAX_EXPLORE` of them, otherwise the
    heuristic's neighbourhood. Only `explain` pays for this; `price` does not."""
    if len(money) > MAX_EXPLORE:
        empty = search.run([])
        assert empty is not None
        _heuristic(search, money, {p.id: ZERO for p in money}, empty, False)
        return
    for size in range(1, len(money) + 1):
        for combo in itertools.combinations(money, size):
            if all(not conflicts(a, b) for a, b in itertools.combinations(combo, 2)):
                search.run(combo)


def _heuristic(
    search: SearchMemo,
    money: Sequence[CompiledPromotion],
    bound: dict[str, Decimal],
    start: Evaluation,
    idle_known: bool,
) -> Evaluation:
    """From the best of `start` (the incumbent), the seed and a grown combination
    (`_grown`): drop at once the members that did nothing, then one pass dropping each member
    (smallest bound first) and one adding or swapping in each other candidate (largest bound
    first, dropping what conflicts with it), keeping every improvement: at most about 3n
    evaluations, fewer where `Footprints` knows the outcome without one. `idle_known`: also
    skip adding a promotion that would do nothing (`Footprints.short`, `Footprints.outbid`);
    not for `explain`, whose alternatives come from the combinations evaluated."""
    by_bound = sorted(money, key=lambda p: (-bound[p.id], p.order))
    alone = _alone_savings(search, money)
    feet = Footprints(search.cart)
    grown = _grown(search, by_bound, alone, feet, idle_known)
    best = search.better(start, _seed(search, money, bound, start), grown)
    idle = [i for i in best.ids if i not in best.effects]
    if idle:  # as much saved with fewer promotions is better
        ev = search.run([search.by_id[i] for i in best.ids if i not in idle])
        if ev is not None and search.rank(ev) < search.rank(best):
            best = ev
    for p in reversed(by_bound):  # drop one: smallest bound first
        if p.id not in best.ids:
            continue
        members = [search.by_id[i] for i in best.ids if i != p.id]
        if alone[p.id] > 0 and feet.apart(p, members):
            continue  # the rest would save exactly its saving less
        if idle_known and feet.needed(p, best, bound):
            continue  # the rest would save less
        ev = search.run(members)
        if ev is not None and search.rank(ev) < search.rank(best):
            best = ev
    for p in by_bound:  # add or swap one in, dropping what conflicts with it
        if p.id in best.ids:
            continue
        members = [search.by_id[i] for i in best.ids]
        lost = {q.id for q in rivals_of(p, members)}
        kept = [q for q in members if q.id not in lost]
        if len(kept) == len(best.ids) and (
            (alone[p.id] <= 0 and feet.apart(p, kept)) or (idle_known and feet.idle(p, best, kept))
        ):
            continue  # it would add exactly nothing, with one promotion more
        ev = search.run([*kept, p])
        if ev is not None and search.rank(ev) < search.rank(best):
            best = ev
    return best


def _alone_savings(search: SearchMemo, money: Sequence[CompiledPromotion]) -> dict[str, Decimal]:
    """What each candidate saves alone (evaluated in step 1; the memo holds it)."""
    out: dict[str, Decimal] = {}
    for p in money:
        ev = search.run([p])
        out[p.id] = ev.saving if ev is not None else ZERO
    return out


def _grown(
    search: SearchMemo,
    by_bound: Sequence[CompiledPromotion],
    alone: dict[str, Decimal],
    feet: Footprints,
    idle_known: bool,
) -> Evaluation:
    """Candidates added one at a time, largest bound first, each kept only when the
    combination then saves more: spoilers stay out (at most n evaluations). A candidate that
    shares no line with those taken adds exactly its saving alone (`Footprints`): it is taken
    when that is positive, and evaluated with the next one that needs an evaluation."""
    taken = Taken()
    current = search.run([])
    assert current is not None
    saving = current.saving  # of `taken`, also when its last members were not evaluated yet
    pending = False
    read = 0  # the lines the members of `taken` read
    for p in by_bound:
        if taken.rival(p) is not None:
            continue
        if feet.apart(p, taken.members, read):
            if alone[p.id] > 0:
                taken.add(p)
                read |= feet.mask([p])
                saving += alone[p.id]
                pending = True
            continue
        if idle_known and feet.idle(p, current, taken.members):
            continue  # it would do nothing: the same saving with one promotion more
        ev = search.run([*taken.members, p])
        if ev is not None and ev.saving > saving:
            taken.add(p)
            read |= feet.mask([p])
            current, saving, pending = ev, ev.saving, False
    if pending:
        current = search.run(taken.members) or current
    return current


def _finish(search: SearchMemo, best: Evaluation, mode: Mode, found: _Candidates, explore: bool) -> Selection:
    """The selection with the reasons of the candidates left out (and alternatives for `explain`)."""
    excluded, upsells = left_out(search, best, found.money, measure=explore)
    others = alternatives(search, best) if explore else []
    return Selection(best, mode, found.alone, found.dropped, excluded, others, upsells)
