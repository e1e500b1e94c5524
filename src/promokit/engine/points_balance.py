"""Pricing with a ledger that keeps points: the account is the balance (docs/points.md#pricing).

When the ledger keeps an account for the customer, the points a cart may redeem come from
it (available points: not held by other orders, not expired), not from the request's
`customer.points`, and the result lists the points that expire within
`EXPIRING_SOON_DAYS` (so a shop can say "300 points expire on 12-31"). A customer the
ledger has never seen keeps the request's balance, so shops that keep points elsewhere
and pass a ledger only for stock and limits price exactly as before. One extra read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..ledgers.points import PointsBook
from ..models import CheckoutRequest, PointsExpiry

#: Lots expiring within this many days of the request's instant are shown in the result.
EXPIRING_SOON_DAYS = 30


def with_account(
    request: CheckoutRequest, ledger: object | None, order_id: str | None = None
) -> tuple[CheckoutRequest, tuple[PointsExpiry, ...]]:
    """The request with the account's available points, and the lots expiring soon (module doc).

    With `order_id` (a retried checkout, as `RuleSet.price(order_id=)`), the points that
    order holds count as available: they are its own."""
    book = getattr(ledger, "points", None)
    cid = request.customer.id
    if not isinstance(book, PointsBook) or not cid:
        return request, ()
    account = book.account(cid)
    if not account.exists:
        return request, ()
    available = account.available
    if order_id is not None:
        own = book.order(order_id)
        if own is not None and own.status == "reserved" and own.customer == cid:
            available += own.redeemed
    soon = request.at + dt.timedelta(days=EXPIRING_SOON_DAYS)
    by_instant: dict[float, int] = defaultdict(int)
    for lot in account.expiring(soon.timestamp()):
        if lot.expires_at is not None:
            by_instant[lot.expires_at] += lot.points
    expiring = tuple(
        PointsExpiry(points=n, expires_at=dt.datetime.fromtimestamp(t, request.at.tzinfo))
        for t, n in sorted(by_instant.items())
    )
    customer = request.customer.model_copy(update={"points": available})
    return request.model_copy(update={"customer": customer}), expiring
