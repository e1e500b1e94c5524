"""Partial returns: what to refund for returned units, from a frozen `PricingResult`.

Policy (docs/refunds.md has the worked example):

1. **Frozen apportionment.** A returned unit refunds what the customer paid for it: its
   unit price minus its share of every adjustment on its line (each adjustment shared evenly
   over the line's units, rounded half-up to the minor unit). Shares are cumulative — the
   first `r` units of a line carry `round(amount * r / quantity)` — so returning every unit,
   in one go or in several returns, refunds exactly the line total. Untouched lines are
   never re-priced.
2. **Broken thresholds (with `rules`).** For every applied order-level, coupon or shipping
   promotion with a threshold (tiers 满减, every-X 每满减, a percentage with a minimum spend,
   spend/buy gifts 满赠/买赠, free shipping over X), the threshold is re-measured on the *kept*
   units of the lines it was measured on, with the same base (after the discounts of the
   earlier layers, or original prices). The kept units may keep only the discount the
   promotion would give them now (the highest tier still reached, fewer every-X steps,
   none below a minimum spend, a lower percentage tier of a tiered offer); a `when`
   condition is measured again on its own scope's kept units (docs/refunds.md#conditions);
   what they received beyond that is *clawed back* from the refund. The refund is never below 0: a clawback larger than the returned amount is
   reported as `uncollected`, never charged. A return of every unit claws nothing back.
3. **Gifts** granted by a threshold the return breaks are listed in `gifts_to_return`. If
   the shop passes `gift_values` (sku -> value per unit), `gift_charge` is what to deduct
   instead when the customer keeps them; promokit never deducts it on its own.
4. **Shipping** is not refunded by a partial return. A free-shipping (or shipping-off)
   threshold broken by the return claws the shipping discount back like any other.
4a. **Tax** (docs/refunds.md#tax): each refunded line returns the tax of what it refunds
   (`refund_tax.py`), never more than the line paid.
5. **Points.** Points earned are reversed in proportion to the net refund over the goods
   paid; points redeemed are returned in proportion to the returned share of the
   redemption's line adjustments (half-up, whole points).
6. **Several returns: a ledger of money.** Pass `earlier` (the order's earlier
   `RefundResult`s): the units they returned and the money they paid back. Every figure is
   computed for the cumulative return; what the order may have back by now is the frozen
   share of every returned unit minus what the kept units must give back, and this refund
   is that minus what was already refunded (never below 0). So the refunds of an order
   never add up to more than it paid, in any order of partial returns, and add up to exactly
   what it paid once everything is back. `already_returned` (units only) is the older
   form: not knowing what was paid, it assumes the most any sequence of returns of those
   units could have refunded (`Refunder.most_owed`), so it never over-pays either; it can
   pay less than `earlier` would when the earlier units came back in fewer returns.

Item-level quantity deals (买2赠1, 第二件半价, N元任选M件) are refunded at the average paid
per unit of the line; they are not re-checked unless they have a `when` condition (a
documented limitation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_FLOOR, Decimal

from ..errors import PromokitError
from ..language.diagnostics import did_you_mean
from ..models import CheckoutRequest, Gift, PricingResult
from ..money import allocate, quantize
from .refund_models import Clawback, PromotionLookup, RefundLine, RefundResult
from .refund_state import Refunder, State
from .refund_tax import earlier_refunds, with_tax

__all__ = [
    "Clawback",
    "PromotionLookup",
    "RefundLine",
    "RefundResult",
    "VersionMismatch",
    "check_version",
    "refund",
]

ZERO = Decimal(0)


class VersionMismatch(PromokitError):
    """The rules given to a refund are not the version that priced the order."""


def check_version(result: PricingResult, rules: object) -> None:
    """Refuse rules whose version differs from `result.rules_version` (a changed rule set would
    re-measure thresholds and counters with rules the order never saw)."""
    version = getattr(rules, "version", None)
    if rules is None or version is None or version == result.rules_version:
        return
    raise VersionMismatch(
        f"this order was priced with rules version {result.rules_version!r}, but the rules given are "
        f"version {version!r}; refund with the rules that priced it: "
        f"promokit.load_version({result.rules_version!r}, archive=ARCHIVE) "
        "(keep an archive with promokit.load(path, archive=ARCHIVE); docs/production.md#versioned-rules)"
    )


def _validate(result: PricingResult, returned: Mapping[str, int], earlier: Mapping[str, int]) -> None:
    """Unknown lines, non-counts and more units than bought are errors (PromokitError)."""
    lines = {line.id: line for line in result.lines}
    for line_id, units in [*returned.items(), *earlier.items()]:
        if line_id not in lines:
            hint = did_you_mean(line_id, sorted(lines))
            raise PromokitError(f"unknown line id {line_id!r}" + (f"; {hint}" if hint else ""))
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise PromokitError(
                f"line {line_id!r}: units returned must be a whole number >= 0, got {units!r}"
            )
    for line_id, before in earlier.items():
        quantity = lines[line_id].quantity
        if before > quantity:
            raise PromokitError(
                f"line {line_id!r}: {before} unit(s) returned before, but only {quantity} were bought"
            )
    for line_id, units in returned.items():
        before = earlier.get(line_id, 0)
        quantity = lines[line_id].quantity
        if units + before > quantity:
            raise PromokitError(
                f"line {line_id!r}: cannot return {units} unit(s); {quantity} bought, {before} returned before"
            )


def _earlier_units(
    result: PricingResult, earlier: Sequence[RefundResult], already_returned: Mapping[str, int] | None
) -> dict[str, int]:
    """Units returned before, from the earlier refunds (or the older `already_returned`)."""
    if earlier and already_returned:
        raise PromokitError("pass either `earlier` (the earlier refunds) or `already_returned`, not both")
    if not earlier:
        return dict(already_returned or {})
    units: dict[str, int] = {}
    for back in earlier:
        if not isinstance(back, RefundResult) or back.currency != result.currency:
            raise PromokitError("`earlier` must hold the RefundResults of this order's earlier refunds")
        for line in back.lines:
            units[line.id] = units.get(line.id, 0) + line.units
    return units


def _half_up_ratio(points: int, part: Decimal, whole: Decimal) -> int:
    """round_half_up(points * part / whole) as a whole number of points, clamped to [0, points]."""
    if whole <= 0:
        return 0
    value = int((Decimal(points) * part / whole + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR))
    return max(0, min(points, value))


def _clawbacks(result: PricingResult, before: State, after: State) -> tuple[Clawback, ...]:
    """How each broken (or mended) threshold changed between the two cumulative returns."""
    claws: list[Clawback] = []
    for promotion_id in sorted(set(after.lost) | set(before.lost)):
        now, words = after.lost.get(promotion_id, (ZERO, "the kept items reach its threshold again"))
        delta = now - before.lost.get(promotion_id, (ZERO, ""))[0]
        if delta:
            title = next(a.title for a in result.applied if a.promotion == promotion_id)
            claws.append(Clawback(promotion=promotion_id, title=title, amount=delta, detail=words))
    return tuple(claws)


def _gifts(
    before: State, after: State, gift_values: Mapping[str, Decimal] | None
) -> tuple[tuple[Gift, ...], Decimal]:
    """Gifts the return newly breaks, and what they are worth when the customer keeps them."""
    gifts: list[Gift] = []
    charge = ZERO
    for key in sorted(set(after.gifts) | set(before.gifts)):
        units = after.gifts.get(key, 0) - before.gifts.get(key, 0)
        if units > 0:
            gifts.append(Gift(sku=key[1], quantity=units, promotion=key[0]))
            if gift_values and key[1] in gift_values:
                charge += gift_values[key[1]] * units
    return tuple(gifts), charge


def refund(
    priced_result: PricingResult,
    returned_lines: Mapping[str, int],
    *,
    rules: PromotionLookup | None = None,
    earlier: Sequence[RefundResult] = (),
    already_returned: Mapping[str, int] | None = None,
    gift_values: Mapping[str, Decimal] | None = None,
    request: CheckoutRequest | None = None,
) -> RefundResult:
    """The refund for returning `returned_lines` (line id -> units) of a priced order.

    Without `rules`, every returned unit refunds its frozen share and nothing is clawed back.
    With the `RuleSet` that priced the order, broken thresholds are clawed back (module doc).
    `earlier` are the order's earlier refunds: this one pays what the order may have back by
    now minus what they paid (docs/refunds.md#several-returns). Pass the priced `request` too
    when gift or shipping promotions have a scope narrower than all items.
    Raises PromokitError (a ValueError) for unknown line ids or more units than were bought,
    and `VersionMismatch` when `rules` is not the version that priced the order.
    """
    check_version(priced_result, rules)
    before_units = _earlier_units(priced_result, earlier, already_returned)
    returning = {k: v for k, v in returned_lines.items() if v}
    _validate(priced_result, returned_lines, before_units)
    cumulative = dict(before_units)
    for line_id, units in returning.items():
        cumulative[line_id] = cumulative.get(line_id, 0) + units
    refunder = Refunder(priced_result, rules, request)
    before, after = refunder.state(before_units), refunder.state(cumulative)
    cur = refunder.cur

    # The money ledger: what the order may have back by now (never below 0) minus what it
    # already had back. Without `earlier` only the earlier units are known: assume the most
    # any sequence of returns of them could have refunded, so the refunds never add up to
    # more than the order paid (docs/refunds.md#several-returns).
    owed_after = max(ZERO, after.net())
    if earlier:
        refunded_before = sum((back.refund for back in earlier), ZERO)
    else:
        refunded_before = refunder.most_owed(before_units) if before_units else ZERO
    paid_now = max(ZERO, owed_after - refunded_before)
    amounts = {i: after.gross[i] - before.gross.get(i, ZERO) for i in returning}
    amount = sum(amounts.values(), ZERO)
    clawback = amount - paid_now  # negative: an earlier clawback given back
    uncollected = max(refunded_before, owed_after) - after.net()

    order = [line.id for line in priced_result.lines if line.id in returning]
    weights = [amounts[i] for i in order]
    if clawback >= 0:
        parts = allocate(clawback, weights, cur, caps=weights) if order else []
    else:
        parts = [-p for p in allocate(-clawback, weights, cur)] if order else []
    lines = tuple(
        RefundLine(
            id=i,
            sku=refunder.lines[i].sku,
            units=returning[i],
            amount=amounts[i],
            clawback=part,
            refund=amounts[i] - part,
        )
        for i, part in zip(order, parts, strict=True)
    )
    lines, taxed = with_tax(priced_result, lines, earlier_refunds(earlier, before.gross), cumulative, cur)
    gifts, charge = _gifts(before, after, gift_values)

    # Points follow the same ledger: the cumulative target minus what earlier refunds moved.
    goods = sum((line.total for line in priced_result.lines), ZERO)
    earned, redeemed = priced_result.points_earned, priced_result.points_redeemed
    reversed_target = _half_up_ratio(earned, owed_after, goods)
    returned_target = _half_up_ratio(redeemed, after.redeemed_share, Decimal(1))
    if earlier:
        reversed_before = sum(back.points_reversed for back in earlier)
        returned_before = sum(back.points_returned for back in earlier)
    else:
        reversed_before = _half_up_ratio(earned, refunded_before, goods)
        returned_before = _half_up_ratio(redeemed, before.redeemed_share, Decimal(1))
    return RefundResult(
        currency=priced_result.currency,
        lines=lines,
        amount=amount,
        clawback=clawback,
        uncollected=uncollected,
        refund=paid_now,
        clawbacks=_clawbacks(priced_result, before, after),
        gifts_to_return=gifts,
        gift_charge=quantize(charge, cur),
        points_reversed=max(0, reversed_target - reversed_before),
        points_returned=max(0, returned_target - returned_before),
        refunded_total=refunded_before + paid_now,
        **({} if taxed is None else dict(zip(("net", "tax", "gross"), taxed, strict=True))),
    )
