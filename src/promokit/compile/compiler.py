"""Checked AST -> compiled promotions: layer, time rule, audience, scope matcher, codes, index.

Runs once per load (`RuleSet.__init__`). Everything a request needs that does not depend on
the request is resolved here: the layer each promotion stacks in, its window in its own zone,
its audience predicate, its scope matcher and the index from SKU / category / brand / tag to
candidate promotions. The compiler may assume its input passed the checker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..check.layers import infer_layer as infer_layer  # the one layer policy, re-exported
from ..codes import MAX_CODE_LENGTH, code_key, glob_match, rule_code_key
from ..language import ast as A
from ..language.ast import Layer, Promotion, RuleSetAst, ScopeDecl, SegmentDecl
from ..language.cache import structure
from ..money import Currency, currency
from .index import PromotionIndex
from .predicates import Audience, ScopeMatcher, compile_audience, compile_scope
from .variants import Experiment, experiments
from .windows import TimeRule, compile_time


class CodeMatcher:
    """A coupon's codes: exact codes and `*`/`?` patterns, matched case-insensitively.

    Matching is `promokit.codes.glob_match` (no regular expression runs on a shopper's code).
    """

    __slots__ = ("_exact", "_patterns", "single_use")

    def __init__(self, codes: A.Codes) -> None:
        self._exact = frozenset(rule_code_key(p.text) for p in codes.patterns if not p.is_pattern)
        self._patterns = tuple(rule_code_key(p.text) for p in codes.patterns if p.is_pattern)
        self.single_use = codes.single_use

    def matches(self, code: str) -> bool:
        """`code` is a normalised request code (`promokit.codes.normalize_code`)."""
        if len(code) > MAX_CODE_LENGTH:
            return False
        key = code_key(code)
        return key in self._exact or any(glob_match(p, key) for p in self._patterns)


@dataclass(frozen=True, slots=True)
class CompiledPromotion:
    """One promotion, ready to evaluate. `order` is its rank in (priority desc, id) order."""

    promotion: Promotion
    id: str
    title: str | None
    layer: Layer
    priority: int
    tz: str
    time: TimeRule
    audience: Audience
    scope: ScopeMatcher
    channels: frozenset[str]
    codes: CodeMatcher | None
    group: str | None
    exclusive: bool
    stackable: frozenset[str]
    cap: Decimal | None
    order: int
    # the lines a `when` condition counts (None: the promotion's own scope)
    condition_scope: ScopeMatcher | None = None
    # from its limits, once: units per cart line (每行限N件), applications per order (每单限N次),
    # and whether units are limited at all (每单限N件 caps an order-level benefit's units)
    line_cap: int | None = None
    uses_cap: int | None = None
    unit_limited: bool = False

    @property
    def action(self) -> A.Action:
        return self.promotion.action

    @property
    def is_coupon(self) -> bool:
        return self.promotion.is_coupon


def stackable(a: CompiledPromotion, b: CompiledPromotion) -> bool:
    """Declared stackable with each other (either side's `stackable with` names the other)."""
    return b.id in a.stackable or a.id in b.stackable


def conflicts(a: CompiledPromotion, b: CompiledPromotion) -> bool:
    """Whether two promotions can never apply together.

    Exclusive-with-everything and a shared exclusive group exclude each other; two coupons
    combine only when declared stackable with each other (one code per order by default).
    """
    if a.id == b.id:
        return False
    if a.exclusive or b.exclusive:
        return True
    if a.group is not None and a.group == b.group:
        return True
    return a.is_coupon and b.is_coupon and not stackable(a, b)


@dataclass(frozen=True, slots=True)
class CompiledRules:
    promotions: tuple[CompiledPromotion, ...]  # in (priority desc, id) order
    by_id: dict[str, CompiledPromotion]
    index: PromotionIndex[CompiledPromotion]
    coupons: tuple[CompiledPromotion, ...]
    currency: Currency
    rounding: A.Rounding
    max_order_discount: Decimal | None
    default_tz: str
    version: str
    scope_titles: dict[str, str] = field(default_factory=dict)  # named scope -> its title
    experiments: dict[str, Experiment] = field(default_factory=dict)  # A/B tests by name
    prices_include_tax: bool = True  # docs/semantics.md#tax


def compile_rules(rules: RuleSetAst) -> CompiledRules:
    """Compile every promotion of a checked rule set and index them by scope keys."""
    segments = rules.segments
    scopes = rules.scopes
    ordered = sorted(rules.promotions, key=lambda p: (-p.priority, p.id))
    groups = stack_groups(rules.promotions)
    compiled: list[CompiledPromotion] = []
    for rank, p in enumerate(ordered):
        tz = p.timezone or rules.timezone
        compiled.append(
            CompiledPromotion(
                promotion=p,
                id=p.id,
                title=p.title,
                layer=infer_layer(p),
                priority=p.priority,
                tz=tz,
                time=compile_time(p.when, tz),
                audience=compile_audience(p.audience, segments),
                scope=compile_scope(p.scope, scopes),
                channels=frozenset(c.casefold() for c in p.channels),
                codes=CodeMatcher(p.codes) if p.codes is not None else None,
                group=p.exclusive_group.text if p.exclusive_group is not None else None,
                exclusive=p.exclusive,
                stackable=frozenset(n.text for n in p.stackable_with) | groups.get(p.id, frozenset()),
                cap=p.cap.amount if p.cap is not None else None,
                order=rank,
                condition_scope=(
                    compile_scope(p.condition.scope, scopes)
                    if p.condition is not None and p.condition.scope is not None
                    else None
                ),
                line_cap=_smallest(lim.count for lim in p.limits if lim.per is A.Per.LINE),
                uses_cap=_smallest(
                    lim.count
                    for lim in p.limits
                    if lim.per is A.Per.ORDER and lim.counted is A.Counted.USES and not lim.per_day
                ),
                unit_limited=any(
                    lim.counted is A.Counted.UNITS and lim.per is not A.Per.LINE for lim in p.limits
                ),
            )
        )
    entries = [(c, c.scope.keys) for c in compiled]
    return CompiledRules(
        promotions=tuple(compiled),
        by_id={c.id: c for c in compiled},
        index=PromotionIndex(entries),
        coupons=tuple(c for c in compiled if c.codes is not None),
        currency=currency(rules.currency),
        rounding=rules.rounding,
        max_order_discount=rules.max_order_discount,
        default_tz=rules.timezone,
        version=rules_version(rules),
        scope_titles={d.name: d.title for f in rules.files for d in f.scopes if d.title is not None},
        experiments=experiments(p.variant for p in rules.promotions if p.variant is not None),
        prices_include_tax=rules.prices_include_tax,
    )


def _smallest(counts: Iterable[int]) -> int | None:
    return min(counts, default=None)


def stack_groups(promotions: Sequence[Promotion]) -> dict[str, frozenset[str]]:
    """Promotion id -> the other members of its stacking group (`stack group NAME` / 叠加组):
    members stack with each other as if each listed the others in `stackable with`."""
    members: dict[str, set[str]] = {}
    for p in promotions:
        if p.stack_group is not None:
            members.setdefault(p.stack_group.text, set()).add(p.id)
    return {
        p.id: frozenset(members[p.stack_group.text] - {p.id}) for p in promotions if p.stack_group is not None
    }


def rules_version(rules: RuleSetAst) -> str:
    """A stable hash of what the rules mean: independent of spans, file order and promotion order."""
    parts: list[str] = [
        f"tz={rules.timezone}",
        f"cur={rules.currency}",
        f"round={rules.rounding.value}",
        f"cap={rules.max_order_discount}",
    ]
    if not rules.prices_include_tax:  # only when set: versions of rules without tax stay as they were
        parts.append("tax=exclude")
    # Canonical span-free JSON of each declaration (the notation stays: it is part of the text).
    parts += sorted(structure(SegmentDecl, s) for s in rules.segments.values())
    parts += sorted(structure(ScopeDecl, s) for s in rules.scopes.values())
    parts += sorted(structure(Promotion, p) for p in rules.promotions)
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


def candidates(rules: CompiledRules, lines: Sequence[object]) -> list[CompiledPromotion]:
    """Promotions whose scope may touch `lines` (index over-approximation), plus every coupon."""
    found = rules.index.candidates(lines)  # type: ignore[arg-type]
    seen = {c.id for c in found}
    return found + [c for c in rules.coupons if c.id not in seen]
