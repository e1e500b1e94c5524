"""Composed offers (issue 9): the pinned 中文 forms and their English twins parse with exactly
their meaning, and every new construct's bad input gets file:line:col, a caret and a help line."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

import promokit
from promokit.check.frontend import parse_text
from promokit.language import ast
from promokit.language.diagnostics import RuleError

D = Decimal


def promotion(body: str) -> ast.Promotion:
    # a second member keeps a `stack group g` valid (a group needs two, E083)
    partner = (
        "promotion partner {\n  5% off\n  stack group g\n}\n" if "group g" in body or "组 g" in body else ""
    )
    rules = parse_text(f"promotion p {{\n{body}\n}}\n{partner}", name="t.promo")
    p = rules.ast.promotions[0]
    return ast.strip_spans(p)


def tier(
    measure: ast.Measure, at_least: str, *, percent: str | None = None, off: str | None = None
) -> ast.OfferTier:
    return ast.OfferTier(
        measure=measure,
        at_least=D(at_least),
        percent=ast.Percent(D(percent), notation=ast.Notation.ZH) if percent is not None else None,
        off=D(off) if off is not None else None,
    )


U, S = ast.Measure.UNITS, ast.Measure.SPEND


@pytest.mark.parametrize(
    ("text", "english"),
    [("立减10", "10 off")],
)
def test_an_amount_off_without_threshold(text: str, english: str) -> None:
    assert promotion(text).action == ast.AmountOff(amount=D(10), notation=ast.Notation.ZH)
    assert promotion(english).action == ast.AmountOff(amount=D(10))


@pytest.mark.parametrize(
    ("text", "tiers"),
    [
        ("满3件8折", (tier(U, "3", percent="20"),)),
        ("满3件减10", (tier(U, "3", off="10"),)),
        ("满100打9折，满200打8折", (tier(S, "100", percent="10"), tier(S, "200", percent="20"))),
        ("满2件9折，满3件8折", (tier(U, "2", percent="10"), tier(U, "3", percent="20"))),
        ("满3件打8折", (tier(U, "3", percent="20"),)),
    ],
)
def test_tiered_offers_in_operator_notation(text: str, tiers: tuple[ast.OfferTier, ...]) -> None:
    assert promotion(text).action == ast.TieredOffer(tiers=tiers, notation=ast.Notation.ZH)


@pytest.mark.parametrize(
    ("text", "zh"),
    [
        ("buy 3 get 20% off", "满3件8折"),
        ("buy 3 get 10 off", "满3件减10"),
        ("spend 100 get 10% off, spend 200 get 20% off", "满100打9折，满200打8折"),
        ("buy 2 get 10% off, buy 3 get 20% off", "满2件9折，满3件8折"),
    ],
)
def test_english_tiers_mean_the_same(text: str, zh: str) -> None:
    english, chinese = promotion(text).action, promotion(zh).action
    assert isinstance(english, ast.TieredOffer) and isinstance(chinese, ast.TieredOffer)
    assert [(t.measure, t.at_least, t.percent and t.percent.off, t.off) for t in english.tiers] == [
        (t.measure, t.at_least, t.percent and t.percent.off, t.off) for t in chinese.tiers
    ]


@pytest.mark.parametrize("text", ["免费", "0元", "特价 0元", "free", "price 0"])
def test_free_is_a_unit_price_of_zero(text: str) -> None:
    action = promotion(text).action
    assert isinstance(action, ast.SpecialPrice) and action.price == 0


def test_plain_tiers_stay_full_reduction() -> None:
    assert isinstance(promotion("满100减20, 满200减50").action, ast.Tiers)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("每单限2件", ast.Limit(count=2, per=ast.Per.ORDER, counted=ast.Counted.UNITS)),
        ("limit 2 units per order", ast.Limit(count=2, per=ast.Per.ORDER, counted=ast.Counted.UNITS)),
        ("每行限1件", ast.Limit(count=1, per=ast.Per.LINE, counted=ast.Counted.UNITS)),
        ("limit 1 units per line", ast.Limit(count=1, per=ast.Per.LINE, counted=ast.Counted.UNITS)),
        ("每单限1次", ast.Limit(count=1, per=ast.Per.ORDER, counted=ast.Counted.USES)),
        ("limit 1 per order", ast.Limit(count=1, per=ast.Per.ORDER, counted=ast.Counted.USES)),
    ],
)
def test_unit_and_application_limits(text: str, limit: ast.Limit) -> None:
    assert promotion(f"10% off\n{text}").limits == (limit,)


def test_a_condition_on_another_scope_in_both_notations() -> None:
    en = promotion('on sku "CUP"\nwhen buy 2 on sku "TEA" repeat up to 3\nget 1 free')
    zh = promotion('on sku "CUP"\n条件 买2件 on sku "TEA" 可叠加 最多3次\n赠1件')
    assert en.condition is not None and zh.condition is not None
    assert en.condition == ast.Requirement(
        measure=U,
        at_least=D(2),
        scope=ast.Scope(include=(ast.Selector(kind=ast.SelectorKind.SKU, values=("TEA",)),)),
        repeat=True,
        max_times=3,
    )
    assert zh.condition == dataclasses.replace(en.condition, notation=ast.Notation.ZH)
    assert en.action == ast.FreeUnits(count=1) and zh.action == ast.FreeUnits(
        count=1, notation=ast.Notation.ZH
    )


def test_spend_and_distinct_sku_conditions_units_choice_and_stack_groups() -> None:
    p = promotion('when spend 50 on category "dairy"\n20% off\ndearest first\nstack group g')
    assert p.condition is not None and p.condition.measure is S and p.condition.at_least == 50
    assert p.pick is ast.UnitChoice.DEAREST and p.stack_group == ast.Name(text="g")
    q = promotion("条件 买3种\n立减5\n低价优先\n叠加组 g")
    assert q.condition is not None and q.condition.measure is ast.Measure.KINDS and q.condition.scope is None
    assert q.pick is ast.UnitChoice.CHEAPEST


def test_a_reward_at_or_above_its_threshold_loads() -> None:
    promokit.loads("promotion a {\n  满10减10\n}\npromotion b {\n  满50减60\n}\n", name="r.promo")


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("body", "code", "where"),
    [
        ('on sku "CUP"\nwhen buy 2 on sku "TEA" except sku "TEA"\nget 1 free', "E081", "3:15"),
        ('on sku "A", "B"\nwhen buy 3 kinds\n立减5', "E081", "3:10"),  # two skus, three kinds
        ('on category "x"\n条件 买2种 on sku "A"\n立减5', "E081", "3:1"),
        ("when buy 0\n10% off", "E080", "2:1"),
        ("赠0件", "E080", "2:1"),
        ("满0件8折", "E080", "2:1"),
        ("120% off", "E030", "2:1"),
        ("free shipping\nlimit 2 units per order", "E082", "3:1"),
        ("免费 每单限2件".replace(" ", "\n") + "\nstack group lonely", "E083", "4:13"),
        ('on category "fresh//fruit"\n10% off', "E084", "2:4"),
        ("满3件8折，满2件9折", "E085", "2:7"),
        ("满2件9折，满3件减10", "E085", "2:1"),
    ],
)
def test_bad_composed_input_names_file_line_col_with_caret_and_help(body: str, code: str, where: str) -> None:
    with pytest.raises(RuleError) as caught:
        promokit.loads(f"promotion p {{\n{body}\n}}\n", name="bad.promo")
    assert code in [d.code for d in caught.value.diagnostics]
    text = str(caught.value)
    block = text[text.index(f"bad.promo:{where}: error[{code}]") :].split("\n\n")[0]
    lines = block.splitlines()
    assert "|" in lines[1] and "^" in lines[2], block  # the line, then a caret under the place
    assert "help:" in block, block


def test_a_category_path_with_an_empty_segment_is_refused_in_a_request() -> None:
    from promokit.models import Line

    with pytest.raises(ValueError, match="empty segment"):
        Line(id="a", sku="A", category="fresh//fruit", unit_price=D(1), quantity=1)
