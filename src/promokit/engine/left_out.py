"""Why each money-saving candidate was left out of the chosen deal, and the runner-up deals.

For a candidate that conflicts with a member of the chosen deal, the reason ("lost to X") is
known without evaluating anything; by how much is the difference with the best deal holding
it, which costs one evaluation per left-out promotion. That figure is measured only when
asked for (`measure`: `RuleSet.explain`, hence `promokit explain` and the CLI table) or when
the search already evaluated that combination; `price` otherwise words the reason without
the amount (docs/semantics.md#best-deal). A candidate that conflicts with nothing chosen
lost its lines, or spoils others: that needs the evaluation, made unless the outcome is known
without it (an item promotion that wins none of its lines under the assignment heuristic,
`Footprints.outbid`: the chosen deal's assignment names the winner).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..compile.compiler import CompiledPromotion
from ..models import Reason
from .actions import ZERO, Miss, Upsell
from .evaluate import Evaluation
from .footprints import Footprints
from .parts import BY_RANK
from .search_memo import SearchMemo, rivals_of

#: Alternatives kept for explanations.
MAX_ALTERNATIVES = 5


def left_out(
    search: SearchMemo, best: Evaluation, money: Sequence[CompiledPromotion], *, measure: bool
) -> tuple[dict[str, Miss], list[Upsell]]:
    """Name, for every money-saving candidate left out, what it lost to (and by how much when
    measured), and the upsells of those that only miss a threshold inside the chosen deal."""
    excluded: dict[str, Miss] = {}
    upsells: list[Upsell] = []
    # in rank order, so that "lost to" names the highest-ranked rival whatever the set's order
    chosen = sorted((search.by_id[i] for i in best.ids), key=BY_RANK)
    feet = Footprints(search.cart)
    for p in money:
        if p.id in best.ids:
            continue
        rivals = rivals_of(p, chosen)
        winner = _outbid_by(search, feet, p, chosen, best) if not rivals and not measure else None
        if winner is not None:  # what the evaluation with it would say, without making it
            words = f"lost to {winner}: its lines went to {winner}, which saves more"
            excluded[p.id] = Miss("excluded", words, lost_to=winner)
            continue
        lost = {q.id for q in rivals}
        trial = [q for q in chosen if q.id not in lost] + [p]
        if rivals and not measure:
            alt = search.known(trial)
            if alt is None:
                excluded[p.id] = _unmeasured(search, p, rivals[0])
                continue
        else:
            alt = search.run(trial)
        own = alt.misses.get(p.id) if alt is not None else None
        if not rivals and own is not None and own.lost_to is None:
            # with the chosen deal it does nothing (e.g. a threshold its discounts push out of reach)
            excluded[p.id] = own
            if alt is not None:
                upsells += [u for u in alt.upsells if u.promotion == p.id]
            continue
        if not rivals and own is not None and own.lost_to is not None:
            # its lines go to other item promotions that save more on them
            excluded[p.id] = Miss("excluded", f"lost to {own.lost_to}: {own.detail}", lost_to=own.lost_to)
            continue
        lost_to = rivals[0].id if rivals else _spoiled(best, alt)
        by = best.saving - alt.saving if alt is not None else ZERO
        excluded[p.id] = _measured(search, p, lost_to, by)
    return excluded, upsells


def _outbid_by(
    search: SearchMemo,
    feet: Footprints,
    p: CompiledPromotion,
    chosen: Sequence[CompiledPromotion],
    best: Evaluation,
) -> str | None:
    """The promotion that took `p`'s first line when `p`, added to the chosen deal, would get
    no line (`Footprints.outbid`: every line then goes where it went in `best`), else None.
    The same name as `evaluate._item_layer` gives such a promotion's miss."""
    if search.known([*chosen, p]) is not None or not feet.outbid(p, chosen):
        return None  # made already (its miss is read from it), or it may win a line
    if not search.cart.holdable.get(p.id):
        return None  # no line it could discount: its miss comes from its lines alone
    return next((w for i in search.cart.eligible[p.id] for w in best.assignment.get(i, ())), None)


def _reason(search: SearchMemo, p: CompiledPromotion, lost_to: str | None) -> Reason:
    coupons = lost_to is not None and search.by_id[lost_to].is_coupon and p.is_coupon
    return "coupon_not_combinable" if coupons else "excluded"


def _unmeasured(search: SearchMemo, p: CompiledPromotion, rival: CompiledPromotion) -> Miss:
    detail = f"lost to {rival.id}: they cannot apply together (`promokit explain` shows by how much)"
    return Miss(_reason(search, p, rival.id), detail, lost_to=rival.id)


def _measured(search: SearchMemo, p: CompiledPromotion, lost_to: str | None, by: Decimal) -> Miss:
    rival = f"lost to {lost_to}" if lost_to else "left out"
    if by > 0:
        money = search.cart.money(by)
        detail = f"{rival}: the chosen deal saves {money} more than the best one with {p.id}"
    else:
        detail = f"{rival}: equal saving, and ties go to fewer promotions, then higher priority"
    return Miss(_reason(search, p, lost_to), detail, lost_to=lost_to)


def _spoiled(best: Evaluation, alt: Evaluation | None) -> str | None:
    """The member of the chosen deal that loses most when `alt` (with the left-out one) applies."""
    if alt is None:
        return None
    worse = [
        (best.effects[q].saving - (alt.effects[q].saving if q in alt.effects else ZERO), q)
        for q in best.effects
    ]
    worse = [w for w in worse if w[0] > 0]
    return max(worse, key=lambda w: (w[0], w[1]))[1] if worse else None


def alternatives(search: SearchMemo, best: Evaluation) -> list[Evaluation]:
    """Evaluated combinations that differ in what actually took effect, best first (for `explain`)."""

    def effective_of(ev: Evaluation) -> frozenset[str]:
        return frozenset(pid for pid, e in ev.effects.items() if e.saving > 0)

    found: list[Evaluation] = []
    seen = {effective_of(best)}
    for ev in sorted((e for e in search.memo.values() if e is not None), key=search.rank):
        effective = effective_of(ev)
        if effective and effective not in seen:
            seen.add(effective)
            found.append(ev)
            if len(found) == MAX_ALTERNATIVES:
                break
    return found
