"""Tax: net, tax and gross after every discount (docs/semantics.md#tax), both settings."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from helpers import AT, D, check_invariants, check_tax_invariants, load
from pydantic import ValidationError

from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest, PricingResult


def req(*lines: dict[str, Any], currency: str = "GBP", **kw: Any) -> CheckoutRequest:
    return CheckoutRequest.model_validate({"currency": currency, "at": AT, "lines": list(lines), **kw})


def ln(id: str, price: str, qty: int = 1, rate: str = "0", **kw: Any) -> dict[str, Any]:
    return {"id": id, "sku": id.upper(), "unit_price": price, "quantity": qty, "tax_rate": rate, **kw}


def gbp(text: str, include: bool = True) -> RuleSet:
    setting = "prices include tax" if include else "prices exclude tax"
    return load(f"currency GBP\n{setting}\n{text}")


def figures(result: PricingResult, line_id: str) -> tuple[Decimal | None, ...]:
    line = next(x for x in result.lines if x.id == line_id)
    return line.net, line.tax, line.gross


# ------------------------------------------------------------------ the worked example


def test_worked_example_prices_include_tax() -> None:
    # 12.00 gross at 20% VAT (net 10.00, tax 2.00) under 20% off -> gross 9.60, net 8.00, tax 1.60
    result = gbp("promotion p { 20% off }").price(req(ln("L1", "12.00", rate="0.20")))
    check_invariants(result)
    assert (result.subtotal, result.discount, result.total) == (D("12.00"), D("2.40"), D("9.60"))
    assert figures(result, "L1") == (D("8.00"), D("1.60"), D("9.60"))
    assert result.tax is not None and result.tax.prices_include_tax
    assert (result.tax.net, result.tax.tax, result.tax.gross) == (D("8.00"), D("1.60"), D("9.60"))


def test_worked_example_prices_exclude_tax() -> None:
    # unit_price 10.00 net: net 10.00 -> 8.00, tax 1.60, gross 9.60
    result = gbp("promotion p { 20% off }", include=False).price(req(ln("L1", "10.00", rate="0.20")))
    check_invariants(result)
    assert (result.subtotal, result.discount, result.total) == (D("10.00"), D("2.00"), D("8.00"))
    assert figures(result, "L1") == (D("8.00"), D("1.60"), D("9.60"))
    assert result.tax is not None and not result.tax.prices_include_tax
    assert (result.tax.net, result.tax.tax, result.tax.gross) == (D("8.00"), D("1.60"), D("9.60"))


def test_without_a_discount_the_line_keeps_its_listed_tax() -> None:
    result = gbp('promotion p { on sku "OTHER"\n 20% off }').price(req(ln("L1", "12.00", rate="0.20")))
    assert figures(result, "L1") == (D("10.00"), D("2.00"), D("12.00"))


def test_chinese_setting_is_the_same_rule() -> None:
    text = "currency CNY\n价格不含税\npromotion p { 8折 }\n"
    result = load(text).price(req(ln("L1", "10.00", rate="0.13"), currency="CNY"))
    assert figures(result, "L1") == (D("8.00"), D("1.04"), D("9.04"))


# ------------------------------------------------------------------ no tax: results as before


def test_prices_include_tax_with_every_rate_zero_serialises_as_before() -> None:
    rules = gbp("promotion p { 20% off }")
    result = rules.price(req(ln("L1", "12.00")))
    assert result.tax is None and all(x.net is None for x in result.lines)
    data = json.loads(result.model_dump_json())
    assert "tax" not in data
    assert not {"tax_rate", "net", "tax", "gross"} & set(data["lines"][0])


def test_prices_exclude_tax_always_states_tax_even_at_rate_zero() -> None:
    result = gbp("promotion p { 20% off }", include=False).price(req(ln("L1", "10.00")))
    check_invariants(result)
    assert result.tax is not None and result.tax.tax == 0 and result.tax.gross == D("8.00")
    assert [(r.rate, r.gross) for r in result.tax.by_rate] == [(D(0), D("8.00"))]


def test_the_setting_written_as_default_keeps_the_rules_version() -> None:
    plain = load("currency GBP\npromotion p { 20% off }\n")
    explicit = gbp("promotion p { 20% off }")
    excluding = gbp("promotion p { 20% off }", include=False)
    assert plain.version == explicit.version != excluding.version


# ------------------------------------------------------------------ mixed rates


def test_china_mixed_rates_per_line_tax_for_the_invoice() -> None:
    rules = load("currency CNY\npromotion full { 满200减20 }\n")
    result = rules.price(
        req(ln("tea", "113.00", rate="0.13"), ln("rice", "109.00", rate="0.09"), currency="CNY")
    )
    check_invariants(result)
    # 20.00 over gross 113 : 109 -> 10.18 / 9.82 (largest remainder)
    # tea: 102.82 x 0.13 / 1.13 = 11.8289 -> 11.83; rice: 99.18 x 0.09 / 1.09 = 8.1891 -> 8.19
    assert figures(result, "tea") == (D("90.99"), D("11.83"), D("102.82"))
    assert figures(result, "rice") == (D("90.99"), D("8.19"), D("99.18"))
    tax = result.tax
    assert tax is not None
    assert [(r.rate, r.net, r.tax, r.gross) for r in tax.by_rate] == [
        (D("0.09"), D("90.99"), D("8.19"), D("99.18")),
        (D("0.13"), D("90.99"), D("11.83"), D("102.82")),
    ]
    assert tax.gross == result.total == D("202.00")


def test_exclude_tax_apportions_an_order_amount_by_gross_share() -> None:
    # net 100 at 20% (gross 120) and net 100 at 0% (gross 100): 22.00 off splits 12.00 / 10.00
    rules = gbp("promotion full { spend 200 get 22 off }", include=False)
    result = rules.price(req(ln("a", "100.00", rate="0.20"), ln("b", "100.00")))
    check_invariants(result)
    assert [x.discount for x in result.lines] == [D("12.00"), D("10.00")]
    assert figures(result, "a") == (D("88.00"), D("17.60"), D("105.60"))
    assert figures(result, "b") == (D("90.00"), D("0.00"), D("90.00"))
    assert result.tax is not None and result.tax.gross == D("195.60")


def test_include_tax_apportionment_is_unchanged_by_rates() -> None:
    rules = gbp("promotion full { spend 200 get 22 off }")
    with_rates = rules.price(req(ln("a", "100.00", rate="0.20"), ln("b", "100.00")))
    without = rules.price(req(ln("a", "100.00"), ln("b", "100.00")))
    assert [x.discount for x in with_rates.lines] == [x.discount for x in without.lines] == [D("11.00")] * 2


def test_one_rate_everywhere_apportions_as_by_net() -> None:
    text = "promotion full { spend 10 get 1 off }"
    rules, plain = gbp(text, include=False), gbp(text)
    lines = (ln("a", "3.33", rate="0.2"), ln("b", "3.33", rate="0.2"), ln("c", "3.34", rate="0.2"))
    taxed = rules.price(req(*lines))
    untaxed = plain.price(req(*(dict(x, tax_rate="0") for x in lines)))
    assert [x.discount for x in taxed.lines] == [x.discount for x in untaxed.lines]


# ------------------------------------------------------------------ rounding


@pytest.mark.parametrize(
    ("rounding", "taxes"),
    [("half-up", ["0.17", "0.17", "0.17"]), ("down", ["0.16", "0.16", "0.16"]), ("up", ["0.17"] * 3)],
)
def test_tax_is_rounded_per_line_with_the_rule_sets_rounding(rounding: str, taxes: list[str]) -> None:
    # 1.00 gross at 20%: 1.00 x 0.2 / 1.2 = 0.1666...; three lines round three times
    rules = load(f'currency GBP\nrounding {rounding}\npromotion p {{ on sku "NONE"\n 10% off }}\n')
    result = rules.price(req(*(ln(f"l{i}", "1.00", rate="0.2") for i in range(3))))
    check_invariants(result)
    assert [str(x.tax) for x in result.lines] == taxes
    assert result.tax is not None and result.tax.tax == sum((D(t) for t in taxes), D(0))


def test_half_even_rounds_a_half_cent_to_even() -> None:
    # net 0.25 at 10% (exclude): 0.025 -> 0.02 half-even, 0.03 half-up
    for rounding, want in (("half-even", "0.02"), ("half-up", "0.03")):
        rules = load(
            f'currency GBP\nrounding {rounding}\nprices exclude tax\npromotion p {{ on sku "NONE"\n 10% off }}\n'
        )
        result = rules.price(req(ln("a", "0.25", rate="0.1")))
        assert figures(result, "a") == (D("0.25"), D(want), D("0.25") + D(want))


def test_yen_has_no_minor_unit() -> None:
    rules = load("currency JPY\nprices exclude tax\npromotion p { 10% off }\n")
    result = rules.price(req(ln("a", "999", rate="0.1"), currency="JPY"))
    check_invariants(result)
    assert figures(result, "a") == (D("899"), D("90"), D("989"))


def test_a_line_discounted_to_zero_has_zero_tax() -> None:
    rules = gbp('promotion p { on sku "A"\n 100% off }')
    result = rules.price(req(ln("a", "5.00", rate="0.2"), ln("b", "5.00", rate="0.2")))
    check_invariants(result)
    assert figures(result, "a") == (D("0.00"), D("0.00"), D("0.00"))
    data = json.loads(result.model_dump_json())
    assert data["lines"][0]["net"] == "0.00"  # present, not left out as "empty"


def test_zero_quantity_lines_are_zero_and_not_on_the_invoice() -> None:
    rules = gbp("promotion p { 20% off }")
    result = rules.price(req(ln("a", "12.00", rate="0.2"), ln("z", "3.00", qty=0, rate="0.05")))
    check_invariants(result)
    assert figures(result, "z") == (D("0.00"), D("0.00"), D("0.00"))
    assert result.tax is not None and [r.rate for r in result.tax.by_rate] == [D("0.2")]


# ------------------------------------------------------------------ shipping


def test_single_amount_shipping_is_taxed_after_shipping_benefits() -> None:
    rules = gbp("promotion ship { shipping 2 off over 10 }", include=False)
    result = rules.price(req(ln("a", "20.00", rate="0.2"), shipping="5.00", shipping_tax_rate="0.2"))
    check_invariants(result)
    tax = result.tax
    assert tax is not None
    assert (tax.shipping_net, tax.shipping_tax, tax.shipping_gross) == (D("3.00"), D("0.60"), D("3.60"))
    assert (tax.net, tax.tax, tax.gross) == (D("23.00"), D("4.60"), D("27.60"))
    assert result.total == D("23.00")  # the price basis: subtotal - discount + shipping


def test_shipping_alone_can_carry_tax() -> None:
    rules = load("currency GBP\npromotion p { 10% off }\n")
    result = rules.price(req(ln("a", "10.00"), shipping="6.00", shipping_tax_rate="0.2"))
    check_invariants(result)
    assert result.tax is not None and result.tax.shipping_tax == D("1.00")
    assert [(r.rate, r.tax) for r in result.tax.by_rate] == [(D(0), D("0.00")), (D("0.2"), D("1.00"))]


def test_shipping_lines_each_carry_their_tax() -> None:
    rules = load("currency GBP\npromotion p { 10% off }\n")
    shipping = [
        {"id": "s1", "method": "express", "amount": "6.00", "tax_rate": "0.2"},
        {"id": "s2", "method": "standard", "amount": "3.00"},
    ]
    result = rules.price(req(ln("a", "10.00", rate="0.2"), shipping=shipping))
    check_tax_invariants(result)
    assert result.tax is not None
    assert (result.tax.shipping_net, result.tax.shipping_tax) == (D("8.00"), D("1.00"))


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("1", "less than 1"),
        ("1.5", "less than 1"),
        ("-0.1", "greater than or equal to 0"),
        (0.2, "not a float"),
        (True, "true/false"),
        ("0.2e0", "not a decimal number"),
        ("２０", "not a decimal number"),
        ("0.1234567", "more than 6 decimals"),
        ("abc", "not a decimal number"),
    ],
)
def test_a_bad_tax_rate_is_a_validation_error_with_its_path(rate: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        req(ln("a", "1.00", rate=rate))  # type: ignore[arg-type]
    found = [(".".join(map(str, e["loc"])), e["msg"]) for e in caught.value.errors()]
    assert any(path == "lines.0.tax_rate" and message in msg for path, msg in found), found


def test_a_bad_shipping_tax_rate_names_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        req(ln("a", "1.00"), shipping="1.00", shipping_tax_rate="1")
    assert caught.value.errors()[0]["loc"] == ("shipping_tax_rate",)


def test_shipping_tax_rate_with_shipping_lines_is_refused() -> None:
    with pytest.raises(ValidationError, match="shipping_tax_rate: applies to a single-amount"):
        req(ln("a", "1.00"), shipping=[{"id": "s", "method": "x", "amount": "1.00"}], shipping_tax_rate="0.2")


def test_negative_zero_reads_as_zero() -> None:
    assert req(ln("a", "1.00", rate="-0")).lines[0].tax_rate.is_signed() is False
