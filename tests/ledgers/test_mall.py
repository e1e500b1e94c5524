"""Points-mall items: points-priced lines limited per customer and by stock, like a flash sale."""

from __future__ import annotations

from typing import Any

import pytest

from promokit import checkout
from promokit.check.frontend import parse_text
from promokit.language.diagnostics import RuleError
from promokit.loader import loads
from promokit.models import CheckoutRequest

from .conftest import Store

RULES = """
timezone Asia/Shanghai
mall tea-set "积分兑换茶具" {
  on sku "TEA-SET"
  limit 1 per customer
  stock 3
}
"""


@pytest.fixture(scope="module")
def rules() -> Any:
    return loads(RULES, name="mall.promo")


def cart(customer: str, units: int = 1) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-11-22T10:00:00+08:00",
            "customer": {"id": customer},
            "lines": [
                {"id": "t", "sku": "TEA-SET", "unit_price": "9.90", "quantity": units, "points_price": 500}
            ],
        }
    )


def buy(rules: Any, ledger: Any, customer: str, order_id: str, units: int = 1) -> checkout.Reservation:
    ledger.points.earn(customer, 5000, f"gift-{order_id}")
    request = cart(customer, units)
    return checkout.reserve(
        rules, request, rules.price(request, ledger=ledger), order_id=order_id, ledger=ledger
    )


def test_mall_items_are_limited_per_customer_and_by_stock(store: Store, rules: Any) -> None:
    ledger: Any = store.open()
    assert buy(rules, ledger, "c1", "o1").ok
    second = buy(rules, ledger, "c1", "o2")  # one per customer
    assert not second.ok and second.failed == ("mall.tea-set",)
    assert second.result.lines[0].points == 500  # the line stays: the shop removes it
    assert buy(rules, ledger, "c2", "o3", units=2).ok
    assert not buy(rules, ledger, "c3", "o4").ok  # stock 3: sold out
    assert ledger.usage(["stock:mall.tea-set"])["stock:mall.tea-set"] == 3
    for order_id in ("o1", "o3"):
        checkout.commit(ledger, order_id)
    # A return gives back stock per unit and the customer's use once all came back.
    result = rules.price(cart("c2", 2), ledger=ledger)
    checkout.refund(rules, result, {"t": 1}, order_id="o3", refund_id="R-1", ledger=ledger)
    assert ledger.usage(["stock:mall.tea-set"])["stock:mall.tea-set"] == 2
    assert buy(rules, ledger, "c3", "o5").ok


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('mall a {\n  on category "tea"\n}\n', "E094"),
        ('mall a {\n  on sku "A"\n  limit 1 per order\n}\n', "E092"),
        ('mall a {\n  on sku "A"\n}\nmall a {\n  on sku "B"\n}\n', "E093"),
        ("mall a {\n  stock 3\n}\n", "S032"),
    ],
)
def test_bad_mall_items_are_reported(text: str, code: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_text(text, "m.promo")
    assert code in [d.code for d in caught.value.diagnostics]
