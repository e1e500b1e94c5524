"""docs/quickstart.md#retries-cancel-and-refunds, end to end on SQLite, Redis and PostgreSQL.

The handlers below are the quickstart's, with an in-memory `orders` table; the rules archive
is the ledger's own URL, as a multi-server shop would configure it. Every step is retried.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import promokit
from promokit import checkout
from promokit.archive import open_archive

from .conftest import Store, make_store
from .test_retries import RULES, cart


@dataclass
class Order:
    request: promokit.CheckoutRequest
    result: promokit.PricingResult
    returned: dict[str, int] = field(default_factory=dict)


class Shop:
    """The quickstart's handlers."""

    def __init__(self, rules_path: Path, url: str) -> None:
        self.archive = url
        self.rules = promokit.load(rules_path, archive=url)
        self.ledger = promokit.open_ledger(url)
        self.orders: dict[str, Order] = {}

    def post_checkout(self, order_id: str, request: promokit.CheckoutRequest) -> dict[str, Any]:
        result = self.rules.price(request, ledger=self.ledger, order_id=order_id)
        try:
            r = checkout.reserve(self.rules, request, result, order_id=order_id, ledger=self.ledger)
        except checkout.CartChanged as exc:
            return {"status": "conflict", "error": str(exc)}
        if not r.ok:
            return {"status": "repriced", "failed": r.failed, "result": r.result}
        self.orders[order_id] = Order(request, r.result)
        return {"status": "reserved", "result": r.result}

    def on_paid(self, order_id: str) -> None:
        checkout.commit(self.ledger, order_id)

    def on_cancel(self, order_id: str) -> None:
        checkout.release(self.ledger, order_id)

    def on_return(self, order_id: str, refund_id: str, returned: dict[str, int]) -> promokit.RefundResult:
        order = self.orders[order_id]
        rules = promokit.load_version(order.result.rules_version, archive=self.archive)
        money = promokit.refund(order.result, returned, rules=rules, already_returned=order.returned)
        checkout.refund(
            rules,
            order.result,
            returned,
            earlier_lines=order.returned,
            order_id=order_id,
            refund_id=refund_id,
            ledger=self.ledger,
        )
        return money


@pytest.fixture(params=["sqlite", "redis", "postgres"])
def shop_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store, cleanup = make_store(request.param, tmp_path)
    yield store
    if request.param == "redis":
        archive: Any = open_archive(store.url)
        archive._client.delete(archive.key)
        archive.close()
    cleanup()


def test_the_quickstart_flow_with_retries_cancel_and_a_refund_after_an_edit(
    shop_store: Store, tmp_path: Path
) -> None:
    rules_path = tmp_path / "shop.promo"
    rules_path.write_text(RULES, encoding="utf-8")
    shop = Shop(rules_path, shop_store.url)
    request = cart("c1")
    first = shop.post_checkout("o-1", request)
    assert first["status"] == "reserved"
    for _ in range(2):  # the client retries POST /checkout: same price, nothing taken twice
        again = shop.post_checkout("o-1", request)
        assert again["status"] == "reserved" and again["result"] == first["result"]
    assert shop.ledger.state("o-1").status == "reserved"  # type: ignore[union-attr]
    changed = shop.post_checkout("o-1", cart("c1", apples=9))
    assert changed["status"] == "conflict" and "new order id" in changed["error"]
    # a second order is cancelled (twice) and gives its counters back
    other = cart("c2", coupons=())
    held = shop.rules.price(other, ledger=shop.ledger, order_id="o-2")  # o-1 holds both eggs
    assert {n.promotion: n.reason for n in held.not_applied}["eggs"] == "stock"
    shop.on_cancel("o-1")
    shop.on_cancel("o-1")  # a retried cancel
    placed = shop.post_checkout("o-2", other)
    assert placed["status"] == "reserved" and "eggs" in {a.promotion for a in placed["result"].applied}
    shop.on_paid("o-2")
    shop.on_paid("o-2")  # the payment webhook is retried
    # operators edit the rules; the refund still uses the version that priced the order
    rules_path.write_text(RULES.replace("满100减20", "满100减50"), encoding="utf-8")
    shop.rules = promokit.load(rules_path, archive=shop.archive)
    paid = shop.orders["o-2"].result
    assert shop.rules.version != paid.rules_version
    with pytest.raises(promokit.VersionMismatch):
        promokit.refund(paid, {"l2": 1}, rules=shop.rules)
    back = shop.on_return("o-2", "R-1", {"l2": 1})
    # 6 apples at ¥20 with ¥20 off: one returned pays its ¥16.67 share; 5 kept still reach ¥100
    assert back.refund == Decimal("16.67") and back.clawback == 0
    assert shop.ledger.state("o-2").status == "refunded"  # type: ignore[union-attr]
    assert shop.on_return("o-2", "R-1", {"l2": 1}) == back  # a retried refund pays the same
