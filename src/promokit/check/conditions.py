"""Checks of time conditions and audience conditions (split from `check/values.py`).

Windows: a range must end after it starts (a date-only end means through that day), an
hour range must not be empty, days of month lie in 1..31 (29-31 warn: some months lack
them), repeats warn. Conditions: a fact is compared with a literal of its type, and only
numbers and dates are ordered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from ..language.ast import (
    Compare,
    CompareOp,
    DailyHours,
    During,
    Fact,
    InList,
    OnMonthDays,
    OnWeekdays,
    TimeCondition,
    Value,
)
from .magnitudes import MAX_DATE, MIN_DATE
from .report import Report, best_span, condition_nodes

__all__ = [
    "check_condition_types",
    "check_time",
    "check_window_occurs",
    "day_mask",
    "during_bounds",
    "minute_mask",
    "window_end",
    "window_start",
]


# --------------------------------------------------------------------------- time


def window_start(point_date: dt.date, point_time: dt.time | None) -> dt.datetime:
    return dt.datetime.combine(point_date, point_time or dt.time(0, 0))


def window_end(point_date: dt.date, point_time: dt.time | None) -> dt.datetime:
    """A date-only end means through the end of that day (docs/semantics.md#time-and-audience)."""
    if point_time is None:
        return dt.datetime.combine(point_date, dt.time(0, 0)) + dt.timedelta(days=1)
    return dt.datetime.combine(point_date, point_time)


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def check_time(cond: TimeCondition, report: Report) -> None:
    if isinstance(cond, During):
        for r in cond.ranges:
            if not MIN_DATE <= r.start.date <= MAX_DATE or not MIN_DATE <= r.end.date <= MAX_DATE:
                continue  # E044 (check/magnitudes.py); the arithmetic below would overflow
            start = window_start(r.start.date, r.start.time)
            end = window_end(r.end.date, r.end.time)
            if end <= start:
                report.error(
                    "E040",
                    f"this window ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})",
                    best_span(r.span, cond.span),
                    "write the start first (`during START to END`); a date-only end means through that day",
                )
    elif isinstance(cond, OnWeekdays):
        seen: set[int] = set()
        for d in cond.days:
            if int(d) in seen:
                report.warning(
                    "W002",
                    f"{_DAY_NAMES[int(d)]} is listed twice",
                    cond.span,
                    "remove the repeat; each weekday needs listing once",
                )
            seen.add(int(d))
    elif isinstance(cond, OnMonthDays):
        for day in cond.days:
            if 1 <= day <= 31:
                continue
            report.error(
                "E042",
                f"day of month {day} does not exist",
                cond.span,
                "days of month are 1 to 31",
            )
        late = sorted({d for d in cond.days if 29 <= d <= 31})
        if late:
            report.warning(
                "W001",
                f"day {late[0]} of the month does not occur in every month"
                if len(late) == 1
                else f"days {', '.join(map(str, late))} of the month do not occur in every month",
                cond.span,
                "the promotion skips months without that day (February has 28 or 29 days, "
                "April, June, September and November 30)",
            )
        if len(set(cond.days)) != len(cond.days):
            report.warning("W003", "a day of month is listed twice", cond.span, "remove the repeat")
    elif isinstance(cond, DailyHours):
        seen_ranges: set[tuple[dt.time, dt.time, bool]] = set()
        for tr in cond.ranges:
            span = best_span(tr.span, cond.span)
            if tr.start == tr.end and not tr.to_midnight:
                report.error(
                    "E041",
                    f"hour range {tr.start:%H:%M}-{tr.end:%H:%M} is empty",
                    span,
                    "a range is half-open [start, end): write 00:00-24:00 for the whole day, "
                    "or an end after the start (22:00-02:00 wraps past midnight)",
                )
            key = (tr.start, tr.end, tr.to_midnight)
            if key in seen_ranges:
                report.warning("W003", "an hour range is listed twice", span, "remove the repeat")
            seen_ranges.add(key)


# --------------------------------------------------------------------------- audience

_NUMERIC = {Fact.LEVEL, Fact.ORDERS, Fact.TOTAL_SPENT, Fact.POINTS}
_TEXT = {Fact.REGION, Fact.CHANNEL}
_ORDERING = {CompareOp.LT, CompareOp.LE, CompareOp.GT, CompareOp.GE}


def _value_fits(fact: Fact, value: Value) -> bool:
    if fact in _NUMERIC:
        return isinstance(value, Decimal)
    if fact in _TEXT:
        return isinstance(value, str)
    if fact is Fact.REGISTERED:
        return isinstance(value, dt.date)
    return True  # custom attributes take any literal


def _expected(fact: Fact) -> str:
    if fact in _NUMERIC:
        return "a number"
    if fact in _TEXT:
        return 'a quoted text such as "shanghai"'
    return "a date such as 2026-01-01"


def _fact_name(fact: Fact, attribute: str | None) -> str:
    return f'attr "{attribute}"' if fact is Fact.ATTRIBUTE else fact.value


def check_condition_types(cond: object, report: Report) -> None:
    for node in condition_nodes(cond):  # type: ignore[arg-type]
        if isinstance(node, Compare):
            name = _fact_name(node.field, node.attribute)
            if not _value_fits(node.field, node.value):
                report.error(
                    "E070",
                    f"{name} is compared with {node.value!r}, which is not {_expected(node.field)}",
                    node.span,
                    f"compare {name} with {_expected(node.field)}",
                )
            elif node.op in _ORDERING and (node.field in _TEXT or isinstance(node.value, bool)):
                report.error(
                    "E071",
                    f"{name} cannot be compared with {node.op.value}; it has no order",
                    node.span,
                    f"use == or != (or `{name} in (...)` for several values)",
                )
        elif isinstance(node, InList):
            name = _fact_name(node.field, node.attribute)
            for v in node.values:
                if not _value_fits(node.field, v):
                    report.error(
                        "E070",
                        f"{name} is compared with {v!r}, which is not {_expected(node.field)}",
                        node.span,
                        f"list values of {name} as {_expected(node.field)}",
                    )


# --------------------------------------------------------------------------- impossible windows

_FULL_DAY = (1 << 1440) - 1
#: Longest `during` span (in days) the day-by-day check walks; longer windows always
#: contain every weekday and month day, so nothing is lost.
_MAX_SPAN_DAYS = 3660


def day_mask(conds: Sequence[TimeCondition], first: dt.date, days: int) -> int:
    """Bit i set: the window may be open on day `first + i` (wall clock of its own zone).

    A necessary condition only (hours and the times inside `during` are not looked at):
    an empty mask proves the window never opens. The after-midnight tail of a wrapping
    hour range belongs to the day before (docs/semantics.md), so it lets the next day in.
    """
    full = (1 << days) - 1
    # Anchors are computed from the day before `first`: its wrapping tail reaches `first`.
    base = first - dt.timedelta(days=1)
    anchors = (1 << (days + 1)) - 1
    covered = full
    wraps = False
    for c in conds:
        if isinstance(c, OnWeekdays):
            allowed = {int(d) for d in c.days}
            anchors &= sum(
                1 << i for i in range(days + 1) if (base + dt.timedelta(days=i)).weekday() in allowed
            )
        elif isinstance(c, OnMonthDays):
            allowed = set(c.days)
            anchors &= sum(1 << i for i in range(days + 1) if (base + dt.timedelta(days=i)).day in allowed)
        elif isinstance(c, DailyHours):
            wraps = wraps or any(r.end < r.start and not r.to_midnight for r in c.ranges)
        elif isinstance(c, During):
            m = 0
            for r in c.ranges:
                lo = (window_start(r.start.date, r.start.time).date() - first).days
                hi = ((window_end(r.end.date, r.end.time) - dt.timedelta(microseconds=1)).date() - first).days
                lo, hi = max(lo, 0), min(hi, days - 1)
                if lo <= hi:
                    m |= ((1 << (hi - lo + 1)) - 1) << lo
            covered &= m
    if wraps:
        anchors |= anchors << 1
    return (anchors >> 1) & covered & full


def minute_mask(conds: Sequence[TimeCondition]) -> int:
    """Bit m set: minute m of the day lies in every `hours` condition (all set: no hours)."""
    mask = _FULL_DAY
    for c in conds:
        if not isinstance(c, DailyHours):
            continue
        m = 0
        for r in c.ranges:
            if r.start.second or r.end.second or r.start.microsecond or r.end.microsecond:
                return _FULL_DAY  # finer than minutes: no shortcut
            a = r.start.hour * 60 + r.start.minute
            b = 1440 if r.to_midnight else r.end.hour * 60 + r.end.minute
            if a < b:
                m |= ((1 << (b - a)) - 1) << a
            elif a > b:
                m |= (((1 << (1440 - a)) - 1) << a) | ((1 << b) - 1)
            else:
                m = _FULL_DAY  # start == end: read as the whole day (the checker rejects it)
        mask &= m
    return mask


def during_bounds(conds: Sequence[TimeCondition]) -> tuple[dt.datetime, dt.datetime] | None:
    """[start, end) that every `during` allows (None: no `during`); start >= end: none."""
    lo: dt.datetime | None = None
    hi: dt.datetime | None = None
    for c in conds:
        if isinstance(c, During) and c.ranges:
            start = min(window_start(r.start.date, r.start.time) for r in c.ranges)
            end = max(window_end(r.end.date, r.end.time) for r in c.ranges)
            lo = start if lo is None else max(lo, start)
            hi = end if hi is None else min(hi, end)
    return None if lo is None or hi is None else (lo, hi)


def _well_formed(conds: Sequence[TimeCondition]) -> bool:
    for c in conds:
        if isinstance(c, During) and any(
            window_end(r.end.date, r.end.time) <= window_start(r.start.date, r.start.time) for r in c.ranges
        ):
            return False
        if isinstance(c, DailyHours) and any(r.start == r.end and not r.to_midnight for r in c.ranges):
            return False
        if isinstance(c, OnMonthDays) and any(not 1 <= d <= 31 for d in c.days):
            return False
    return True


def check_window_occurs(conds: Sequence[TimeCondition], report: Report) -> None:
    """E043: time conditions that can never hold together (they are AND-ed)."""
    if len(conds) < 2 or not _well_formed(conds):
        return
    last = conds[-1]
    reason: str | None = None
    weekday_sets = [c for c in conds if isinstance(c, OnWeekdays)]
    monthday_sets = [c for c in conds if isinstance(c, OnMonthDays)]
    bounds = during_bounds(conds)
    if len(weekday_sets) > 1 and not set.intersection(*({int(d) for d in c.days} for c in weekday_sets)):
        reason, last = "its `every` weekday lines have no day in common", weekday_sets[-1]
    elif len(monthday_sets) > 1 and not set.intersection(*(set(c.days) for c in monthday_sets)):
        reason, last = "its days-of-month lines have no day in common", monthday_sets[-1]
    elif bounds is not None and bounds[0] >= bounds[1]:
        reason = "its `during` lines have no time in common"
        last = [c for c in conds if isinstance(c, During)][-1]
    elif not minute_mask(conds):
        reason = "its `hours` lines have no time of day in common"
        last = [c for c in conds if isinstance(c, DailyHours)][-1]
    elif bounds is not None and (weekday_sets or monthday_sets):
        first = bounds[0].date() - dt.timedelta(days=1)
        days = (bounds[1].date() - first).days + 2
        if days <= _MAX_SPAN_DAYS and not day_mask(conds, first, days):
            start, end = bounds[0], bounds[1] - dt.timedelta(microseconds=1)
            reason = f"no day from {start:%Y-%m-%d} to {end:%Y-%m-%d} matches its days"
            last = (weekday_sets or monthday_sets)[-1]
    if reason is None:
        return
    report.error(
        "E043",
        f"this window never opens: {reason}",
        best_span(last.span),
        "time conditions on separate lines must all hold (AND); list alternatives on one line "
        "(`every sat, sun`) and check the days exist in the dates given",
    )
