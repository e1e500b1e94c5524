"""Tax: net, tax and gross of a priced cart, the last layer (docs/semantics.md#tax).

Every promotion has already been applied on the price basis (gross under `prices include
tax`, net under `prices exclude tax`); what each line pays after every discount is known.
Tax is computed from that, per line, and rounded per line with the rule set's rounding;
the totals are sums of the rounded line figures, so they reconcile exactly.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import Decimal

from ..compile.compiler import CompiledRules
from ..models import CheckoutRequest, LineResult, PricingResult, ShippingLineResult, TaxByRate, TaxSummary
from ..money import PRICING_CONTEXT, Currency, Rounding, allocate, quantize

__all__ = ["apply_tax", "has_tax", "split_tax"]

ZERO = Decimal(0)


def has_tax(request: CheckoutRequest, prices_include_tax: bool) -> bool:
    """Whether the result carries tax figures: prices exclude tax, or some rate is above 0."""
    return (
        not prices_include_tax
        or any(ship.tax_rate > 0 for ship in request.shipping_lines)
        or any(line.tax_rate > 0 for line in request.lines)
    )


def split_tax(
    amount: Decimal, rate: Decimal, prices_include_tax: bool, cur: Currency, rounding: Rounding
) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, gross) of `amount` (in the price basis) taxed at `rate`; gross == net + tax."""
    with decimal.localcontext(PRICING_CONTEXT):
        amount = quantize(amount, cur, rounding)
        if prices_include_tax:
            tax = quantize(amount * rate / (1 + rate), cur, rounding)
            return amount - tax, tax, amount
        tax = quantize(amount * rate, cur, rounding)
        return amount, tax, amount + tax


def shown_rate(rate: Decimal) -> Decimal:
    """A rate as results show it: "0.2" and "0.20" are one rate."""
    return rate.normalize() if rate != 0 else Decimal(0)


def apply_tax(result: PricingResult, request: CheckoutRequest, rules: CompiledRules) -> PricingResult:
    """`result` with `tax` and per-line `tax_rate`, `net`, `tax`, `gross`; unchanged when no tax is
    involved (prices include tax and every rate is 0), so such results are exactly as before."""
    include = rules.prices_include_tax
    if not has_tax(request, include):
        return result
    cur, rounding = rules.currency, rules.rounding
    rates = {line.id: line.tax_rate for line in request.lines}
    lines: list[LineResult] = []
    rows: list[tuple[Decimal, Decimal, Decimal, Decimal]] = []
    for line in result.lines:
        rate = rates.get(line.id, ZERO)
        net, tax, gross = split_tax(line.total, rate, include, cur, rounding)
        lines.append(
            line.model_copy(update={"tax_rate": shown_rate(rate), "net": net, "tax": tax, "gross": gross})
        )
        if line.quantity > 0:
            rows.append((rate, net, tax, gross))
    shipping = _shipping(result, request, rules)
    for ship in shipping:
        if ship.total > 0:
            rows.append((ship.tax_rate or ZERO, ship.net or ZERO, ship.tax or ZERO, ship.gross or ZERO))
    zero = quantize(ZERO, cur, rounding)
    s_net, s_tax, s_gross = (
        _sum((getattr(s, name) for s in shipping), zero) for name in ("net", "tax", "gross")
    )
    summary = TaxSummary(
        prices_include_tax=include,
        net=_sum((ln.net for ln in lines), zero) + s_net,
        tax=_sum((ln.tax for ln in lines), zero) + s_tax,
        gross=_sum((ln.gross for ln in lines), zero) + s_gross,
        shipping_rate=None if request.shipping_listed else shown_rate(request.shipping_tax_rate),
        shipping_net=s_net,
        shipping_tax=s_tax,
        shipping_gross=s_gross,
        by_rate=_by_rate(rows, zero),
    )
    update: dict[str, object] = {"lines": tuple(lines), "tax": summary}
    if result.shipping_lines:
        update["shipping_lines"] = shipping
    return result.model_copy(update=update)


def _shipping(
    result: PricingResult, request: CheckoutRequest, rules: CompiledRules
) -> tuple[ShippingLineResult, ...]:
    """Each shipping line with its tax. The result's own shipping lines when it lists them;
    otherwise the request's, sharing what shipping costs after benefits by their amounts."""
    include, cur, rounding = rules.prices_include_tax, rules.currency, rules.rounding
    rates = {ship.id: ship.tax_rate for ship in request.shipping_lines}
    if result.shipping_lines:
        listed = result.shipping_lines
    else:
        asked = request.shipping_lines
        amounts = [ship.amount for ship in asked]
        parts = (
            allocate(result.shipping, amounts, cur, caps=amounts)
            if result.shipping > 0
            else [ZERO] * len(asked)
        )
        listed = tuple(
            ShippingLineResult(
                id=ship.id,
                method=ship.method,
                amount=ship.amount,
                discount=ship.amount - part,
                total=part,
                lines=ship.lines,
            )
            for ship, part in zip(asked, parts, strict=True)
        )
    out: list[ShippingLineResult] = []
    for ship in listed:
        rate = rates.get(ship.id, ZERO)
        net, tax, gross = split_tax(ship.total, rate, include, cur, rounding)
        out.append(
            ship.model_copy(update={"tax_rate": shown_rate(rate), "net": net, "tax": tax, "gross": gross})
        )
    return tuple(out)


def _sum(values: Iterable[Decimal | None], zero: Decimal) -> Decimal:
    return sum((v for v in values if v is not None), zero)


def _by_rate(rows: list[tuple[Decimal, Decimal, Decimal, Decimal]], zero: Decimal) -> tuple[TaxByRate, ...]:
    """One row per distinct rate (by value), in rate order: what an invoice lists."""
    groups: dict[Decimal, list[Decimal]] = {}
    for rate, net, tax, gross in rows:
        acc = groups.setdefault(shown_rate(rate), [zero, zero, zero])
        acc[0] += net
        acc[1] += tax
        acc[2] += gross
    return tuple(
        TaxByRate(rate=rate, net=net, tax=tax, gross=gross)
        for rate, (net, tax, gross) in sorted(groups.items())
    )
