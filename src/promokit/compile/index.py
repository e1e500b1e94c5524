"""`PromotionIndex`: from what a cart contains to the promotions it can touch.

A rule set of 10,000 promotions must not cost 10,000 evaluations per cart (docs/performance.md:
cost grows with the promotions a cart can touch). Each entry is filed under the SKUs,
categories, brands and tags its scope names (`IndexKeys`, an over-approximation: excepts are
not subtracted, the scope matcher decides exactly later); entries whose scope is all items
are returned for every cart. Results are in entry order, so the engine's output never
depends on the order lines or keys were visited in (docs/semantics.md#determinism).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from ..models import Line
from .predicates import IndexKeys

T = TypeVar("T")


class PromotionIndex(Generic[T]):
    """Entries filed by SKU / category / brand / tag; `candidates(lines)` in entry order."""

    __slots__ = ("_entries", "_exact", "_always", "_sku", "_category", "_brand", "_tag")

    def __init__(self, entries: Sequence[tuple[T, IndexKeys]]) -> None:
        self._entries: tuple[T, ...] = tuple(e for e, _ in entries)
        self._exact: tuple[bool, ...] = tuple(k.exact for _, k in entries)
        self._always: tuple[int, ...] = tuple(i for i, (_, k) in enumerate(entries) if k.all_items)
        self._sku: dict[str, list[int]] = {}
        self._category: dict[str, list[int]] = {}
        self._brand: dict[str, list[int]] = {}
        self._tag: dict[str, list[int]] = {}
        for i, (_, keys) in enumerate(entries):
            if keys.all_items:
                continue
            for table, values in (
                (self._sku, keys.skus),
                (self._category, keys.categories),
                (self._brand, keys.brands),
                (self._tag, keys.tags),
            ):
                for value in values:
                    table.setdefault(value, []).append(i)

    def __len__(self) -> int:
        return len(self._entries)

    def candidates(self, lines: Sequence[Line]) -> list[T]:
        """Every entry some line may fall in, plus all-items entries; entry order, no duplicates."""
        found: set[int] = set(self._always)
        sku, category, brand, tag = self._sku, self._category, self._brand, self._tag
        for line in lines:
            hit = sku.get(line.sku)
            if hit:
                found.update(hit)
            for path in line.category_paths:  # `fresh/fruit` is also in `fresh`
                if hit := category.get(path):
                    found.update(hit)
            if line.brand is not None and (hit := brand.get(line.brand)):
                found.update(hit)
            for t in line.tags:
                if hit := tag.get(t):
                    found.update(hit)
        entries = self._entries
        return [entries[i] for i in sorted(found)]

    def touching(self, lines: Sequence[Line]) -> list[tuple[T, tuple[int, ...] | None]]:
        """`candidates(lines)`, each with the indexes (into `lines`, ascending) of the lines it
        touches when its keys are exact (`IndexKeys.exact`), else None: the scope matcher decides.

        The lines are found while the index is read anyway, so a cart does not test each
        candidate's scope against each line again (docs/performance.md).
        """
        hits: dict[int, list[int]] = {}
        sku, category, brand, tag = self._sku, self._category, self._brand, self._tag
        for n, line in enumerate(lines):
            found = [sku.get(line.sku)]
            found += [category.get(path) for path in line.category_paths]  # `fresh/fruit` is in `fresh`
            if line.brand is not None:
                found.append(brand.get(line.brand))
            found += [tag.get(t) for t in line.tags]
            for hit in found:
                for i in hit or ():
                    seen = hits.get(i)
                    if seen is None:
                        hits[i] = [n]
                    elif seen[-1] != n:  # one line hitting several of the entry's keys
                        seen.append(n)
        everything = tuple(range(len(lines)))
        entries, exact = self._entries, self._exact
        out: list[tuple[T, tuple[int, ...] | None]] = []
        for i in sorted(hits.keys() | set(self._always)):
            if not exact[i]:
                out.append((entries[i], None))
            else:
                got = hits.get(i)
                out.append((entries[i], everything if got is None else tuple(got)))
        return out
