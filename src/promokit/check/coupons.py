"""Coupon code checks of a rule set (split from `checker.py`): the same code on two coupons
(E051-E055), a code no customer can type (W005, W010); see language/diagnostic_codes.py."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ..codes import MAX_CODE_LENGTH, glob_match, normalize_code, rule_code_key
from ..language.ast import Promotion
from ..language.source import Span
from .report import Report, best_span, where

__all__ = ["check_coupons"]


def check_coupons(ordered: Sequence[Promotion], report: Report) -> None:
    exact: dict[str, tuple[Promotion, Span]] = {}
    patterns: list[tuple[Promotion, str, Span]] = []
    for p in ordered:
        if not p.is_coupon:
            if p.codes is not None:
                report.error(
                    "E052",
                    f"promotion '{p.id}' has codes, but only coupons are redeemed by code",
                    best_span(p.codes.span, p.span),
                    f"declare it as `coupon {p.id} {{ ... }}`, or remove the codes to apply it automatically",
                )
            continue
        if p.codes is None or not p.codes.patterns:
            report.error(
                "E051",
                f"coupon '{p.id}' has no codes, so no customer can redeem it",
                best_span(p.id_span, p.span),
                'add `codes "CODE"` (exact codes or patterns such as "VIP-*"), or declare it as a promotion',
            )
            continue
        mine: dict[str, Span] = {}
        for code in p.codes.patterns:
            key = rule_code_key(code.text)
            if not key:
                report.error(
                    "E054",
                    f"coupon '{p.id}' has an empty code",
                    code.span,
                    'write the code between quotes, e.g. "SAVE10"',
                )
                continue
            unusable = _unusable(code.text)
            if unusable is not None:
                report.error(
                    "E055",
                    f"code '{_visible(code.text[:MAX_CODE_LENGTH])}' of coupon '{p.id}' can never be "
                    f"entered: it {unusable}",
                    code.span,
                    f"codes are at most {MAX_CODE_LENGTH} visible characters (docs/semantics.md#coupon-codes)",
                )
                continue
            if key in mine:
                report.warning(
                    "W005",
                    f"code '{code.text}' is listed twice in coupon '{p.id}'",
                    code.span,
                    f"first listed at {where(mine[key])}; remove the repeat (codes are case-insensitive)",
                )
                continue
            mine[key] = code.span
            if code.is_pattern:
                patterns.append((p, code.text, code.span))
                continue
            first = exact.get(key)
            if first is not None and first[0].id != p.id:
                report.error(
                    "E053",
                    f"code '{code.text}' belongs to two coupons: '{first[0].id}' and '{p.id}'",
                    code.span,
                    f"'{first[0].id}' lists it at {where(first[1])}; a code must redeem exactly one coupon",
                )
            else:
                exact[key] = (p, code.span)
    for p, text, span in patterns:
        pattern = rule_code_key(text)
        for key, (other, other_span) in sorted(exact.items()):
            if other.id != p.id and glob_match(pattern, key):
                report.warning(
                    "W010",
                    f"pattern '{text}' of coupon '{p.id}' also matches code '{key}' of coupon '{other.id}'",
                    span,
                    f"'{other.id}' lists it at {where(other_span)}; a customer entering it could redeem "
                    "either coupon: narrow the pattern, or remove the code",
                )


def _unusable(text: str) -> str | None:
    """Why no shopper can type a rule-file code (`promokit.codes.normalize_code` refuses it)."""
    try:
        normalize_code(text.replace("*", "x").replace("?", "x"))
    except ValueError as exc:
        return str(exc).removeprefix("coupon code ").split(";")[0]
    return None


def _visible(text: str) -> str:
    """`text` with invisible characters written as escapes (`\\u{200B}`), for messages."""
    return "".join(
        f"\\u{{{ord(ch):X}}}"
        if unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")
        else ch
        for ch in text
    )
