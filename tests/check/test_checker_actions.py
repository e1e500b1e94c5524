"""Checker: action values (tiers, percentages, 折, counts, amounts, decimals) and `kind`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from promokit.language.ast import (
    AmountOffEach,
    Budget,
    Bundle,
    BuyGetFree,
    Cap,
    EveryOff,
    FlashPrice,
    GiftOnBuy,
    GiftOnSpend,
    GroupPrice,
    Layer,
    Limit,
    Notation,
    NthUnitOff,
    Per,
    Percent,
    PercentOff,
    PointsEarn,
    PointsRedeem,
    Settings,
    ShippingOff,
    SpecialPrice,
    Stock,
)

from .builders import at, codes, d, diags, only, pct, promo, rule_file, tiers


def test_tiers_that_increase_in_threshold_and_reward_are_clean() -> None:
    assert codes(rule_file(promo(action=tiers(("100", "20"), ("200", "50"))))) == []


def test_a_tier_threshold_not_above_the_previous_points_at_that_tier() -> None:
    diag = only("E020", rule_file(promo(action=tiers(("200", "20"), ("100", "50")))))
    assert diag.span.col == 13  # the second tier
    assert "spend 100 get 50 off comes after spend 200 get 20 off" in diag.message


def test_a_tier_reward_not_above_the_previous_is_an_error() -> None:
    diag = only("E021", rule_file(promo(action=tiers(("100", "20"), ("200", "20")))))
    assert diag.span.col == 13


def test_a_tier_reward_at_or_above_its_threshold_loads() -> None:
    # issue 9: 满10减10 and 满50减60 are real offers; lint L001 warns, pricing caps at the spend
    assert codes(rule_file(promo(action=tiers(("50", "60"))))) == []
    assert codes(rule_file(promo(action=tiers(("50", "50"))))) == []
    assert codes(rule_file(promo(action=tiers(("50", "49.99"))))) == []


def test_zh_tiers_are_quoted_in_zh_notation() -> None:
    action = tiers(("200", "20"), ("100", "50"))
    from dataclasses import replace

    diag = only("E020", rule_file(promo(action=replace(action, notation=Notation.ZH))))
    assert "满100减50" in diag.message


def test_one_bad_tier_set_reports_every_problem() -> None:
    found = codes(rule_file(promo(action=tiers(("100", "120"), ("100", "20"), ("0", "5")))))
    assert sorted(found) == sorted(["E020", "E021", "E020", "E021", "E034"])


@pytest.mark.parametrize("off", ["0", "100.01", "120", "-5"])
def test_percentages_must_lie_above_0_and_at_most_100(off: str) -> None:
    assert codes(rule_file(promo(action=pct(off)))) == ["E030"]


def test_100_percent_off_and_a_zero_price_make_units_free() -> None:
    assert codes(rule_file(promo(action=pct("100")))) == []
    assert codes(rule_file(promo(action=SpecialPrice(d("0"), span=at(5))))) == []


def test_a_valid_percentage_is_clean() -> None:
    assert codes(rule_file(promo(action=pct("15")))) == []


def test_an_invalid_zhe_is_described_in_zhe() -> None:
    # 12折 lowers to -20% off; 0折 to 100% off.
    bad = PercentOff(Percent(d("-20"), notation=Notation.ZH, span=at(5, 3, 3)), span=at(5, 3, 3))
    diag = only("E030", rule_file(promo(action=bad)))
    assert diag.message.startswith("12折 takes nothing off")
    assert diag.help is not None and "8折 is 20% off" in diag.help


@pytest.mark.parametrize(
    ("action", "code"),
    [
        (BuyGetFree(0, 1, span=at(5)), "E031"),
        (BuyGetFree(2, 0, span=at(5)), "E031"),
        (NthUnitOff(1, Percent(d("50"), span=at(5)), span=at(5)), "E032"),
        (Bundle(1, d("10"), span=at(5)), "E033"),
        (GroupPrice(d("9.90"), 1, span=at(5)), "E036"),
        (GiftOnBuy(2, "BAG", quantity=0, span=at(5)), "E031"),
        (GiftOnBuy(0, "BAG", span=at(5)), "E031"),
        (GiftOnBuy(2, "BAG", repeat=True, max_times=0, span=at(5)), "E031"),
        (GiftOnSpend(d("199"), "OIL", quantity=0, span=at(5)), "E031"),
        (GiftOnSpend(d("199"), "  ", span=at(5)), "E037"),
        (FlashPrice(d("1"), per_customer=0, span=at(5)), "E031"),
        (FlashPrice(d("1"), stock=0, span=at(5)), "E031"),
    ],
)
def test_counts_below_their_minimum_are_errors(action: object, code: str) -> None:
    assert codes(rule_file(promo(action=action))) == [code]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "action",
    [
        SpecialPrice(d("-1"), span=at(5)),
        FlashPrice(d("-1"), span=at(5)),
        Bundle(3, d("0"), span=at(5)),
        AmountOffEach(d("0"), span=at(5)),
        EveryOff(d("0"), d("10"), span=at(5)),
        EveryOff(d("100"), d("0"), span=at(5)),
        ShippingOff(threshold=d("0"), span=at(5)),
        ShippingOff(off=d("-5"), span=at(5)),
        PointsEarn(per=d("0"), span=at(5)),
        PointsRedeem(d("100"), d("0"), span=at(5)),
        PercentOff(Percent(d("20"), span=at(5)), cap=d("0"), span=at(5)),
        GiftOnSpend(d("0"), "OIL", span=at(5)),
    ],
)
def test_amounts_that_must_be_positive(action: object) -> None:
    assert codes(rule_file(promo(action=action))) == ["E034"]  # type: ignore[arg-type]


def test_the_points_redemption_cap_is_a_percentage_up_to_100() -> None:
    assert codes(rule_file(promo(action=PointsRedeem(d("100"), d("1"), d("120"), span=at(5))))) == ["E038"]
    assert codes(rule_file(promo(action=PointsRedeem(d("100"), d("1"), d("100"), span=at(5))))) == []


def test_amounts_with_more_decimals_than_the_currency_are_errors() -> None:
    diag = only("E035", rule_file(promo(action=SpecialPrice(d("9.999"), span=at(5)))))
    assert "9.999" in diag.message and "CNY" in diag.message
    assert diag.help is not None and "10.00" in diag.help


def test_trailing_zeros_are_not_extra_decimals() -> None:
    assert codes(rule_file(promo(action=SpecialPrice(d("9.900"), span=at(5))))) == []


def test_yen_amounts_take_no_decimals() -> None:
    file = rule_file(promo(action=SpecialPrice(d("99.5"), span=at(5))), settings=Settings(currency="JPY"))
    diag = only("E035", file)
    assert "JPY allows (no decimals)" in diag.message


def test_decimals_are_not_checked_against_an_unknown_currency() -> None:
    file = rule_file(promo(action=SpecialPrice(d("9.999"), span=at(5))), settings=Settings(currency="XXX"))
    assert codes(file) == ["E005"]


def test_limits_stock_budget_and_cap_are_checked() -> None:
    p = promo(
        limits=(Limit(0, Per.CUSTOMER, span=at(6)),),
        stock=Stock(0, span=at(7)),
        budget=Budget(d("0.001"), span=at(8)),
        cap=Cap(d("-1"), span=at(9)),
    )
    assert sorted(codes(rule_file(p))) == ["E031", "E031", "E034", "E035"]


def test_two_limits_of_the_same_kind_warn_that_the_smaller_binds() -> None:
    p = promo(limits=(Limit(3, Per.CUSTOMER, span=at(6)), Limit(1, Per.CUSTOMER, span=at(7))))
    diag = only("W013", rule_file(p))
    assert diag.span.line == 7 and "(1)" in diag.message


def test_an_every_off_cap_below_one_step_warns() -> None:
    found = diags(rule_file(promo(action=EveryOff(d("100"), d("10"), cap=d("5"), span=at(5)))))
    assert [x.code for x in found] == ["W011"]


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        (tiers(("100", "20")), Layer.SHIPPING),
        (tiers(("100", "20")), Layer.ITEM),
        (ShippingOff(d("99"), span=at(5)), Layer.ORDER),
        (SpecialPrice(d("9.9"), span=at(5)), Layer.ORDER),
        (PointsEarn(span=at(5)), Layer.ITEM),
    ],
)
def test_a_kind_that_does_not_fit_the_action_is_an_error(action: object, kind: Layer) -> None:
    diag = only("E050", rule_file(promo(action=action, kind=kind, kind_span=at(3, 3, 10))))  # type: ignore[arg-type]
    assert diag.span.line == 3
    assert f"kind {kind.value} does not fit" in diag.message


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        (tiers(("100", "20")), Layer.ORDER),
        (pct("20"), Layer.ITEM),
        (pct("20"), Layer.ORDER),
        (ShippingOff(d("99"), span=at(5)), Layer.SHIPPING),
    ],
)
def test_a_kind_that_fits_is_clean(action: object, kind: Layer) -> None:
    assert codes(rule_file(promo(action=action, kind=kind))) == []  # type: ignore[arg-type]


def test_kind_coupon_on_a_plain_promotion_is_an_error() -> None:
    diag = only("E050", rule_file(promo(kind=Layer.COUPON)))
    assert "not a coupon" in diag.message


def test_a_bad_promotion_reports_all_its_problems_at_once() -> None:
    p = promo(
        action=PercentOff(Percent(Decimal("150"), span=at(5)), cap=d("1.234"), span=at(5)),
        kind=Layer.SHIPPING,
        limits=(Limit(0, Per.ORDER, span=at(6)),),
    )
    assert sorted(codes(rule_file(p))) == ["E030", "E031", "E035", "E050"]
