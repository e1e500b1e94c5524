"""Retries and races at checkout: a changed cart under a reserved order id, a lost race.

Policy (docs/quickstart.md#retries-cancel-and-refunds):
- a retry with the SAME cart prices identically (`price(..., order_id=...)` does not count the
  order's own hold) and `reserve` returns the stored reservation;
- a retry with a CHANGED cart is refused with `CartChanged`: one order id holds one cart.
  While the order is only reserved the shop releases it and checks the new cart out under a
  new order id; once it is committed (paid) the change is a refund plus a new order;
- a reservation that lost a race to another order is re-priced without the promotions that
  did not fit, each reported with the counter that ran out (`stock`, `limit`, `budget`,
  `coupon_used`), in the same words a fresh price would use ("stock 100 used up").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from ..engine.actions.eligibility import used_up
from ..engine.ruleset import RuleSet
from ..engine.usage import Counter, availability, counters
from ..ledgers.base import Claim, LedgerConflict, OrderState
from ..ledgers.views import Snapshot
from ..models import CheckoutRequest, NotApplied, PricingResult, Reason
from ..money import Currency, currency, format_money

#: the counter kind (engine/usage.py) that did not fit although some of it is left -> reason
_PARTLY: dict[str, Reason] = {"stock": "stock", "units": "limit", "budget": "budget"}


class CartChanged(LedgerConflict):
    """The order id already holds a reservation (or a paid order) for a different cart."""


def cart_changed(order_id: str, state: OrderState | None) -> CartChanged:
    """The error for a reserve of `order_id` with another cart, saying what to do instead."""
    status = state.status if state is not None else "reserved"
    if status == "reserved":
        todo = (
            "one order id holds one cart: release it (checkout.release) and check the new cart out "
            "under a new order id, or reserve the cart it was priced with"
        )
    elif status in ("committed", "refunded"):
        todo = "it is paid: refund what changed (checkout.refund) and place the rest as a new order"
    else:
        todo = f"it was {status}: check the new cart out under a new order id"
    return CartChanged(f"order {order_id!r} was reserved with a different cart; {todo}")


def race_keys(rules: RuleSet, request: CheckoutRequest, failed: Sequence[Claim]) -> list[str]:
    """Every counter key of the promotions that did not fit (what `race_reasons` reads)."""
    cur = currency(rules.currency)
    found: set[str] = set()
    for pid in {c.promotion for c in failed}:
        p = rules.promotion(pid)
        found.update(
            c.key
            for c in counters(p, request.customer.id, request.at, rules.ast.timezone, cur, request.coupons)
        )
    return sorted(found)


def race_reasons(
    rules: RuleSet, request: CheckoutRequest, failed: Sequence[Claim], usage: Mapping[str, int]
) -> dict[str, tuple[Reason, str]]:
    """Per promotion that did not fit: the reason and words a fresh price would give.

    `usage` is the ledger's used + held of `race_keys`, read after the failure. A counter
    used up reads exactly as in a fresh price (the same `availability`, the same `used_up`);
    one with a little left says how much ("stock 100: only 1 left, this order needs 2").
    """
    cur = currency(rules.currency)
    pids = sorted({c.promotion for c in failed})
    found = availability(
        [rules.promotion(pid) for pid in pids], Snapshot(usage), request, rules.ast.timezone, cur
    )
    out: dict[str, tuple[Reason, str]] = {}
    for pid in pids:
        p = rules.promotion(pid)
        av = found.get(pid)
        miss = used_up(av, coupon=p.codes is not None) if av is not None else None
        if miss is not None:
            out[pid] = (miss.reason, miss.detail)
            continue
        known = {
            c.key: c
            for c in counters(p, request.customer.id, request.at, rules.ast.timezone, cur, request.coupons)
        }
        for claim in failed:
            counter = known.get(claim.key)
            if claim.promotion == pid and counter is not None and counter.kind in _PARTLY:
                left = max(0, counter.capacity - usage.get(claim.key, 0))
                out[pid] = (_PARTLY[counter.kind], _words(counter, claim, left, cur))
                break
    return out


def _words(counter: Counter, claim: Claim, left: int, cur: Currency) -> str:
    if counter.kind == "budget":
        money = format_money(Decimal(left).scaleb(-cur.minor_unit), cur)
        return f"{counter.words}: only {money} left, less than this order's discount"
    return f"{counter.words}: only {left} left, this order needs {claim.amount}"


def with_reasons(result: PricingResult, reasons: Mapping[str, tuple[Reason, str]]) -> PricingResult:
    """`result` with the not-applied entries of `reasons`' promotions re-worded."""
    if not reasons:
        return result
    entries = tuple(
        NotApplied(
            promotion=n.promotion,
            title=n.title,
            reason=reasons[n.promotion][0],
            detail=reasons[n.promotion][1],
        )
        if n.promotion in reasons
        else n
        for n in result.not_applied
    )
    return result.model_copy(update={"not_applied": entries})
