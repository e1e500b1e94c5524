"""Numbers and dates the engine and the ledgers can work with (E057, E044).

The grammar accepts any number of digits and any calendar date, but pricing computes in
`decimal` with 28 significant digits, ledgers count in 64-bit integers (Lua doubles on
Redis: exact to 2^53) and windows are shifted across time zones. A 33-digit amount, a stock
of 2^60 or a window ending on 9999-12-31 passed `check` and then failed at price or reserve
time; they are errors here instead, with the limits in words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from ..language.ast import Node, RuleFile
from ..language.source import NO_SPAN, Span
from .report import Report

__all__ = ["MAX_AMOUNT", "MAX_COUNT", "MAX_DATE", "MIN_DATE", "check_magnitudes"]

#: The largest amount (or any other decimal) in a rule: 10^13 major units. Budgets are
#: counted in minor units (x100 or x1000), which keeps them below 2^53.
MAX_AMOUNT = Decimal(10) ** 13
#: The most significant digits a decimal in a rule may have.
MAX_DIGITS = 18
#: The largest whole number in a rule (stock, limits, counts, points).
MAX_COUNT = 10**12
#: The calendar a window may use: the engine shifts windows by up to a day across zones.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(9998, 12, 31)


def check_magnitudes(files: Sequence[RuleFile], report: Report) -> None:
    """Report every number or date in `files` outside what promokit can compute with."""
    for f in files:
        for node in (f.settings, *f.segments, *f.scopes, *f.promotions):
            for value, span in _leaves(node, NO_SPAN):
                _check(value, span, report)


def _leaves(value: Any, span: Span) -> Iterator[tuple[Any, Span]]:
    """Every scalar under `value`, with the span of the nearest node around it (iterative)."""
    stack: list[tuple[Any, Span]] = [(value, span)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, Span):
            continue
        if isinstance(item, Node) and item.span != NO_SPAN:
            where = item.span
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend((getattr(item, f.name), where) for f in dataclasses.fields(item))
        elif isinstance(item, tuple | list):
            stack.extend((x, where) for x in item)
        elif isinstance(item, dict):
            stack.extend((x, where) for x in item.values())
        else:
            yield item, where


def _check(value: Any, span: Span, report: Report) -> None:
    if isinstance(value, bool):
        return
    if isinstance(value, Decimal):
        if value.is_finite() and (abs(value) > MAX_AMOUNT or len(value.as_tuple().digits) > MAX_DIGITS):
            report.error(
                "E057",
                f"the number {_short(value)} is too large or too precise for promokit",
                span,
                f"amounts are at most {MAX_AMOUNT:,} with at most {MAX_DIGITS} significant digits",
            )
    elif isinstance(value, int):
        if abs(value) > MAX_COUNT:
            report.error(
                "E057",
                f"the number {_short(value)} is too large for promokit",
                span,
                f"counts (stock, limits, quantities, points) are at most {MAX_COUNT:,}",
            )
    elif isinstance(value, dt.date) and not MIN_DATE <= value <= MAX_DATE:
        report.error(
            "E044",
            f"the date {value.isoformat()} is outside the calendar promokit uses",
            span,
            f"dates run from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}",
        )


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:20] + "..."
