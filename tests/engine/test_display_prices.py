"""`RuleSet.display_prices` (划线价) and the window end behind its countdown (`TimeRule.next_end`).

Every expected price below is worked by hand from the rules in the test or in
examples/fresh-market (docs/programs.md#display-prices).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import promokit
from promokit.engine.display import DisplayItem
from promokit.models import CheckoutRequest, Customer, Line

SH = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2] / "examples" / "fresh-market"
WEDNESDAY_1030 = dt.datetime(2026, 11, 25, 10, 30, tzinfo=SH)
TUESDAY_1500 = dt.datetime(2026, 11, 24, 15, 0, tzinfo=SH)


@pytest.fixture(scope="module")
def fresh() -> promokit.RuleSet:
    return promokit.load(ROOT)


def item(sku: str, category: str, price: str) -> DisplayItem:
    return DisplayItem(sku=sku, category=category, unit_price=Decimal(price))


def test_best_item_level_price_with_badge_and_countdown(fresh: promokit.RuleSet) -> None:
    member = Customer(id="c-1", level=1, orders=3)
    apple, eggs, yogurt, bread, salmon = fresh.display_prices(
        [
            item("APPLE", "fruit", "12.80"),
            item("EGGS-30", "eggs", "26.90"),
            item("YOGURT", "dairy", "6.90"),
            item("BREAD", "bakery", "12.00"),
            item("SALMON", "seafood", "88.00"),
        ],
        customer=member,
        at=WEDNESDAY_1030,
    )
    # fruit-80: 12.80 x 0.8 = 10.24, always on: no countdown.
    assert (apple.original, apple.price, apple.saving) == (
        Decimal("12.80"),
        Decimal("10.24"),
        Decimal("2.56"),
    )
    assert (apple.promotion, apple.badge, apple.ends_at) == ("fruit-80", "8折", None)
    # egg-flash 秒杀 9.90, hours 10:00-12:00: the countdown ends at 12:00 Shanghai time.
    assert (eggs.price, eggs.promotion) == (Decimal("9.90"), "egg-flash")
    assert eggs.badge is not None and eggs.badge.startswith("秒杀 9.90")
    assert eggs.ends_at == dt.datetime(2026, 11, 25, 12, 0, tzinfo=SH)
    # member-day 9折 on Wednesdays for members: 6.90 x 0.9 = 6.21 until Thursday 00:00.
    assert (yogurt.price, yogurt.promotion) == (Decimal("6.21"), "member-day")
    assert yogurt.ends_at == dt.datetime(2026, 11, 26, 0, 0, tzinfo=SH)
    # 买2赠1 does not lower a single unit; it is a badge after the winner.
    assert [b.text for b in yogurt.badges][0] == "9折"
    assert "买2赠1" in [b.text for b in yogurt.badges]
    # 第二件半价 needs two units: no display price, but the badge is shown.
    assert (bread.price, bread.promotion, bread.badge) == (Decimal("12.00"), None, None)
    assert "第二件半价" in [b.text for b in bread.badges]
    # Order-level offers are badges only: 每满100减15 and the store tiers.
    texts = [b.text for b in salmon.badges]
    assert salmon.price == Decimal("88.00")
    assert "每满100减15 封顶45" in texts and "满99减10, 满199减30, 满299减60" in texts
    assert all(b.layer != "points" for b in salmon.badges)


def test_audience_and_window_decide_what_is_shown(fresh: promokit.RuleSet) -> None:
    yogurt = item("YOGURT", "dairy", "6.90")
    anonymous = fresh.display_prices([yogurt], at=WEDNESDAY_1030)[0]
    assert anonymous.price == Decimal("6.90")  # member-day is for members only
    tuesday = fresh.display_prices([yogurt], customer=Customer(level=1), at=TUESDAY_1500)[0]
    assert tuesday.price == Decimal("6.90")  # and only on Wednesdays
    eggs = fresh.display_prices([item("EGGS-30", "eggs", "26.90")], at=TUESDAY_1500)[0]
    assert eggs.price == Decimal("26.90")  # 15:00 is outside 10:00-12:00


def test_display_price_is_the_one_unit_cart_price(fresh: promokit.RuleSet) -> None:
    """One formula: the display price equals the item-level part of a one-unit cart's price."""
    items = [
        item("APPLE", "fruit", "12.80"),
        item("BROCCOLI", "veg", "5.90"),
        item("MILK-1L", "dairy", "13.90"),
        item("EGGS-30", "eggs", "26.90"),
        item("COLA", "drinks", "4.50"),
    ]
    shown = fresh.display_prices(items, at=WEDNESDAY_1030)
    for it, p in zip(items, shown, strict=True):
        line = Line(id="l1", sku=it.sku, category=it.category, unit_price=it.unit_price, quantity=1)
        cart = fresh.price(CheckoutRequest(at=WEDNESDAY_1030, lines=(line,)))
        item_level = sum(
            (
                a.amount
                for a in cart.lines[0].adjustments
                if fresh._compiled.by_id[a.promotion].layer == "item"
            ),
            Decimal(0),
        )
        assert p.price == it.unit_price - item_level, it.sku


def test_lines_are_accepted_and_order_is_kept(fresh: promokit.RuleSet) -> None:
    lines = [
        Line(id="a", sku="BROCCOLI", category="veg", unit_price=Decimal("5.90"), quantity=7),
        Line(id="b", sku="APPLE", category="fruit", unit_price=Decimal("12.80"), quantity=2),
    ]
    broccoli, apple = fresh.display_prices(lines, at=TUESDAY_1500)
    assert (broccoli.sku, broccoli.price, broccoli.badge) == ("BROCCOLI", Decimal("3.90"), "特价 3.90")
    assert (apple.sku, apple.price) == ("APPLE", Decimal("10.24"))


def test_coupons_are_not_displayed() -> None:
    rules = promokit.loads(
        'timezone Asia/Shanghai\ncoupon c "券" {\n  codes "X1"\n  on all\n  8折\n}\n'
        'promotion p "95" {\n  on all\n  95折\n}\n'
    )
    (shown,) = rules.display_prices([DisplayItem(sku="A", unit_price=Decimal("10.00"))], at=TUESDAY_1500)
    assert (shown.price, shown.promotion) == (Decimal("9.50"), "p")
    assert [b.promotion for b in shown.badges] == ["p"]


def test_bad_items_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="float"):
        DisplayItem(sku="A", unit_price=1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- next_end


def window(text: str) -> promokit.RuleSet:
    return promokit.loads(f'timezone Asia/Shanghai\npromotion w "w" {{\n  {text}\n  on all\n  9折\n}}\n')


@pytest.mark.parametrize(
    ("when", "at", "end"),
    [
        ("during 2026-12-31 to 2027-01-03", dt.datetime(2027, 1, 2, 9, 0), dt.datetime(2027, 1, 4, 0, 0)),
        ("hours 22:00-02:00", dt.datetime(2026, 11, 24, 23, 0), dt.datetime(2026, 11, 25, 2, 0)),
        ("every sat, sun", dt.datetime(2026, 11, 28, 9, 0), dt.datetime(2026, 11, 30, 0, 0)),
        (
            "every wednesday\n  hours 20:00-22:00",
            dt.datetime(2026, 11, 25, 21, 0),
            dt.datetime(2026, 11, 25, 22, 0),
        ),
    ],
)
def test_window_end(when: str, at: dt.datetime, end: dt.datetime) -> None:
    rule = window(when)._compiled.by_id["w"].time
    assert rule.next_end(at.replace(tzinfo=SH)) == end.replace(tzinfo=SH)


def test_no_end_when_closed_or_always_open() -> None:
    closed = window("hours 10:00-12:00")._compiled.by_id["w"].time
    assert closed.next_end(dt.datetime(2026, 11, 24, 15, 0, tzinfo=SH)) is None
    daily = window("every mon, tue, wed, thu, fri, sat, sun")._compiled.by_id["w"].time
    assert daily.next_end(dt.datetime(2026, 11, 24, 15, 0, tzinfo=SH)) is None


def test_a_display_item_in_a_second_category_gets_that_categorys_promotion() -> None:
    # A cart line's `categories` count for scopes; a listing item carries them the same way.
    rules = promokit.loads('currency CNY\npromotion gifts "礼盒8折" {\n  on category "gifts"\n  8折\n}\n')
    (shown,) = rules.display_prices(
        [
            DisplayItem(
                sku="TEA-BOX", category="drinks/tea", categories=("gifts",), unit_price=Decimal("50.00")
            )
        ],
        at=TUESDAY_1500,
    )
    assert (shown.price, shown.promotion) == (Decimal("40.00"), "gifts")
