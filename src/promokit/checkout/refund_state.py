"""The figures behind a refund: frozen shares of returned units and broken thresholds.

`Refunder.state(returned)` measures one *cumulative* return (line id -> units returned so
far): what those units paid (their frozen shares), what each threshold promotion no longer
gives the kept units, the gifts to give back and the returned share of a points redemption.
`refunds.refund` turns two such states and the money already refunded into one refund.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..compile.predicates import compile_scope
from ..compile.spend import discount_at, every_steps, reached_tier
from ..language import ast as A
from ..language.ast import ThresholdBase
from ..models import CheckoutRequest, LineResult, PricingResult
from ..money import Currency, Rounding, currency, format_money, quantize
from .refund_models import PromotionLookup

__all__ = ["Refunder", "State"]

ZERO = Decimal(0)
_LAYER_ORDER = {"item": 0, "order": 1, "coupon": 2, "shipping": 3, "points": 4}


@dataclass(frozen=True, slots=True)
class State:
    """Cumulative figures for one cumulative return (line id -> units returned)."""

    gross: dict[str, Decimal]  # frozen share of the returned units, per line
    lost: dict[str, tuple[Decimal, str]]  # promotion -> (discount kept units must give back, words)
    gifts: dict[tuple[str, str], int]  # (promotion, sku) -> gift units to give back
    redeemed_share: Decimal  # returned share of points-redemption adjustments


class Refunder:
    """Measures cumulative returns of one priced order (module doc)."""

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

    def state(self, returned: Mapping[str, int]) -> State:
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
        return State(gross, lost, gifts, redeemed_share)

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
            action,
            A.Tiers | A.EveryOff | A.PercentOff | A.GiftOnSpend | A.GiftOnBuy | A.ShippingOff | A.TieredOffer,
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
            best = reached_tier(action.tiers, base)
            entitled = best.off if best else ZERO
            now = f"reaches 满{best.threshold}减{best.off}" if best else "reaches no tier"
            words = f"kept items count {money(base)} and {now}"
        elif isinstance(action, A.TieredOffer):
            # 满3件减10 / 满100打9折: the highest tier the kept items still reach. An amount tier
            # gives its amount; a percentage tier keeps what the kept units received (a lower
            # percentage tier is not recomputed: docs/refunds.md), none reached gives nothing.
            top = None
            for t in action.tiers:
                if (Decimal(kept_units) if t.measure is A.Measure.UNITS else base) >= t.at_least:
                    top = t
            if top is not None and top.percent is not None:
                return
            entitled = top.off or ZERO if top is not None else ZERO
            words = f"kept items count {money(base)} and {kept_units} units: " + (
                f"the tier at {top.at_least} gives {money(entitled)}"
                if top is not None
                else "no tier is reached"
            )
        elif isinstance(action, A.EveryOff):
            steps = every_steps(action, base)
            entitled = discount_at(action, base)
            words = f"kept items count {money(base)}: {steps} x {money(action.off)} off"
        elif isinstance(action, A.PercentOff):
            if action.min_spend is None or base >= action.min_spend:
                return
            entitled, words = (
                ZERO,
                f"kept items count {money(base)}, below the minimum spend {money(action.min_spend)}",
            )
        elif isinstance(action, A.ShippingOff):
            if action.basis is A.ShippingBasis.SHIPPING:
                return  # on the shipping fee, which a return of goods does not change (docs/refunds.md)
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
