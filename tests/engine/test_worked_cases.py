"""The worked cases of issue 4 (and docs/semantics.md), with their numbers."""

from __future__ import annotations

from helpers import D, applied, cart, check_invariants, line, load, reasons


def test_category_discount_that_pushes_the_order_below_the_threshold_is_left_out():
    rules = load(
        'promotion fruit8 "水果8折" {\n on category "fruit"\n 8折\n}\n'
        'promotion full "满100减20" {\n 满100减20\n}\n'
    )
    # fruit 60 + dairy 45 = 105. With 8折 on fruit (-12) the order is 93 < 100 and 满100减20 is lost:
    # 12 saved. Without it: 20 saved. The search leaves the category discount out.
    result = rules.price(cart(line("a", "30.00", 2, "fruit"), line("b", "45.00", 1, "dairy")))
    check_invariants(result)
    assert applied(result) == {"full": D("20.00")}
    assert result.total == D("85.00")
    fruit = next(n for n in result.not_applied if n.promotion == "fruit8")
    assert fruit.reason == "excluded" and fruit.lost_to == "full"
    assert "¥8.00" in fruit.detail  # 20 - 12
    assert result.selection == "exact"


def test_two_order_promotions_in_one_exclusive_group_the_better_wins_and_the_loser_is_named():
    rules = load(
        "promotion a {\n 满100减20\n exclusive group order-level\n}\n"
        "promotion b {\n 10% off over 100\n exclusive group order-level\n}\n"
    )
    result = rules.price(cart(line("x", "150.00")))
    check_invariants(result)
    assert applied(result) == {"a": D("20.00")}
    loser = result.not_applied[0]
    assert (loser.promotion, loser.reason, loser.lost_to) == ("b", "excluded", "a")
    assert "¥5.00" in loser.detail  # 20 - 15
    bigger = rules.price(cart(line("x", "300.00")))
    assert applied(bigger) == {"b": D("30.00")}
    assert reasons(bigger) == {"a": "excluded"}


def test_two_for_twenty_against_thirty_percent_on_three_units_thirty_percent_on_all_wins():
    rules = load(
        'promotion pair "2 for 20" {\n on sku "TEA"\n 2 for 20\n}\n'
        'promotion thirty "30% off" {\n on sku "TEA"\n 30% off\n}\n'
    )
    result = rules.price(cart(line("t", "12.00", 3, sku="TEA")))
    check_invariants(result)
    # 2 for 20 saves 24 - 20 = 4; 30% on all three saves 10.80
    assert applied(result) == {"thirty": D("10.80")}
    assert result.lines[0].adjustments[0].units == 3
    assert reasons(result) == {"pair": "excluded"}


def test_a_coupon_is_measured_after_the_automatic_promotions():
    rules = load(
        "promotion full {\n 满100减20\n}\n"
        'coupon c80 {\n codes "SAVE10"\n spend 80 get 10 off\n}\n'
        'coupon c90 {\n codes "SAVE15"\n spend 90 get 15 off\n}\n'
    )
    both = rules.price(cart(line("x", "100.00"), coupons=["save10"]))
    check_invariants(both)
    assert applied(both) == {"full": D("20.00"), "c80": D("10.00")}
    assert both.total == D("70.00")
    # 100 - 20 = 80 < 90: the coupon's threshold is not met after the automatic promotion, and
    # the best deal keeps the 20 off (the coupon alone would save 15).
    short = rules.price(cart(line("x", "100.00"), coupons=["SAVE15"]))
    check_invariants(short)
    assert applied(short) == {"full": D("20.00")}
    miss = next(n for n in short.not_applied if n.promotion == "c90")
    assert miss.reason == "threshold" and miss.shortfall == D("10.00")


def test_a_per_promotion_cap_stops_a_percentage():
    rules = load('promotion p "8折 最多减50" {\n 8折\n at most 50 off\n}\n')
    result = rules.price(cart(line("a", "180.00"), line("b", "120.00")))
    check_invariants(result)
    assert result.discount == D("50.00")  # 20% of 300 is 60, capped at 50
    assert [ln.discount for ln in result.lines] == [D("30.00"), D("20.00")]
