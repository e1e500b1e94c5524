"""A refund returns the tax of what it refunds (docs/refunds.md#tax, docs/semantics.md#tax).

Each refunded line is taxed at the line's own rate, the same way the line was taxed when
priced (`engine/tax.split_tax`), on the line's *cumulative* refund (this refund plus every
earlier one), never above the tax the line paid; this refund returns the difference from
what earlier refunds returned. Once every unit of a line is back, the line has returned all
the tax it paid: a clawback (docs/refunds.md) can move money between returned lines, and the
last refund of a line settles its tax exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..engine.tax import split_tax
from ..models import PricingResult
from ..money import Currency, Rounding
from .refund_models import RefundLine, RefundResult

__all__ = ["Before", "earlier_refunds", "with_tax"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Before:
    """Per line, what earlier refunds paid back and the tax they returned (None: not known)."""

    money: dict[str, Decimal]
    tax: dict[str, Decimal] | None


def earlier_refunds(earlier: Sequence[RefundResult], shares: Mapping[str, Decimal]) -> Before:
    """From `earlier`; or, for the older `already_returned` form (units only), the frozen shares
    of the units returned before, their tax computed."""
    if not earlier:
        return Before(dict(shares), None)
    money: dict[str, Decimal] = {}
    tax: dict[str, Decimal] = {}
    for back in earlier:
        for line in back.lines:
            money[line.id] = money.get(line.id, ZERO) + line.refund
            tax[line.id] = tax.get(line.id, ZERO) + (line.tax or ZERO)
    return Before(money, tax)


def with_tax(
    result: PricingResult,
    lines: tuple[RefundLine, ...],
    before: Before,
    units_after: Mapping[str, int],
    cur: Currency,
) -> tuple[tuple[RefundLine, ...], tuple[Decimal, Decimal, Decimal] | None]:
    """`lines` with `net`, `tax`, `gross` of their refund, and this refund's (net, tax, gross);
    unchanged (and None) when the priced result carries no tax. `units_after`: units of each
    line returned so far, this refund included."""
    summary = result.tax
    if summary is None:
        return lines, None
    include = summary.prices_include_tax
    priced = {line.id: line for line in result.lines}
    out: list[RefundLine] = []
    totals = [ZERO, ZERO, ZERO]
    for line in lines:
        paid = priced[line.id]
        rate, paid_tax = paid.tax_rate or ZERO, paid.tax or ZERO
        money_before = before.money.get(line.id, ZERO)
        if before.tax is not None:
            tax_before = before.tax.get(line.id, ZERO)
        else:
            tax_before = _tax(money_before, paid.total, rate, paid_tax, include, cur)
        if units_after.get(line.id, 0) >= paid.quantity:
            tax_after = paid_tax  # the whole line is back: all its tax
        else:
            tax_after = _tax(money_before + line.refund, paid.total, rate, paid_tax, include, cur)
        line_tax = max(ZERO, tax_after - tax_before)
        if include:  # the tax is part of the refund: never more than it
            line_tax = min(line_tax, line.refund)
            net, gross = line.refund - line_tax, line.refund
        else:
            net, gross = line.refund, line.refund + line_tax
        out.append(line.model_copy(update={"net": net, "tax": line_tax, "gross": gross}))
        totals = [totals[0] + net, totals[1] + line_tax, totals[2] + gross]
    zero = ZERO.quantize(cur.quantum)
    return tuple(out), (totals[0] + zero, totals[1] + zero, totals[2] + zero)


def _tax(
    refunded: Decimal, total: Decimal, rate: Decimal, paid_tax: Decimal, include: bool, cur: Currency
) -> Decimal:
    """The tax of `refunded` (cumulative, in the price basis) of a line that paid `total` and
    `paid_tax`: all of it once the line total is refunded, never more than that."""
    if refunded >= total:
        return paid_tax
    # Half-up, the rounding of refund shares (docs/refunds.md): the result does not carry the
    # rule set's rounding, and a refund may be made without the rules.
    return min(split_tax(refunded, rate, include, cur, Rounding.HALF_UP)[1], paid_tax)
