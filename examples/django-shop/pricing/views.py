"""Three endpoints: price a cart, check out (reserve), and commit or release after payment.

Bad input is a 400 with a message naming the field (pydantic's error), never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from promokit import CheckoutRequest, LedgerError
from promokit import checkout as flow
from pydantic import ValidationError

from . import rules


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _body(request: HttpRequest) -> Any:
    return json.loads(request.body.decode("utf-8"))


@csrf_exempt  # an API called by the shop's front end with its own auth, not a form
@require_POST
def price(request: HttpRequest) -> JsonResponse:
    try:
        cart = CheckoutRequest.model_validate(_body(request))
        result = rules.live().price(cart, ledger=rules.ledger())
    except (ValueError, ValidationError) as exc:  # JSONDecodeError and PromokitError are ValueErrors
        return _bad(str(exc))
    return JsonResponse(result.model_dump(mode="json"))


@csrf_exempt
@require_POST
def checkout(request: HttpRequest) -> JsonResponse:
    """Body: {"order_id": "...", "cart": {...}}. 200 with the held price, or 409 re-priced without
    the promotions that ran out (show it to the customer and check out again)."""
    try:
        body = _body(request)
        order_id = str(body["order_id"])
        cart = CheckoutRequest.model_validate(body["cart"])
        ruleset, ledger = rules.live().current, rules.ledger()  # one rule set for the whole request
        # with the order id, a retried checkout prices as if its own hold were not there
        result = ruleset.price(cart, ledger=ledger, order_id=order_id)
        held = flow.reserve(
            ruleset, cart, result, order_id=order_id, ledger=ledger, ttl=settings.PROMOKIT_RESERVATION_TTL
        )
    except flow.CartChanged as exc:  # the same order id with another cart: a client bug or a race
        return _bad(str(exc), 409)
    except KeyError as exc:
        return _bad(f"missing field {exc}")
    except (ValueError, ValidationError, TypeError) as exc:
        return _bad(str(exc))
    answer = {
        "order_id": order_id,
        "ok": held.ok,
        "failed": list(held.failed),
        "result": held.result.model_dump(mode="json"),
    }
    return JsonResponse(answer, status=200 if held.ok else 409)


@csrf_exempt
@require_POST
def commit(request: HttpRequest, order_id: str) -> JsonResponse:
    try:
        state = flow.commit(rules.ledger(), order_id)
    except LedgerError as exc:
        return _bad(str(exc), 409)
    return JsonResponse({"order_id": order_id, "status": str(state.status)})


@csrf_exempt
@require_POST
def release(request: HttpRequest, order_id: str) -> JsonResponse:
    try:
        state = flow.release(rules.ledger(), order_id)
    except LedgerError as exc:
        return _bad(str(exc), 409)
    return JsonResponse({"order_id": order_id, "status": str(state.status)})
