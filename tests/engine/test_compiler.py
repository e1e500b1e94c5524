"""Compilation: layers inferred from actions, codes, and the coupon code rules."""

from __future__ import annotations

from helpers import D, applied, cart, line, load, reasons

from promokit.language.ast import Layer


def layer_of(text: str, pid: str = "p") -> Layer:
    return load(text)._compiled.by_id[pid].layer


def test_layers_are_inferred_from_the_action():
    assert layer_of("promotion p {\n 8折\n}") is Layer.ITEM
    assert layer_of("promotion p {\n 10% off over 100\n}") is Layer.ORDER
    assert layer_of("promotion p {\n 满100减20\n}") is Layer.ORDER
    assert layer_of('promotion p {\n on sku "A"\n price 9.90\n}') is Layer.ITEM
    assert layer_of("promotion p {\n 满99包邮\n}") is Layer.SHIPPING
    assert layer_of("promotion p {\n earn 1 point per 1\n}") is Layer.POINTS
    assert layer_of('coupon p {\n codes "X"\n spend 50 get 10 off\n}') is Layer.COUPON
    assert layer_of('coupon p {\n codes "X"\n 9折\n}') is Layer.COUPON
    assert layer_of('coupon p {\n codes "X"\n on sku "A"\n price 1.00\n}') is Layer.ITEM
    assert layer_of('coupon p {\n codes "X"\n 包邮\n}') is Layer.SHIPPING


def test_a_declared_kind_wins_where_the_action_allows_it():  # the checker refuses the others
    assert layer_of("promotion p {\n kind order\n 8折\n}") is Layer.ORDER


def test_codes_match_case_insensitively_with_patterns_and_count_once():
    rules = load('coupon vip {\n codes "VIP-??", "GOLD*"\n spend 10 get 5 off\n}')
    assert applied(rules.price(cart(line("a", "20.00"), coupons=["vip-ab"]))) == {"vip": D("5.00")}
    assert applied(rules.price(cart(line("a", "20.00"), coupons=["gold2026", "GOLD2026"]))) == {
        "vip": D("5.00")
    }
    wrong = rules.price(cart(line("a", "20.00"), coupons=["vip-abc"]))
    assert reasons(wrong) == {"vip": "coupon_missing", "": "coupon_unknown"}


def test_dearest_units_when_declared():
    rules = load('promotion b {\n on category "yog"\n buy 2 get 1 free dearest\n}')
    result = rules.price(cart(line("a", "5.00", 2, "yog"), line("b", "3.00", 1, "yog")))
    assert result.discount == D("5.00")
