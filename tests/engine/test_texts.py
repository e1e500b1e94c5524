"""Customer texts (engine/texts.py) and true hints (engine/hints.py, engine/finish.py): issue 12."""

from __future__ import annotations

import pytest
from helpers import D, cart, line, load

from promokit.language.diagnostics import PromokitError

RULES = """scope produce "蔬果" = category "fruit", "veg"
promotion tiers "蔬果满减" {
  on produce
  满100减10, 满200减30
}
promotion fruit-80 "水果8折" {
  on category "fruit"
  8折
  exclusive group g
}
promotion gift "满150赠袋" {
  on produce
  满150赠 "BAG" x1
}
promotion vip "会员专享" {
  for level >= 3
  9折
  exclusive group g
}
"""


def test_reasons_and_hints_are_rendered_in_chinese_with_titles() -> None:
    result = load(RULES).price(cart(line("a", "60.00", 1, "veg")), locale="zh-CN")
    texts = {n.promotion: n.text for n in result.not_applied}
    assert texts["tiers"] == "「蔬果满减」还差¥40.00"
    assert texts["vip"] == "「会员专享」仅限指定用户参加"
    hints = {h.promotion: h for h in result.hints}
    assert hints["tiers"].text == "再买¥40.00蔬果，「蔬果满减」可再省¥10.00"
    assert hints["gift"].text == "再买¥90.00蔬果，即可获赠BAG×1（「满150赠袋」）"


def test_hints_carry_structured_fields() -> None:
    result = load(RULES).price(cart(line("a", "60.00", 1, "veg")))
    gift = next(h for h in result.hints if h.promotion == "gift")
    assert (gift.kind, gift.title, gift.scope, gift.scope_title) == ("spend", "满150赠袋", "produce", "蔬果")
    assert (gift.gift_sku, gift.gift_quantity, gift.shortfall) == ("BAG", 1, D("90.00"))
    assert gift.text == "add ¥90.00 of 蔬果 to get 1 x BAG free with 满150赠袋"  # en by default


def test_a_threshold_says_which_discounts_it_was_measured_after() -> None:
    result = load(RULES).price(cart(line("a", "100.00", 1, "fruit")), locale="zh-CN")
    text = next(n.text for n in result.not_applied if n.promotion == "gift")
    assert text == "「满150赠袋」还差¥70.00（按「水果8折」后的金额计算）"


def test_an_unknown_locale_is_a_promokit_error() -> None:
    with pytest.raises(PromokitError, match="unknown locale 'fr'"):
        load(RULES).price(cart(line("a", "60.00")), locale="fr")


def test_no_hint_for_a_promotion_refused_for_its_budget() -> None:
    rules = load("promotion b {\n 满100减20, 满200减50\n budget 10\n}")
    result = rules.price(cart(line("a", "150.00")))
    assert [n.reason for n in result.not_applied] == ["budget"]
    assert result.hints == ()


def test_no_hint_when_the_budget_cannot_pay_the_promise() -> None:
    rules = load("promotion b {\n 满100减50\n budget 10\n}")
    assert rules.price(cart(line("a", "60.00"))).hints == ()


def test_no_units_hint_past_the_unit_cap() -> None:
    rules = load("promotion b {\n 3 for 30\n limit 3 units per customer\n}")
    result = rules.price(cart(line("a", "15.00", 4)))
    assert [a.promotion for a in result.applied] == ["b"] and result.hints == ()
    uncapped = load("promotion b {\n 3 for 30\n}").price(cart(line("a", "15.00", 4)))
    assert [h.units for h in uncapped.hints] == [2]


def test_no_units_hint_for_a_bundle_that_would_save_nothing() -> None:
    result = load("promotion b {\n 3 for 30\n}").price(cart(line("a", "5.00", 1)))
    assert result.hints == ()
