"""Nth unit at a price (`第2件1元` / `2nd unit price 1`, benefits/nth_unit_price.py), priced and checked.

Every expected amount is worked by hand beside it (docs/semantics.md#quantity-deals).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import promokit
from promokit.check.frontend import parse_text
from promokit.language import ast
from promokit.language.diagnostics import RuleError
from promokit.language.formatter import format_source
from promokit.language.source import Source
from promokit.lint.linter import lint
from promokit.models import CheckoutRequest, Line, PricingResult

D = Decimal


def price(rules: str, *lines: tuple[str, str, int]) -> PricingResult:
    ruleset = promokit.loads(rules, name="t.promo")
    request = CheckoutRequest(
        at=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC),
        lines=tuple(
            Line(id=f"l{n}", sku=sku, category="water", unit_price=D(unit), quantity=q)
            for n, (sku, unit, q) in enumerate(lines, start=1)
        ),
    )
    return ruleset.price(request)


def by_line(result: PricingResult) -> dict[str, Decimal]:
    return {line.sku: line.discount for line in result.lines}


def test_the_cheaper_of_two_units_pays_the_price() -> None:
    # STILL 3.00 and SPARKLING 5.00: one pair, the cheaper unit pays 1.00 -> 2.00 off
    result = price("promotion p {\n  第2件1元\n}\n", ("STILL", "3.00", 1), ("SPARKLING", "5.00", 1))
    assert result.discount == D("2.00")
    assert by_line(result) == {"STILL": D("2.00"), "SPARKLING": D("0.00")}


def test_dearest_first_prices_the_dearer_unit() -> None:
    result = price(
        "promotion p {\n  2nd unit price 1 dearest\n}\n", ("STILL", "3.00", 1), ("SPARKLING", "5.00", 1)
    )
    assert by_line(result) == {"STILL": D("0.00"), "SPARKLING": D("4.00")}


def test_every_nth_unit_counts_pooled_units_and_leaves_the_rest() -> None:
    # 第3件1元 over 7 units at 4.00: floor(7 / 3) = 2 units pay 1.00 -> 2 x 3.00 off
    result = price("promotion p {\n  第3件1元\n}\n", ("STILL", "4.00", 7))
    assert result.discount == D("6.00")
    assert result.lines[0].adjustments[0].units == 2


def test_a_unit_already_below_the_price_saves_nothing() -> None:
    # both units cost 0.80, below the price of 1.00: nothing is taken off
    result = price("promotion p {\n  第2件1元\n}\n", ("MINI", "0.80", 2))
    assert result.discount == D("0.00")
    assert [n.promotion for n in result.not_applied] == ["p"]


def test_a_price_of_zero_gives_the_nth_unit_away() -> None:
    result = price("promotion p {\n  第二件0元\n}\n", ("STILL", "3.00", 2))
    assert result.discount == D("3.00")


def test_too_few_units_is_a_miss_with_a_hint() -> None:
    result = price("promotion p {\n  第2件1元\n}\n", ("STILL", "3.00", 1))
    assert result.discount == D("0.00")
    assert [h.message for h in result.hints] == ["add 1 more unit: unit 2 is ¥1.00"]


def test_a_first_unit_position_is_an_error_with_its_help() -> None:
    with pytest.raises(RuleError) as error:
        promokit.loads("promotion p {\n  1st unit price 1\n}\n", name="t.promo")
    text = str(error.value)
    assert "t.promo:2:3" in text and "E032" in text
    assert "the discounted unit's position (Nth) must be at least 2, got 1" in text


def test_a_price_with_too_many_decimals_is_an_error() -> None:
    with pytest.raises(RuleError) as error:
        promokit.loads("promotion p {\n  第2件1.005元\n}\n", name="t.promo")
    assert "E035" in str(error.value)


@pytest.mark.parametrize(
    ("written", "en", "zh"),
    [
        ("第2件1元", "2nd unit price 1", "第二件1元"),
        ("2nd unit price 0.50 dearest", "2nd unit price 0.50 dearest", "第二件0.50元 高价优先"),
        ("第10件9.90元", "10th unit price 9.90", "第10件9.90元"),
    ],
)
def test_it_prints_in_both_notations_and_reads_back(written: str, en: str, zh: str) -> None:
    source = Source("t.promo", f"promotion p {{\n  {written}\n}}\n")
    for notation, expected in ((ast.Notation.EN, en), (ast.Notation.ZH, zh)):
        text, diagnostics = format_source(source, notation)
        assert not diagnostics and text is not None
        assert f"  {expected}\n" in text
        again, more = format_source(Source("t.promo", text), notation)
        assert again == text and not more


def test_the_rate_lint_knows_it_from_a_catalogue() -> None:
    # list price 3.00, every 2 units one at 1.00: 1.00 off per unit on average = 33.3%
    rules = 'promotion p {\n  on sku "STILL"\n  第2件1元\n}\n'
    checked = parse_text(rules, name="t.promo")
    found = lint(checked.ast, catalogue={"STILL": D("3.00")}, today=dt.date(2026, 12, 1), max_rate=D("0.2"))
    assert any(d.code == "L011" and "33.3%" in d.message for d in found)
