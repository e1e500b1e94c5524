"""promokit.testing: one-line requests and assertions whose failures explain the price."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from shop_project import PASSING, RULES

from promokit.check.frontend import parse_text
from promokit.engine.ruleset import RuleSet
from promokit.models import ShippingLine
from promokit.testing import assert_applied, assert_not_applied, assert_price, cart, load_catalogue

FRUIT = {"APPLE": {"price": "12.50", "category": "fruit"}, "EGGS": {"price": "2.50", "category": "eggs"}}


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet(parse_text(RULES, "rules.promo"))


def test_cart_builds_lines_from_text_and_catalogue_and_customer_from_keywords() -> None:
    request = cart(
        "APPLE x 8, MILK x 2 price 6.80 category dairy",
        at="2026-10-02 10:00+08:00",
        catalogue=FRUIT,
        level=3,
        segments=("vip",),
    )
    assert [(ln.id, ln.unit_price, ln.category, ln.quantity) for ln in request.lines] == [
        ("APPLE", Decimal("12.50"), "fruit", 8),
        ("MILK", Decimal("6.80"), "dairy", 2),
    ]
    assert request.customer.level == 3 and request.customer.segments == ("vip",)
    assert request.at == dt.datetime(2026, 10, 2, 2, 0, tzinfo=dt.UTC)


def test_cart_accepts_a_zone_name_after_the_time() -> None:
    request = cart("APPLE", at="2026-10-02 10:00 Asia/Shanghai", catalogue=FRUIT)
    assert request.at.utcoffset() == dt.timedelta(hours=8)


def test_cart_refuses_naive_instants_and_unpriced_skus() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        cart("APPLE", at="2026-10-02 10:00", catalogue=FRUIT)
    with pytest.raises(ValueError, match="'PEAR' has no price"):
        cart("PEAR x 2", at="2026-10-02 10:00+08:00")
    with pytest.raises(ValueError, match=r"error\[T001\]"):
        cart("APPLE x x", at="2026-10-02 10:00+08:00", catalogue=FRUIT)


def test_a_catalogue_can_come_from_a_promotest_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.promotest"
    path.write_text(PASSING, encoding="utf-8")
    request = cart("EGGS x 3", at="2026-10-02 10:00+08:00", catalogue=load_catalogue(path))
    assert request.lines[0].unit_price == Decimal("2.50")


def test_assert_price_passes_and_returns_the_result(rules: RuleSet) -> None:
    result = assert_price(
        rules,
        cart("APPLE x 8", at="2026-10-02 10:00+08:00", catalogue=FRUIT),
        total="80.00",
        discount=20,
        subtotal="100",
    )
    assert result.total == Decimal("80.00")


def test_assert_price_failure_shows_expected_actual_and_explanation(rules: RuleSet) -> None:
    request = cart("APPLE x 7", at="2026-10-02 10:00+08:00", catalogue=FRUIT)
    with pytest.raises(AssertionError) as info:
        assert_price(rules, request, total="80.00")
    message = str(info.value)
    assert message.startswith("total: expected 80.00, got 87.50\nexplanation:\n")
    assert "autumn-fruit [threshold]" in message


def test_assert_applied_and_not_applied_check_amounts_and_reasons(rules: RuleSet) -> None:
    request = cart("APPLE x 8", at="2026-10-02 10:00+08:00", catalogue=FRUIT)
    assert_applied(rules, request, "autumn-fruit", amount="20")
    assert_not_applied(rules, request, "member-day", reason="window")
    with pytest.raises(
        AssertionError, match="expected member-day applied, got member-day not applied because window"
    ):
        assert_applied(rules, request, "member-day")
    with pytest.raises(AssertionError, match="autumn-fruit applied, 20.00 off"):
        assert_not_applied(rules, request, "autumn-fruit")


def test_assertions_reject_unknown_promotions_and_reasons(rules: RuleSet) -> None:
    request = cart("APPLE x 8", at="2026-10-02 10:00+08:00", catalogue=FRUIT)
    with pytest.raises(ValueError, match="did you mean 'autumn-fruit'"):
        assert_applied(rules, request, "autumn-fruits")
    with pytest.raises(ValueError, match="unknown reason 'windows'"):
        assert_not_applied(rules, request, "member-day", reason="windows")


def test_seed_ledger_writes_promotest_state_for_python_tests(rules: RuleSet) -> None:
    from promokit.ledgers import open_ledger
    from promokit.testing import seed_ledger

    request = cart("EGGS x 2", at="2026-10-02 10:00+08:00", catalogue=FRUIT, id="c1")
    assert_applied(rules, request, "flash-eggs")
    ledger = seed_ledger(open_ledger("memory://"), rules, request, "stock of flash-eggs 0")
    assert_not_applied(rules, request, "flash-eggs", reason="stock", ledger=ledger)
    with pytest.raises(ValueError, match=r"error\[T003\]: unknown promotion 'flash-egs'"):
        seed_ledger(open_ledger("memory://"), rules, request, "stock of flash-egs 0")
    with pytest.raises(ValueError, match=r"error\[T001\]"):
        seed_ledger(open_ledger("memory://"), rules, request, "stock flash-eggs 0")


def test_assert_price_checks_tax_totals_and_cart_takes_tax_rates() -> None:
    vat = RuleSet(parse_text("currency GBP\nprices exclude tax\npromotion p { 20% off }\n", "vat.promo"))
    request = cart(
        "WINE x 1 price 10.00 tax 0.2",
        at="2026-10-02 10:00+01:00",
        currency="GBP",
        shipping=5,
        shipping_tax_rate="0.2",
    )
    result = assert_price(vat, request, total="13.00", net="13.00", tax="2.60", gross="15.60")
    assert result.lines[0].tax == Decimal("1.60")
    with pytest.raises(AssertionError, match="tax"):
        assert_price(vat, request, tax="2.00")


def test_cart_takes_one_shipping_amount_or_shipping_lines() -> None:
    single = cart("APPLE x 1", at="2026-10-02 10:00+08:00", catalogue=FRUIT, shipping="8.00")
    assert single.shipping == Decimal("8.00") and not single.shipping_listed
    ship = ShippingLine(id="s1", method="express", amount=Decimal(20), lines=("APPLE",))
    listed = cart("APPLE x 1", at="2026-10-02 10:00+08:00", catalogue=FRUIT, shipping=[ship])
    assert listed.shipping_lines == (ship,)
