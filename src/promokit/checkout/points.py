"""The points side of a checkout: what an order holds, spends, earns and gives back (docs/points.md).

`checkout.reserve` holds the points a priced order redeems (`points_redeemed`) before it
reserves any counter, and notes the points it earns (`points_earned`); `commit` spends
the held points and records the earned ones as pending until the return window ends;
`release` gives the held points back; `refund` returns redeemed points and claws back
earned ones by the same formula as the money refund (`promokit.refund`: earned points in
proportion to the net refund over the goods paid, redeemed points by the returned share
of the redemption), so a ledger and a refund receipt never disagree.

Only ledgers with a points book (`ledger.points`, every adapter in promokit.ledgers) and
orders of a known customer move points; others are left as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..ledgers.base import Ledger
from ..ledgers.points import PointsBook, PointsOrder
from ..ledgers.points_policy import DEFAULT_RETURN_WINDOW, ExpiryPolicy, PointsError
from ..models import PricingResult

#: The points hold outlives the counters' hold by this margin: whenever the counters'
#: commit succeeds within their TTL (server clock), the points hold is still there even
#: if the app server's clock is a little ahead.
HOLD_MARGIN = 120.0


@dataclass(frozen=True, slots=True)
class PointsTerms:
    """How a shop's orders earn points: when lots expire, how long earned points stay pending."""

    expiry: ExpiryPolicy = ExpiryPolicy()
    return_window: float = DEFAULT_RETURN_WINDOW


def book_of(ledger: Ledger) -> PointsBook | None:
    book = getattr(ledger, "points", None)
    return book if isinstance(book, PointsBook) else None


def order_points(result: PricingResult) -> tuple[int, int]:
    """(points the order spends: redeemed and points-priced lines, points it earns)."""
    return result.points_redeemed + result.points_priced, result.points_earned


def returned_points(result: PricingResult, returned_lines: Mapping[str, int], redeemed_back: int) -> int:
    """Points a return gives back: the redemption's share (`promokit.refund`) plus the full
    points price of every returned unit of a points-priced line."""
    back = redeemed_back
    for line in result.lines:
        if line.points and returned_lines.get(line.id):
            back += line.points * returned_lines[line.id] // line.quantity  # all back: all of it
    return back


def hold(
    book: PointsBook, result: PricingResult, order_id: str, ttl: float, terms: PointsTerms
) -> PointsOrder | None:
    """Hold the order's points (raises InsufficientPoints). An order without points holds
    nothing, but replaces a hold an earlier pricing of the same order id left."""
    redeem, earn = order_points(result)
    customer = result.customer_id
    if customer is None:
        if redeem:  # points are spent from an account: an anonymous cart has none
            raise PointsError(f"order {order_id!r} spends {redeem} points but the request has no customer id")
        return None
    if not redeem and not earn:
        earlier = book.order(order_id)
        if earlier is None or earlier.status != "reserved":
            return None
    return book.hold(
        order_id,
        customer,
        redeem=redeem,
        earn=earn,
        ttl=ttl + HOLD_MARGIN,
        policy=terms.expiry,
        return_window=terms.return_window,
    )
