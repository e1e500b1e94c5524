"""W020-W022: rules that are valid but would silently do nothing (check/silent.py, issue 12)."""

from __future__ import annotations

import pytest

from promokit.check.frontend import parse_text


def warnings_of(text: str) -> list[tuple[str, int, int]]:
    checked = parse_text(text, "t.promo")
    return [(d.code, d.span.line, d.span.col) for d in checked.warnings]


@pytest.mark.parametrize(
    "window", ["every wednesday", "每周三", "每天20:00-22:00", "hours 10:00-12:00", "每月8号"]
)
def test_a_recurring_window_without_a_timezone_warns_at_the_window(window: str) -> None:
    assert warnings_of(f"promotion p {{\n  {window}\n  9折\n}}\n") == [("W020", 2, 3)]


@pytest.mark.parametrize("zone", ["timezone Asia/Shanghai\n", "promotion q {\n  timezone UTC\n  9折\n}\n"])
def test_an_explicit_timezone_silences_w020(zone: str) -> None:
    text = "promotion p {\n  every wednesday\n  9折\n}\n"
    if zone.startswith("timezone"):
        assert warnings_of(zone + text) == []
    else:  # a zone on another promotion does not help this one
        assert ("W020", 2, 3) in warnings_of(text + zone)
    assert warnings_of("promotion p {\n  timezone Asia/Shanghai\n  every wednesday\n  9折\n}\n") == []


def test_a_fixed_date_range_does_not_need_a_timezone_warning() -> None:
    assert warnings_of("promotion p {\n  during 2026-11-11 to 2026-11-12\n  9折\n}\n") == []


@pytest.mark.parametrize(
    ("selector", "fixed"),
    [
        ('category "fruit "', 'category "fruit"'),
        ('sku " A1"', 'sku "A1"'),
        ('brand "ＡＰＰＬＥ"', 'brand "APPLE"'),
    ],
)
def test_names_with_spaces_or_full_width_characters_warn_with_the_fix(selector: str, fixed: str) -> None:
    checked = parse_text(f"promotion p {{\n  on {selector}\n  9折\n}}\n", "t.promo")
    [d] = checked.warnings
    assert (d.code, d.span.line, d.span.col) == ("W021", 2, 6)
    assert d.help == f"write {fixed}"


def test_clean_chinese_names_do_not_warn() -> None:
    assert warnings_of('promotion p {\n  on category "水果", "蔬菜"\n  9折\n}\n') == []


def test_a_scope_empty_through_named_scopes_warns() -> None:
    text = (
        'scope fresh = category "fruit"\nscope produce = category "fruit", "veg"\n'
        "promotion p {\n  on fresh except produce\n  9折\n}\n"
    )
    assert warnings_of(text) == [("W022", 4, 6)]


def test_a_named_scope_excluding_only_part_of_it_does_not_warn() -> None:
    text = (
        'scope fresh = category "fruit", "veg"\nscope fruit = category "fruit"\n'
        "promotion p {\n  on fresh except fruit\n  9折\n}\n"
    )
    assert warnings_of(text) == []
