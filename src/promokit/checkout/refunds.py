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
   none below a minimum spend); what they received beyond that is *clawed back* from the
   refund. The refund is never below 0: a clawback larger than the returned amount is
   reported as `uncollected`, never charged. A return of every unit claws nothing back.
3. **Gifts** granted by a threshold the return breaks are listed in `gifts_to_return`. If
   the shop passes `gift_values` (sku -> value per unit), `gift_charge` is what to deduct
   instead when the customer keeps them; promokit never deducts it on its own.
4. **Shipping** is not refunded by a partial return. A free-shipping (or shipping-off)
   threshold broken by the return claws the shipping discount back like any other.
5. **Points.** Points earned are reversed in proportion to the net refund over the goods
   paid; points redeemed are returned in proportion to the returned share of the
   redemption's line adjustments (half-up, whole points).
6. **Several returns.** Pass `already_returned` (line id -> units returned before): every
   figure is computed for the cumulative return and the earlier cumulative return, and
   this refund is the difference — so returning units one by one pays the same as returning
   them at once, and a later return (e.g. of the rest of the order) gives back what an
   earlier refund clawed beyond what the kept units now owe. Earlier refunds are never taken
   back: a later return that breaks a threshold by more than it returns pays 0.

Item-level quantity deals (买2赠1, 第二件半价, N元任选M件) are refunded at the average paid
per unit of the line; they are not re-checked (a documented limitation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from ..compile.predicates import compile_scope
from ..errors import PromokitError
from ..language import ast as A
from ..language.ast import ThresholdBase
from ..language.diagnostics import did_you_mean
from ..models import CheckoutRequest, Gift, LineResult, Money, PricingResult
from ..money import Currency, Rounding, allocate, currency, format_money, quantize


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


class PromotionLookup(Protocol):
    """What `refund` needs of a rule set: `promokit.engine.ruleset.RuleSet` provides it."""

    def promotion(self, id: str) -> A.Promotion: ...


ZERO = Decimal(0)
_LAYER_ORDER = {"item": 0, "order": 1, "coupon": 2, "shipping": 3, "points": 4}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RefundLine(_Model):
    """One returned line: `amount` is its frozen share, `refund` what is paid back for it."""

    id: str
    sku: str
    units: int
    amount: Money
    clawback: Money
    refund: Money


class Clawback(_Model):
    """Discount the kept units lose because the return broke `promotion`'s threshold."""

    promotion: str
    title: str | None
    amount: Money
    detail: str


class RefundResult(_Model):
    """`refund == amount - clawback`; `refund >= 0`; lines sum to the totals."""

    currency: str
    lines: tuple[RefundLine, ...]
    amount: Money
    clawback: Money
    uncollected: Money = ZERO
    refund: Money
    clawbacks: tuple[Clawback, ...] = ()
    gifts_to_return: tuple[Gift, ...] = ()
    gift_charge: Money = ZERO
    points_reversed: int = 0
    points_returned: int = 0


@dataclass(frozen=True, slots=True)
class _State:
    """Cumulative figures for one cumulative return (line id -> units returned)."""

    gross: dict[str, Decimal]  # frozen share of the returned units, per line
    lost: dict[str, tuple[Decimal, str]]  # promotion -> (discount kept units must give back, words)
    gifts: dict[tuple[str, str], int]  # (promotion, sku) -> gift units to give back
    redeemed_share: Decimal  # returned share of points-redemption adjustments


class _Refunder:
    def __init__(
        self, result: PricingResult, rules: PromotionLookup | None, request: CheckoutRequest | None
    ) -> None:
        self.result = result
        self.rules = rules
        self.request = request
        self.cur: Currency = currency(result.currency)
        self.lines: dict[str, LineResult] = {line.id: line for line in result.lines}
        self.layer = {a.promotion: a.layer for a in result.applied}

    def share(self, amount: Decimal, returned: int, quantity: int) -> Decimal:
        """The first `returned` of `quantity` units' share of `amount` (cumulative, half-up)."""
        if returned >= quantity:
            return amount
        return quantize(amount * returned / quantity, self.cur, Rounding.HALF_UP)

    def state(self, returned: Mapping[str, int]) -> _State:
        gross: dict[str, Decimal] = {}
        for line_id, r in returned.items():
            line = self.lines[line_id]
            paid = line.unit_price * r - sum(
                (self.share(a.amount, r, line.quantity) for a in line.adjustments), ZERO
            )
            gross[line_id] = paid
        lost: dict[str, tuple[Decimal, str]] = {}
        gifts: dict[tuple[str, str], int] = {}
        if self.rules is not None:
            for applied in self.result.applied:
                self.recheck(applied.promotion, applied.lines, applied.amount, returned, lost, gifts)
        redeem_total = redeem_returned = ZERO
        for line in self.result.lines:
            r = returned.get(line.id, 0)
            for adj in line.adjustments:
                if self._is_redemption(adj.promotion):
                    redeem_total += adj.amount
                    redeem_returned += self.share(adj.amount, r, line.quantity)
        if redeem_total:
            redeemed_share = redeem_returned / redeem_total
        else:  # no redemption adjustment to follow: in proportion to the goods returned
            goods = sum((line.total for line in self.result.lines), ZERO)
            redeemed_share = sum(gross.values(), ZERO) / goods if goods else ZERO
        return _State(gross, lost, gifts, redeemed_share)

    def _is_redemption(self, promotion_id: str) -> bool:
        if self.layer.get(promotion_id) != "points":
            return False
        if self.rules is None:
            return True  # a points-layer promotion that took money off goods redeemed points
        return isinstance(self.rules.promotion(promotion_id).action, A.PointsRedeem)

    def kept(self, line: LineResult, returned: Mapping[str, int], before_layer: int | None) -> Decimal:
        """What the kept units of `line` count towards a threshold (None: original prices)."""
        r = returned.get(line.id, 0)
        amount = line.unit_price * (line.quantity - r)
        if before_layer is None:
            return amount
        for adj in line.adjustments:
            if _LAYER_ORDER.get(self.layer.get(adj.promotion, "item"), 0) < before_layer:
                amount -= adj.amount - self.share(adj.amount, r, line.quantity)
        return amount

    def recheck(
        self,
        promotion_id: str,
        line_ids: tuple[str, ...],
        applied_amount: Decimal,
        returned: Mapping[str, int],
        lost: dict[str, tuple[Decimal, str]],
        gifts: dict[tuple[str, str], int],
    ) -> None:
        """Record what `promotion_id` no longer gives the kept units (nothing if untouched)."""
        assert self.rules is not None
        try:
            promo = self.rules.promotion(promotion_id)
        except KeyError:
            raise ValueError(
                f"promotion {promotion_id!r} of the priced result is not in these rules"
            ) from None
        action = promo.action
        if not isinstance(
            action, A.Tiers | A.EveryOff | A.PercentOff | A.GiftOnSpend | A.GiftOnBuy | A.ShippingOff
        ):
            return
        measured = [self.lines[i] for i in line_ids if i in self.lines] or self.in_scope(promo)
        if not any(returned.get(line.id, 0) for line in measured):
            return  # the return does not touch the lines it was measured on: nothing changes
        layer = _LAYER_ORDER.get(self.layer.get(promotion_id, "order"), 1)
        before = None if promo.threshold_base is ThresholdBase.ORIGINAL else layer
        base = sum((self.kept(line, returned, before) for line in measured), ZERO)
        kept_units = sum(line.quantity - returned.get(line.id, 0) for line in measured)
        received = ZERO  # what the kept units received from this promotion
        for line in measured:
            r = returned.get(line.id, 0)
            for adj in line.adjustments:
                if adj.promotion == promotion_id:
                    received += adj.amount - self.share(adj.amount, r, line.quantity)
        money = self.money
        if isinstance(action, A.Tiers):
            reached = [t for t in action.tiers if base >= t.threshold]
            best = max(reached, key=lambda t: t.threshold) if reached else None
            entitled = best.off if best else ZERO
            now = f"reaches 满{best.threshold}减{best.off}" if best else "reaches no tier"
            words = f"kept items count {money(base)} and {now}"
        elif isinstance(action, A.EveryOff):
            steps = int((base / action.step).to_integral_value(rounding=ROUND_FLOOR))
            entitled = steps * action.off
            if action.cap is not None:
                entitled = min(entitled, action.cap)
            words = f"kept items count {money(base)}: {steps} x {money(action.off)} off"
        elif isinstance(action, A.PercentOff):
            if action.min_spend is None or base >= action.min_spend:
                return
            entitled, words = (
                ZERO,
                f"kept items count {money(base)}, below the minimum spend {money(action.min_spend)}",
            )
        elif isinstance(action, A.ShippingOff):
            if action.threshold is None or base >= action.threshold or kept_units == 0:
                return
            lost[promotion_id] = (
                applied_amount,
                f"kept items count {money(base)}, below {money(action.threshold)} for the shipping discount",
            )
            return
        else:
            self.recheck_gift(promotion_id, action, base, measured, returned, gifts)
            return
        if promo.cap is not None:
            entitled = min(entitled, promo.cap.amount)
        if received > entitled:
            lost[promotion_id] = (received - entitled, words)

    def in_scope(self, promo: A.Promotion) -> list[LineResult]:
        """The lines a promotion that adjusted no line (a gift, shipping) was measured on.

        The result does not carry categories, brands or tags, so the scope is matched on the
        request when it is given (with the rule set's named scopes); otherwise every line.
        """
        if self.request is None:
            return list(self.result.lines)
        scopes = getattr(getattr(self.rules, "ast", None), "scopes", {})
        matcher = compile_scope(promo.scope, scopes)
        return [
            self.lines[line.id]
            for line in self.request.lines
            if line.id in self.lines and matcher.matches(line)
        ]

    def recheck_gift(
        self,
        promotion_id: str,
        action: A.GiftOnSpend | A.GiftOnBuy,
        base: Decimal,
        measured: list[LineResult],
        returned: Mapping[str, int],
        gifts: dict[tuple[str, str], int],
    ) -> None:
        granted = sum(
            g.quantity for g in self.result.gifts if g.promotion == promotion_id and g.sku == action.gift_sku
        )
        if granted == 0:
            return
        if isinstance(action, A.GiftOnSpend):
            keep = granted if base >= action.threshold else 0
        else:
            kept_units = sum(line.quantity - returned.get(line.id, 0) for line in measured)
            times = kept_units // action.buy
            if not action.repeat:
                times = min(times, 1)
            elif action.max_times is not None:
                times = min(times, action.max_times)
            keep = min(granted, times * action.quantity)
        if granted > keep:
            gifts[(promotion_id, action.gift_sku)] = granted - keep

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.cur)


def _validate(result: PricingResult, returned: Mapping[str, int], earlier: Mapping[str, int]) -> None:
    lines = {line.id: line for line in result.lines}
    for line_id, units in [*returned.items(), *earlier.items()]:
        if line_id not in lines:
            hint = did_you_mean(line_id, sorted(lines))
            raise ValueError(f"unknown line id {line_id!r}" + (f"; {hint}" if hint else ""))
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise ValueError(f"line {line_id!r}: units returned must be a whole number >= 0, got {units!r}")
    for line_id, units in returned.items():
        before = earlier.get(line_id, 0)
        quantity = lines[line_id].quantity
        if units + before > quantity:
            raise ValueError(
                f"line {line_id!r}: cannot return {units} unit(s); {quantity} bought, {before} returned before"
            )


def _half_up_ratio(points: int, part: Decimal, whole: Decimal) -> int:
    """round_half_up(points * part / whole) as a whole number of points, clamped to [0, points]."""
    if whole <= 0:
        return 0
    value = int((Decimal(points) * part / whole + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR))
    return max(0, min(points, value))


def refund(
    priced_result: PricingResult,
    returned_lines: Mapping[str, int],
    *,
    rules: PromotionLookup | None = None,
    already_returned: Mapping[str, int] | None = None,
    gift_values: Mapping[str, Decimal] | None = None,
    request: CheckoutRequest | None = None,
) -> RefundResult:
    """The refund for returning `returned_lines` (line id -> units) of a priced order.

    Without `rules`, every returned unit refunds its frozen share and nothing is clawed back.
    With the `RuleSet` that priced the order, broken thresholds are clawed back (module doc).
    Pass the priced `request` too when gift or shipping promotions have a scope narrower than
    all items: the result does not record which lines they were measured on.
    Raises ValueError for unknown line ids or more units than were bought, and
    `VersionMismatch` when `rules` is not the version that priced the order.
    """
    check_version(priced_result, rules)
    earlier = dict(already_returned or {})
    returning = {k: v for k, v in returned_lines.items() if v}
    _validate(priced_result, returned_lines, earlier)
    cumulative = dict(earlier)
    for line_id, units in returning.items():
        cumulative[line_id] = cumulative.get(line_id, 0) + units
    refunder = _Refunder(priced_result, rules, request)
    before, after = refunder.state(earlier), refunder.state(cumulative)

    cur = refunder.cur
    amounts = {i: after.gross[i] - before.gross.get(i, ZERO) for i in returning}
    amount = sum(amounts.values(), ZERO)
    claws: list[Clawback] = []
    for promotion_id in sorted(set(after.lost) | set(before.lost)):
        now, words = after.lost.get(promotion_id, (ZERO, "the kept items reach its threshold again"))
        delta = now - before.lost.get(promotion_id, (ZERO, ""))[0]
        if delta:
            title = next(a.title for a in priced_result.applied if a.promotion == promotion_id)
            claws.append(Clawback(promotion=promotion_id, title=title, amount=delta, detail=words))
    # Cumulative refunds, each never below 0: what all returns so far should have paid back,
    # before and after this one. This return pays the difference (never below 0 either), so
    # returning units one by one pays the same as returning them at once, unless a later
    # return breaks a threshold by more than it returns (earlier refunds are not taken back).
    lost_before = sum((v for v, _ in before.lost.values()), ZERO)
    lost_after = sum((v for v, _ in after.lost.values()), ZERO)
    gross_before = sum(before.gross.values(), ZERO)
    gross_after = sum(after.gross.values(), ZERO)
    paid_before = max(ZERO, gross_before - lost_before)
    paid_after = max(ZERO, gross_after - lost_after)
    clawback = amount - max(ZERO, paid_after - paid_before)  # negative: an earlier clawback given back
    uncollected = lost_after - gross_after + max(paid_before, paid_after)

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

    gifts: list[Gift] = []
    charge = ZERO
    for key in sorted(set(after.gifts) | set(before.gifts)):
        units = after.gifts.get(key, 0) - before.gifts.get(key, 0)
        if units > 0:
            gifts.append(Gift(sku=key[1], quantity=units, promotion=key[0]))
            if gift_values and key[1] in gift_values:
                charge += gift_values[key[1]] * units

    goods = sum((line.total for line in priced_result.lines), ZERO)

    def net(state: _State) -> Decimal:
        return max(ZERO, sum(state.gross.values(), ZERO) - sum((v for v, _ in state.lost.values()), ZERO))

    earned = priced_result.points_earned
    reversed_points = _half_up_ratio(earned, net(after), goods) - _half_up_ratio(earned, net(before), goods)
    redeemed = priced_result.points_redeemed
    returned_points = _half_up_ratio(redeemed, after.redeemed_share, Decimal(1)) - _half_up_ratio(
        redeemed, before.redeemed_share, Decimal(1)
    )
    return RefundResult(
        currency=priced_result.currency,
        lines=lines,
        amount=amount,
        clawback=clawback,
        uncollected=uncollected,
        refund=amount - clawback,
        clawbacks=tuple(claws),
        gifts_to_return=tuple(gifts),
        gift_charge=quantize(charge, cur),
        points_reversed=reversed_points,
        points_returned=returned_points,
    )
