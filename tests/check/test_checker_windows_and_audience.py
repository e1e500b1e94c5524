"""Checker: windows (date ranges, hours, days) and audience condition types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from promokit.language.ast import (
    Compare,
    CompareOp,
    DailyHours,
    DateRange,
    DateTimePoint,
    During,
    Fact,
    InList,
    OnMonthDays,
    OnWeekdays,
    Scope,
    SegmentDecl,
    Selector,
    SelectorKind,
    TimeRange,
    Weekday,
)

from .builders import at, codes, diags, only, promo, rule_file


def during(start: dt.date, end: dt.date, end_time: dt.time | None = None) -> During:
    r = DateRange(
        DateTimePoint(start, span=at(3, 10)), DateTimePoint(end, end_time, span=at(3, 25)), span=at(3, 10)
    )
    return During((r,), span=at(3, 3))


def test_a_date_only_end_on_the_start_day_is_a_one_day_window() -> None:
    assert codes(rule_file(promo(when=(during(dt.date(2026, 10, 1), dt.date(2026, 10, 1)),)))) == []


def test_a_window_ending_before_it_starts_is_an_error_at_the_range() -> None:
    diag = only("E040", rule_file(promo(when=(during(dt.date(2026, 10, 7), dt.date(2026, 10, 1)),))))
    assert (diag.span.line, diag.span.col) == (3, 10)
    assert "ends (2026-10-02 00:00) before it starts (2026-10-07 00:00)" in diag.message


def test_a_window_ending_at_midnight_of_its_start_day_is_empty() -> None:
    when = (during(dt.date(2026, 10, 1), dt.date(2026, 10, 1), dt.time(0, 0)),)
    assert codes(rule_file(promo(when=when))) == ["E040"]


def test_an_empty_hour_range_is_an_error_but_midnight_wrap_and_full_day_are_fine() -> None:
    empty = DailyHours((TimeRange(dt.time(10), dt.time(10), span=at(4, 9)),), span=at(4, 3))
    wrap = DailyHours((TimeRange(dt.time(22), dt.time(2), span=at(4, 9)),), span=at(4, 3))
    full = DailyHours((TimeRange(dt.time(0), dt.time(0), to_midnight=True, span=at(4, 9)),), span=at(4, 3))
    diag = only("E041", rule_file(promo(when=(empty,))))
    assert (diag.span.line, diag.span.col) == (4, 9) and "10:00-10:00" in diag.message
    assert codes(rule_file(promo(when=(wrap,)))) == []
    assert codes(rule_file(promo(when=(full,)))) == []


def test_month_days_outside_1_to_31_are_errors_and_29_to_31_warn() -> None:
    assert codes(rule_file(promo(when=(OnMonthDays((0, 32), span=at(4)),)))) == ["E042", "E042"]
    found = diags(rule_file(promo(when=(OnMonthDays((8, 31), span=at(4)),))))
    assert [(x.code, x.severity) for x in found] == [("W001", "warning")]
    assert codes(rule_file(promo(when=(OnMonthDays((8, 18, 28), span=at(4)),)))) == []


def test_duplicate_weekdays_and_month_days_warn() -> None:
    wd = OnWeekdays((Weekday.WED, Weekday.FRI, Weekday.WED), span=at(4))
    assert codes(rule_file(promo(when=(wd,)))) == ["W002"]
    assert codes(rule_file(promo(when=(OnMonthDays((8, 8), span=at(4)),)))) == ["W003"]


def test_comparing_a_number_fact_with_text_is_an_error() -> None:
    cond = Compare(Fact.LEVEL, CompareOp.GE, "gold", span=at(4, 7, 13))
    diag = only("E070", rule_file(promo(audience=cond)))
    assert diag.span.col == 7 and "not a number" in diag.message


def test_ordering_a_text_fact_is_an_error() -> None:
    cond = Compare(Fact.REGION, CompareOp.LT, "m", span=at(4, 7))
    assert codes(rule_file(promo(audience=cond))) == ["E071"]


def test_list_values_of_the_wrong_type_are_errors() -> None:
    cond = InList(Fact.REGION, ("shanghai", Decimal(3)), span=at(4))
    assert codes(rule_file(promo(audience=cond))) == ["E070"]


def test_segment_conditions_are_type_checked_too() -> None:
    seg = SegmentDecl("s", Compare(Fact.REGISTERED, CompareOp.GE, Decimal(1), span=at(1)), span=at(1))
    assert codes(rule_file(segments=(seg,))) == ["E070"]


def test_custom_attributes_take_any_literal_but_booleans_have_no_order() -> None:
    ok = Compare(Fact.ATTRIBUTE, CompareOp.EQ, True, attribute="card", span=at(4))
    bad = Compare(Fact.ATTRIBUTE, CompareOp.GT, True, attribute="card", span=at(4))
    assert codes(rule_file(promo(audience=ok))) == []
    assert codes(rule_file(promo(audience=bad))) == ["E071"]


def test_a_scope_excluding_all_it_includes_warns() -> None:
    scope = Scope(
        (Selector(SelectorKind.SKU, ("A",)),), (Selector(SelectorKind.SKU, ("A", "B")),), span=at(4)
    )
    assert codes(rule_file(promo(scope=scope))) == ["W009"]
    narrower = Scope((Selector(SelectorKind.CATEGORY, ("fruit",)),), (Selector(SelectorKind.SKU, ("A",)),))
    assert codes(rule_file(promo(scope=narrower))) == []


def test_an_empty_selector_is_an_error() -> None:
    scope = Scope((Selector(SelectorKind.SKU, (), span=at(4, 6)),))
    assert codes(rule_file(promo(scope=scope))) == ["E039"]


def test_weekday_lines_with_no_day_in_common_never_open() -> None:
    mon = OnWeekdays((Weekday.MON,), span=at(3))
    tue = OnWeekdays((Weekday.TUE, Weekday.TUE), span=at(4))
    found = diags(rule_file(promo(when=(mon, tue))))
    e043 = [x for x in found if x.code == "E043"]
    assert len(e043) == 1 and e043[0].span.line == 4


def test_a_date_range_without_the_weekday_never_opens() -> None:
    # 2026-11-02 .. 2026-11-04 is Monday to Wednesday.
    when = (during(dt.date(2026, 11, 2), dt.date(2026, 11, 4)), OnWeekdays((Weekday.SUN,), span=at(4)))
    diag = only("E043", rule_file(promo(when=when)))
    assert "no day from 2026-11-02 to 2026-11-04 matches its days" in diag.message


def test_day_31_inside_a_30_day_month_never_opens() -> None:
    when = (during(dt.date(2026, 11, 1), dt.date(2026, 11, 30)), OnMonthDays((31,), span=at(4)))
    assert "E043" in codes(rule_file(promo(when=when)))
    longer = (during(dt.date(2026, 11, 1), dt.date(2026, 12, 31)), OnMonthDays((31,), span=at(4)))
    assert "E043" not in codes(rule_file(promo(when=longer)))


def test_hours_lines_with_no_time_in_common_never_open() -> None:
    a = DailyHours((TimeRange(dt.time(8), dt.time(10), span=at(3)),), span=at(3))
    b = DailyHours((TimeRange(dt.time(10), dt.time(12), span=at(4)),), span=at(4))
    assert codes(rule_file(promo(when=(a, b)))) == ["E043"]
    c = DailyHours((TimeRange(dt.time(22), dt.time(9), span=at(4)),), span=at(4))
    assert codes(rule_file(promo(when=(a, c)))) == []


def test_a_wrapping_range_lets_the_next_day_in() -> None:
    # Sunday 22:00-02:00 reaches Monday 2026-11-02 01:00.
    hours = DailyHours((TimeRange(dt.time(22), dt.time(2), span=at(5)),), span=at(5))
    when = (during(dt.date(2026, 11, 2), dt.date(2026, 11, 2)), OnWeekdays((Weekday.SUN,), span=at(4)), hours)
    assert codes(rule_file(promo(when=when))) == []


def test_an_already_broken_window_is_not_also_reported_as_never_opening() -> None:
    when = (during(dt.date(2026, 11, 7), dt.date(2026, 11, 1)), OnWeekdays((Weekday.SUN,), span=at(4)))
    assert codes(rule_file(promo(when=when))) == ["E040"]
