"""Time windows: a promotion's `when` conditions compiled once into a cheap `contains(at)`.

Policy (docs/semantics.md#time-and-audience, documented in docs/semantics.md):

- Every window is read in one IANA time zone: the promotion's own `timezone`, else the
  rule set's. The request's instant is aware; it is converted to that zone.
- **Absolute windows** (`during A to B`) are half-open `[A, B)`. A date-only start means
  00:00 of that day; a date-only end means *through the end of that day* (the end becomes
  00:00 of the next day). The items of one `during` are alternatives (OR).
- **Recurring windows** (`every wednesday`, `every month on 8, 18`, `hours 20:00-22:00`) are
  evaluated on the wall clock of the zone. A month day that a month lacks (31 in
  November) simply does not occur that month. An hour range is half-open; `24:00` as an
  end means "until midnight"; an end before the start wraps past midnight.
- **A wrapping hour range belongs to the day it starts on**: `every friday` with
  `hours 22:00-02:00` covers Friday 22:00 to Saturday 02:00 — the hours after midnight are
  matched against the day conditions of the *previous* day, which is what an operator
  writing "Friday night" means.
- Conditions of different kinds are all required (AND).
- **Daylight saving time.** A wall-clock point that does not exist (inside the spring-
  forward gap, e.g. 02:30 on 2026-03-08 in America/New_York) resolves to the instant the
  clocks jump (03:00 EDT): the first instant whose wall clock reads at least that time.
  An ambiguous point (inside the fall-back overlap, 01:30 on 2026-11-01 in New York)
  resolves to its first occurrence (EDT). Recurring hour ranges compare wall-clock time,
  so in the overlap hour both occurrences match a range covering it, and a range lying
  entirely inside a spring-forward gap does not occur that day.

Absolute boundaries are resolved to UTC at compile time; `contains` does one zone
conversion and a few comparisons. `dateutil.rrule` generates the recurring openings for
`next_start` (the "opens again at ..." detail of an explanation).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule

from ..errors import PromokitError
from ..language.ast import (
    DailyHours,
    DateTimePoint,
    During,
    OnMonthDays,
    OnWeekdays,
    TimeCondition,
    TimeRange,
)

UTC = dt.UTC
_DAY = dt.timedelta(days=1)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: How far ahead `next_start` looks for the next opening (a little over a year).
_LOOKAHEAD_DAYS = 400


def zone(tz: str) -> ZoneInfo:
    """The `ZoneInfo` for an IANA name; `ValueError` (not a bare KeyError) when unknown."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PromokitError(f"unknown time zone {tz!r}") from exc


def local_day(at: dt.datetime, tz: str) -> dt.date:
    """The calendar day of the aware instant `at` in zone `tz` (per-day limits and budgets)."""
    if at.tzinfo is None:
        raise PromokitError("a naive datetime has no time zone; pass an aware datetime")
    return at.astimezone(zone(tz)).date()


def resolve_wall_time(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of the naive wall-clock time `local` in `tz`, DST-safe.

    Ambiguous (fall-back overlap): the first occurrence. Nonexistent (spring-forward gap):
    the transition instant, i.e. the first instant whose wall clock reads >= `local`.
    """
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == local:
        return first  # exists (fold=0 is the earlier occurrence when ambiguous)
    # In a gap: fold=0 applies the offset before the jump (lands after the gap), fold=1 the
    # offset after it (lands before the gap). The jump lies between; bisect to the second.
    before = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = min(before, first), max(before, first)
    lo_offset = lo.astimezone(tz).utcoffset()
    while hi - lo > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(tz).utcoffset() == lo_offset:
            lo = mid
        else:
            hi = mid
    return hi.replace(microsecond=0) if hi.microsecond else hi


def _point(point: DateTimePoint, *, is_end: bool) -> dt.datetime:
    """The naive wall-clock datetime a window boundary stands for (end-of-day expansion)."""
    if point.time is None:
        day = point.date + _DAY if is_end else point.date
        return dt.datetime.combine(day, dt.time(0, 0))
    return dt.datetime.combine(point.date, point.time)


def _fmt_time(t: dt.time) -> str:
    return t.strftime("%H:%M")


def _fmt_point(point: DateTimePoint) -> str:
    return point.date.isoformat() + ("" if point.time is None else " " + _fmt_time(point.time))


def _fmt_range(r: TimeRange) -> str:
    return f"{_fmt_time(r.start)}-{'24:00' if r.to_midnight else _fmt_time(r.end)}"


@dataclass(frozen=True, slots=True)
class _Hours:
    """One `hours` condition: alternatives of half-open wall-clock ranges."""

    condition: DailyHours

    @property
    def ranges(self) -> tuple[TimeRange, ...]:
        return self.condition.ranges

    def anchors(self, t: dt.time) -> tuple[bool, bool]:
        """(today, yesterday): which day the time `t` belongs to under some range."""
        today = yesterday = False
        for r in self.ranges:
            if r.to_midnight or r.start == r.end:
                today = today or t >= r.start  # start == end: the whole day
            elif r.start < r.end:
                today = today or r.start <= t < r.end
            elif t >= r.start:
                today = True  # the evening part of a wrapping range
            elif t < r.end:
                yesterday = True  # the after-midnight tail belongs to the previous day
        return today, yesterday


class TimeRule:
    """A compiled `when`: `contains(at)` for pricing, words for explanations."""

    __slots__ = (
        "tz",
        "_zone",
        "_ranges",
        "_weekdays",
        "_monthdays",
        "_hours",
        "_conditions",
        "_durings",
        "always",
    )

    def __init__(self, conditions: Sequence[TimeCondition], tz: str) -> None:
        self.tz = tz
        self._zone = zone(tz)
        self._conditions = tuple(conditions)
        self.always = not self._conditions
        self._durings = tuple(c for c in self._conditions if isinstance(c, During))
        # Each `during` is an OR of UTC intervals; several `during` lines are AND-ed.
        self._ranges: tuple[tuple[tuple[dt.datetime, dt.datetime], ...], ...] = tuple(
            tuple(
                sorted(
                    (
                        resolve_wall_time(_point(r.start, is_end=False), self._zone),
                        resolve_wall_time(_point(r.end, is_end=True), self._zone),
                    )
                    for r in c.ranges
                )
            )
            for c in self._conditions
            if isinstance(c, During)
        )
        self._weekdays = tuple(
            frozenset(int(d) for d in c.days) for c in self._conditions if isinstance(c, OnWeekdays)
        )
        self._monthdays = tuple(frozenset(c.days) for c in self._conditions if isinstance(c, OnMonthDays))
        self._hours = tuple(_Hours(c) for c in self._conditions if isinstance(c, DailyHours))

    # ----------------------------------------------------------------- evaluation

    def contains(self, at: dt.datetime) -> bool:
        """Whether the aware instant `at` lies in the window."""
        if self.always:
            return True
        return self._first_failure(at) is None

    def _day_ok(self, day: dt.date) -> bool:
        weekday = day.weekday()
        if any(weekday not in days for days in self._weekdays):
            return False
        return all(day.day in days for days in self._monthdays)

    def _first_failure(self, at: dt.datetime) -> TimeCondition | None:
        """The first condition (in source order) that `at` fails, or None."""
        if at.tzinfo is None:
            raise PromokitError("a naive datetime has no time zone; pass an aware datetime")
        for ranges, during in zip(self._ranges, self._durings, strict=True):
            if not any(start <= at < end for start, end in ranges):
                return during
        if not (self._weekdays or self._monthdays or self._hours):
            return None
        local = at.astimezone(self._zone)
        day, t = local.date(), local.time().replace(tzinfo=None)
        # Without hour ranges the instant belongs to its own day; with them, to the day its
        # range started on (yesterday for the after-midnight tail of a wrapping range).
        today, yesterday = True, bool(self._hours)
        for hours in self._hours:
            h_today, h_yesterday = hours.anchors(t)
            today, yesterday = today and h_today, yesterday and h_yesterday
            if not (today or yesterday):
                return hours.condition
        if (today and self._day_ok(day)) or (yesterday and self._day_ok(day - _DAY)):
            return None
        # Name the first day condition the anchor day fails.
        anchor = day if today else day - _DAY
        for c in self._conditions:
            if isinstance(c, OnWeekdays) and anchor.weekday() not in {int(d) for d in c.days}:
                return c
            if isinstance(c, OnMonthDays) and anchor.day not in c.days:
                return c
        return next(c for c in self._conditions if isinstance(c, OnWeekdays | OnMonthDays))

    # ----------------------------------------------------------------- words

    def describe(self) -> str:
        """The window in words, e.g. `every Wednesday, hours 20:00-22:00 (Asia/Shanghai)`."""
        if self.always:
            return "always"
        return f"{', '.join(describe_condition(c) for c in self._conditions)} ({self.tz})"

    def failure(self, at: dt.datetime) -> str | None:
        """Why `at` is outside the window, in words (None when inside), with the next opening."""
        cond = self._first_failure(at) if not self.always else None
        if cond is None:
            return None
        local = at.astimezone(self._zone)
        text = (
            f"outside its window: {describe_condition(cond)} ({self.tz}); "
            f"now {_WEEKDAY_NAMES[local.weekday()]} {local.strftime('%Y-%m-%d %H:%M')}"
        )
        if isinstance(cond, OnWeekdays | OnMonthDays) and self._hours:
            t = local.time().replace(tzinfo=None)
            anchors = [h.anchors(t) for h in self._hours]
            if not all(today for today, _ in anchors) and all(y for _, y in anchors):
                previous = local.date() - _DAY
                text += f" (hours after midnight count as {_WEEKDAY_NAMES[previous.weekday()]} {previous})"
        upcoming = self.next_start(at)
        if upcoming is not None:
            text += f"; opens {upcoming.astimezone(self._zone).strftime('%Y-%m-%d %H:%M')}"
        return text

    def next_start(self, after: dt.datetime) -> dt.datetime | None:
        """The first instant after `after` at which the window is open (None: never, within a year).

        Candidates are the `during` starts and the recurring openings generated lazily with
        dateutil.rrule on the zone's wall clock, in time order; the first one `contains`
        accepts wins. Days before the earliest live `during` range are skipped.
        """
        if self.always or after.tzinfo is None:
            return None
        earliest = after
        for ranges in self._ranges:
            live = [start for start, end in ranges if end > after]
            if not live:
                return None  # every range of this `during` has ended: never again
            earliest = max(earliest, min(live))
        fixed = sorted({s for ranges in self._ranges for s, _ in ranges if s > after})
        recurring: Iterator[dt.datetime] = iter(())
        if self._weekdays or self._monthdays or self._hours:
            weekdays = sorted(frozenset.intersection(*self._weekdays)) if self._weekdays else None
            monthdays = sorted(frozenset.intersection(*self._monthdays)) if self._monthdays else None
            if weekdays == [] or monthdays == []:
                return None  # contradictory day conditions: the window never opens
            recurring = self._openings(after, earliest, weekdays, monthdays)
        for instant in heapq.merge(fixed, recurring):
            if self.contains(instant):
                return instant
        return None

    def next_end(self, at: dt.datetime, horizon_days: int = 62) -> dt.datetime | None:
        """The first instant after `at` at which an open window is closed (a countdown's end).

        None when the window is not open at `at`, or stays open for `horizon_days` (an
        always-on or every-day promotion has no end to count down to). The window can only
        close at a boundary: a `during` end, an hour range's end, or a local midnight (where
        the day conditions change), so those are the only candidates, tried in time order.
        """
        if self.always or at.tzinfo is None or not self.contains(at):
            return None
        today = at.astimezone(self._zone).date()
        candidates = {end for ranges in self._ranges for _, end in ranges if end > at}
        ends = {r.end for h in self._hours for r in h.ranges if not r.to_midnight}
        for offset in range(horizon_days + 1):
            day = today + dt.timedelta(days=offset)
            walls = [dt.datetime.combine(day, t) for t in ends] + [
                dt.datetime.combine(day + _DAY, dt.time(0, 0))
            ]
            candidates.update(i for i in (resolve_wall_time(w, self._zone) for w in walls) if i > at)
        for instant in sorted(candidates):
            if not self.contains(instant):
                return instant
        return None

    def _openings(
        self,
        after: dt.datetime,
        earliest: dt.datetime,
        weekdays: list[int] | None,
        monthdays: list[int] | None,
    ) -> Iterator[dt.datetime]:
        """Recurring opening instants after `after`, in time order, from the day before `earliest`."""
        start_day = dt.datetime.combine(earliest.astimezone(self._zone).date() - _DAY, dt.time(0, 0))
        days = rrule.rrule(
            rrule.DAILY,
            dtstart=start_day,
            until=dt.datetime.combine(after.astimezone(self._zone).date(), dt.time(0, 0))
            + dt.timedelta(days=_LOOKAHEAD_DAYS),
            byweekday=weekdays,
            bymonthday=monthdays,
        )
        starts = sorted({r.start for h in self._hours for r in h.ranges} or {dt.time(0, 0)})
        for day in days:
            for t in starts:
                instant = resolve_wall_time(dt.datetime.combine(day.date(), t), self._zone)
                if instant > after:
                    yield instant


def describe_condition(cond: TimeCondition) -> str:
    """One time condition in words (as an operator would read it back)."""
    if isinstance(cond, During):
        return "during " + ", ".join(f"{_fmt_point(r.start)} to {_fmt_point(r.end)}" for r in cond.ranges)
    if isinstance(cond, OnWeekdays):
        return "every " + ", ".join(_WEEKDAY_NAMES[int(d)] for d in cond.days)
    if isinstance(cond, OnMonthDays):
        return "every month on day " + ", ".join(str(d) for d in cond.days)
    return "hours " + ", ".join(_fmt_range(r) for r in cond.ranges)


def compile_time(conditions: Sequence[TimeCondition], tz: str) -> TimeRule:
    """Compile a promotion's `when` conditions in zone `tz` (empty = always open)."""
    return TimeRule(conditions, tz)
