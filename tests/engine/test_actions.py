"""Every action at its edges: exactly at a threshold, one cent below, caps reached, zero savings."""

from __future__ import annotations

from decimal import Decimal

from helpers import D, applied, cart, check_invariants, line, load, reasons

TIERS = """
promotion full "满减" {
  满100减20, 满200减50
}
"""


def price(rules_text: str, *lines: dict[str, object], **kw: object):  # type: ignore[no-untyped-def]
    result = load(rules_text).price(cart(*lines, **kw))
    check_invariants(result)
    return result


def test_a_tier_threshold_is_inclusive():
    result = price(TIERS, line("a", "100.00"))
    assert applied(result) == {"full": D("20.00")}
    assert result.total == D("80.00")


def test_one_cent_below_a_tier_reports_the_shortfall():
    result = price(TIERS, line("a", "99.99"))
    assert result.discount == 0
    miss = result.not_applied[0]
    assert (miss.reason, miss.shortfall) == ("threshold", D("0.01"))
    assert result.hints[0].shortfall == D("0.01") and result.hints[0].unlocks == D("20.00")


def test_the_highest_reached_tier_applies_alone():
    result = price(TIERS, line("a", "120.00"), line("b", "80.00"))
    assert result.discount == D("50.00")
    assert [a.amount for ln in result.lines for a in ln.adjustments] == [D("30.00"), D("20.00")]


def test_an_unmet_higher_tier_gives_a_hint_with_what_it_unlocks():
    result = price(TIERS, line("a", "150.00"))
    hint = result.hints[0]
    assert hint.shortfall == D("50.00") and hint.unlocks == D("30.00")
    assert "¥50.00" in hint.message


def test_every_x_off_y_repeats_up_to_its_cap():
    rules = "promotion e {\n every 100 get 10 off up to 30\n}"
    assert price(rules, line("a", "299.99")).discount == D("20.00")
    assert price(rules, line("a", "300.00")).discount == D("30.00")
    capped = price(rules, line("a", "1000.00"))
    assert capped.discount == D("30.00") and not capped.hints


def test_percentage_is_rounded_per_line_and_totals_the_lines():
    rules = "promotion p {\n 8.5折\n}"
    result = price(rules, line("a", "0.33"), line("b", "0.33"), line("c", "0.33"))
    # 15% of 0.33 is 0.0495 -> 0.05 per line (half-up); the total is the sum of the lines
    assert [ln.discount for ln in result.lines] == [D("0.05")] * 3
    assert result.discount == D("0.15")


def test_percentage_cap_is_apportioned_to_the_lines():
    rules = "promotion p {\n 20% off up to 30\n}"
    result = price(rules, line("a", "100.00"), line("b", "100.00"))
    assert result.discount == D("30.00")
    assert [ln.discount for ln in result.lines] == [D("15.00"), D("15.00")]


def test_order_percentage_needs_its_minimum_spend():
    rules = "promotion p {\n 10% off over 100\n}"
    assert price(rules, line("a", "100.00")).discount == D("10.00")
    below = price(rules, line("a", "99.99"))
    assert below.discount == 0 and reasons(below) == {"p": "threshold"}


def test_fixed_amount_off_each_unit_never_goes_below_zero():
    rules = "promotion p {\n 5 off each\n}"
    result = price(rules, line("a", "3.00", 2), line("b", "10.00", 1))
    assert [ln.discount for ln in result.lines] == [D("6.00"), D("5.00")]
    assert all(ln.total >= 0 for ln in result.lines)


def test_special_price_above_the_list_price_saves_nothing():
    rules = 'promotion sp {\n on sku "A"\n price 12.00\n}'
    result = price(rules, line("a", "10.00", sku="A"))
    assert result.discount == 0 and reasons(result) == {"sp": "no_saving"}
    assert price(rules, line("a", "15.00", 2, sku="A")).discount == D("6.00")


def test_flash_units_over_the_per_customer_limit_pay_the_normal_price():
    rules = 'promotion f {\n on sku "EGG"\n flash price 1.00 limit 2 per customer stock 500\n}'
    result = price(rules, line("e", "3.00", 5, sku="EGG"))
    assert result.discount == D("4.00")
    assert result.lines[0].adjustments[0].units == 2


def test_flash_stock_smaller_than_the_limit_caps_units():
    rules = 'promotion f {\n on sku "EGG"\n flash price 1.00 limit 5 per customer stock 1\n}'
    assert price(rules, line("e", "3.00", 5, sku="EGG")).discount == D("2.00")


def test_group_price_needs_the_group_size():
    rules = 'promotion g {\n on sku "EGG"\n group price 2.00 for 3 people\n}'
    small = price(rules, line("e", "3.00", 5, sku="EGG"), group={"id": "g", "size": 2})
    assert reasons(small) == {"g": "group_size"}
    exact = price(rules, line("e", "3.00", 5, sku="EGG"), group={"id": "g", "size": 3})
    assert exact.discount == D("5.00")


def test_buy_two_get_one_free_takes_the_cheapest_units():
    rules = 'promotion b {\n on category "yog"\n buy 2 get 1 free\n}'
    result = price(rules, line("a", "5.00", 2, "yog"), line("b", "3.00", 1, "yog"))
    assert result.discount == D("3.00")
    assert {ln.id: ln.discount for ln in result.lines} == {"a": 0, "b": D("3.00")}


def test_buy_two_get_one_free_with_two_units_hints_the_missing_unit():
    rules = 'promotion b {\n on sku "YOG"\n buy 2 get 1 free\n}'
    result = price(rules, line("y", "5.00", 2, sku="YOG"))
    assert reasons(result) == {"b": "threshold"}
    assert result.hints[0].units == 1


def test_second_unit_half_price_discounts_every_second_unit():
    rules = 'promotion h {\n on sku "YOG"\n 第二件半价\n}'
    assert price(rules, line("y", "5.00", 4, sku="YOG")).discount == D("5.00")
    one = price(rules, line("y", "5.00", 1, sku="YOG"))
    assert one.discount == 0 and one.hints[0].units == 1


def test_n_for_p_bundles_use_the_dearest_units():
    rules = 'promotion b {\n on category "snack"\n 10元任选3件\n}'
    result = price(
        rules, line("a", "5.00", 2, "snack"), line("b", "3.00", 2, "snack"), line("c", "2.00", 1, "snack")
    )
    assert result.discount == D("3.00")  # 5 + 5 + 3 for 10
    assert result.lines[2].discount == 0


def test_a_bundle_dearer_than_its_units_does_not_apply():
    rules = 'promotion b {\n on category "snack"\n 10元任选3件\n}'
    result = price(rules, line("a", "3.00", 3, "snack"))
    assert reasons(result) == {"b": "no_saving"}


def test_gifts_repeat_up_to_their_cap_and_spend_gifts_need_the_threshold():
    rules = (
        'promotion gb {\n buy 2 get gift "BAG" x 1 repeat up to 3\n}\n'
        'promotion gs {\n spend 199 get gift "OIL" x 1\n}'
    )
    result = price(rules, line("a", "25.00", 9))
    assert {(g.sku, g.quantity) for g in result.gifts} == {("BAG", 3), ("OIL", 1)}
    low = price(rules, line("a", "99.00", 2))
    assert {(g.sku, g.quantity) for g in low.gifts} == {("BAG", 1)}
    assert reasons(low)["gs"] == "threshold"


def test_free_shipping_over_a_threshold_never_goes_below_zero():
    rules = "promotion s {\n 满99包邮\n}\npromotion s5 {\n shipping 5 off over 59\n}"
    result = price(rules, line("a", "99.00"), shipping="3.00")
    assert result.shipping == 0 and result.shipping_discount == D("3.00")
    below = price(rules, line("a", "98.99"), shipping="8.00")
    assert below.shipping == D("3.00")


def test_points_redeem_is_capped_as_a_share_of_the_order_and_apportioned():
    rules = "promotion r {\n redeem 100 points per 1 up to 20%\n}"
    result = price(
        rules, line("a", "60.00"), line("b", "40.00"), customer={"points": 5000}, redeem_points=5000
    )
    assert result.discount == D("20.00") and result.points_redeemed == 2000
    assert [ln.discount for ln in result.lines] == [D("12.00"), D("8.00")]


def test_points_earned_on_what_the_customer_pays_for_goods():
    rules = "promotion full {\n 满100减20\n}\npromotion earn {\n earn 1 point per 1\n}"
    result = price(rules, line("a", "100.50"))
    assert result.points_earned == 80  # floor(80.50)
    assert result.total == D("80.50")


def test_a_per_promotion_cap_limits_its_discount():
    rules = "promotion p {\n 50% off\n at most 30 off\n}"
    result = price(rules, line("a", "100.00"))
    assert result.discount == D("30.00")


def test_threshold_on_original_prices_ignores_item_discounts():
    rules = (
        'promotion fruit {\n on category "fruit"\n 8折\n}\n'
        "promotion full {\n 满100减20\n threshold on original prices\n}"
    )
    result = price(rules, line("a", "100.00", 1, "fruit"))
    assert applied(result) == {"fruit": D("20.00"), "full": D("20.00")}


def test_rule_set_order_cap_limits_all_promotions_together():
    rules = "order cap 25\npromotion a {\n 20% off\n}\npromotion b {\n 满50减20\n}"
    result = price(rules, line("a", "100.00"))
    assert result.discount == D("25.00")


def test_zero_quantity_lines_are_priced_at_zero_and_never_counted():
    # issue 12: a line set to 0 before removal is accepted, kept in its place, priced at
    # zero, never discounted, and counts toward no threshold or unit deal
    rules = "promotion full {\n 满100减20\n}\npromotion two {\n 2 for 15\n}"
    result = price(rules, line("b", "60.00", 1), line("a", "50.00", 0), line("c", "10.00", 1))
    assert [ln.id for ln in result.lines] == ["b", "a", "c"]
    zero = result.lines[1]
    assert (zero.quantity, zero.subtotal, zero.discount, zero.total) == (0, D("0.00"), D("0.00"), D("0.00"))
    assert not zero.adjustments
    assert result.subtotal == D("70.00")
    assert "full" not in applied(result)  # 70 is short of 100: the zero line's 50 does not count


def test_jpy_amounts_round_to_whole_yen():
    rules = "currency JPY\npromotion p {\n 15% off\n}"
    result = price(rules, line("a", "333"), currency="JPY")
    assert result.discount == Decimal("50")  # 49.95 -> 50


def test_points_redeemed_under_the_order_cap_are_whole_steps():
    rules = "order cap 25\npromotion full {\n 满100减20\n}\npromotion r {\n redeem 100 points per 2\n}"
    result = price(rules, line("a", "100.00"), customer={"points": 1000}, redeem_points=1000)
    # 20 off leaves 5 of the cap: two steps of 2.00 (200 points), not 5.00; redeeming alone
    # would give only 20.00 (the 1,000 points)
    assert result.discount == D("24.00") and result.points_redeemed == 200
