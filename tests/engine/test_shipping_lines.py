"""Shipping lines priced one by one (docs/semantics.md#shipping): every benefit, methods, thresholds."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import D, applied, cart, check_invariants, line, load, reasons

from promokit.cli.main import main
from promokit.models import PricingResult

STANDARD = {"id": "s1", "method": "standard", "amount": "10.00"}
EXPRESS = {"id": "s2", "method": "express", "amount": "20.00"}


def price(rules_text: str, *lines: dict[str, Any], **kw: Any) -> PricingResult:
    result = load(rules_text).price(cart(*lines, **kw))
    check_invariants(result)
    ships = result.shipping_lines
    assert sum((s.amount for s in ships), Decimal(0)) == result.shipping_original or not ships
    assert sum((s.total for s in ships), Decimal(0)) == result.shipping or not ships
    for s in ships:
        assert s.total == s.amount - s.discount and s.total >= 0
        assert s.discount == sum((a.amount for a in s.adjustments), Decimal(0))
    return result


def totals(result: PricingResult) -> dict[str, Decimal]:
    return {s.id: s.total for s in result.shipping_lines}


def rule(action: str) -> str:
    return f'promotion ship "运费优惠" {{\n  {action}\n}}\n'


@pytest.mark.parametrize(
    ("action", "standard", "express"),
    [
        ("free shipping", "0.00", "0.00"),
        ("包邮限standard", "0.00", "20.00"),
        ("free shipping on express", "10.00", "0.00"),
        ("free shipping on express, standard", "0.00", "0.00"),
        ("shipping 50% off", "5.00", "10.00"),
        ("运费半价限express", "10.00", "10.00"),
        ("运费8折", "8.00", "16.00"),
        ("shipping for 5 on express", "10.00", "5.00"),
        ("运费5元", "5.00", "5.00"),
        ("shipping for 15", "10.00", "15.00"),  # a fixed price never raises a fee
        ("shipping 6 off", "8.00", "16.00"),  # apportioned by fee: 2.00 + 4.00
        ("运费减7", "7.67", "15.33"),  # 2.333 + 4.667: largest remainder, exact sum
        ("shipping 50 off", "0.00", "0.00"),  # never below zero
        ("shipping 6 off on express", "10.00", "14.00"),
    ],
)
def test_each_benefit_prices_the_shipping_lines_of_its_methods(
    action: str, standard: str, express: str
) -> None:
    result = price(rule(action), line("a", "50.00"), shipping=[STANDARD, EXPRESS])
    assert totals(result) == {"s1": D(standard), "s2": D(express)}
    assert result.shipping_discount == D("30.00") - D(standard) - D(express)


def test_a_threshold_on_the_goods_and_the_hint_names_the_method() -> None:
    rules = rule("满99包邮限standard")
    below = price(rules, line("a", "87.00"), shipping=[STANDARD, EXPRESS])
    assert totals(below) == {"s1": D("10.00"), "s2": D("20.00")}
    assert reasons(below) == {"ship": "threshold"}
    (hint,) = below.hints
    assert hint.message == "add ¥12.00 to get free standard shipping"
    assert hint.shortfall == D("12.00") and hint.unlocks == D("10.00")
    reached = price(rules, line("a", "99.00"), shipping=[STANDARD, EXPRESS])
    assert totals(reached) == {"s1": D("0.00"), "s2": D("20.00")}
    (ship,) = (s for s in reached.shipping_lines if s.id == "s1")
    assert [(a.promotion, a.amount) for a in ship.adjustments] == [("ship", D("10.00"))]


def test_a_threshold_on_the_shipping_fee() -> None:
    rules = rule("shipping 10 off when shipping over 20")
    over = price(rules, line("a", "5.00"), shipping=[STANDARD, EXPRESS])
    assert over.shipping == D("20.00")
    under = price(rules, line("a", "5.00"), shipping=[STANDARD])
    assert under.shipping == D("10.00") and reasons(under) == {"ship": "threshold"}
    assert under.hints == ()  # nobody pays more shipping to save on it
    # measured on the matching lines only
    express_only = price(rule("运费满20运费减10限standard"), line("a", "5.00"), shipping=[STANDARD, EXPRESS])
    assert express_only.shipping == D("30.00")


def test_a_method_no_shipping_line_has_is_no_saving() -> None:
    result = price(rule("free shipping on pickup"), line("a", "5.00"), shipping=[STANDARD])
    assert reasons(result) == {"ship": "no_saving"}
    assert "no shipping line on pickup" in result.not_applied[0].detail


def test_the_single_amount_form_is_one_line_and_the_result_has_no_shipping_lines() -> None:
    rules = rule("满99包邮")
    single = price(rules, line("a", "99.00"), shipping="8.00")
    listed = price(rules, line("a", "99.00"), shipping=[{"id": "x", "method": "standard", "amount": "8.00"}])
    for result in (single, listed):
        assert (result.shipping_original, result.shipping_discount, result.shipping) == (
            D("8.00"),
            D("8.00"),
            D("0.00"),
        )
    assert single.shipping_lines == () and "shipping_lines" not in json.loads(single.model_dump_json())
    assert [s.id for s in listed.shipping_lines] == ["x"]
    assert "shipping_lines" in json.loads(listed.model_dump_json())
    # a method-limited benefit does not apply to the single amount, which has no method
    assert price(rule("包邮限standard"), line("a", "9.00"), shipping="8.00").shipping == D("8.00")


def test_competing_shipping_promotions_best_deal_picks_the_better() -> None:
    rules = (
        'promotion half "半价" {\n  运费半价\n  exclusive group ship\n}\n'
        'promotion exp-free "express free" {\n  free shipping on express\n  exclusive group ship\n}\n'
    )
    result = price(rules, line("a", "10.00"), shipping=[STANDARD, EXPRESS])
    assert applied(result) == {"exp-free": D("20.00")}
    assert reasons(result) == {"half": "excluded"}


def test_stacked_shipping_promotions_apply_on_what_the_earlier_left() -> None:
    rules = (
        'promotion a "a" {\n  priority 2\n  运费半价\n}\n'
        'promotion b "b" {\n  priority 1\n  shipping 4 off on express\n}\n'
    )
    result = price(rules, line("a", "10.00"), shipping=[STANDARD, EXPRESS])
    assert totals(result) == {"s1": D("5.00"), "s2": D("6.00")}
    assert applied(result) == {"a": D("15.00"), "b": D("4.00")}


def test_shipping_line_lines_are_echoed_in_the_result() -> None:
    ship = {**STANDARD, "lines": ["a"]}
    result = price(rule("包邮"), line("a", "5.00"), line("b", "5.00"), shipping=[ship])
    assert result.shipping_lines[0].lines == ("a",)
    assert result.shipping_lines[0].method == "standard"


def test_a_cap_limits_a_shipping_benefit_over_its_lines() -> None:
    result = price(rule("free shipping\n  at most 12 off"), line("a", "5.00"), shipping=[STANDARD, EXPRESS])
    assert result.shipping_discount == D("12.00")


def test_customer_texts_say_when_the_shipping_fee_is_below_the_threshold() -> None:
    rules = load(rule("运费满20运费减10"))
    result = rules.price(cart(line("a", "5.00"), shipping=[STANDARD]), locale="zh-CN")
    assert [n.text for n in result.not_applied] == ["「运费优惠」运费未达到要求"]
    english = rules.price(cart(line("a", "5.00"), shipping=[STANDARD]), locale="en")
    assert [n.text for n in english.not_applied] == ["运费优惠: the shipping fee is below its threshold"]


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shipping"


def test_promokit_price_lists_each_shipping_line_in_the_table_and_the_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    request = str(EXAMPLE / "requests" / "two-shipments.json")
    assert main(["price", str(EXAMPLE), request]) == 0
    table = capsys.readouterr().out
    assert "Shipping\n  line  method" in table
    assert "  s1    standard" in table and "ship-standard-free" in table
    assert main(["price", "--locale", "zh-CN", str(EXAMPLE), request]) == 0
    assert "配送\n" in capsys.readouterr().out
    assert main(["price", "--json", str(EXAMPLE), request]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(s["id"], s["method"], s["total"]) for s in data["shipping_lines"]] == [
        ("s1", "standard", "0.00"),
        ("s2", "express", "25.00"),
    ]


def test_a_single_amount_prints_no_shipping_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads((EXAMPLE / "requests" / "two-shipments.json").read_text(encoding="utf-8"))
    data["shipping"] = "8.00"
    request = tmp_path / "single.json"
    request.write_text(json.dumps(data), encoding="utf-8")
    assert main(["price", str(EXAMPLE), str(request)]) == 0
    assert "Shipping\n" not in capsys.readouterr().out
    assert main(["price", "--json", str(EXAMPLE), str(request)]) == 0
    assert "shipping_lines" not in json.loads(capsys.readouterr().out)
