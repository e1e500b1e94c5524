"""Which item promotions may share a line (docs/semantics.md#item-competition).

A line covered by several item-level promotions of a combination goes, whole, to one set of them
that are mutually declared `stackable with` each other (a clique of the "stackable" graph).
Maximal sets are not always best: a quantity deal that stacks with a percentage may save more on
its own lines when the percentage keeps another line out of the deal's cheapest-unit choice, so
the subsets of small maximal sets are choices too (all of them up to `ALL_SUBSETS_UP_TO` members;
beyond that the maximal set and each member alone). Enumerating the subsets of the promotions on a line to find those sets is
exponential: 25 identical `9折` promotions on one line are 2^25 subsets, though the answer is 25
singletons. Here the stackable declarations become one bitmask of partners per promotion, and
Bron–Kerbosch with pivoting lists the maximal sets with a number of steps that follows the
number of sets (n + 1 steps for n promotions of which none stack), not the number of subsets.
`tests/engine/test_stacking.py` counts those steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..compile.compiler import CompiledPromotion

#: Maximal stackable sets up to this size contribute every non-empty subset as a line choice.
ALL_SUBSETS_UP_TO = 4


def stack_partners(promotions: Iterable[CompiledPromotion]) -> dict[str, frozenset[str]]:
    """For each promotion that stacks with another one of `promotions`, the ids it stacks with.

    Either side's `stackable with` names the other (as `compile.compiler.stackable` reads it);
    promotions absent from the result stack with nothing, which is the common case.
    """
    members = list(promotions)
    ids = {p.id for p in members}
    found: dict[str, set[str]] = {}
    for p in members:
        for other in p.stackable:
            if other in ids and other != p.id:
                found.setdefault(p.id, set()).add(other)
                found.setdefault(other, set()).add(p.id)
    return {pid: frozenset(others) for pid, others in found.items()}


class StackableSets:
    """Maximal sets of mutually stackable promotions, by Bron–Kerbosch over bitmasks.

    `steps` counts the recursive expansions over the object's lifetime, so that tests can
    check the work is polynomial on pathological rule sets without timing anything.
    """

    def __init__(self, partners: Mapping[str, frozenset[str]]) -> None:
        self.partners = partners
        self.steps = 0

    def __call__(self, ps: Sequence[CompiledPromotion]) -> list[tuple[CompiledPromotion, ...]]:
        """The maximal sets of `ps`, each in the order of `ps`, sorted by their members' ranks."""
        if len(ps) == 1:
            self.steps += 1
            return [(ps[0],)]
        position = {p.id: k for k, p in enumerate(ps)}
        adjacent = [0] * len(ps)
        for k, p in enumerate(ps):
            for other in self.partners.get(p.id, ()):
                j = position.get(other)
                if j is not None:
                    adjacent[k] |= 1 << j
        found: list[int] = []
        self._expand(0, (1 << len(ps)) - 1, 0, adjacent, found)
        sets = [tuple(p for k, p in enumerate(ps) if mask >> k & 1) for mask in found]
        sets.sort(key=lambda members: [p.order for p in members])
        return sets

    def choices(self, ps: Sequence[CompiledPromotion]) -> list[tuple[CompiledPromotion, ...]]:
        """The sets a line of `ps` may go to: the maximal sets and, bounded, their subsets."""
        position = {p.id: k for k, p in enumerate(ps)}
        masks: set[int] = set()
        for members in self(ps):
            masks.update(_choices_within(sum(1 << position[p.id] for p in members)))
        sets = [tuple(p for k, p in enumerate(ps) if mask >> k & 1) for mask in masks]
        sets.sort(key=lambda members: [p.order for p in members])
        return sets

    def _expand(self, chosen: int, open_: int, closed: int, adjacent: list[int], found: list[int]) -> None:
        """Report every maximal set that contains `chosen`, adds only members of `open_`, and
        contains no member of `closed` (those were tried already)."""
        self.steps += 1
        if not open_ and not closed:
            found.append(chosen)
            return
        # Pivot on the member with most open neighbours: only non-neighbours of it start a branch.
        pivot = max(_bits(open_ | closed), key=lambda u: (open_ & adjacent[u]).bit_count())
        branch = open_ & ~adjacent[pivot]
        for v in _bits(branch):
            bit = 1 << v
            self._expand(chosen | bit, open_ & adjacent[v], closed & adjacent[v], adjacent, found)
            open_ &= ~bit
            closed |= bit


def _choices_within(mask: int) -> list[int]:
    """The line choices a maximal set gives: every non-empty subset of a small set; the set and
    each member alone for a larger one (bounded work, see `ALL_SUBSETS_UP_TO`)."""
    members = _bits(mask)
    if len(members) == 1:
        return [mask]
    if len(members) > ALL_SUBSETS_UP_TO:
        return [mask, *(1 << v for v in members)]
    subsets = []
    sub = mask
    while sub:
        subsets.append(sub)
        sub = (sub - 1) & mask
    return subsets


def _bits(mask: int) -> list[int]:
    """The positions of the set bits of `mask`, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
