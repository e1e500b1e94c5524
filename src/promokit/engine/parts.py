"""A combination split into parts that share no line, each evaluated once per request.

An item-, order- or coupon-level promotion reads only the amounts of the lines it may act on
and the lines its `when` condition counts (`condition.read_lines`), changes only lines among
them, and never the shipping fee. So when a combination holds only such promotions and the
rule set has no order cap (shared by every promotion), promotions that share no line,
directly or through others, cannot change what each other saves: the combination's outcome
is the outcome of each part on its own lines, put together (`evaluate._merged`).

The best-deal search evaluates combinations that differ by one or two promotions (the
heuristic drops, adds and swaps one at a time; `left_out` adds each left-out promotion to the
chosen deal). Split into parts, such a combination re-evaluates only the part the change
touches; the others come from the per-request memo (docs/semantics.md#best-deal). This is
the search's incremental evaluation from the parent combination, without a second code path:
a part is evaluated by the same function as a whole combination, and the merge is checked
against the whole evaluation by a hypothesis property (tests/properties/test_parts.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import cast

from ..compile.compiler import CompiledPromotion
from ..language.ast import Layer
from .actions.cart import Cart
from .actions.condition import read_lines

#: The layers whose promotions act on their own lines only (shipping shares the fee; points
#: redemption and earning are kept whole with everything else).
SEPARABLE = frozenset({Layer.ITEM, Layer.ORDER, Layer.COUPON})


#: Sort key of promotions in rank order (priority, then id): `CompiledPromotion.order`.
BY_RANK = attrgetter("order")


@dataclass(frozen=True, slots=True)
class Part:
    """Promotions of a combination (in rank order) and the lines they read (a bitmask and
    the sorted line indexes)."""

    members: tuple[CompiledPromotion, ...]
    mask: int
    lines: tuple[int, ...]


def line_mask(cart: Cart, p: CompiledPromotion) -> int:
    """The lines `p` reads, as a bitmask over the cart's line indexes (memoised per request)."""
    found = cart.line_masks.get(p.id)
    if found is None:
        found = 0
        if p.id in cart.eligible:
            for i in read_lines(p, cart):
                found |= 1 << i
        cart.line_masks[p.id] = found
    return found


def split(cart: Cart, ordered: Sequence[CompiledPromotion]) -> list[Part]:
    """The parts of a combination (`ordered`: rank order), in the order of their first
    member, each in rank order; one part (the whole combination) when it cannot be split: an
    order cap, or a shipping or points promotion among them.

    Lines are bitmasks: the members are taken in order, each joining (and bridging) the parts
    whose lines it reads; the common case of one part is tested first."""
    whole = [Part(tuple(ordered), -1, ())]
    if (
        len(ordered) < 2
        or cart.max_order_discount is not None
        or any(p.layer not in SEPARABLE for p in ordered)
    ):
        return whole
    known = cart.line_masks.get
    found = [known(p.id) for p in ordered]
    masks = cast("list[int]", found) if None not in found else [line_mask(cart, p) for p in ordered]
    if _connected(masks):
        return whole
    grown: list[int] = []  # per part being built: the lines its members read
    members: list[list[int]] = []  # and its members' positions in `ordered`
    for k, mine in enumerate(masks):
        hits = [j for j, m in enumerate(grown) if m & mine] if mine else []
        if not hits:  # a new part (a promotion that reads no line is always one of its own)
            grown.append(mine)
            members.append([k])
            continue
        keep = hits[0]
        for j in reversed(hits[1:]):  # it bridges parts: merge them into the first
            grown[keep] |= grown.pop(j)
            members[keep] += members.pop(j)
        grown[keep] |= mine
        members[keep].append(k)
    parts = []
    for mask, mine_k in sorted(zip(grown, members, strict=True), key=lambda part: min(part[1])):
        parts.append(Part(tuple(ordered[k] for k in sorted(mine_k)), mask, _bits(mask)))
    return parts


def _bits(mask: int) -> tuple[int, ...]:
    """The line indexes set in `mask`, ascending."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return tuple(out)


def _connected(masks: list[int]) -> bool:
    """Whether the members all fall in one part (the common case of large combinations:
    tested first, with integer operations only)."""
    grown = masks[0]
    if not grown:
        return False
    while True:
        before = grown
        for m in masks:
            if m & grown:
                grown |= m
        if grown == before:
            break
    return all(m & grown for m in masks)


class LayerStarts(Mapping[Layer, tuple[Decimal, ...]]):
    """What the lines had left when each layer started, for a combination put together from
    its parts: each line as its part had it (lines in no part keep their subtotal). Built on
    first use: only the chosen deal's hints read it, and the search makes many combinations."""

    __slots__ = ("_base", "_found", "_parts")

    def __init__(
        self,
        base: tuple[Decimal, ...],
        parts: Sequence[tuple[tuple[int, ...], Mapping[Layer, tuple[Decimal, ...]]]],
    ) -> None:
        self._base = base
        self._parts = parts
        self._found: dict[Layer, tuple[Decimal, ...]] | None = None

    def _merged(self) -> dict[Layer, tuple[Decimal, ...]]:
        if self._found is None:
            found: dict[Layer, tuple[Decimal, ...]] = {}
            for layer in self._parts[0][1]:
                amounts = list(self._base)
                for lines, starts in self._parts:
                    part = starts[layer]
                    for i in lines:
                        amounts[i] = part[i]
                found[layer] = tuple(amounts)
            self._found = found
        return self._found

    def __getitem__(self, layer: Layer) -> tuple[Decimal, ...]:
        return self._merged()[layer]

    def __iter__(self) -> Iterator[Layer]:
        return iter(self._merged())

    def __len__(self) -> int:
        return len(self._merged())
