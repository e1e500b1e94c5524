"""The async checkout flow (checkout.aprice / areserve / acommit / arelease / arefund) end to end
on every adapter through `open_async_ledger`: same outcomes as the sync flow in test_retries.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import promokit
from promokit import checkout
from promokit.ledgers import keys

from .conftest import Store
from .test_retries import RULES, applied, cart


@pytest.fixture(scope="module")
def rules() -> Any:
    return promokit.loads(RULES, name="shop.promo")


def test_the_async_flow_retries_races_cancels_and_refunds(rules: Any, store: Store) -> None:
    sync_ledger = store.open()  # the same store, to compare with the sync pricing

    async def flow() -> None:
        ledger = await promokit.open_async_ledger(store.url)
        try:
            request = cart("c1")
            first = await checkout.aprice(rules, request, ledger=ledger, order_id="o-1")
            assert first == rules.price(request, ledger=sync_ledger, order_id="o-1")
            assert set(applied(first)) == {"eggs", "fruit", "welcome"}
            assert (await checkout.areserve(rules, request, first, order_id="o-1", ledger=ledger)).ok
            stock = await ledger.usage([keys.stock("eggs")])
            for _ in range(2):  # retries: same price, the stored reservation, nothing taken twice
                again = await checkout.aprice(rules, request, ledger=ledger, order_id="o-1")
                assert again == first
                r = await checkout.areserve(rules, request, again, order_id="o-1", ledger=ledger)
                assert r.ok and r.outcome.status == "reserved"
            assert await ledger.usage([keys.stock("eggs")]) == stock
            changed = cart("c1", apples=8)
            with pytest.raises(checkout.CartChanged):
                await checkout.areserve(
                    rules,
                    changed,
                    await checkout.aprice(rules, changed, ledger=ledger, order_id="o-1"),
                    order_id="o-1",
                    ledger=ledger,
                )
            # a lost race: two more customers see the stock the first one holds no longer
            b, c = cart("cb", coupons=()), cart("cc", coupons=())
            await checkout.arelease(ledger, "o-1")
            priced_b = await checkout.aprice(rules, b, ledger=ledger)
            priced_c = await checkout.aprice(rules, c, ledger=ledger)
            assert (await checkout.areserve(rules, b, priced_b, order_id="B", ledger=ledger)).ok
            lost = await checkout.areserve(rules, c, priced_c, order_id="C", ledger=ledger)
            assert not lost.ok and lost.failed == ("eggs",)
            assert {n.promotion: n.reason for n in lost.result.not_applied}["eggs"] == "stock"
            # pay and refund the apples
            await checkout.acommit(ledger, "B")
            state = await checkout.arefund(
                rules, priced_b, {"l2": 6}, order_id="B", refund_id="R", ledger=ledger
            )
            assert state.status == "refunded"
        finally:
            await ledger.close()

    asyncio.run(flow())


def test_aprice_without_counted_promotions_needs_no_ledger_round_trip(rules: Any) -> None:
    class NoCalls:
        url = "none://"

        async def usage(self, keys: Any) -> Any:
            raise AssertionError("no counters, no round trip")

        async def state(self, order_id: str) -> Any:
            raise AssertionError("no counters, no round trip")

    plain = promokit.CheckoutRequest.model_validate(
        {
            "at": "2026-11-22T10:00:00+08:00",
            "lines": [{"id": "l1", "sku": "X", "unit_price": "1.00", "quantity": 1}],
        }
    )
    result = asyncio.run(checkout.aprice(rules, plain, ledger=NoCalls()))  # type: ignore[arg-type]
    assert result == rules.price(plain)
