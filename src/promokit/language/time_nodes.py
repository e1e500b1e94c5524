"""Time conditions of the AST (`during`, weekdays, days of month, hours); re-exported by ast.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from .nodes import Node


@dataclass(frozen=True, slots=True)
class DateTimePoint(Node):
    """A wall-clock instant as written: a date, optionally with a time of day.

    Interpreted in the promotion's time zone. As a window end, a date without a
    time means "through the end of that day" (docs/semantics.md#time-and-audience).
    """

    date: dt.date
    time: dt.time | None = None


@dataclass(frozen=True, slots=True)
class DateRange(Node):
    """`2026-10-01 to 2026-10-07` — half-open [start, end) after end-of-day expansion."""

    start: DateTimePoint
    end: DateTimePoint


@dataclass(frozen=True, slots=True)
class During(Node):
    """`during A to B[, C to D]`: the instant lies in any of the ranges."""

    ranges: tuple[DateRange, ...]


class Weekday(int, Enum):
    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6


@dataclass(frozen=True, slots=True)
class OnWeekdays(Node):
    """`every wednesday` / `every fri, sat` / `每周三`."""

    days: tuple[Weekday, ...]


@dataclass(frozen=True, slots=True)
class OnMonthDays(Node):
    """`every month on 8, 18` / `每月8号`: days of month 1..31."""

    days: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TimeRange(Node):
    """`20:00-22:00`: half-open [start, end) wall-clock time of day.

    `end` may be 24:00, written as `dt.time(0, 0)` with `to_midnight=True`.
    An end before the start wraps past midnight (22:00-02:00).
    """

    start: dt.time
    end: dt.time
    to_midnight: bool = False


@dataclass(frozen=True, slots=True)
class DailyHours(Node):
    """`hours 20:00-22:00[, 08:00-09:00]`: time of day lies in any range."""

    ranges: tuple[TimeRange, ...]


#: One time condition; a promotion's `when` holds them all (AND).
TimeCondition = During | OnWeekdays | OnMonthDays | DailyHours
