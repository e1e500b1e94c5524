"""The checker: every semantic check over lowered rule files, all diagnostics at once.

`check(files)` never raises and never stops at the first problem: one bad promotion
reports every problem it has, and every file of the rule set is checked together
(ids, segment and scope names are global to the rule set). Value-level checks of
actions, windows, limits and conditions live in `check/values.py` and `check/conditions.py`; this module
owns the rule-set-wide ones: settings, declarations, references, stacking, redemptions (coupon codes: `check/coupons.py`).

Error codes (stable; golden tests pin their rendering)::

    E001 duplicate promotion id          E010 unknown segment        E020-E021 tiers (E022 retired)
    E002 duplicate segment name          E011 unknown scope          E030-E039 values
    E003 duplicate scope name            E012 segment cycle          E040-E044 windows
    E004 settings conflict between files E013 scope cycle            E050-E057 kind, coupons
    E005 unknown currency                E014 unknown promotion      E060-E062 stacking
    E006 unknown time zone               E015 stackable with itself  E070-E071 condition types
                                         E016 chain too deep
    E080-E085 composed offers            E090-E094 points rules and mall items (check/points.py)
    E100-E104 experiments, invites (check/programs.py)

Warnings are `W0xx`. Every code, with its docs anchor, is registered in
`language/diagnostic_codes.py`; the index is docs/codes.md.

`stackable with` is symmetric: declaring it on either side lets the two promotions
apply together, so A↔B "cycles" are harmless and not reported. It is pairwise, not
transitive: A with B and B with C does not let A and C apply together.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from ..language.ast import (
    PointsRedeem,
    Promotion,
    Rounding,
    RuleFile,
    RuleSetAst,
    SegmentRef,
    Selector,
    Settings,
)
from ..language.diagnostics import Diagnostic, did_you_mean
from ..language.source import Span
from ..money import CURRENCIES
from .compose import check_composed, check_stack_groups
from .coupons import check_coupons
from .magnitudes import check_magnitudes
from .points import check_mall_items, check_points_rules
from .programs import check_experiments, check_invites
from .report import Report, best_span, scope_refs, segment_refs, where
from .silent import check_silent
from .values import check_promotion_values, check_segment_values, check_settings_values

__all__ = ["check", "timezone_exists"]

T = TypeVar("T")


def check(files: Sequence[RuleFile]) -> tuple[RuleSetAst, list[Diagnostic]]:
    """Check `files` together; return the merged rule set and every error and warning. Never raises."""

    report = Report()
    check_magnitudes(files, report)
    rules = _merge_settings(files, report)
    check_settings_values(files, rules, report)
    _check_duplicates(files, report)
    segments = rules.segments
    scopes = rules.scopes
    _check_segment_references(files, segments, report)
    _check_scope_references(files, scopes, report)
    promotions = {p.id: p for p in reversed(rules.promotions)}  # first declaration wins
    _check_stacking(rules.promotions, promotions, report)
    check_coupons(rules.promotions, report)
    check_stack_groups(rules.promotions, report)
    _check_redemptions(rules.promotions, report)
    check_points_rules(files, segments, _check_timezone, report)
    check_mall_items(files, report)
    check_experiments(rules.promotions, report)
    check_invites(rules.promotions, report)
    check_silent(files, rules, report)  # W020-W022, W030: valid rules that would do nothing
    for f in files:
        for seg in f.segments:
            check_segment_values(seg, report)
        for promo in f.promotions:
            check_promotion_values(promo, rules, report)
            check_composed(promo, report, CURRENCIES.get(rules.currency))
            if promo.timezone is not None:
                _check_timezone(
                    promo.timezone, best_span(promo.timezone_span, promo.id_span, promo.span), report
                )
    return rules, sorted(report.diagnostics, key=Diagnostic.sort_key)


# --------------------------------------------------------------------------- settings


def _setting_span(settings: Settings, specific: Span, f: RuleFile) -> Span:
    return best_span(specific, settings.span, f.span)


def _merge_settings(files: Sequence[RuleFile], report: Report) -> RuleSetAst:
    """Merge file settings: the first file that sets a value wins; a different value later is E004."""
    chosen: dict[str, tuple[object, Span]] = {}
    for f in files:
        s = f.settings
        for name, value, span in (
            ("timezone", s.timezone, s.timezone_span),
            ("currency", s.currency, s.currency_span),
            ("rounding", s.rounding, s.rounding_span),
            ("order cap", s.max_order_discount, s.max_order_discount_span),
            ("prices", _tax_word(s.prices_include_tax), s.prices_include_tax_span),
        ):
            if value is None:
                continue
            here = _setting_span(s, span, f)
            if name not in chosen:
                chosen[name] = (value, here)
                continue
            first, first_span = chosen[name]
            if first != value:
                shown = value.value if isinstance(value, Rounding) else value
                shown_first = first.value if isinstance(first, Rounding) else first
                report.error(
                    "E004",
                    f"{name} {shown} conflicts with {name} {shown_first} set at {where(first_span)}",
                    here,
                    f"all files of a rule set share one {_SETTING_WORDS.get(name, name)}; "
                    "set it once, or make both files agree",
                )
        if s.timezone is not None:
            _check_timezone(s.timezone, _setting_span(s, s.timezone_span, f), report)
        if s.currency is not None and s.currency not in CURRENCIES:
            hint = (
                did_you_mean(s.currency.upper(), CURRENCIES) if s.currency.upper() not in CURRENCIES else None
            )
            if s.currency.upper() in CURRENCIES:
                hint = f"currency codes are upper case: write '{s.currency.upper()}'"
            report.error(
                "E005",
                f"unknown currency '{s.currency}'",
                _setting_span(s, s.currency_span, f),
                hint or f"known currencies: {', '.join(sorted(CURRENCIES))}",
            )

    def pick(name: str, default: T) -> T:
        got = chosen.get(name)
        return default if got is None else got[0]  # type: ignore[return-value]

    cap: Decimal | None = pick("order cap", None)
    # `shipping methods` lists add up across files: each file may declare the methods it uses.
    declared = [f.settings.shipping_methods for f in files if f.settings.shipping_methods is not None]
    return RuleSetAst(
        files=tuple(files),
        timezone=pick("timezone", "UTC"),
        currency=pick("currency", "CNY"),
        rounding=pick("rounding", Rounding.HALF_UP),
        max_order_discount=cap,
        prices_include_tax=pick("prices", "include tax") == "include tax",
        shipping_methods=tuple(sorted({m for methods in declared for m in methods})) if declared else None,
    )


_SETTING_WORDS = {"prices": "tax setting (`prices include tax` or `prices exclude tax`)"}


def _tax_word(include: bool | None) -> str | None:
    """`prices include tax` / `prices exclude tax` as merged and reported (docs/semantics.md#tax)."""
    return None if include is None else ("include tax" if include else "exclude tax")


@functools.cache
def _known_zones() -> frozenset[str]:
    try:
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # pragma: no cover - a host without tz data still gets the error itself
        return frozenset()


def timezone_exists(name: str) -> bool:
    """Whether `name` is an IANA zone zoneinfo can load (never raises on odd strings)."""
    if not name or name.startswith(("/", ".")) or ".." in name or "\x00" in name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError, OSError on odd keys: all mean "unknown"
        return False
    return True


def _check_timezone(name: str, span: Span, report: Report) -> None:
    if timezone_exists(name):
        return
    zones = _known_zones()
    by_lower = {z.lower(): z for z in zones}
    hint = None
    if name.lower() in by_lower:
        hint = f"time zone names are case-sensitive: write '{by_lower[name.lower()]}'"
    else:
        hint = report.suggest(name, zones)
    report.error(
        "E006",
        f"unknown time zone '{name}'",
        span,
        hint or "use an IANA time zone name such as 'Asia/Shanghai' or 'UTC'",
    )


# --------------------------------------------------------------------------- declarations


def _check_duplicates(files: Sequence[RuleFile], report: Report) -> None:
    """Ids and names are global to the rule set: a second declaration is an error at the second."""
    seen_promo: dict[str, Span] = {}
    seen_segment: dict[str, Span] = {}
    seen_scope: dict[str, Span] = {}
    for f in files:
        for seg in f.segments:
            _duplicate(seen_segment, seg.name, seg.span, "E002", "segment", report)
        for sc in f.scopes:
            _duplicate(seen_scope, sc.name, sc.span, "E003", "scope", report)
        for p in f.promotions:
            what = "coupon" if p.is_coupon else "promotion"
            _duplicate(seen_promo, p.id, best_span(p.id_span, p.span), "E001", what + " id", report)


def _duplicate(seen: dict[str, Span], name: str, span: Span, code: str, what: str, report: Report) -> None:
    first = seen.get(name)
    if first is None:
        seen[name] = span
        return
    report.error(
        code,
        f"duplicate {what} '{name}'",
        span,
        f"'{name}' is first declared at {where(first)}; rename one of them (ids are unique across all files)",
    )


# --------------------------------------------------------------------------- references


def _unknown_name(kind: str, name: str, known: Iterable[str], span: Span, code: str, report: Report) -> None:
    names = sorted(set(known))
    hint = report.suggest(name, names)
    if hint is None:
        declare = "segment NAME = CONDITION" if kind == "segment" else 'scope NAME = category "..."'
        hint = f"declare it with `{declare}`" + (f"; known {kind}s: {', '.join(names)}" if names else "")
    report.error(code, f"unknown {kind} '{name}'", span, hint)


def _check_segment_references(
    files: Sequence[RuleFile], segments: Mapping[str, object], report: Report
) -> None:
    graph: dict[str, list[SegmentRef]] = {}
    for f in files:
        for seg in f.segments:
            refs = segment_refs(seg.condition)
            graph.setdefault(seg.name, refs)
            for ref in refs:
                if ref.name not in segments:
                    _unknown_name("segment", ref.name, segments, ref.span, "E010", report)
        for p in f.promotions:
            for ref in segment_refs(p.audience):
                if ref.name not in segments:
                    _unknown_name("segment", ref.name, segments, ref.span, "E010", report)
    _report_cycles(graph, lambda r: r.name, lambda r: r.span, "E012", "segment", report)


def _check_scope_references(files: Sequence[RuleFile], scopes: Mapping[str, object], report: Report) -> None:
    graph: dict[str, list[Selector]] = {}
    for f in files:
        for sc in f.scopes:
            refs = scope_refs(sc.scope)
            graph.setdefault(sc.name, refs)
            for ref in refs:
                for name in ref.values:
                    if name not in scopes:
                        _unknown_name("scope", name, scopes, ref.span, "E011", report)
        for p in f.promotions:
            condition_refs = scope_refs(p.condition.scope) if p.condition and p.condition.scope else []
            for ref in [*scope_refs(p.scope), *condition_refs]:
                for name in ref.values:
                    if name not in scopes:
                        _unknown_name("scope", name, scopes, ref.span, "E011", report)

    def flat(refs: list[Selector]) -> list[tuple[str, Span]]:
        return [(name, r.span) for r in refs for name in r.values]

    _report_cycles(
        {k: flat(v) for k, v in graph.items()}, lambda r: r[0], lambda r: r[1], "E013", "scope", report
    )


#: The longest chain of segment (or scope) definitions through one another.
MAX_REFERENCE_DEPTH = 50


def _report_cycles(
    graph: Mapping[str, Sequence[T]],
    target: Callable[[T], str],
    span_of: Callable[[T], Span],
    code: str,
    kind: str,
    report: Report,
) -> None:
    """Report each reference that closes a cycle (a back edge of a depth-first search), and
    the first name defined through a chain of more than `MAX_REFERENCE_DEPTH` names (E016):
    the compiled predicates nest once per link, so a 500-deep chain overflowed the stack."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    depth: dict[str, int] = {}  # longest chain of names below a done name, itself included
    for root in graph:
        if state.get(root):
            continue
        path: list[str] = [root]
        state[root] = 1
        stack: list[Iterator[T]] = [iter(graph[root])]
        while stack:  # iterative DFS: long reference chains must not hit the recursion limit
            ref = next(stack[-1], None)
            if ref is None:
                stack.pop()
                done = path.pop()
                state[done] = 2
                refs = [r for r in graph[done] if target(r) in graph]
                depth[done] = 1 + max((depth.get(target(r), 0) for r in refs), default=0)
                if depth[done] == MAX_REFERENCE_DEPTH + 1 and refs:
                    report.error(
                        "E016",
                        f"{kind} '{done}' is defined through a chain of {depth[done]} {kind}s; "
                        f"at most {MAX_REFERENCE_DEPTH} are allowed",
                        span_of(refs[0]),
                        f"define the {kind} directly instead of through another {kind} at each step",
                    )
                continue
            name = target(ref)
            if name not in graph:
                continue  # unknown: reported elsewhere
            if state.get(name) == 1:
                loop = path[path.index(name) :] + [name]
                report.error(
                    code,
                    f"{kind} '{name}' refers to itself: {' -> '.join(loop)}",
                    span_of(ref),
                    f"a {kind} cannot be defined in terms of itself; remove one reference of the cycle",
                )
            elif not state.get(name):
                state[name] = 1
                path.append(name)
                stack.append(iter(graph[name]))


# --------------------------------------------------------------------------- stacking


def _check_stacking(
    ordered: Sequence[Promotion], promotions: Mapping[str, Promotion], report: Report
) -> None:
    groups: dict[str, list[Promotion]] = {}
    for p in ordered:
        if p.exclusive_group is not None:
            groups.setdefault(p.exclusive_group.text, []).append(p)
    for p in ordered:
        if p.exclusive and p.exclusive_group is not None:
            report.warning(
                "W007",
                f"'{p.id}' is exclusive with everything; its exclusive group '{p.exclusive_group.text}' adds nothing",
                p.exclusive_group.span,
                "remove `exclusive group ...`, or remove `exclusive` to exclude only the group's members",
            )
        for name in p.stackable_with:
            other = promotions.get(name.text)
            if name.text == p.id:
                report.error(
                    "E015",
                    f"'{p.id}' is declared stackable with itself",
                    name.span,
                    "a promotion applies at most once per order; remove its own id from `stackable with`",
                )
                continue
            if other is None:
                hint = report.suggest(name.text, promotions)
                report.error(
                    "E014",
                    f"unknown promotion '{name.text}' in `stackable with`",
                    name.span,
                    hint or "name the id of a promotion or coupon declared in this rule set",
                )
                continue
            if p.exclusive:
                report.error(
                    "E062",
                    f"'{p.id}' is exclusive with every other promotion, so it cannot be stackable with '{other.id}'",
                    name.span,
                    f"remove `exclusive` from '{p.id}', or remove '{other.id}' from its `stackable with`",
                )
            elif other.exclusive:
                report.error(
                    "E060",
                    f"'{p.id}' is declared stackable with '{other.id}', but '{other.id}' is exclusive with everything",
                    name.span,
                    f"remove '{other.id}' from `stackable with`, or remove `exclusive` from '{other.id}' "
                    f"(declared at {where(best_span(other.id_span, other.span))})",
                )
            elif (
                p.exclusive_group is not None
                and other.exclusive_group is not None
                and p.exclusive_group.text == other.exclusive_group.text
            ):
                report.error(
                    "E061",
                    f"'{p.id}' and '{other.id}' are in the same exclusive group '{p.exclusive_group.text}' "
                    "but declared stackable with each other",
                    name.span,
                    "at most one member of an exclusive group applies; move one of them to another group, "
                    "or remove it from `stackable with`",
                )
    for group, members in groups.items():
        if len(members) == 1:
            only = members[0]
            assert only.exclusive_group is not None
            hint = report.suggest(group, [g for g in groups if g != group])
            report.warning(
                "W006",
                f"exclusive group '{group}' has only one member, '{only.id}', so it excludes nothing",
                only.exclusive_group.span,
                hint or "put the promotions that must not combine in the same group, or remove the group",
            )


# --------------------------------------------------------------------------- points redemption


def _check_redemptions(ordered: Sequence[Promotion], report: Report) -> None:
    """E056: at most one points redemption per order (docs/semantics.md#points).

    Each redemption spends the customer's balance on its own, so two that apply together
    redeem the same points twice. They may coexist only where they exclude each other: one
    is `exclusive`, or both are in the same exclusive group.
    """
    redeems = [p for p in ordered if isinstance(p.action, PointsRedeem)]
    for i, later in enumerate(redeems):
        first = next((p for p in redeems[:i] if _may_combine(p, later)), None)
        if first is None:
            continue
        report.error(
            "E056",
            f"points redemptions '{first.id}' and '{later.id}' can apply to the same order, "
            "and each would spend the customer's points",
            best_span(later.id_span, later.span),
            f"'{first.id}' is at {where(best_span(first.id_span, first.span))}; put both in one exclusive "
            "group (e.g. `exclusive group points`) so at most one redeems per order, or remove one",
        )


def _may_combine(a: Promotion, b: Promotion) -> bool:
    if a.exclusive or b.exclusive:
        return False
    return not (
        a.exclusive_group is not None
        and b.exclusive_group is not None
        and a.exclusive_group.text == b.exclusive_group.text
    )
