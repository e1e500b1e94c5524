"""`points ID on EVENT { ... }`: parsed, checked, formatted back (docs/points.md#points-for-actions)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from promokit.check.frontend import parse_text
from promokit.language import ast
from promokit.language.diagnostics import RuleError
from promokit.language.formatter import format_file

from .helpers import errors, parse

TEXT = """timezone Asia/Shanghai

promotion earn "消费积分" {
  earn 1 point per 1 x 2
}

points checkin-daily "每日签到" on checkin {
  earn 5 points
  streak 7 days earn 20 points
  limit 1 per customer per day
}

points member-day on checkin {
  every wednesday
  for level >= 1
  points x 2
  budget 10000 per day
}

mall tea-set "积分兑换茶具" {
  on sku "TEA-SET", sku "TEA-CUP"
  limit 1 per customer per day
  stock 100
}
"""


def test_a_points_rule_lowers_to_its_node() -> None:
    f = parse(TEXT)
    assert [p.id for p in f.promotions] == ["earn"]
    daily, member = f.points_rules
    assert (daily.id, daily.title, daily.event, daily.award) == ("checkin-daily", "每日签到", "checkin", 5)
    assert daily.streak is not None and (daily.streak.days, daily.streak.points) == (7, 20)
    assert daily.limits[0].per is ast.Per.CUSTOMER and daily.limits[0].per_day
    assert member.multiplier == Decimal(2) and member.award == 0 and member.audience is not None
    assert member.budget is not None and member.budget.per_day
    assert (daily.id_span.line, daily.id_span.col) == (7, 8)
    (mall,) = f.mall_items
    assert mall.id == "tea-set" and mall.stock is not None and mall.stock.units == 100


def test_formatting_gives_the_same_text_and_the_same_ast() -> None:
    f = parse(TEXT)
    text = format_file(f)
    assert text == TEXT
    assert ast.strip_spans(parse(text)) == ast.strip_spans(f)


@pytest.mark.parametrize(
    ("text", "code", "where", "words"),
    [
        ("points a on e {\n  earn 0 points\n}\n", "E091", (1, 8), "at least 1 point"),
        ("points a on e {\n  earn 5 points\n  limit 1 per order\n}\n", "E092", (3, 3), "no order"),
        (
            "points a on e {\n  earn 5 points\n}\npoints a on f {\n  earn 1 point\n}\n",
            "E090",
            (4, 8),
            "duplicate",
        ),
        ("points a on e {\n  points x 0\n}\n", "E091", (1, 8), "multiplier"),
        ("points a on e {\n  earn 5 points\n  for vip\n}\n", "E010", (3, 7), "unknown segment 'vip'"),
        ("points a on e {\n  earn 5 points\n  budget 10.5\n}\n", "E091", (3, 3), "whole number"),
        ("points a on e {\n  streak 1 days earn 5 points\n}\n", "E091", (2, 3), "2 or more"),
    ],
)
def test_bad_points_rules_name_the_place_and_the_fix(
    text: str, code: str, where: tuple[int, int], words: str
) -> None:
    with pytest.raises(RuleError) as caught:
        parse_text(text, "p.promo")
    found = [d for d in caught.value.diagnostics if d.code == code]
    assert found, caught.value.diagnostics
    assert (found[0].span.line, found[0].span.col) == where
    assert words in found[0].message and found[0].help
    rendered = str(caught.value)
    assert f"p.promo:{where[0]}:{where[1]}" in rendered and "^" in rendered


def test_syntax_errors_inside_a_points_rule_say_what_may_come() -> None:
    (d,) = errors("points a on e {\n  earn five points\n}\n")
    assert d.code.startswith("S") and (d.span.line, d.span.col) == (2, 8)
    (d,) = errors("points a on e {\n  give 5 points\n}\n")
    assert "earn 5 points" in d.message
    assert errors("points a {\n  earn 5 points\n}\n")  # the event is required


def test_a_points_rule_without_a_grant_is_an_error() -> None:
    (d,) = errors("points a on e {\n  limit 1 per customer\n}\n")
    assert d.code == "S032" and "grants nothing" in d.message


ZH = """points daily-checkin "每日签到" on checkin {
  每周三
  送5积分
  连续7天送20积分
  积分2倍
  每人每天限1次
}
"""


def test_the_chinese_notation_lowers_alike_and_formats_back_as_written() -> None:
    (zh,) = parse(ZH).points_rules
    assert (zh.award, zh.multiplier, zh.notation) == (5, Decimal(2), ast.Notation.ZH)
    assert zh.streak is not None and (zh.streak.days, zh.streak.points) == (7, 20)
    assert zh.limits[0].per_day
    assert format_file(parse(ZH)) == ZH
    english = ZH.replace("每周三", "every wednesday").replace("送5积分", "earn 5 points")
    english = english.replace("连续7天送20积分", "streak 7 days earn 20 points").replace(
        "积分2倍", "points x 2"
    )
    english = english.replace("每人每天限1次", "limit 1 per customer per day")
    assert format_file(parse(english)) == english
    assert ast.strip_spans(parse(english).points_rules[0]) == ast.strip_spans(
        dataclasses.replace(zh, notation=ast.Notation.EN)
    )


def test_points_x_inside_a_promotion_is_still_its_action() -> None:
    f = parse("promotion p {\n  points x 2\n}\npoints r on e {\n  points x 3\n}\n")
    assert isinstance(f.promotions[0].action, ast.PointsEarn) and f.points_rules[0].multiplier == 3
