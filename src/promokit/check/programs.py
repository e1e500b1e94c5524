"""Checks of marketing programs across the rule set: A/B experiments (E100-E102), invites (E103-E104).

An experiment is the set of `experiment NAME variant V W%` clauses with the same NAME, in any
file. Its variants must be declared consistently (one weight per variant, wherever it is
repeated) and their weights must sum to exactly 100% in steps of 0.01% (the bucketing
resolution, docs/programs.md#ab-variants).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..language.ast import InviteLimit, Promotion, Variant
from .report import Report, where

_HUNDRED = Decimal(100)
_STEP = Decimal("0.01")


def check_experiments(promotions: Sequence[Promotion], report: Report) -> None:
    experiments: dict[str, dict[str, Variant]] = {}
    for p in promotions:
        v = p.variant
        if v is None:
            continue
        if not (0 < v.weight <= _HUNDRED) or v.weight % _STEP:
            report.error(
                "E100",
                f"variant {v.name} of experiment '{v.experiment}' has weight {v.weight}%",
                v.span,
                "a weight is a share above 0% and at most 100%, in steps of 0.01% (e.g. 50% or 33.34%)",
            )
            continue
        variants = experiments.setdefault(v.experiment, {})
        first = variants.get(v.name)
        if first is None:
            variants[v.name] = v
        elif first.weight != v.weight:
            report.error(
                "E101",
                f"experiment '{v.experiment}' is reused with different variants: variant {v.name} is "
                f"{first.weight}% at {where(first.span)} but {v.weight}% here",
                v.span,
                "give a variant the same weight everywhere, or name the second experiment differently",
            )
    for name, variants in experiments.items():
        total = sum((v.weight for v in variants.values()), Decimal(0))
        if total != _HUNDRED:
            listed = ", ".join(
                f"{v.name} {v.weight}%" for v in sorted(variants.values(), key=lambda v: v.name)
            )
            last = max(variants.values(), key=lambda v: (v.span.file, v.span.line))
            report.error(
                "E102",
                f"the variants of experiment '{name}' sum to {total}%, not 100% ({listed})",
                last.span,
                "adjust the weights so that they add up to 100%; a customer must land in exactly one variant",
            )


def check_invites(promotions: Sequence[Promotion], report: Report) -> None:
    """E103: a reward that cannot be granted; E104: invite limits without a reward, or repeated."""
    for p in promotions:
        r = p.invite
        if r is not None:
            if r.kind == "coupon" and (r.pattern is None or r.pattern.count("*") != 1):
                report.error(
                    "E103",
                    f"the invite coupon pattern {r.pattern!r} of '{p.id}' needs exactly one `*`",
                    r.span,
                    'the `*` is replaced by a code unique to the order, e.g. "INV-*"',
                )
            elif r.kind == "points" and (
                r.amount is None or r.amount <= 0 or r.amount != r.amount.to_integral_value()
            ):
                report.error("E103", f"invite points of '{p.id}' must be a whole number above 0", r.span)
            elif r.kind == "credit" and (r.amount is None or r.amount <= 0):
                report.error("E103", f"the invite credit of '{p.id}' must be above 0", r.span)
        if p.invite_limits and r is None:
            report.error(
                "E104",
                f"'{p.id}' limits invite rewards but gives none",
                p.invite_limits[0].span,
                "add `invite reward 500 points` (or credit, or coupon), or remove the invite limit",
            )
        seen: dict[bool, InviteLimit] = {}
        for lim in p.invite_limits:
            if lim.count <= 0:
                report.error("E104", f"an invite limit of '{p.id}' must be above 0", lim.span)
            if lim.per_day in seen:
                report.error(
                    "E104",
                    f"'{p.id}' repeats its {'per-day ' if lim.per_day else ''}invite limit "
                    f"(first at {where(seen[lim.per_day].span)})",
                    lim.span,
                    "keep one total and at most one per-day limit",
                )
            seen[lim.per_day] = lim
