"""Points-priced lines (`points_price`): priced outside the promotions (docs/points.md#points-priced-goods).

A line with `points_price` is a points-mall purchase: it costs `points_price` points per
unit plus its `unit_price` in money (0 for points only). Its price is the deal, so it
takes no promotion, counts towards no threshold and earns no points: the engine prices
the cart without it, then puts it back with its money subtotal and its points, so the
result's totals and every invariant hold. The points it costs leave fewer points to
redeem: the rest of the cart sees `customer.points` minus them.
"""

from __future__ import annotations

from ..models import CheckoutRequest, Line, LineResult, PricingResult
from ..money import currency, quantize


def split(request: CheckoutRequest) -> tuple[CheckoutRequest, tuple[Line, ...]]:
    """(the request without points-priced lines, those lines); the request itself when it has none."""
    priced = tuple(line for line in request.lines if line.points_price is not None)
    if not priced:
        return request, ()
    cost = sum(line.points_price * line.quantity for line in priced if line.points_price is not None)
    customer = request.customer.model_copy(update={"points": max(0, request.customer.points - cost)})
    rest = tuple(line for line in request.lines if line.points_price is None)
    return request.model_copy(update={"lines": rest, "customer": customer}), priced


def merge(request: CheckoutRequest, result: PricingResult, priced: tuple[Line, ...]) -> PricingResult:
    """Put the points-priced lines back into `result`, in the request's line order."""
    if not priced:
        return result
    cur = currency(result.currency)
    added: dict[str, LineResult] = {}
    for line in priced:
        money = quantize(line.unit_price * line.quantity, cur)
        added[line.id] = LineResult(
            id=line.id,
            sku=line.sku,
            quantity=line.quantity,
            unit_price=quantize(line.unit_price, cur),  # "0" reads "0.00", like every other line
            subtotal=money,
            discount=money * 0,
            total=money,
            points=(line.points_price or 0) * line.quantity,
        )
    by_id = {line.id: line for line in result.lines} | added
    money = sum((r.subtotal for r in added.values()), result.subtotal * 0)
    return result.model_copy(
        update={
            "lines": tuple(by_id[line.id] for line in request.lines),
            "subtotal": result.subtotal + money,
            "total": result.total + money,
            "points_priced": sum(r.points for r in added.values()),
        }
    )
