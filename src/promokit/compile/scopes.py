"""Item scopes (`on ... except ...`) compiled into matchers, and the keys the index files them under.

Re-exported by `promokit.compile.predicates`. A line matches when it
matches any include selector and no exclude selector; a named scope (`on fresh`) brings its
own excepts along. `IndexKeys` over-approximate what a scope can touch (excepts are not
subtracted): the index only narrows the candidates, the matcher decides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import PromokitError
from ..language.ast import Scope, ScopeDecl, Selector, SelectorKind
from ..models import Line


@dataclass(frozen=True, slots=True)
class IndexKeys:
    """What a promotion's scope can touch: an over-approximation used by `PromotionIndex`.

    `exact`: the scope matches exactly the lines these keys hit (no `except`, no named scope
    with one), so the index's hits are the scope's lines and need no matcher. Not part of
    equality: it says how far the keys can be trusted, not what they are.
    """

    all_items: bool
    skus: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    exact: bool = field(default=False, compare=False)

    def __or__(self, other: IndexKeys) -> IndexKeys:
        return IndexKeys(
            self.all_items or other.all_items,
            self.skus | other.skus,
            self.categories | other.categories,
            self.brands | other.brands,
            self.tags | other.tags,
        )


EVERYTHING = IndexKeys(all_items=True)
_NOTHING = IndexKeys(all_items=False)


@dataclass(frozen=True, slots=True)
class _SelectorSet:
    """A union of selectors, flattened to sets for O(1) membership tests."""

    all_items: bool
    skus: frozenset[str]
    categories: frozenset[str]
    brands: frozenset[str]
    tags: frozenset[str]
    nested: tuple[ScopeMatcher, ...]  # named scopes (with their own excepts)

    def matches(self, line: Line) -> bool:
        if self.all_items or line.sku in self.skus:
            return True
        if self.categories and not self.categories.isdisjoint(line.category_paths):
            return True
        if line.brand is not None and line.brand in self.brands:
            return True
        if self.tags and not self.tags.isdisjoint(line.tags):
            return True
        return any(n.matches(line) for n in self.nested)


class ScopeMatcher:
    """A compiled `on ... except ...`: which lines a promotion applies to."""

    __slots__ = ("keys", "_include", "_exclude", "_words", "_detail")

    def __init__(
        self, include: _SelectorSet, exclude: _SelectorSet, keys: IndexKeys, words: str, detail: str
    ):
        self._include = include
        self._exclude = exclude
        self.keys = keys
        self._words = words
        self._detail = detail

    def matches(self, line: Line) -> bool:
        return self._include.matches(line) and not self._exclude.matches(line)

    def describe(self) -> str:
        """Short words for hints: `fruit` for one category, `fresh` for a named scope,
        `fruit or veg`, `fruit except DURIAN`, `all items`."""
        return self._words

    def detail(self) -> str:
        """The scope as written: `category "fruit" except sku "DURIAN"`."""
        return self._detail


def _selector_detail(sel: Selector) -> str:
    if sel.kind is SelectorKind.ALL:
        return "all items"
    if sel.kind is SelectorKind.SCOPE:
        return sel.values[0]
    return f"{sel.kind.value} " + ", ".join(f'"{v}"' for v in sel.values)


class _ScopeCompiler:
    def __init__(self, scopes: Mapping[str, ScopeDecl]) -> None:
        self.scopes = scopes
        self.done: dict[str, ScopeMatcher] = {}
        self.open: list[str] = []

    def named(self, name: str) -> ScopeMatcher:
        if name in self.done:
            return self.done[name]
        if name in self.open:
            raise PromokitError(f"scope {name!r} refers to itself: {' -> '.join([*self.open, name])}")
        decl = self.scopes.get(name)
        if decl is None:
            raise PromokitError(f"unknown scope {name!r}")
        self.open.append(name)
        matcher = self.build(decl.scope, name=name)
        self.open.pop()
        self.done[name] = matcher
        return matcher

    def selectors(self, sels: tuple[Selector, ...]) -> tuple[_SelectorSet, IndexKeys]:
        values: dict[SelectorKind, set[str]] = {k: set() for k in SelectorKind}
        nested: list[ScopeMatcher] = []
        keys = _NOTHING
        for sel in sels:
            if sel.kind is SelectorKind.SCOPE:
                matcher = self.named(sel.values[0])
                nested.append(matcher)
                keys = keys | matcher.keys
            else:
                values[sel.kind].update(sel.values)
        all_items = any(s.kind is SelectorKind.ALL for s in sels)
        own = IndexKeys(
            all_items,
            frozenset(values[SelectorKind.SKU]),
            frozenset(values[SelectorKind.CATEGORY]),
            frozenset(values[SelectorKind.BRAND]),
            frozenset(values[SelectorKind.TAG]),
        )
        keys = EVERYTHING if all_items else keys | own
        selector_set = _SelectorSet(all_items, own.skus, own.categories, own.brands, own.tags, tuple(nested))
        return selector_set, keys

    def build(self, scope: Scope, name: str | None = None) -> ScopeMatcher:
        include, keys = self.selectors(scope.include)
        exclude, _ = self.selectors(scope.exclude)
        if not scope.exclude and all(n.keys.exact for n in include.nested):
            keys = dataclasses.replace(keys, exact=True)  # a union of exact scopes is exact
        detail = " or ".join(_selector_detail(s) for s in scope.include)
        if scope.exclude:
            detail += " except " + " or ".join(_selector_detail(s) for s in scope.exclude)
        return ScopeMatcher(include, exclude, keys, name or _short_words(scope), detail)


def _short_words(scope: Scope) -> str:
    def bare(sels: tuple[Selector, ...]) -> str:
        parts: list[str] = []
        for sel in sels:
            parts.extend(["all items"] if sel.kind is SelectorKind.ALL else sel.values)
        return " or ".join(parts)

    words = bare(scope.include)
    return f"{words} except {bare(scope.exclude)}" if scope.exclude else words


def compile_scope(scope: Scope, scopes: Mapping[str, ScopeDecl]) -> ScopeMatcher:
    """Compile a scope; named scopes are resolved now (ValueError if unknown or cyclic)."""
    return _ScopeCompiler(scopes).build(scope)
