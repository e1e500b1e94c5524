"""The checkout flow for asyncio services: the ledger calls awaited, pricing as in `reserve.py`.

    result = await checkout.aprice(rules, request, ledger=LEDGER, order_id="A-1")
    r = await checkout.areserve(rules, request, result, order_id="A-1", ledger=LEDGER)
    await checkout.acommit(LEDGER, "A-1")        # or arelease; arefund for a return

`LEDGER` is an `AsyncLedger` (`await promokit.open_async_ledger(url)`). Pricing is
CPU-bound and pure, so it runs inline; only the ledger reads and writes are awaited: `aprice`
reads the counters the cart's promotions use (one `usage` round trip, plus `state` with an
order id) and prices against that snapshot. Same policies as the sync flow (retry.py):
a same-cart retry returns the stored reservation, a changed cart raises `CartChanged`, a
lost race re-prices with the real reasons.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Literal

from ..engine.ruleset import RuleSet
from ..errors import PromokitError
from ..ledgers.aio import AsyncLedger
from ..ledgers.base import LedgerConflict, OrderState
from ..ledgers.views import Snapshot, own_amounts, subtract
from ..models import CheckoutRequest, PricingResult
from ..telemetry import ledger_call, ledger_conflict, ledger_log
from .refunds import check_version
from .reserve import Reservation, campaign_setting, claimed_only, claims_for, returns_for
from .retry import cart_changed, race_keys, race_reasons, with_reasons


class _KeysRead(PromokitError):
    """Raised by `_Recorder` to stop a pricing pass once it has asked for its keys (never escapes)."""

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__("keys read")
        self.keys = list(keys)


class _Recorder:
    """Learns which counters pricing reads: they depend on the cart, not on their values."""

    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        raise _KeysRead(keys)


async def aprice(
    rules: RuleSet,
    request: CheckoutRequest,
    *,
    ledger: AsyncLedger,
    order_id: str | None = None,
    exclude: Collection[str] = (),
    strategy: Literal["best", "greedy"] = "best",
) -> PricingResult:
    """`rules.price(request, ledger=..., order_id=...)` with the reads awaited."""
    try:
        return rules.price(request, ledger=_Recorder(), exclude=exclude, strategy=strategy)
    except _KeysRead as wanted:
        keys = wanted.keys  # no promotion of this cart has counters: the pass above finished
    ledger_call("usage")
    usage = await ledger.usage(keys)
    if order_id is not None:
        ledger_call("state")
        usage = subtract(usage, own_amounts(await ledger.state(order_id)))
    return rules.price(request, ledger=Snapshot(usage), exclude=exclude, strategy=strategy)


async def areserve(
    rules: RuleSet,
    request: CheckoutRequest,
    result: PricingResult,
    *,
    order_id: str,
    ledger: AsyncLedger,
    ttl: float = 900,
) -> Reservation:
    """`reserve` for an async ledger: the same outcomes and errors."""
    claims = tuple(claims_for(rules, result, campaign_stats=campaign_setting(ledger)))
    ledger_call("reserve")
    try:
        outcome = await ledger.reserve(order_id, claims, ttl)
    except LedgerConflict:
        ledger_conflict("cart_changed")
        error = cart_changed(order_id, await ledger.state(order_id))
        ledger_log.warning("%s: %s", ledger.url, error)
        raise error from None
    if outcome.ok:
        return Reservation(True, order_id, result, (), outcome, claims)
    failed = tuple(sorted({c.promotion for c in outcome.failed}))
    if not failed:  # a replay of an order that was released or expired: price it again as is
        return Reservation(False, order_id, await aprice(rules, request, ledger=ledger), (), outcome, claims)
    ledger_conflict("lost_race")
    usage = await ledger.usage(race_keys(rules, request, outcome.failed))
    reasons = race_reasons(rules, request, outcome.failed, usage)
    repriced = with_reasons(await aprice(rules, request, ledger=ledger, exclude=failed), reasons)
    return Reservation(False, order_id, repriced, failed, outcome, claims)


async def acommit(ledger: AsyncLedger, order_id: str) -> OrderState:
    """After payment: the held counters become used."""
    ledger_call("commit")
    return await ledger.commit(order_id)


async def arelease(ledger: AsyncLedger, order_id: str) -> OrderState:
    """On cancel: give the held counters back."""
    ledger_call("release")
    return await ledger.release(order_id)


async def arefund(
    rules: RuleSet,
    result: PricingResult,
    returned_lines: Mapping[str, int],
    *,
    order_id: str,
    refund_id: str,
    ledger: AsyncLedger,
    earlier_lines: Mapping[str, int] | None = None,
) -> OrderState:
    """`refund` for an async ledger (idempotent per `refund_id`)."""
    check_version(result, rules)
    returns = returns_for(rules, result, returned_lines, earlier_lines)
    ledger_call("state")
    returns = claimed_only(returns, await ledger.state(order_id))
    ledger_call("refund")
    return await ledger.refund(order_id, returns, refund_id)
