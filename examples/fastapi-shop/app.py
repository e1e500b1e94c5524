"""promokit in a FastAPI service: price a cart, check out against a PostgreSQL ledger, commit.

    PROMOKIT_LEDGER_URL='postgresql://postgres@127.0.0.1:5432/test?schema=fastapi_shop' \\
        uvicorn app:app --port 8002

The rules are loaded once in the lifespan with `promokit.watch` (a rule error stops the
service at startup with every diagnostic; a changed file is reloaded in the background, a
broken edit keeps the previous rules). The ledger is promokit's async ledger
(`promokit.open_async_ledger`): every ledger read and write is awaited on the event loop, and
pricing, which is pure CPU, runs inline (`checkout.aprice`, `areserve`, `acommit`, `arelease`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import promokit
from fastapi import FastAPI, HTTPException
from promokit import CheckoutRequest, LedgerError, PricingResult, checkout
from pydantic import BaseModel

RULES = Path(os.environ.get("PROMOKIT_RULES", Path(__file__).parent / "rules"))
LEDGER_URL = os.environ.get("PROMOKIT_LEDGER_URL", "postgresql://postgres@127.0.0.1:5432/test?schema=fastapi_shop")
TTL = 900


class Checkout(BaseModel):
    order_id: str
    cart: CheckoutRequest


class Held(BaseModel):
    order_id: str
    ok: bool
    failed: list[str]
    result: PricingResult


def create_app(ledger_url: str = LEDGER_URL, rules: Path = RULES) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with promokit.watch(rules, interval=2.0) as live:
            app.state.live = live
            app.state.ledger = await promokit.open_async_ledger(ledger_url)
            try:
                yield
            finally:
                await app.state.ledger.close()

    app = FastAPI(title="fastapi-shop", lifespan=lifespan)

    @app.post("/price")
    async def price(cart: CheckoutRequest) -> dict[str, Any]:
        # one awaited read of what is left of each counter the cart's promotions use
        result = await checkout.aprice(app.state.live.current, cart, ledger=app.state.ledger)
        return result.model_dump(mode="json")

    @app.post("/checkout")
    async def post_checkout(body: Checkout) -> Held:
        rules, ledger = app.state.live.current, app.state.ledger  # one rule set for the whole request
        try:
            result = await checkout.aprice(rules, body.cart, ledger=ledger, order_id=body.order_id)
            held = await checkout.areserve(rules, body.cart, result, order_id=body.order_id, ledger=ledger, ttl=TTL)
        except checkout.CartChanged as exc:  # the same order id with another cart
            raise HTTPException(status_code=409, detail=str(exc)) from None
        answer = Held(order_id=body.order_id, ok=held.ok, failed=list(held.failed), result=held.result)
        if not held.ok:  # nothing was taken: show the re-priced cart and let the customer confirm
            raise HTTPException(status_code=409, detail=answer.model_dump(mode="json"))
        return answer

    @app.post("/orders/{order_id}/commit")
    async def commit(order_id: str) -> dict[str, str]:
        try:
            state = await checkout.acommit(app.state.ledger, order_id)
        except LedgerError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None
        return {"order_id": order_id, "status": str(state.status)}

    @app.post("/orders/{order_id}/release")
    async def release(order_id: str) -> dict[str, str]:
        try:
            state = await checkout.arelease(app.state.ledger, order_id)
        except LedgerError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None
        return {"order_id": order_id, "status": str(state.status)}

    return app


app = create_app()
