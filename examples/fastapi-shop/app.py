"""promokit in a FastAPI service: price a cart, check out against a PostgreSQL ledger, commit.

    PROMOKIT_LEDGER_URL='postgresql://postgres@127.0.0.1:5432/test?schema=fastapi_shop' \
        uvicorn app:app --port 8002

The rules are loaded (parsed, checked, compiled) once in the lifespan; a rule error stops the
service at startup with every diagnostic. Pricing is pure CPU and fast; the ledger calls do
I/O. promokit's ledgers are synchronous in this version, so every call that touches the
ledger runs in Starlette's thread pool (`run_in_threadpool`) and never blocks the event loop.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import promokit
from fastapi import FastAPI, HTTPException
from promokit import CheckoutRequest, LedgerError, PricingResult
from promokit import checkout as flow
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

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


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.rules = promokit.load(RULES)
    app.state.ledger = await run_in_threadpool(promokit.open_ledger, app.state.ledger_url)
    try:
        yield
    finally:
        close = getattr(app.state.ledger, "close", None)
        if close is not None:
            await run_in_threadpool(close)


def create_app(ledger_url: str = LEDGER_URL) -> FastAPI:
    app = FastAPI(title="fastapi-shop", lifespan=lifespan)
    app.state.ledger_url = ledger_url

    @app.post("/price")
    async def price(cart: CheckoutRequest) -> dict[str, Any]:
        # one read-only round trip to the ledger (what is left of each counter), in a thread
        result = await run_in_threadpool(app.state.rules.price, cart, ledger=app.state.ledger)
        return result.model_dump(mode="json")

    @app.post("/checkout")
    async def checkout(body: Checkout) -> Held:
        def reserve() -> flow.Reservation:
            rules, ledger = app.state.rules, app.state.ledger
            result = rules.price(body.cart, ledger=ledger)
            return flow.reserve(rules, body.cart, result, order_id=body.order_id, ledger=ledger, ttl=TTL)

        held = await run_in_threadpool(reserve)
        answer = Held(order_id=body.order_id, ok=held.ok, failed=list(held.failed), result=held.result)
        if not held.ok:  # nothing was taken: show the re-priced cart and let the customer confirm
            raise HTTPException(status_code=409, detail=answer.model_dump(mode="json"))
        return answer

    @app.post("/orders/{order_id}/commit")
    async def commit(order_id: str) -> dict[str, str]:
        try:
            state = await run_in_threadpool(flow.commit, app.state.ledger, order_id)
        except LedgerError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None
        return {"order_id": order_id, "status": str(state.status)}

    @app.post("/orders/{order_id}/release")
    async def release(order_id: str) -> dict[str, str]:
        try:
            state = await run_in_threadpool(flow.release, app.state.ledger, order_id)
        except LedgerError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None
        return {"order_id": order_id, "status": str(state.status)}

    return app


app = create_app()
