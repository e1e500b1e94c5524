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

    __slots__ = ("_entries", "_always", "_sku", "_category", "_brand", "_tag")

    def __init__(self, entries: Sequence[tuple[T, IndexKeys]]) -> None:
        self._entries: tuple[T, ...] = tuple(e for e, _ in entries)
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
