"""PromotionIndex: a cart only reaches the promotions its lines can touch."""

from __future__ import annotations

from decimal import Decimal

from promokit.compile.index import PromotionIndex
from promokit.compile.predicates import IndexKeys
from promokit.models import Line


def line(sku: str, category: str | None = None, brand: str | None = None, tags: tuple[str, ...] = ()) -> Line:
    return Line(
        id=sku, sku=sku, category=category, brand=brand, tags=tags, unit_price=Decimal("1"), quantity=1
    )


def keys(**kw: frozenset[str]) -> IndexKeys:
    return IndexKeys(all_items=False, **kw)


ENTRIES = [
    ("storewide", IndexKeys(all_items=True)),
    ("fruit", keys(categories=frozenset({"fruit"}))),
    ("apple-sku", keys(skus=frozenset({"APPLE"}))),
    ("oatly", keys(brands=frozenset({"Oatly"}))),
    ("organic", keys(tags=frozenset({"organic"}))),
    ("fruit-or-apple", keys(categories=frozenset({"fruit"}), skus=frozenset({"APPLE"}))),
    ("dairy", keys(categories=frozenset({"dairy"}))),
]


def test_a_cart_gets_only_the_entries_its_lines_can_touch_plus_all_items() -> None:
    index = PromotionIndex(ENTRIES)
    assert index.candidates([line("APPLE", "fruit")]) == ["storewide", "fruit", "apple-sku", "fruit-or-apple"]
    assert index.candidates([line("BREAD", "bakery")]) == ["storewide"]
    assert index.candidates([]) == ["storewide"]


def test_brand_and_tag_keys_are_indexed() -> None:
    index = PromotionIndex(ENTRIES)
    assert index.candidates([line("OATMILK", "drinks", "Oatly", ("organic", "vegan"))]) == [
        "storewide",
        "oatly",
        "organic",
    ]


def test_candidates_keep_entry_order_without_duplicates_whatever_the_line_order() -> None:
    index = PromotionIndex(ENTRIES)
    lines = [line("MILK", "dairy"), line("APPLE", "fruit", tags=("organic",)), line("PEAR", "fruit")]
    forward = index.candidates(lines)
    assert forward == index.candidates(list(reversed(lines)))
    assert forward == ["storewide", "fruit", "apple-sku", "organic", "fruit-or-apple", "dairy"]


def test_an_index_without_all_items_entries_returns_nothing_for_an_unrelated_cart() -> None:
    index = PromotionIndex(ENTRIES[1:])
    assert index.candidates([line("BREAD", "bakery")]) == []
    assert len(index) == 6
