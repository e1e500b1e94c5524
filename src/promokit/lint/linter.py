"""The linter: costly mistakes in a *valid* rule set, as warnings (codes L001...).

The checker rejects rules that cannot mean anything; the linter flags rules that mean
something an operator probably did not intend, and that would cost money or confuse
customers: a discount larger than what it is measured on, overlapping promotions that
silently stack, windows already over or that never open, limits that can never bind,
declarations nobody uses. Every code is documented with a bad and a fixed example in
`docs/lint.md`.

    L001 discount can exceed its threshold     L007 recurring window without a time zone
    L002 price not below the list price        L008 coupon no code reaches alone
    L003 tier that can never be chosen         L009 segment or scope never used
    L004 overlapping promotions stack          L010 limit that can never bind
    L005 window already over                   L011 high discount rate per group
    L006 window that never occurs              L012 high discount rate for the rule set

Witnesses (example carts, customers, instants) come from `lint_search`, which tests
candidates built from the rules' own literals with the engine's compiled predicates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from ..benefits import spec_for
from ..check.checker import check
from ..check.report import Report, best_span, scope_refs, segment_refs
from ..check.values import num, window_end
from ..codes import glob_match, rule_code_key
from ..language.ast import (
    Counted,
    DailyHours,
    During,
    FlashPrice,
    OnMonthDays,
    OnWeekdays,
    Per,
    Promotion,
    RuleSetAst,
    Tiers,
)
from ..language.diagnostics import Diagnostic, RuleError
from .actions import catalogue_prices
from .rates import lint_overlaps, lint_rates
from .search import occurs

__all__ = ["DEFAULT_MAX_RATE", "lint"]

#: Discount rates above this share (of the eligible amount) are reported by L011/L012.
DEFAULT_MAX_RATE = Decimal("0.5")


def lint(
    rules: RuleSetAst,
    *,
    catalogue: Mapping[str, Decimal] | None = None,
    today: dt.date | None = None,
    max_rate: Decimal = DEFAULT_MAX_RATE,
) -> list[Diagnostic]:
    """Warnings about a checked rule set, sorted by position (`RuleError` if it does not check).

    `catalogue` (sku -> list price) enables the price lints (L001 per unit, L002) and
    exact rates for price actions; `today` (default: the host's date) anchors "already
    over" (L005); `max_rate` is the share above which L011/L012 report a discount rate.
    """
    # The lints build witnesses with the engine's predicates, which assume checked rules
    # (known names, valid zones): refuse unchecked ones with their errors, not a traceback.
    errors = [d for d in check(rules.files)[1] if d.is_error]
    if errors:
        raise RuleError(errors)
    report = Report()
    day = today or dt.date.today()
    for p in rules.promotions:
        _lint_exceeds(p, rules, catalogue, report)
        _lint_tiers(p, rules, report)
        _lint_window_over(p, day, report)
        _lint_window_never(p, rules, report)
        _lint_limits(p, report)
    _lint_zones(rules, report)
    _lint_coupons(rules, report)
    _lint_unused(rules, report)
    lint_overlaps(rules, day, report)
    lint_rates(rules, catalogue, max_rate, report, day)
    return sorted(report.diagnostics, key=Diagnostic.sort_key)


# --------------------------------------------------------------------------- L001 / L002


def _lint_exceeds(
    p: Promotion, rules: RuleSetAst, catalogue: Mapping[str, Decimal] | None, report: Report
) -> None:
    """L001 / L002: the benefit's own numbers give everything away or save nothing (its
    `lint_exceeds` and, with a catalogue, `lint_at_price` facets)."""
    a = p.action
    spec = spec_for(a)
    notes = spec.lint_exceeds(a, p.condition) if spec.lint_exceeds is not None else []
    if catalogue is not None and spec.lint_at_price is not None:
        prices = catalogue_prices(p, rules.scopes, catalogue)
        found = (spec.lint_at_price(a, sku, price) for sku, price in sorted(prices.items()))
        notes += [note for note in found if note is not None]
    for note in notes:
        report.warning(note.code, f"'{p.id}': {note.message}", note.span, note.help)


# --------------------------------------------------------------------------- L003


def _lint_tiers(p: Promotion, rules: RuleSetAst, report: Report) -> None:
    a = p.action
    if not isinstance(a, Tiers):
        return
    caps = [(p.cap.amount, f"its `at most {num(p.cap.amount)} off`")] if p.cap else []
    if rules.max_order_discount is not None:
        caps.append((rules.max_order_discount, f"the rule set's `order cap {num(rules.max_order_discount)}`"))
    prev = None
    for t in a.tiers:
        if prev is not None:
            if t.threshold <= prev.threshold or t.off <= prev.off:
                report.warning(
                    "L003",
                    f"'{p.id}': the tier at {num(t.threshold)} ({num(t.off)} off) is not above the tier "
                    f"at {num(prev.threshold)} ({num(prev.off)} off) in both threshold and reward",
                    best_span(t.span, a.span),
                    "each tier must ask for more and give more than the one before",
                )
            else:
                for cap, what in caps:
                    if prev.off >= cap:
                        report.warning(
                            "L003",
                            f"'{p.id}': the tier at {num(t.threshold)} can never give more than the tier "
                            f"at {num(prev.threshold)}: {what} already limits that one to {num(cap)}",
                            best_span(t.span, a.span),
                            "raise the cap above the lower tier's reward, or remove the higher tier",
                        )
                        break
        prev = t


# --------------------------------------------------------------------------- L005 / L006


def _lint_window_over(p: Promotion, today: dt.date, report: Report) -> None:
    midnight = dt.datetime.combine(today, dt.time(0, 0))
    for c in p.when:
        if not isinstance(c, During) or not c.ranges:
            continue
        ends = [window_end(r.end.date, r.end.time) for r in c.ranges]
        if max(ends) <= midnight:
            last = max(ends) - dt.timedelta(microseconds=1)
            report.warning(
                "L005",
                f"'{p.id}' is over: its window ended on {last:%Y-%m-%d} (today is {today:%Y-%m-%d})",
                c.span,
                "update the dates, or remove the promotion from the rule set",
            )
            return


def _lint_window_never(p: Promotion, rules: RuleSetAst, report: Report) -> None:
    for c in p.when:
        if isinstance(c, DailyHours):
            for r in c.ranges:
                if r.start == r.end and not r.to_midnight:
                    report.warning(
                        "L006",
                        f"'{p.id}': the hour range {r.start:%H:%M}-{r.end:%H:%M} is empty",
                        best_span(r.span, c.span),
                        "write 00:00-24:00 for the whole day, or an end after the start",
                    )
                    return
    if not p.when or occurs(p, rules) is not False:
        return
    kinds = [c for c in p.when if isinstance(c, OnWeekdays | OnMonthDays | DailyHours | During)]
    report.warning(
        "L006",
        f"'{p.id}': its window never opens: no instant satisfies all of its time conditions together",
        best_span(kinds[-1].span if kinds else p.span, p.span),
        "time conditions all hold together (AND); check that the hours fall inside the dates and "
        "times of `during` (and the days of `every` inside the dates)",
    )


# --------------------------------------------------------------------------- L007


def _recurring(p: Promotion) -> list[OnWeekdays | OnMonthDays | DailyHours]:
    return [c for c in p.when if isinstance(c, OnWeekdays | OnMonthDays | DailyHours)]


def _lint_zones(rules: RuleSetAst, report: Report) -> None:
    zones = {rules.timezone} | {p.timezone for p in rules.promotions if p.timezone}
    if len(zones) < 2:
        return
    listed = ", ".join(sorted(zones))
    for p in rules.promotions:
        rec = _recurring(p)
        if p.timezone is None and rec:
            report.warning(
                "L007",
                f"'{p.id}' has a recurring window but no time zone, in a rule set using several ({listed}); "
                f"it is read in the rule-set zone {rules.timezone}",
                rec[0].span,
                f"add `timezone ZONE` to '{p.id}' so the hours are unambiguous",
            )


# --------------------------------------------------------------------------- L008


def _samples(text: str) -> list[str]:
    """Codes a pattern accepts: wildcards filled a few different ways."""
    out = []
    for star, one in (("", "A"), ("Q7", "Z"), ("LONGER-CODE-99", "5")):
        filled = "".join(star if ch == "*" else one if ch == "?" else ch for ch in text)
        out.append(rule_code_key(filled))
    return out


def _lint_coupons(rules: RuleSetAst, report: Report) -> None:
    coupons = [(p, p.codes) for p in rules.promotions if p.is_coupon and p.codes and p.codes.patterns]
    for p, codes in coupons:
        others = [
            (o, rule_code_key(c.text), c.text) for o, oc in coupons if o.id != p.id for c in oc.patterns
        ]
        if not others:
            continue
        captor: tuple[str, str] | None = None
        for code in codes.patterns:
            samples = _samples(code.text) if code.is_pattern else [rule_code_key(code.text)]
            hit = next(
                ((o.id, text) for o, pattern, text in others if all(glob_match(pattern, s) for s in samples)),
                None,
            )
            if hit is None:
                captor = None
                break
            captor = captor or hit
        if captor is not None:
            report.warning(
                "L008",
                f"no code reaches coupon '{p.id}' alone: every code it accepts also matches "
                f"coupon '{captor[0]}' ('{captor[1]}')",
                best_span(codes.span, p.id_span, p.span),
                "give the coupon codes of its own, or narrow the other coupon's pattern",
            )


# --------------------------------------------------------------------------- L009


def _lint_unused(rules: RuleSetAst, report: Report) -> None:
    segments, scopes = rules.segments, rules.scopes
    used_seg: set[str] = set()
    used_scope: set[str] = set()
    todo_seg = [r.name for p in rules.promotions for r in segment_refs(p.audience)]
    todo_scope = [n for p in rules.promotions for sel in scope_refs(p.scope) for n in sel.values]
    while todo_seg:
        name = todo_seg.pop()
        if name in used_seg or name not in segments:
            continue
        used_seg.add(name)
        todo_seg.extend(r.name for r in segment_refs(segments[name].condition))
    while todo_scope:
        name = todo_scope.pop()
        if name in used_scope or name not in scopes:
            continue
        used_scope.add(name)
        todo_scope.extend(n for sel in scope_refs(scopes[name].scope) for n in sel.values)
    for f in rules.files:
        for seg in f.segments:
            if seg.name not in used_seg:
                report.warning(
                    "L009",
                    f"segment '{seg.name}' is declared but never used",
                    seg.span,
                    f"use it in a promotion (`for {seg.name}`), or remove it",
                )
        for sc in f.scopes:
            if sc.name not in used_scope:
                report.warning(
                    "L009",
                    f"scope '{sc.name}' is declared but never used",
                    sc.span,
                    f"use it in a promotion (`on {sc.name}`), or remove it",
                )


# --------------------------------------------------------------------------- L010

_BREADTH = {Per.LINE: -1, Per.ORDER: 0, Per.CUSTOMER: 1, Per.TOTAL: 2}


def _lint_limits(p: Promotion, report: Report) -> None:
    limits = list(p.limits)
    for narrow in limits:
        for broad in limits:
            if narrow is broad or narrow.counted is not broad.counted:
                continue
            wider = _BREADTH[broad.per] > _BREADTH[narrow.per] and not broad.per_day
            same_per_day = broad.per is narrow.per and narrow.per_day and not broad.per_day
            if (wider or same_per_day) and narrow.count > broad.count:
                what = "units" if narrow.counted is Counted.UNITS else "uses"
                report.warning(
                    "L010",
                    f"'{p.id}': the limit of {narrow.count} {what} per {narrow.per.value}"
                    f"{' per day' if narrow.per_day else ''} can never bind: the limit of {broad.count} "
                    f"per {broad.per.value} is reached first",
                    best_span(narrow.span, p.span),
                    "lower it below the broader limit, or remove it",
                )
                break
    stock = p.stock.units if p.stock else None
    a = p.action
    if isinstance(a, FlashPrice) and a.stock is not None:
        stock = a.stock if stock is None else min(stock, a.stock)
    if (
        isinstance(a, FlashPrice)
        and a.per_customer is not None
        and stock is not None
        and a.per_customer > stock
    ):
        report.warning(
            "L010",
            f"'{p.id}': the per-customer limit of {a.per_customer} units can never bind: "
            f"the stock is only {stock}",
            a.span,
            "lower the per-customer limit, or raise the stock",
        )
    smallest = _smallest_discount(p)
    if p.budget is not None and smallest is not None and p.budget.amount < smallest:
        report.warning(
            "L010",
            f"'{p.id}': the budget {num(p.budget.amount)} is below its smallest discount ({num(smallest)}), "
            "so it can never apply",
            best_span(p.budget.span, p.span),
            "a promotion applies only when the remaining budget covers its whole discount; raise the budget",
        )
    largest = _largest_discount(p)
    if p.cap is not None and largest is not None and p.cap.amount >= largest:
        report.warning(
            "L010",
            f"'{p.id}': the cap {num(p.cap.amount)} can never bind: the largest discount is {num(largest)}",
            best_span(p.cap.span, p.span),
            "remove the cap, or lower it if a smaller maximum was intended",
        )


def _smallest_discount(p: Promotion) -> Decimal | None:
    known = spec_for(p.action).discount_range
    return known(p.action)[0] if known is not None else None


def _largest_discount(p: Promotion) -> Decimal | None:
    known = spec_for(p.action).discount_range
    return known(p.action)[1] if known is not None else None
