"""Time windows: boundaries in the rule's zone (not UTC), recurring rules, DST transitions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from promokit.compile.windows import compile_time, local_day, resolve_wall_time
from promokit.language.ast import (
    DailyHours,
    DateRange,
    DateTimePoint,
    During,
    OnMonthDays,
    OnWeekdays,
    TimeRange,
    Weekday,
)

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def during(
    start: dt.date, end: dt.date, start_t: dt.time | None = None, end_t: dt.time | None = None
) -> During:
    return During(
        ranges=(
            DateRange(start=DateTimePoint(date=start, time=start_t), end=DateTimePoint(date=end, time=end_t)),
        )
    )


def hours(*ranges: tuple[int, int, bool]) -> DailyHours:
    return DailyHours(
        ranges=tuple(TimeRange(start=dt.time(s), end=dt.time(e % 24), to_midnight=m) for s, e, m in ranges)
    )


NATIONAL_DAY = during(dt.date(2026, 10, 1), dt.date(2026, 10, 7))


def test_no_conditions_means_always_open() -> None:
    rule = compile_time([], "Asia/Shanghai")
    assert rule.contains(dt.datetime(1999, 1, 1, tzinfo=UTC))
    assert rule.describe() == "always"
    assert rule.failure(dt.datetime(1999, 1, 1, tzinfo=UTC)) is None


def test_date_only_start_opens_at_local_midnight_not_utc_midnight() -> None:
    rule = compile_time([NATIONAL_DAY], "Asia/Shanghai")
    # 2026-10-01 00:00 in Shanghai is 2026-09-30 16:00 UTC.
    assert not rule.contains(dt.datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC))
    assert rule.contains(dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC))


def test_date_only_end_runs_through_the_end_of_that_local_day() -> None:
    rule = compile_time([NATIONAL_DAY], "Asia/Shanghai")
    assert rule.contains(dt.datetime(2026, 10, 7, 23, 59, 59, tzinfo=SH))
    assert not rule.contains(dt.datetime(2026, 10, 8, 0, 0, tzinfo=SH))
    assert not rule.contains(dt.datetime(2026, 10, 7, 16, 0, tzinfo=UTC))


def test_an_end_with_a_time_is_exclusive() -> None:
    rule = compile_time(
        [during(dt.date(2026, 12, 24), dt.date(2026, 12, 26), dt.time(18), dt.time(12))], "Asia/Shanghai"
    )
    assert not rule.contains(dt.datetime(2026, 12, 24, 17, 59, tzinfo=SH))
    assert rule.contains(dt.datetime(2026, 12, 24, 18, 0, tzinfo=SH))
    assert rule.contains(dt.datetime(2026, 12, 26, 11, 59, 59, tzinfo=SH))
    assert not rule.contains(dt.datetime(2026, 12, 26, 12, 0, tzinfo=SH))


def test_the_same_instant_is_inside_in_one_zone_and_outside_in_another() -> None:
    at = dt.datetime(2026, 10, 7, 20, 0, tzinfo=UTC)  # 8 Oct 04:00 in Shanghai, 7 Oct 16:00 in New York
    assert not compile_time([NATIONAL_DAY], "Asia/Shanghai").contains(at)
    assert compile_time([NATIONAL_DAY], "America/New_York").contains(at)


def test_items_of_one_during_are_alternatives() -> None:
    cond = During(
        ranges=(
            DateRange(
                start=DateTimePoint(date=dt.date(2026, 1, 1)), end=DateTimePoint(date=dt.date(2026, 1, 1))
            ),
            DateRange(
                start=DateTimePoint(date=dt.date(2026, 2, 1)), end=DateTimePoint(date=dt.date(2026, 2, 1))
            ),
        )
    )
    rule = compile_time([cond], "Asia/Shanghai")
    assert rule.contains(dt.datetime(2026, 1, 1, 12, tzinfo=SH))
    assert rule.contains(dt.datetime(2026, 2, 1, 12, tzinfo=SH))
    assert not rule.contains(dt.datetime(2026, 1, 15, 12, tzinfo=SH))


def test_weekday_is_the_weekday_in_the_rules_zone() -> None:
    rule = compile_time([OnWeekdays(days=(Weekday.WED,))], "Asia/Shanghai")
    # Tuesday 2026-11-24 16:00 UTC is Wednesday 00:00 in Shanghai.
    assert rule.contains(dt.datetime(2026, 11, 24, 16, 0, tzinfo=UTC))
    assert not rule.contains(dt.datetime(2026, 11, 24, 15, 59, tzinfo=UTC))
    assert not rule.contains(dt.datetime(2026, 11, 25, 16, 0, tzinfo=UTC))  # Thursday in Shanghai


def test_month_days_that_a_month_lacks_do_not_occur() -> None:
    rule = compile_time([OnMonthDays(days=(31,))], "Asia/Shanghai")
    assert rule.contains(dt.datetime(2026, 10, 31, 9, tzinfo=SH))
    assert not any(rule.contains(dt.datetime(2026, 11, d, 9, tzinfo=SH)) for d in range(1, 31))
    assert rule.next_start(dt.datetime(2026, 11, 1, tzinfo=SH)) == dt.datetime(2026, 12, 31, tzinfo=SH)


def test_hour_ranges_are_half_open() -> None:
    rule = compile_time([hours((20, 22, False))], "Asia/Shanghai")
    assert not rule.contains(dt.datetime(2026, 11, 24, 19, 59, 59, tzinfo=SH))
    assert rule.contains(dt.datetime(2026, 11, 24, 20, 0, tzinfo=SH))
    assert not rule.contains(dt.datetime(2026, 11, 24, 22, 0, tzinfo=SH))


def test_an_hour_range_ending_at_24_00_runs_to_midnight() -> None:
    rule = compile_time([hours((20, 24, True))], "Asia/Shanghai")
    assert rule.contains(dt.datetime(2026, 11, 24, 23, 59, 59, tzinfo=SH))
    assert not rule.contains(dt.datetime(2026, 11, 25, 0, 0, tzinfo=SH))
    assert rule.describe() == "hours 20:00-24:00 (Asia/Shanghai)"


def test_a_wrapping_hour_range_covers_both_sides_of_midnight() -> None:
    rule = compile_time([hours((22, 2, False))], "Asia/Shanghai")
    assert rule.contains(dt.datetime(2026, 11, 24, 23, 0, tzinfo=SH))
    assert rule.contains(dt.datetime(2026, 11, 25, 1, 59, tzinfo=SH))
    assert not rule.contains(dt.datetime(2026, 11, 25, 2, 0, tzinfo=SH))
    assert not rule.contains(dt.datetime(2026, 11, 25, 21, 59, tzinfo=SH))


def test_the_hours_after_midnight_of_a_wrapping_range_belong_to_the_day_it_started() -> None:
    friday_night = compile_time([OnWeekdays(days=(Weekday.FRI,)), hours((22, 2, False))], "Asia/Shanghai")
    assert friday_night.contains(dt.datetime(2026, 11, 27, 22, 30, tzinfo=SH))  # Friday
    assert friday_night.contains(dt.datetime(2026, 11, 28, 1, 30, tzinfo=SH))  # Saturday, Friday's night
    assert not friday_night.contains(dt.datetime(2026, 11, 27, 1, 30, tzinfo=SH))  # Thursday's night
    detail = friday_night.failure(dt.datetime(2026, 11, 27, 1, 30, tzinfo=SH))
    assert detail is not None and "count as Thursday" in detail and "opens 2026-11-27 22:00" in detail


def test_conditions_of_different_kinds_must_all_hold() -> None:
    rule = compile_time(
        [NATIONAL_DAY, OnWeekdays(days=(Weekday.SAT,)), hours((10, 12, False))], "Asia/Shanghai"
    )
    assert rule.contains(dt.datetime(2026, 10, 3, 11, tzinfo=SH))  # Saturday in the holiday
    assert not rule.contains(dt.datetime(2026, 10, 3, 13, tzinfo=SH))  # wrong hour
    assert not rule.contains(dt.datetime(2026, 10, 2, 11, tzinfo=SH))  # Friday
    assert not rule.contains(dt.datetime(2026, 10, 10, 11, tzinfo=SH))  # Saturday after the holiday


def test_failure_names_the_failing_condition_and_the_next_opening() -> None:
    rule = compile_time([OnWeekdays(days=(Weekday.WED,))], "Asia/Shanghai")
    detail = rule.failure(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH))
    assert detail == (
        "outside its window: every Wednesday (Asia/Shanghai); now Thursday 2026-11-26 10:00; "
        "opens 2026-12-02 00:00"
    )
    assert rule.failure(dt.datetime(2026, 11, 25, 10, 0, tzinfo=SH)) is None


def test_next_start_is_none_when_the_window_has_passed() -> None:
    rule = compile_time([NATIONAL_DAY], "Asia/Shanghai")
    assert rule.next_start(dt.datetime(2027, 1, 1, tzinfo=SH)) is None


def test_naive_instants_are_refused() -> None:
    rule = compile_time([NATIONAL_DAY], "Asia/Shanghai")
    with pytest.raises(ValueError, match="naive"):
        rule.contains(dt.datetime(2026, 10, 2))
    with pytest.raises(ValueError, match="naive"):
        local_day(dt.datetime(2026, 10, 2), "Asia/Shanghai")


def test_an_unknown_zone_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        compile_time([], "Mars/Olympus")


def test_local_day_is_the_calendar_day_in_the_zone() -> None:
    at = dt.datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    assert local_day(at, "Asia/Shanghai") == dt.date(2026, 11, 25)
    assert local_day(at, "America/New_York") == dt.date(2026, 11, 24)


# ----------------------------------------------------------------------------- DST


def test_a_nonexistent_wall_time_resolves_to_the_moment_clocks_jump() -> None:
    # New York springs forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC).
    assert resolve_wall_time(dt.datetime(2026, 3, 8, 2, 30), NY) == dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    # Berlin springs forward 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC).
    assert resolve_wall_time(dt.datetime(2026, 3, 29, 2, 15), BERLIN) == dt.datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )


def test_an_ambiguous_wall_time_resolves_to_its_first_occurrence() -> None:
    # New York falls back 2026-11-01 02:00 EDT -> 01:00 EST; 01:30 happens twice.
    assert resolve_wall_time(dt.datetime(2026, 11, 1, 1, 30), NY) == dt.datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )
    # Berlin falls back 2026-10-25 03:00 CEST -> 02:00 CET.
    assert resolve_wall_time(dt.datetime(2026, 10, 25, 2, 30), BERLIN) == dt.datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_a_window_starting_inside_the_spring_gap_opens_when_clocks_jump() -> None:
    rule = compile_time(
        [during(dt.date(2026, 3, 8), dt.date(2026, 3, 9), dt.time(2, 30), None)], "America/New_York"
    )
    assert not rule.contains(dt.datetime(2026, 3, 8, 6, 59, 59, tzinfo=UTC))  # 01:59:59 EST
    assert rule.contains(dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC))  # 03:00 EDT


def test_a_window_ending_in_the_fall_back_overlap_ends_at_the_first_occurrence() -> None:
    rule = compile_time(
        [during(dt.date(2026, 10, 31), dt.date(2026, 11, 1), None, dt.time(1, 30))], "America/New_York"
    )
    assert rule.contains(dt.datetime(2026, 11, 1, 5, 29, tzinfo=UTC))  # 01:29 EDT
    assert not rule.contains(dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC))  # 01:30 EDT
    assert not rule.contains(dt.datetime(2026, 11, 1, 6, 45, tzinfo=UTC))  # 01:45 EST, the second 01:45


def test_a_day_long_window_is_23_or_25_hours_on_dst_days() -> None:
    spring = compile_time([during(dt.date(2026, 3, 29), dt.date(2026, 3, 29))], "Europe/Berlin")
    autumn = compile_time([during(dt.date(2026, 10, 25), dt.date(2026, 10, 25))], "Europe/Berlin")
    assert spring.contains(dt.datetime(2026, 3, 29, 21, 59, tzinfo=UTC))  # 23:59 CEST
    assert not spring.contains(dt.datetime(2026, 3, 29, 22, 0, tzinfo=UTC))
    assert autumn.contains(dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC))  # 00:00 CEST
    assert autumn.contains(dt.datetime(2026, 10, 25, 22, 59, tzinfo=UTC))  # 23:59 CET
    assert not autumn.contains(dt.datetime(2026, 10, 25, 23, 0, tzinfo=UTC))


def test_recurring_hours_compare_wall_clock_time_across_dst() -> None:
    rule = compile_time([hours((1, 2, False))], "America/New_York")
    # Both 01:30 EDT (05:30 UTC) and 01:30 EST (06:30 UTC) read 01:30 on the wall clock.
    assert rule.contains(dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
    assert rule.contains(dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC))
    # Every evening 20:00 local is 01:00 UTC in winter and 00:00 UTC in summer.
    evening = compile_time([hours((20, 21, False))], "America/New_York")
    assert evening.contains(dt.datetime(2026, 1, 15, 1, 0, tzinfo=UTC))
    assert evening.contains(dt.datetime(2026, 7, 15, 0, 0, tzinfo=UTC))
    assert not evening.contains(dt.datetime(2026, 7, 15, 1, 0, tzinfo=UTC))


def test_an_hour_range_inside_the_spring_gap_does_not_occur_that_day() -> None:
    rule = compile_time([hours((2, 3, False))], "America/New_York")
    day = [dt.datetime(2026, 3, 8, 6, 0, tzinfo=UTC) + dt.timedelta(minutes=15 * i) for i in range(8)]
    assert not any(rule.contains(at) for at in day)
    # The next opening is the next day's 02:00 EDT.
    assert rule.next_start(dt.datetime(2026, 3, 8, 5, 0, tzinfo=UTC)) == dt.datetime(
        2026, 3, 9, 6, 0, tzinfo=UTC
    )
