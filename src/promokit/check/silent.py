"""Warnings for rules that are valid but would silently do nothing or the wrong thing.

Each of these was once a silent failure an operator could not see (issue 12):

- W020: a recurring window (`every wednesday`, `每天20:00-22:00`, `every month on 8`) in a
  rule set without an explicit `timezone` is read in UTC: a Shanghai member day then
  misses every morning until 08:00.
- W021: a category, brand, tag or SKU name with leading or trailing spaces, or with
  full-width characters (`"fruit "`, `"ＡＰＰＬＥ"`): cart data never carries them, so the
  selector matches nothing.
- W022: a scope that can match nothing through named scopes (`on fresh except produce`
  where `produce` covers `fresh`); the direct case is W009 (`check/values.py`).
- W030: a shipping benefit limited to a delivery method (`on express` / `限express`) that
  the rule set's `shipping methods` setting does not list: no shipping line of a request
  carries it, so the benefit matches nothing (docs/semantics.md#shipping). Without the
  setting, methods are request data and nothing is reported.

Every code has a bad and a fixed example in docs/language.md#warnings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from ..language.ast import (
    DailyHours,
    OnMonthDays,
    OnWeekdays,
    RuleFile,
    RuleSetAst,
    Scope,
    ScopeDecl,
    Selector,
    SelectorKind,
    ShippingOff,
)
from ..language.diagnostics import did_you_mean
from ..language.formatter import string
from .report import Report

__all__ = ["check_silent"]

_RECURRING = (OnWeekdays, OnMonthDays, DailyHours)


def check_silent(files: Sequence[RuleFile], rules: RuleSetAst, report: Report) -> None:
    explicit_zone = any(f.settings.timezone is not None for f in files)
    scopes = {d.name: d for f in files for d in f.scopes}
    for f in files:
        for decl in f.scopes:
            _check_scope(decl.scope, scopes, report)
        for promo in f.promotions:
            if not explicit_zone and promo.timezone is None:
                for cond in promo.when:
                    if isinstance(cond, _RECURRING):
                        report.warning(
                            "W020",
                            f"'{promo.id}' repeats on a schedule, but the rule set has no `timezone`: "
                            f"it is read in {rules.timezone}",
                            cond.span,
                            "add `timezone Asia/Shanghai` (your shop's zone) at the top of a rule file, "
                            "or `timezone ...` inside this promotion",
                        )
                        break
            _check_scope(promo.scope, scopes, report)
            if isinstance(promo.action, ShippingOff) and rules.shipping_methods is not None:
                _check_methods(promo.id, promo.action, rules.shipping_methods, report)


def _check_scope(scope: Scope, scopes: Mapping[str, ScopeDecl], report: Report) -> None:
    for sel in (*scope.include, *scope.exclude):
        if sel.kind in (SelectorKind.ALL, SelectorKind.SCOPE):
            continue
        for value in sel.values:
            problem = _name_problem(value)
            if problem is not None:
                fixed = _fixed(value)
                report.warning(
                    "W021",
                    f"{sel.kind.value} name {string(value)} {problem}: it matches no cart line that "
                    f"says {string(fixed)}",
                    sel.span,
                    f"write {sel.kind.value} {string(fixed)}",
                )
    named = any(s.kind is SelectorKind.SCOPE for s in (*scope.include, *scope.exclude))
    # without named scopes W009 (check/values.py) already says it; this is the resolved case
    if named and scope.include and _matches_nothing(scope, scopes):
        report.warning(
            "W022",
            "this scope can match nothing: once its named scopes are resolved, everything it "
            "includes is excluded again",
            scope.span,
            "remove the `except` part that repeats the included items, or fix the names",
        )


def _name_problem(value: str) -> str | None:
    if value != value.strip():
        return "has leading or trailing spaces"
    if any(unicodedata.east_asian_width(ch) == "F" for ch in value):
        wide = next(ch for ch in value if unicodedata.east_asian_width(ch) == "F")
        return f"has the full-width character '{wide}'"
    return None


def _fixed(value: str) -> str:
    # NFKC maps full-width forms (Ａ１－) to their ASCII letters, digits and punctuation.
    return unicodedata.normalize("NFKC", value).strip()


def _flatten(
    selectors: Sequence[Selector], scopes: Mapping[str, ScopeDecl], seen: frozenset[str]
) -> list[tuple[str, frozenset[str]]] | None:
    """(kind, values) of plain selectors, resolving named scopes without `except`; None if unknown."""
    out: list[tuple[str, frozenset[str]]] = []
    for sel in selectors:
        if sel.kind is SelectorKind.SCOPE:
            name = sel.values[0]
            decl = scopes.get(name)
            if decl is None or name in seen or decl.scope.exclude:
                return None  # unknown (E-code elsewhere), cyclic, or not a plain union
            inner = _flatten(decl.scope.include, scopes, seen | {name})
            if inner is None:
                return None
            out += inner
        else:
            out.append((sel.kind.value, frozenset(sel.values)))
    return out


def _matches_nothing(scope: Scope, scopes: Mapping[str, ScopeDecl]) -> bool:
    include = _flatten(scope.include, scopes, frozenset())
    exclude = _flatten(scope.exclude, scopes, frozenset())
    if include is None or exclude is None or not exclude:
        return False
    if any(kind == "all" for kind, _ in exclude):
        return True
    excluded: dict[str, set[str]] = {}
    for kind, values in exclude:
        excluded.setdefault(kind, set()).update(values)
    return all(kind != "all" and values <= excluded.get(kind, set()) for kind, values in include)


def _check_methods(promotion: str, action: ShippingOff, known: tuple[str, ...], report: Report) -> None:
    spans = action.method_spans or (action.span,) * len(action.methods)
    for method, span in zip(action.methods, spans, strict=False):
        if method in known:
            continue
        hint = did_you_mean(method, known)
        report.warning(
            "W030",
            f"'{promotion}' is limited to shipping method '{method}', which `shipping methods` does not "
            "list: it matches no shipping line",
            span,
            (f"{hint} " if hint else "")
            + f"If requests use '{method}', add it to `shipping methods` ({', '.join(known)})",
        )
