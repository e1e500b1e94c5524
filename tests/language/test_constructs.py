"""Each construct of the language lowers to the AST it means, in both notations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from promokit.language import ast
from promokit.language.ast import Notation, strip_spans

from .helpers import action_of, parse, with_notation

EN, ZH = Notation.EN, Notation.ZH

#: (English form, operator form) of every action: both must mean the same thing.
PAIRS = [
    ("spend 100 get 20 off, spend 200 get 50 off", "满100减20, 满200减50"),
    ("spend 100 get 20 off", "满 100 减 20"),
    ("every 100 get 10 off up to 50", "每满100减10 封顶50"),
    ("every 100 get 10 off", "每满100减10"),
    ("20% off up to 30 over 100", "8折 封顶30 满100"),
    ("15% off", "8.5折"),
    ("5% off", "95折"),
    ("50% off", "半价"),
    ("5 off each", "每件减5"),
    ("price 9.90", "特价 9.90"),
    ("flash price 1.00 limit 2 per customer stock 500", "秒杀 1.00 每人限2件 库存500"),
    ("flash price 1.00", "秒杀1.00"),
    ("group price 9.90 for 3 people", "3人团 9.90"),
    ("buy 2 get 1 free", "买2赠1"),
    ("buy 2 get 1 free dearest", "买2送1 高价优先"),
    ("2nd unit 50% off", "第二件半价"),
    ("3rd unit 30% off", "第3件7折"),
    ("3 for 10", "10元任选3件"),
    ('buy 2 get gift "BAG" x 1 repeat up to 3', '买2赠 "BAG" x1 可叠加 最多3次'),
    ('buy 2 get gift "BAG"', '买2赠 "BAG"'),
    ('spend 199 get gift "OIL" x 2', '满199赠 "OIL" ×2'),
    ("free shipping over 99", "满99包邮"),
    ("free shipping", "包邮"),
    ("shipping 5 off over 59", "满59运费减5"),
    ("shipping 5 off", "运费减5"),
    ("shipping 50% off over 199", "满199运费半价"),
    ("shipping 20% off", "运费8折"),
    ("shipping for 5", "运费5元"),
    ("shipping for 5", "运费5"),
    ("free shipping over 99 on standard", "满99包邮限standard"),
    ("shipping for 1 on express, pickup", "运费1元限express、pickup"),
    ("shipping 10 off when shipping over 30 on standard", "运费满30运费减10限standard"),
    ("free shipping when shipping over 20", "运费满20包邮"),
    ("shipping 50% off over 199 on 顺丰", "满199运费5折限顺丰"),
    ("earn 1 point per 1 x 2", "每1元积1分 积分2倍"),
    ("points x 3", "积分3倍"),
    ("redeem 100 points per 1 up to 20%", "100积分抵1元 最多抵20%"),
]


@pytest.mark.parametrize(("english", "chinese"), PAIRS)
def test_english_and_operator_notation_mean_the_same_action(english: str, chinese: str) -> None:
    assert with_notation(action_of(english), ZH) == with_notation(action_of(chinese), ZH)
    assert with_notation(action_of(chinese), EN) == with_notation(action_of(english), EN)


def test_an_action_remembers_the_notation_it_was_written_in() -> None:
    assert action_of("满100减20") == ast.Tiers(
        tiers=(ast.Tier(threshold=Decimal(100), off=Decimal(20)),), notation=ZH
    )
    assert action_of("20% off") == ast.PercentOff(percent=ast.Percent(off=Decimal(20), notation=EN))
    assert action_of("8折") == ast.PercentOff(percent=ast.Percent(off=Decimal(20), notation=ZH))


@pytest.mark.parametrize(
    ("written", "off"), [("8折", "20"), ("8.5折", "15"), ("95折", "5"), ("9.5折", "5"), ("半价", "50")]
)
def test_zhe_counts_tenths_paid_and_two_digits_mean_a_decimal(written: str, off: str) -> None:
    action = action_of(written)
    assert isinstance(action, ast.PercentOff)
    assert action.percent.off == Decimal(off)


def test_ten_zhe_is_nothing_off_not_one_tenth() -> None:
    """`10折` once read as 1.0折 (90% off) and passed `check`; it pays ten tenths."""
    action = action_of("10折")
    assert isinstance(action, ast.PercentOff)
    assert action.percent.off == Decimal(0)


def test_every_action_line_has_a_percent_of_the_right_type() -> None:
    nth = action_of("第二件半价")
    assert isinstance(nth, ast.NthUnitOff) and nth.nth == 2 and nth.percent.off == Decimal(50)


def test_settings_segments_and_scopes_are_lowered() -> None:
    rule_file = strip_spans(
        parse(
            "timezone Asia/Shanghai\ncurrency CNY\nrounding half-even\norder cap 200\n"
            'segment gold = level >= 3 or "vip" in segments\n'
            'scope fresh = category "fruit", "veg" except sku "DURIAN"\n'
        )
    )
    settings = rule_file.settings
    assert (settings.timezone, settings.currency, settings.rounding, settings.max_order_discount) == (
        "Asia/Shanghai",
        "CNY",
        ast.Rounding.HALF_EVEN,
        Decimal(200),
    )
    gold = rule_file.segments[0]
    assert gold.name == "gold"
    assert gold.condition == ast.Or(
        operands=(
            ast.Compare(field=ast.Fact.LEVEL, op=ast.CompareOp.GE, value=Decimal(3)),
            ast.HasMember(value="vip", collection=ast.Collection.SEGMENTS),
        )
    )
    assert rule_file.scopes[0].scope == ast.Scope(
        include=(ast.Selector(kind=ast.SelectorKind.CATEGORY, values=("fruit", "veg")),),
        exclude=(ast.Selector(kind=ast.SelectorKind.SKU, values=("DURIAN",)),),
    )


def _promotion(body: str) -> ast.Promotion:
    return strip_spans(parse(f'promotion p "t" {{\n{body}\n  8折\n}}\n').promotions[0])


def test_time_conditions_in_english_and_chinese() -> None:
    english = _promotion("  every wednesday, friday\n  every month on 8, 18\n  hours 20:00-22:00")
    chinese = _promotion("  每周三、五\n  每月8,18号\n  每天20:00-22:00")
    assert english.when == chinese.when
    assert english.when[0] == ast.OnWeekdays(days=(ast.Weekday.WED, ast.Weekday.FRI))
    assert english.when[1] == ast.OnMonthDays(days=(8, 18))
    assert english.when[2] == ast.DailyHours(ranges=(ast.TimeRange(start=dt.time(20), end=dt.time(22)),))


def test_a_date_range_keeps_times_and_24_00_ends_a_day() -> None:
    promo = _promotion(
        "  during 2026-10-01 to 2026-10-07, 2026-12-24 18:00 至 2026-12-26\n  hours 22:00-24:00"
    )
    during = promo.when[0]
    assert isinstance(during, ast.During)
    assert during.ranges[1].start == ast.DateTimePoint(date=dt.date(2026, 12, 24), time=dt.time(18))
    assert during.ranges[1].end == ast.DateTimePoint(date=dt.date(2026, 12, 26))
    assert promo.when[1] == ast.DailyHours(
        ranges=(ast.TimeRange(start=dt.time(22), end=dt.time(0), to_midnight=True),)
    )


def test_audience_precedence_is_not_then_and_then_or() -> None:
    promo = _promotion('  for not new customer and level >= 2 or gold and (region == "sh" or 新客)')
    assert promo.audience == ast.Or(
        operands=(
            ast.And(
                operands=(
                    ast.Not(operand=ast.NewCustomer()),
                    ast.Compare(field=ast.Fact.LEVEL, op=ast.CompareOp.GE, value=Decimal(2)),
                )
            ),
            ast.And(
                operands=(
                    ast.SegmentRef(name="gold"),
                    ast.Or(
                        operands=(
                            ast.Compare(field=ast.Fact.REGION, op=ast.CompareOp.EQ, value="sh"),
                            ast.NewCustomer(),
                        )
                    ),
                )
            ),
        )
    )


def test_audience_values_keep_their_types() -> None:
    promo = _promotion(
        '  for registered >= 2026-01-01 and attr "card" == true and region not in ("xj", "tibet") '
        'and "student" in tags and spent > 99.5'
    )
    assert isinstance(promo.audience, ast.And)
    registered, card, region, student, spent = promo.audience.operands
    assert registered == ast.Compare(
        field=ast.Fact.REGISTERED, op=ast.CompareOp.GE, value=dt.date(2026, 1, 1)
    )
    assert card == ast.Compare(field=ast.Fact.ATTRIBUTE, op=ast.CompareOp.EQ, value=True, attribute="card")
    assert region == ast.InList(field=ast.Fact.REGION, values=("xj", "tibet"), negated=True)
    assert student == ast.HasMember(value="student", collection=ast.Collection.TAGS)
    assert spent == ast.Compare(field=ast.Fact.TOTAL_SPENT, op=ast.CompareOp.GT, value=Decimal("99.5"))


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("limit 1 per customer", "每人限1次"),
        ("limit 2 units per customer", "每人限2件"),
        ("limit 1 per customer per day", "每人每天限1次"),
        ("limit 3 units per order", "每单限3件"),
        ("limit 1000 total", "总限1000次"),
        ("limit 100 per day", "每天限100次"),
        ("stock 500", "库存500"),
        ("budget 5000 per day", "预算5000 每天"),
        ("at most 50 off", "最多减50"),
        ("exclusive group deals", "互斥组 deals"),
        ("exclusive", "互斥"),
        ("threshold on original prices", "门槛按原价"),
        ('codes "A1" single use', 'codes "A1" 一次性'),
    ],
)
def test_limits_and_stacking_clauses_have_chinese_forms(english: str, chinese: str) -> None:
    assert _promotion("  " + english) == _promotion("  " + chinese)


def test_clauses_fill_the_promotion() -> None:
    promo = _promotion(
        '  priority 7\n  kind order\n  timezone Europe/Berlin\n  on all except tag "x"\n'
        '  channel "app", "web"\n  codes "SAVE10", "VIP-*"\n  single use\n  limit 1 per customer\n'
        "  stackable with a, b-2\n  threshold after discounts"
    )
    assert (promo.priority, promo.kind, promo.timezone) == (7, ast.Layer.ORDER, "Europe/Berlin")
    assert promo.scope.exclude == (ast.Selector(kind=ast.SelectorKind.TAG, values=("x",)),)
    assert promo.channels == ("app", "web")
    assert promo.codes == ast.Codes(
        patterns=(ast.CodePattern(text="SAVE10"), ast.CodePattern(text="VIP-*")), single_use=True
    )
    assert [n.text for n in promo.stackable_with] == ["a", "b-2"]
    assert promo.threshold_base is ast.ThresholdBase.AFTER_DISCOUNTS


def test_unicode_names_strings_and_escapes() -> None:
    rule_file = parse(
        'segment 金卡 = level >= 3\npromotion 秋季-sale "说 \\"你好\\" \\u{263A}" {\n  for 金卡\n  8折\n}\n'
    )
    promo = rule_file.promotions[0]
    assert promo.id == "秋季-sale"
    assert promo.title == '说 "你好" \u263a'
    assert promo.audience is not None and strip_spans(promo.audience) == ast.SegmentRef(name="金卡")


def test_spans_cover_the_whole_construct_and_the_id_token() -> None:
    text = 'promotion autumn "t" {\n  on sku "A"\n  满100减20\n}\n'
    promo = parse(text).promotions[0]
    assert text[promo.span.start : promo.span.end] == text.rstrip("\n")
    assert text[promo.id_span.start : promo.id_span.end] == "autumn"
    assert (promo.id_span.line, promo.id_span.col) == (1, 11)
    assert text[promo.action.span.start : promo.action.span.end] == "满100减20"
    assert (promo.action.span.line, promo.action.span.col) == (3, 3)


def test_spans_after_a_broken_declaration_still_point_at_the_right_line() -> None:
    from .helpers import errors

    text = "promotion a {\n  满100减\n}\n\npromotion b {\n  满100减20\n  stock x\n}\n"
    found = errors(text)
    assert [(d.span.line, d.span.col) for d in found] == [(2, 8), (7, 9)]


def test_comments_and_blank_lines_are_ignored() -> None:
    rule_file = parse("# head\n\npromotion a { # open\n  # inside\n  8折  # action\n\n}\n# tail")
    assert len(rule_file.promotions) == 1


def test_weekdays_with_hours_on_one_line_mean_both_conditions() -> None:
    short = _promotion("  every fri, sat 20:00-22:00")
    long = _promotion("  every friday, saturday\n  hours 20:00-22:00")
    chinese = _promotion("  每周五、六 20:00-22:00")
    assert short.when == long.when == chinese.when
    assert len(short.when) == 2


def test_a_list_or_condition_may_continue_on_the_next_line() -> None:
    long = _promotion('  on category "fruit",\n     "veg"\n  for level >= 1 and\n      new customer')
    short = _promotion('  on category "fruit", "veg"\n  for level >= 1 and new customer')
    assert long == short
    tiers = action_of("满100减20,\n  满200减50   # top\n")
    assert tiers == action_of("满100减20, 满200减50")


def test_a_shipping_benefit_carries_its_kind_threshold_basis_and_methods() -> None:
    assert action_of("shipping 10 off when shipping over 30 on standard, express") == ast.ShippingOff(
        threshold=Decimal(30),
        off=Decimal(10),
        basis=ast.ShippingBasis.SHIPPING,
        methods=("standard", "express"),
    )
    assert action_of("满199运费半价限express") == ast.ShippingOff(
        threshold=Decimal(199),
        percent=ast.Percent(off=Decimal(50), notation=ZH),
        methods=("express",),
        notation=ZH,
    )
    assert action_of("运费5元") == ast.ShippingOff(price=Decimal(5), notation=ZH)
    assert action_of("包邮") == ast.ShippingOff(notation=ZH)


def test_method_spans_point_at_each_method() -> None:
    text = "promotion p {\n  free shipping on standard, express\n}\n"
    action = parse(text).promotions[0].action
    assert isinstance(action, ast.ShippingOff)
    assert [text[s.start : s.end] for s in action.method_spans] == ["standard", "express"]


def test_the_shipping_methods_setting_is_lowered() -> None:
    settings = parse("shipping methods standard, express, pickup\n").settings
    assert settings.shipping_methods == ("standard", "express", "pickup")
    assert parse("配送方式 standard、顺丰\n").settings.shipping_methods == ("standard", "顺丰")
