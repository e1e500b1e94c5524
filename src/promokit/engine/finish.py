"""What `RuleSet.price` does around the engine: zero-quantity lines, true hints, texts.

- Zero lines (docs/semantics.md#zero-quantity-lines): carts keep a line set to 0 before
  removing it. Such lines are taken out before pricing, so they can never be discounted
  or count toward a threshold, a unit count or a scope, and put back in the result, priced
  at zero, in the request's order.
- Hints that are true (docs/semantics.md#hints): a promotion refused for its budget,
  stock, a usage limit or the audience cannot be unlocked by adding to the cart, so it
  never gets a hint, whatever the upsell records say.
- Texts: every reason and hint gets `text` in the locale asked for (`texts.py`).
"""

from __future__ import annotations

from decimal import Decimal

from ..compile.compiler import CompiledRules
from ..models import CheckoutRequest, LineResult, PricingResult
from ..money import quantize
from .texts import render_texts

__all__ = ["REFUSED", "finish", "without_zero_lines"]

#: Reasons that adding to the cart cannot change: no hint for such a promotion.
REFUSED = frozenset({"budget", "stock", "limit", "audience", "window", "channel", "coupon_used"})


def without_zero_lines(request: CheckoutRequest) -> CheckoutRequest:
    """The request the engine prices: the same, minus lines with quantity 0."""
    if all(line.quantity > 0 for line in request.lines):
        return request
    return request.model_copy(update={"lines": tuple(ln for ln in request.lines if ln.quantity > 0)})


def finish(
    result: PricingResult, request: CheckoutRequest, rules: CompiledRules, locale: str
) -> PricingResult:
    """The engine's result for the public: zero lines back, refused hints out, texts in `locale`."""
    update: dict[str, object] = {}
    if any(line.quantity == 0 for line in request.lines):
        priced = {ln.id: ln for ln in result.lines}
        zero = quantize(Decimal(0), rules.currency, rules.rounding)
        update["lines"] = tuple(
            priced[line.id]
            if line.id in priced
            else LineResult(
                id=line.id,
                sku=line.sku,
                quantity=0,
                unit_price=quantize(line.unit_price, rules.currency, rules.rounding),
                subtotal=zero,
                discount=zero,
                total=zero,
            )
            for line in request.lines
        )
    refused = {n.promotion for n in result.not_applied if n.reason in REFUSED}
    if any(h.promotion in refused for h in result.hints):
        update["hints"] = tuple(h for h in result.hints if h.promotion not in refused)
    if update:
        result = result.model_copy(update=update)
    return render_texts(result, request, rules, locale)
