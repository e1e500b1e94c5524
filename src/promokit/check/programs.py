"""Checks of marketing programs across the rule set: A/B experiments (E080-E082).

An experiment is the set of `experiment NAME variant V W%` clauses with the same NAME, in any
file. Its variants must be declared consistently (one weight per variant, wherever it is
repeated) and their weights must sum to exactly 100% in steps of 0.01% (the bucketing
resolution, docs/programs.md#ab-variants).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..language.ast import Promotion, Variant
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
                "E080",
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
                "E081",
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
                "E082",
                f"the variants of experiment '{name}' sum to {total}%, not 100% ({listed})",
                last.span,
                "adjust the weights so that they add up to 100%; a customer must land in exactly one variant",
            )
