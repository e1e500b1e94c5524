"""Partial returns: frozen apportionment, broken thresholds, gifts, shipping and points.

Priced results are written out by hand here (each number derived in the comments), so the
refund policy is tested independently of the engine; tests/golden covers engine + refund.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from promokit.checkout.refunds import refund
from promokit.language import ast as A
from promokit.models import Adjustment, Applied, Gift, LineResult, PricingResult


class Rules:
    """The one method `refund` needs of a RuleSet."""

    def __init__(self, *promotions: A.Promotion) -> None:
        self.by_id = {p.id: p for p in promotions}

    def promotion(self, id: str) -> A.Promotion:
        return self.by_id[id]


def line(id: str, price: str, qty: int, *adjs: tuple[str, str], sku: str | None = None) -> LineResult:
    adjustments = tuple(Adjustment(promotion=p, units=qty, amount=D(a)) for p, a in adjs)
    subtotal = D(price) * qty
    discount = sum((a.amount for a in adjustments), D(0))
    return LineResult(
        id=id,
        sku=sku or id.upper(),
        quantity=qty,
        unit_price=D(price),
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
        adjustments=adjustments,
    )


def result(lines: list[LineResult], applied: list[Applied], **extra: Any) -> PricingResult:
    subtotal = sum((x.subtotal for x in lines), D(0))
    discount = sum((x.discount for x in lines), D(0))
    shipping = extra.pop("shipping", D(0))
    return PricingResult(
        currency="CNY",
        at=dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC),
        subtotal=subtotal,
        discount=discount,
        shipping=shipping,
        total=subtotal - discount + shipping,
        lines=tuple(lines),
        applied=tuple(applied),
        rules_version="test",
        **extra,
    )


def applied(promotion: str, layer: str, amount: str, *lines: str, title: str | None = None) -> Applied:
    return Applied(promotion=promotion, title=title, layer=layer, amount=D(amount), lines=lines)


TIERS = A.Promotion(
    id="tiers",
    title="满减",
    action=A.Tiers(tiers=(A.Tier(threshold=D(100), off=D(20)), A.Tier(threshold=D(200), off=D(50)))),
)

# The worked case (docs/refunds.md): A 1 x 120 and B 2 x 50 = 220 reach 满200减50. The 50 is
# apportioned 120:100 by largest remainder: 27.2727.. -> 27.27 and 22.7272.. -> 22.72, the
# leftover cent to the larger remainder (B): A 27.27, B 22.73. A pays 92.73, B 77.27.
TIER_ORDER = result(
    [line("a", "120", 1, ("tiers", "27.27")), line("b", "50", 2, ("tiers", "22.73"))],
    [applied("tiers", "order", "50", "a", "b")],
)


def test_without_rules_a_returned_unit_refunds_its_frozen_share() -> None:
    # B's unit: 50 - round_half_up(22.73 / 2 = 11.365) = 50 - 11.37 = 38.63.
    r = refund(TIER_ORDER, {"b": 1})
    assert (r.amount, r.clawback, r.refund) == (D("38.63"), D(0), D("38.63"))
    assert [(x.id, x.units, x.refund) for x in r.lines] == [("b", 1, D("38.63"))]


def test_returning_every_unit_refunds_exactly_the_line_total() -> None:
    assert refund(TIER_ORDER, {"b": 2}).refund == D("77.27")
    first = refund(TIER_ORDER, {"b": 1})
    second = refund(TIER_ORDER, {"b": 1}, already_returned={"b": 1})
    assert first.refund + second.refund == D("77.27")  # 38.63 + 38.64: the last unit carries the cent


def test_a_return_that_breaks_a_tier_claws_back_the_lost_discount() -> None:
    # Kept: A 120 + one B 50 = 170, which reaches only 满100减20. The kept units received
    # 27.27 + (22.73 - 11.37) = 38.63 of the 50; they may keep 20, so 18.63 is clawed back.
    r = refund(TIER_ORDER, {"b": 1}, rules=Rules(TIERS))
    assert r.amount == D("38.63")
    assert r.clawback == D("18.63")
    assert r.refund == D("20.00")
    assert [(c.promotion, c.amount) for c in r.clawbacks] == [("tiers", D("18.63"))]
    assert "170.00" in r.clawbacks[0].detail and "满100减20" in r.clawbacks[0].detail
    # The customer paid 170.00 and keeps goods worth 170 at 满100减20: 150.00 net.
    assert TIER_ORDER.total - r.refund == D("150.00")


def test_a_later_return_of_the_rest_gives_back_what_was_clawed_beyond_the_new_state() -> None:
    # Returning the second B: kept A 120 still reaches 满100减20 and received 27.27: lost 7.27.
    # 18.63 was clawed before, so 11.36 comes back: 38.64 + 11.36 = 50.00.
    r = refund(TIER_ORDER, {"b": 1}, rules=Rules(TIERS), already_returned={"b": 1})
    assert (r.amount, r.clawback, r.refund) == (D("38.64"), D("-11.36"), D("50.00"))
    assert TIER_ORDER.total - D("20.00") - r.refund == D("100.00")  # A at 120 - 20


def test_returning_everything_claws_nothing_back() -> None:
    r = refund(TIER_ORDER, {"a": 1, "b": 2}, rules=Rules(TIERS))
    assert (r.clawback, r.refund) == (D(0), TIER_ORDER.total)


def test_a_return_that_keeps_the_tier_claws_nothing_back() -> None:
    # A 250 + B 25 = 275 reach 满200减50 (A 45.45, B 4.55); without B, 250 still reaches it.
    order = result(
        [line("a", "250", 1, ("tiers", "45.45")), line("b", "25", 1, ("tiers", "4.55"))],
        [applied("tiers", "order", "50", "a", "b")],
    )
    r = refund(order, {"b": 1}, rules=Rules(TIERS))
    assert (r.clawback, r.refund, r.clawbacks) == (D(0), D("20.45"), ())


def test_a_return_of_a_line_the_promotion_did_not_measure_leaves_it_alone() -> None:
    order = result(
        [line("a", "120", 1, ("tiers", "20")), line("z", "15", 1)],
        [applied("tiers", "order", "20", "a")],
    )
    assert refund(order, {"z": 1}, rules=Rules(TIERS)).clawback == D(0)


def test_a_clawback_never_makes_the_refund_negative() -> None:
    # A 190 x1 and B 10 x1 = 200 reach 满200减50: A 47.50, B 2.50. Returning B (pays 7.50)
    # leaves 190: 满100减20, A received 47.50, so 27.50 is owed but only 7.50 can be kept.
    order = result(
        [line("a", "190", 1, ("tiers", "47.50")), line("b", "10", 1, ("tiers", "2.50"))],
        [applied("tiers", "order", "50", "a", "b")],
    )
    r = refund(order, {"b": 1}, rules=Rules(TIERS))
    assert (r.amount, r.clawback, r.refund, r.uncollected) == (D("7.50"), D("7.50"), D(0), D("20.00"))


def test_an_uncollected_clawback_is_settled_by_a_later_return_of_the_rest() -> None:
    order = result(
        [line("a", "190", 1, ("tiers", "47.50")), line("b", "10", 1, ("tiers", "2.50"))],
        [applied("tiers", "order", "50", "a", "b")],
    )
    first = refund(order, {"b": 1}, rules=Rules(TIERS))
    rest = refund(order, {"a": 1}, rules=Rules(TIERS), already_returned={"b": 1})
    # A pays 142.50; the 7.50 kept from B's refund comes back: 150.00, everything paid.
    assert (rest.amount, rest.clawback, rest.refund, rest.uncollected) == (
        D("142.50"),
        D("-7.50"),
        D("150.00"),
        D(0),
    )
    assert first.refund + rest.refund == order.total


def test_every_x_off_drops_the_steps_the_return_breaks() -> None:
    every = A.Promotion(id="every", title=None, action=A.EveryOff(step=D(100), off=D(10)))
    # 3 x 80 = 240: 2 steps, 20 off, 6.67/6.67/6.66 by largest remainder over one line = 20.
    order = result([line("x", "80", 3, ("every", "20"))], [applied("every", "order", "20", "x")])
    r = refund(order, {"x": 1}, rules=Rules(every))
    # Returned unit: 80 - round(20/3 = 6.666..) = 73.33. Kept 160: 1 step = 10; received 20 - 6.67 = 13.33.
    assert (r.amount, r.clawback, r.refund) == (D("73.33"), D("3.33"), D("70.00"))


def test_a_minimum_spend_percentage_is_lost_below_its_minimum() -> None:
    pct = A.Promotion(
        id="pct",
        title=None,
        action=A.PercentOff(percent=A.Percent(off=D(10)), min_spend=D(100)),
        kind=A.Layer.ORDER,
    )
    order = result(
        [line("a", "60", 1, ("pct", "6")), line("b", "50", 1, ("pct", "5"))],
        [applied("pct", "order", "11", "a", "b")],
    )
    r = refund(order, {"b": 1}, rules=Rules(pct))
    assert (r.amount, r.clawback, r.refund) == (D("45"), D("6"), D("39"))
    still = result(
        [line("a", "120", 1, ("pct", "12")), line("b", "50", 1, ("pct", "5"))],
        [applied("pct", "order", "17", "a", "b")],
    )
    assert refund(still, {"b": 1}, rules=Rules(pct)).clawback == D(0)


def test_thresholds_are_measured_after_item_discounts_unless_original_prices() -> None:
    # A 2 x 60 with an item discount of 12 (10%): 108 after it, reaching 满100减20 (A 20).
    item = A.Promotion(id="item", title=None, action=A.PercentOff(percent=A.Percent(off=D(10))))
    tiers = A.Promotion(
        id="t",
        title=None,
        action=A.Tiers(tiers=(A.Tier(threshold=D(50), off=D(5)), A.Tier(threshold=D(100), off=D(20)))),
    )
    order = result(
        [line("a", "60", 2, ("item", "12"), ("t", "20"))],
        [applied("item", "item", "12", "a"), applied("t", "order", "20", "a")],
    )
    # Returning one: kept 60 - 6 = 54 after the item discount: 满50减5. Received 20 - 10 = 10: claw 5.
    r = refund(order, {"a": 1}, rules=Rules(item, tiers))
    assert (r.amount, r.clawback) == (D("44"), D("5"))
    original = A.Promotion(id="t", title=None, action=tiers.action, threshold_base=A.ThresholdBase.ORIGINAL)
    # On original prices the kept unit counts 60: still 满50减5, same clawback; at 满55 it differs:
    assert refund(order, {"a": 1}, rules=Rules(item, original)).clawback == D("5")
    tiers55 = A.Promotion(
        id="t",
        title=None,
        action=A.Tiers(tiers=(A.Tier(threshold=D(55), off=D(5)), A.Tier(threshold=D(100), off=D(20)))),
    )
    orig55 = A.Promotion(id="t", title=None, action=tiers55.action, threshold_base=A.ThresholdBase.ORIGINAL)
    assert refund(order, {"a": 1}, rules=Rules(item, tiers55)).clawback == D("10")  # 54 < 55: nothing kept
    assert refund(order, {"a": 1}, rules=Rules(item, orig55)).clawback == D("5")  # 60 >= 55


def test_a_broken_spend_gift_is_listed_to_return_with_its_value() -> None:
    gift = A.Promotion(id="gift", title=None, action=A.GiftOnSpend(threshold=D(199), gift_sku="OIL"))
    order = result(
        [line("a", "150", 1), line("b", "60", 1)],
        [applied("gift", "order", "0", "a", "b")],
        gifts=(Gift(sku="OIL", quantity=1, promotion="gift"),),
    )
    r = refund(order, {"b": 1}, rules=Rules(gift), gift_values={"OIL": D("29.90")})
    assert r.gifts_to_return == (Gift(sku="OIL", quantity=1, promotion="gift"),)
    assert r.gift_charge == D("29.90") and r.refund == D("60")  # never deducted on its own
    assert refund(order, {"a": 1}, rules=Rules(gift)).gifts_to_return == r.gifts_to_return
    big = result(
        [line("a", "250", 1), line("b", "60", 1)],
        [applied("gift", "order", "0", "a", "b")],
        gifts=(Gift(sku="OIL", quantity=1, promotion="gift"),),
    )
    assert refund(big, {"b": 1}, rules=Rules(gift)).gifts_to_return == ()


def test_a_repeating_buy_gift_keeps_the_gifts_the_kept_units_still_earn() -> None:
    gift = A.Promotion(
        id="bag", title=None, action=A.GiftOnBuy(buy=2, gift_sku="BAG", repeat=True, max_times=3)
    )
    order = result(
        [line("m", "5", 6)],
        [applied("bag", "order", "0", "m")],
        gifts=(Gift(sku="BAG", quantity=3, promotion="bag"),),
    )
    assert refund(order, {"m": 1}, rules=Rules(gift)).gifts_to_return == (
        Gift(sku="BAG", quantity=1, promotion="bag"),
    )
    assert refund(order, {"m": 3}, rules=Rules(gift)).gifts_to_return == (
        Gift(sku="BAG", quantity=2, promotion="bag"),
    )


def test_a_broken_free_shipping_threshold_claws_back_the_shipping_discount() -> None:
    ship = A.Promotion(id="ship", title=None, action=A.ShippingOff(threshold=D(99)))
    order = result(
        [line("a", "80", 1), line("b", "30", 1)],
        [applied("ship", "shipping", "8", "a", "b")],
        shipping=D(0),
        shipping_original=D(8),
        shipping_discount=D(8),
    )
    r = refund(order, {"b": 1}, rules=Rules(ship))
    assert (r.amount, r.clawback, r.refund) == (D("30"), D("8"), D("22"))
    assert refund(order, {"a": 1, "b": 1}, rules=Rules(ship)).clawback == D(0)


def test_points_earned_are_reversed_and_redeemed_points_returned_in_proportion() -> None:
    earn = A.Promotion(id="earn", title=None, action=A.PointsEarn())
    redeem = A.Promotion(id="redeem", title=None, action=A.PointsRedeem(points=D(100), per=D(1)))
    # Goods 100 + 100; 500 points redeemed = 5.00, apportioned 2.50 / 2.50; pays 195, earns 195.
    order = result(
        [line("a", "100", 1, ("redeem", "2.50")), line("b", "50", 2, ("redeem", "2.50"))],
        [applied("redeem", "points", "5", "a", "b"), applied("earn", "points", "0")],
        points_earned=195,
        points_redeemed=500,
    )
    r = refund(order, {"b": 1}, rules=Rules(earn, redeem))
    # B unit: 50 - round(1.25) = 48.75 -> 195 * 48.75 / 195 = 48.75 -> 49 points reversed;
    # redeemed: 1.25 of 5.00 -> 125 points returned.
    assert (r.refund, r.points_reversed, r.points_returned) == (D("48.75"), 49, 125)
    rest = refund(order, {"a": 1, "b": 1}, rules=Rules(earn, redeem), already_returned={"b": 1})
    assert r.points_reversed + rest.points_reversed == 195
    assert r.points_returned + rest.points_returned == 500


@pytest.mark.parametrize(
    ("returned", "earlier", "message"),
    [
        ({"c": 1}, {}, "unknown line id 'c'"),
        ({"b": 3}, {}, "cannot return 3 unit"),
        ({"b": 2}, {"b": 1}, "1 returned before"),
        ({"b": -1}, {}, "whole number >= 0"),
    ],
)
def test_bad_returns_are_value_errors(
    returned: dict[str, int], earlier: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        refund(TIER_ORDER, returned, already_returned=earlier)


def test_refund_lines_sum_to_the_totals() -> None:
    r = refund(TIER_ORDER, {"a": 1, "b": 1}, rules=Rules(TIERS))
    assert sum((x.amount for x in r.lines), D(0)) == r.amount
    assert sum((x.clawback for x in r.lines), D(0)) == r.clawback
    assert sum((x.refund for x in r.lines), D(0)) == r.refund == r.amount - r.clawback
