"""Chinese input habits read as the operator meant (language/habits.py, issue 12)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promokit.language.ast import strip_spans
from promokit.language.habits import normalise

from .helpers import parse

SAME = [
    ("每天20：00-22：00\n  9折", "每天20:00-22:00\n  9折"),
    ("满100元减20元", "满100减20"),
    ("特价 1,299.00", "特价 1299.00"),
    ("特价 1299.00元", "特价 1299.00"),
    ("特价 ¥1299", "特价 1299"),
    ("特价 ￥1,299", "特价 1299"),
    ("for level ＞＝ 3\n  9折", "for level >= 3\n  9折"),
    ("for level ＜ 3\n  9折", "for level < 3\n  9折"),
    ("during 2026/11/11 to 2026/11/12\n  9折", "during 2026-11-11 to 2026-11-12\n  9折"),
    ("during 2026年11月11日 to 2026年11月12日\n  9折", "during 2026-11-11 to 2026-11-12\n  9折"),
    ("during 2026年1月5日 to 2026年1月7日\n  9折", "during 2026-01-05 to 2026-01-07\n  9折"),
    ("预算50,000\n  9折", "预算50000\n  9折"),
    ("9．5折", "9.5折"),
]


def _meaning(text: str):  # type: ignore[no-untyped-def]
    return dataclasses.replace(strip_spans(parse(text, "t.promo")), name="")


@pytest.mark.parametrize(("habit", "plain"), SAME, ids=[h for h, _ in SAME])
def test_a_habit_parses_to_the_same_rule_as_the_plain_notation(habit: str, plain: str) -> None:
    wrap = "promotion p {{\n  {}\n}}\n"
    assert _meaning(wrap.format(habit)) == _meaning(wrap.format(plain))


@pytest.mark.parametrize("kept", ["10元任选3件", "每1元积1分", "100积分抵1元 最多抵20%", "买2赠1"])
def test_yuan_that_is_part_of_the_notation_stays(kept: str) -> None:
    assert normalise(kept) == kept


def test_strings_and_comments_are_never_rewritten() -> None:
    text = 'promotion p "¥1,000元：大促" {  # ￥5元：note\n  on sku "A：1"\n  9折\n}\n'
    assert normalise(text) == text


def test_a_list_of_numbers_is_not_read_as_thousands() -> None:
    assert normalise("level in (100,200)") == "level in (100,200)"


@given(st.text(alphabet='0123456789,./年月日元¥￥：＞＝＜！．"# abc满减\n', max_size=60))
def test_normalising_keeps_length_and_line_breaks(text: str) -> None:
    out = normalise(text)
    assert len(out) == len(text)
    assert [i for i, ch in enumerate(out) if ch == "\n"] == [i for i, ch in enumerate(text) if ch == "\n"]


def test_habits_never_change_a_declaration_that_parses_as_written() -> None:
    # `0元` is a composed offer's free unit price: the `元` is notation there, not a habit
    text = 'promotion a {\n  on sku "TEA"\n  0元\n}\npromotion b {\n  满100元减20元\n}\n'
    rule_file = parse(text, "t.promo")
    assert [p.id for p in rule_file.promotions] == ["a", "b"]
