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

from ..engine.ruleset import RuleSet
from ..engine.usage import Counter, counters
from ..ledgers.base import Claim, LedgerConflict, OrderState
from ..models import NotApplied, PricingResult, Reason
from ..money import Currency, currency, format_money

#: key kind (keys.py) -> the reason a fresh price would give when that counter is used up
_REASON: dict[str, Reason] = {
    "code": "coupon_used",
    "stock": "stock",
    "cuses": "limit",
    "cunits": "limit",
    "uses": "limit",
    "units": "limit",
    "budget": "budget",
}
_PRIORITY = ("coupon_used", "stock", "limit", "budget")  # what the shopper most needs to hear


class CartChanged(LedgerConflict):
    """The order id already holds a reservation (or a paid order) for a different cart."""


def cart_changed(order_id: str, state: OrderState | None) -> CartChanged:
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


def race_reasons(
    rules: RuleSet, result: PricingResult, failed: Sequence[Claim], usage: Mapping[str, int]
) -> dict[str, tuple[Reason, str]]:
    """Per failed promotion: the reason and the words of the counter that did not fit.

    `usage` is the ledger's used + held per failed key, read after the failure.
    """
    cur = currency(result.currency)
    by_promotion: dict[str, list[Claim]] = {}
    for c in failed:
        by_promotion.setdefault(c.promotion, []).append(c)
    out: dict[str, tuple[Reason, str]] = {}
    for pid, claims in by_promotion.items():
        p = rules.promotion(pid)
        codes = tuple(a.code for a in result.applied if a.promotion == pid and a.code)
        known = {c.key: c for c in counters(p, result.customer_id, result.at, rules.ast.timezone, cur, codes)}
        best: tuple[Reason, str] | None = None
        for claim in claims:
            reason = _REASON.get(claim.key.split(":", 1)[0], "limit")
            counter = known.get(claim.key)
            left = max(0, (claim.limit or 0) - usage.get(claim.key, 0))
            detail = _words(counter, claim, left, cur) if counter is not None else "its counter is used up"
            if best is None or _PRIORITY.index(reason) < _PRIORITY.index(best[0]):
                best = (reason, detail)
        if best is not None:
            out[pid] = best
    return out


def _words(counter: Counter, claim: Claim, left: int, cur: Currency) -> str:
    """The words a fresh price uses when the counter is used up; otherwise what is left."""
    if left == 0:
        return counter.exhausted("used up" if counter.kind in ("stock", "budget") else "reached")
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
