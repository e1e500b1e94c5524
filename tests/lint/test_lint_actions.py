"""Discount rates computed from actions (the bounds behind L004, L011 and L012)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from promokit.check.frontend import parse_text
from promokit.language.ast import Promotion, ScopeDecl
from promokit.lint.actions import catalogue_prices, discount_at, order_rate, worst_rate


def promotion(body: str, head: str = "") -> tuple[Promotion, dict[str, ScopeDecl]]:
    checked = parse_text(head + 'promotion p "P" {\n  ' + body + "\n}\n", "t.promo")
    return checked.ast.promotions[0], checked.ast.scopes


@pytest.mark.parametrize(
    ("body", "spend", "off"),
    [
        ("满100减20, 满200减50", "99.99", "0"),
        ("满100减20, 满200减50", "100", "20"),
        ("满100减20, 满200减50", "250", "50"),
        ("每满100减15 封顶40", "299", "30"),
        ("每满100减15 封顶40", "300", "40"),
        ("8折 满100", "99", "0"),
        ("8折 封顶30 满100", "120", "24"),
        ("8折 封顶30 满100", "500", "30"),
    ],
)
def test_order_discounts_follow_the_action_at_a_spend(body: str, spend: str, off: str) -> None:
    p, _ = promotion(body)
    assert discount_at(p.action, Decimal(spend)) == Decimal(off)


def test_the_worst_tier_rate_is_at_the_threshold_with_the_best_ratio() -> None:
    p, _ = promotion("满100减20, 满200减50, 满300减60")
    rate = order_rate(p)
    assert rate is not None and rate.rate == Decimal("0.25") and rate.spend == Decimal(200)


def test_a_cap_lowers_the_worst_rate() -> None:
    p, _ = promotion("满100减20, 满200减50\n  at most 20 off")
    rate = order_rate(p)
    assert rate is not None and rate.rate == Decimal("0.2")


@pytest.mark.parametrize(
    ("body", "rate"),
    [("买2赠1", Decimal(1) / 3), ("第二件半价", Decimal("0.25")), ("8折", Decimal("0.2"))],
)
def test_quantity_deals_and_item_percentages_have_a_fixed_share(body: str, rate: Decimal) -> None:
    p, scopes = promotion(body)
    found = worst_rate(p, scopes, None)
    assert found is not None and found.rate == rate


def test_price_actions_need_list_prices() -> None:
    p, scopes = promotion('on sku "A", "B"\n  特价 6.00')
    assert worst_rate(p, scopes, None) is None
    found = worst_rate(p, scopes, {"A": Decimal("8.00"), "B": Decimal("12.00"), "C": Decimal("100")})
    assert found is not None and found.rate == Decimal("0.5") and found.sku == "B"


def test_catalogue_skus_in_scope_follow_named_scopes_and_exclusions() -> None:
    p, scopes = promotion("on deals\n  9折", head='scope deals = all except sku "X"\n')
    prices = catalogue_prices(p, scopes, {"X": Decimal(1), "Y": Decimal(2)})
    assert prices == {"Y": Decimal(2)}
    q, scopes = promotion('on category "fruit"\n  9折')
    assert catalogue_prices(q, scopes, {"X": Decimal(1)}) == {}
