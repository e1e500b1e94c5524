"""Linter: each lint fires on the mistake it names and stays quiet on the near miss."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from promokit.check.frontend import parse_text
from promokit.compile.compiler import infer_layer
from promokit.language.diagnostics import Diagnostic
from promokit.lint.linter import lint
from promokit.lint.search import layer_of

TODAY = dt.date(2026, 6, 1)


def run(text: str, **kw: object) -> list[Diagnostic]:
    checked = parse_text(text, "t.promo")
    return lint(checked.ast, today=kw.pop("today", TODAY), **kw)  # type: ignore[arg-type]


def codes(text: str, **kw: object) -> list[str]:
    return [d.code for d in run(text, **kw)]


TWO_ORDER = """
promotion a "A" {{
  {a}
  满100减20
}}
promotion b "B" {{
  {b}
  每满100减10
}}
"""


def overlap(a: str = "", b: str = "") -> list[str]:
    return [c for c in codes(TWO_ORDER.format(a=a, b=b)) if c == "L004"]


def test_two_undeclared_order_promotions_on_everything_overlap() -> None:
    found = [d for d in run(TWO_ORDER.format(a="", b="")) if d.code == "L004"]
    assert len(found) == 1
    assert found[0].span.line == 6  # the second promotion's id
    assert "'a' and 'b'" in found[0].message


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("exclusive group g", "exclusive group g"),
        ("exclusive", ""),
        ("stackable with b", ""),
        ("", "stackable with a"),
    ],
)
def test_declared_combinations_are_not_overlaps(a: str, b: str) -> None:
    assert overlap(a, b) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('on sku "A"', 'on sku "B"'),
        ('on category "fruit"', 'on category "fruit" except category "fruit"'),
        ("for new customer", "for orders >= 1"),
        ("for level >= 3", "for level < 2"),
        ('for region == "shanghai"', 'for region in ("beijing", "tianjin")'),
        ("during 2026-10-01 to 2026-10-07", "during 2026-11-01 to 2026-11-07"),
        ("every wednesday", "every thursday"),
        ("hours 08:00-10:00", "hours 10:00-12:00"),
        ('channel "app"', 'channel "web"'),
        ("experiment t variant A 50%", "experiment t variant B 50%"),  # one customer sees one variant
    ],
)
def test_promotions_that_cannot_meet_in_one_cart_do_not_overlap(a: str, b: str) -> None:
    assert overlap(a, b) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('on category "fruit"', 'on brand "dole"'),
        ("for level >= 3", "for level < 5"),
        ("hours 08:00-10:30", "hours 10:00-12:00"),
        ("during 2026-10-01 to 2026-10-07", "every tuesday"),
        ('on tag "organic"', 'on tag "imported"'),
        ("experiment t variant A 100%", "experiment t variant A 100%"),  # the same variant: together
    ],
)
def test_promotions_that_can_meet_overlap(a: str, b: str) -> None:
    assert overlap(a, b) == ["L004"]


def test_the_overlap_message_shows_the_worst_combined_discount_on_an_example_cart() -> None:
    import re

    (d,) = [d for d in run(TWO_ORDER.format(a="", b="")) if d.code == "L004"]
    m = re.search(
        r"at ¥([\d.]+) on .* gets ¥([\d.]+) off from the two together \(([\d.]+)%, (.+)\)$", d.message
    )
    assert m is not None, d.message
    spend, off, pct = (Decimal(m.group(i)) for i in (1, 2, 3))
    assert pct == (off / spend * 100).quantize(Decimal("0.1"))
    # At least what 满100减20 alone takes at 100 (20%), at most both actions' sum there (30%).
    assert Decimal(20) <= pct <= Decimal(30)
    assert m.group(4) in ("priced by the engine", "bound from the two actions")


def test_gifts_are_not_paired_as_overlaps() -> None:
    text = """
promotion a "A" {
  满100减20
}
promotion gift "G" {
  满199赠 "OIL" x1
}
"""
    assert "L004" not in codes(text)


def test_a_window_over_depends_on_today() -> None:
    text = 'promotion a "A" {\n  during 2026-05-01 to 2026-05-31\n  9折\n}\n'
    assert codes(text, today=dt.date(2026, 6, 1)) == ["L005"]
    assert codes(text, today=dt.date(2026, 5, 31)) == []


def test_only_a_fully_past_during_is_over() -> None:
    text = 'promotion a "A" {\n  during 2025-05-01 to 2025-05-31, 2026-10-01 to 2026-10-07\n  9折\n}\n'
    assert codes(text) == []


def test_a_window_whose_hours_fall_outside_its_dates_never_occurs() -> None:
    text = 'promotion a "A" {\n  during 2026-11-02 10:00 to 2026-11-02 11:00\n  hours 20:00-22:00\n  9折\n}\n'
    found = run(text)
    assert [d.code for d in found] == ["L006"] and found[0].span.line == 3


def test_a_wrapping_hour_range_reaches_into_the_next_day() -> None:
    # Sunday 22:00-02:00 covers Monday 01:00, which lies inside the Monday-only window.
    text = (
        'promotion a "A" {\n  during 2026-11-02 to 2026-11-02\n  every sunday\n'
        "  hours 22:00-02:00\n  9折\n}\n"
    )
    assert codes(text) == []


def test_a_recurring_day_found_in_a_long_range_occurs() -> None:
    text = 'promotion a "A" {\n  during 2026-01-01 to 2026-12-31\n  every month on 31\n  9折\n}\n'
    assert "L006" not in codes(text)


def test_a_single_zone_rule_set_needs_no_zone_per_promotion() -> None:
    text = 'timezone Asia/Shanghai\npromotion a "A" {\n  every wednesday\n  9折\n}\n'
    assert codes(text) == []


def test_a_segment_used_only_through_a_used_segment_counts_as_used() -> None:
    text = """
segment base = level >= 1
segment gold = base and level >= 3
segment orphan = base
promotion a "A" {
  for gold
  9折
}
"""
    found = run(text)
    assert [(d.code, d.message) for d in found] == [("L009", "segment 'orphan' is declared but never used")]


def test_a_per_day_limit_above_the_overall_limit_never_binds() -> None:
    text = 'promotion a "A" {\n  满100减20\n  limit 3 per customer per day\n  limit 2 per customer\n}\n'
    found = run(text)
    assert [d.code for d in found] == ["L010"] and found[0].span.line == 3


def test_limits_in_the_right_order_are_fine() -> None:
    text = 'promotion a "A" {\n  满100减20\n  limit 1 per customer per day\n  limit 2 per customer\n  limit 100 total\n}\n'
    assert codes(text) == []


def test_the_order_cap_makes_a_higher_tier_unreachable() -> None:
    text = 'order cap 20\npromotion a "A" {\n  满100减20, 满200减30\n}\n'
    found = run(text)
    assert [d.code for d in found] == ["L003"] and "`order cap 20`" in found[0].message


def test_a_catalogue_bounds_price_actions_in_the_rates() -> None:
    text = 'promotion a "A" {\n  on sku "X"\n  特价 2.00\n}\n'
    assert codes(text) == []  # no list price: no rate
    found = run(text, catalogue={"X": Decimal("10.00")})
    assert [d.code for d in found] == ["L011"] and "80.0%" in found[0].message


def test_max_rate_controls_the_rate_reports() -> None:
    text = 'promotion a "A" {\n  满100减30\n}\n'
    assert codes(text) == []
    assert codes(text, max_rate=Decimal("0.2")) == ["L011"]


def test_the_fixed_price_lints_need_a_catalogue() -> None:
    text = 'promotion a "A" {\n  on sku "X"\n  特价 12.00\n}\n'
    assert codes(text) == []
    assert codes(text, catalogue={"X": Decimal("10.00")}) == ["L002"]


@pytest.mark.parametrize(
    "body",
    [
        "满100减20",
        "9折",
        "9折 满100",
        "kind order\n  9折",
        '买2赠 "BAG" x1',
        "满99包邮",
        "每1元积1分",
        "特价 9.90",
        "买2赠1",
    ],
)
@pytest.mark.parametrize("is_coupon", [False, True])
def test_the_linters_layer_agrees_with_the_compiler(body: str, is_coupon: bool) -> None:
    head = 'coupon c "C" {\n  codes "C1"\n' if is_coupon else 'promotion c "C" {\n'
    checked = parse_text(head + "  " + body + "\n}\n", "t.promo")
    (p,) = checked.ast.promotions
    assert layer_of(p) is infer_layer(p)


def test_lint_refuses_a_rule_set_that_does_not_check() -> None:
    from promokit.check.checker import check
    from promokit.check.frontend import parse_file_ast
    from promokit.language.diagnostics import RuleError

    rule_file, _ = parse_file_ast('promotion a "A" {\n  on nowhere\n  9折\n}\n', "t.promo")
    assert rule_file is not None
    rules, _ = check([rule_file])
    with pytest.raises(RuleError) as exc:
        lint(rules, today=TODAY)
    assert [d.code for d in exc.value.diagnostics] == ["E011"]
