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
from itertools import product
from typing import cast

from ..benefits import spec_for
from ..benefits.spec import Evaluation, Kept
from ..compile.predicates import compile_scope
from ..language import ast as A
from ..language.ast import ThresholdBase
from ..models import CheckoutRequest, LineResult, PricingResult
from ..money import Currency, Rounding, currency, format_money, quantize
from .refund_models import PromotionLookup

__all__ = ["MOST_OWED_LIMIT", "Refunder", "State"]

ZERO = Decimal(0)
_LAYER_ORDER = {"item": 0, "order": 1, "coupon": 2, "shipping": 3, "points": 4}


#: the most cumulative returns `Refunder.most_owed` measures; beyond it, the frozen shares bound it
MOST_OWED_LIMIT = 16384


@dataclass(frozen=True, slots=True)
class State:
    """Cumulative figures for one cumulative return (line id -> units returned)."""

    gross: dict[str, Decimal]  # frozen share of the returned units, per line
    lost: dict[str, tuple[Decimal, str]]  # promotion -> (discount kept units must give back, words)
    gifts: dict[tuple[str, str], int]  # (promotion, sku) -> gift units to give back
    redeemed_share: Decimal  # returned share of points-redemption adjustments

    def net(self) -> Decimal:
        """What this cumulative return may have back: frozen shares minus what kept units owe."""
        return sum(self.gross.values(), ZERO) - sum((v for v, _ in self.lost.values()), ZERO)


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
        self._thresholds: frozenset[str] | None = None

    def share(self, amount: Decimal, returned: int, quantity: int) -> Decimal:
        """The first `returned` of `quantity` units' share of `amount` (cumulative, half-up)."""
        if returned >= quantity:
            return amount
        return quantize(amount * returned / quantity, self.cur, Rounding.HALF_UP)

    def paid(self, line_id: str, returned: int) -> Decimal:
        """The frozen share of the first `returned` units of a line (what they paid)."""
        line = self.lines[line_id]
        return line.unit_price * returned - sum(
            (self.share(a.amount, returned, line.quantity) for a in line.adjustments), ZERO
        )

    def state(self, returned: Mapping[str, int]) -> State:
        gross = {line_id: self.paid(line_id, r) for line_id, r in returned.items()}
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

    def most_owed(self, returned: Mapping[str, int]) -> Decimal:
        """The most any sequence of earlier returns of `returned` (line id -> units) could have
        refunded under the money ledger: the highest `net()` of a cumulative return within it
        (a refund pays up to the highest cumulative figure reached so far, never below 0).

        What a return may have back is not monotone in the units returned: one more unit can
        break a threshold and owe more than it is worth. So when only the units of earlier
        returns are known (`refund(..., already_returned=)`), assuming this maximum is what
        keeps the order's refunds at or below what it paid (docs/refunds.md#several-returns).
        Only the lines of `threshold_lines` (measured by a threshold, counted by a `when`
        condition) can lower the figure; the others are taken whole. A cumulative return's frozen shares bound its figure from above, so
        they are measured from the largest share down, stopping at the first share no higher
        than the best figure found. Over `MOST_OWED_LIMIT` cumulative returns, the frozen
        shares of `returned` stand for the maximum (an upper bound: still never over-paying).
        """
        varying = sorted(k for k, v in returned.items() if v and k in self.threshold_lines())
        fixed = {k: v for k, v in returned.items() if k not in varying}
        count = 1
        for k in varying:
            count *= returned[k] + 1
        if count > MOST_OWED_LIMIT:
            return max(ZERO, sum((self.paid(k, v) for k, v in returned.items()), ZERO))
        base = sum((self.paid(k, v) for k, v in fixed.items()), ZERO)
        shares = [[self.paid(k, r) for r in range(returned[k] + 1)] for k in varying]
        bounded = sorted(
            (
                (base + sum((s[u] for s, u in zip(shares, units, strict=True)), ZERO), units)
                for units in product(*(range(returned[k] + 1) for k in varying))
            ),
            reverse=True,
        )
        best = ZERO
        for bound, units in bounded:
            if bound <= best:
                break  # no later cumulative return can owe more than its frozen share
            best = max(best, self.state({**fixed, **dict(zip(varying, units, strict=True))}).net())
        return best

    def threshold_lines(self) -> frozenset[str]:
        """The lines whose return `recheck` may turn into a clawback: those an applied threshold
        promotion was measured on, and those a `when` condition counts (with its promotion's)."""
        if self._thresholds is None:
            found: set[str] = set()
            if self.rules is not None:
                for applied in self.result.applied:
                    promo = self._promotion(applied.promotion)
                    if spec_for(promo.action).refund is not None or promo.condition is not None:
                        found.update(line.id for line in self._measured(promo, applied.lines))
                        found.update(line.id for line in self.condition_lines(promo))
            self._thresholds = frozenset(found)
        return self._thresholds

    def _promotion(self, promotion_id: str) -> A.Promotion:
        assert self.rules is not None
        try:
            return self.rules.promotion(promotion_id)
        except KeyError:
            raise ValueError(
                f"promotion {promotion_id!r} of the priced result is not in these rules"
            ) from None

    def _measured(self, promo: A.Promotion, line_ids: tuple[str, ...]) -> list[LineResult]:
        return [self.lines[i] for i in line_ids if i in self.lines] or self.in_scope(promo)

    def _is_redemption(self, promotion_id: str) -> bool:
        if self.layer.get(promotion_id) != "points":
            return False
        if self.rules is None:
            return True  # a points-layer promotion that took money off goods redeemed points
        return spec_for(self.rules.promotion(promotion_id).action).evaluation is Evaluation.POINTS_REDEEM

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
        promo = self._promotion(promotion_id)
        action = promo.action
        spec = spec_for(action)
        thresholds = spec.refund is not None  # what the benefit rechecks (docs/refunds.md)
        if not thresholds and promo.condition is None:
            return
        measured = self._measured(promo, line_ids)
        counted = self.condition_lines(promo)
        if not any(returned.get(line.id, 0) for line in [*measured, *counted]):
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
        if promo.condition is not None:
            then, _ = self.applications(promo, counted, {}, before)
            now, have = self.applications(promo, counted, returned, before)
            if now < then:
                words = self.condition_words(promo.condition, have, (now, then))
                self.recheck_condition(
                    promo, (now, then), received, applied_amount, measured, returned, lost, words
                )
                self.recheck_condition_gifts(promo, now, gifts)
                return
        if not thresholds:
            return
        assert spec.refund is not None
        kept = Kept(
            spend=base,
            units=kept_units,
            spend_before=sum((self.kept(line, {}, before) for line in measured), ZERO),
            units_before=sum(line.quantity for line in measured),
            received=received,
            money=money,
            round=lambda value: quantize(value, self.cur, Rounding.HALF_UP),
        )
        verdict = spec.refund(action, kept)
        if verdict is None:
            return  # the kept units still earn what they received
        if verdict.whole:
            lost[promotion_id] = (applied_amount, verdict.words)
            return
        if spec.gift is not None:
            self.recheck_gift(promotion_id, spec.gift(action)[0], verdict.gift_units, gifts)
            return
        entitled = verdict.entitled if verdict.entitled is not None else received
        if promo.cap is not None:
            entitled = min(entitled, promo.cap.amount)
        if received > entitled:
            lost[promotion_id] = (received - entitled, verdict.words)

    def condition_lines(self, promo: A.Promotion) -> list[LineResult]:
        """The lines a `when` condition counts: its own scope's, or the promotion's, matched on
        the request. Without the request every line counts (the result carries no categories,
        and the promotion's discounted lines are fewer than its scope's), so that a return
        never claws back more than is due (docs/refunds.md#conditions)."""
        if promo.condition is None:
            return []
        return self.in_scope(promo, promo.condition.scope)

    def applications(
        self, promo: A.Promotion, lines: list[LineResult], returned: Mapping[str, int], before: int | None
    ) -> tuple[int, Decimal]:
        """(times, measure): times the `when` condition holds on the kept units of `lines` (the engine's
        `engine/actions/condition.applications`, on the frozen result)."""
        req = promo.condition
        assert req is not None
        if req.measure is A.Measure.SPEND:
            have = sum((self.kept(line, returned, before) for line in lines), ZERO)
        elif req.measure is A.Measure.UNITS:
            have = Decimal(sum(line.quantity - returned.get(line.id, 0) for line in lines))
        else:
            have = Decimal(len({line.sku for line in lines if line.quantity > returned.get(line.id, 0)}))
        if have < req.at_least:
            return 0, have
        times = int(have // req.at_least) if req.repeat else 1
        uses = [
            lim.count
            for lim in promo.limits
            if lim.per is A.Per.ORDER and lim.counted is A.Counted.USES and not lim.per_day
        ]
        for most in (req.max_times, min(uses) if uses else None):
            if most is not None:
                times = min(times, most)
        return times, have

    def condition_words(self, req: A.Requirement, have: Decimal, times: tuple[int, int]) -> str:
        now, then = times
        if req.measure is A.Measure.SPEND:
            shown, needed = self.money(have), self.money(req.at_least)
        else:
            what = "units" if req.measure is A.Measure.UNITS else "different skus"
            shown, needed = f"{have} {what}", f"{req.at_least}"
        if now == 0:
            return f"kept items count {shown} for its condition, which needs {needed}"
        return f"kept items count {shown} for its condition: {now} time(s) instead of {then}"

    def recheck_condition_gifts(
        self, promo: A.Promotion, now: int, gifts: dict[tuple[str, str], int]
    ) -> None:
        """Gifts of a promotion whose `when` condition the kept units no longer meet."""
        gives = spec_for(promo.action).gift
        if now or gives is None:
            return  # a gift does not count applications of a condition
        sku = gives(promo.action)[0]
        granted = sum(g.quantity for g in self.result.gifts if g.promotion == promo.id and g.sku == sku)
        if granted > 0:
            gifts[(promo.id, sku)] = granted

    def recheck_condition(
        self,
        promo: A.Promotion,
        times: tuple[int, int],
        received: Decimal,
        applied_amount: Decimal,
        measured: list[LineResult],
        returned: Mapping[str, int],
        lost: dict[str, tuple[Decimal, str]],
        words: str,
    ) -> None:
        """A `when` condition that the kept units meet fewer times than when priced: nothing
        when not met at all; else `立减N` gives N per time, free units their share of the units
        still earned, and the other benefits (which do not count applications) all of it."""
        now, then = times
        action = promo.action
        spec = spec_for(action)
        if spec.gift is not None:
            return  # recheck_condition_gifts
        if spec.evaluation is Evaluation.SHIPPING:
            if now == 0 and any(line.quantity > returned.get(line.id, 0) for line in measured):
                lost[promo.id] = (applied_amount, words)
            return
        if spec.evaluation is Evaluation.AMOUNT:  # 立减N: N per application
            entitled = cast(A.AmountOff, action).amount * now
            if promo.cap is not None:
                entitled = min(entitled, promo.cap.amount)
        elif spec.evaluation is Evaluation.FREE_UNITS and now > 0:
            # count x times free units: the kept units keep their share of those still earned
            given = sum(a.units for line in measured for a in line.adjustments if a.promotion == promo.id)
            earned = cast(A.FreeUnits, action).count * now
            if given <= earned:
                return
            entitled = quantize(received * earned / given, self.cur, Rounding.HALF_UP)
        elif now > 0:  # other benefits do not count applications: the condition holds
            return
        else:
            entitled = ZERO
        if received > entitled:
            lost[promo.id] = (received - entitled, words)

    def in_scope(self, promo: A.Promotion, scope: A.Scope | None = None) -> list[LineResult]:
        """The lines a promotion that adjusted no line (a gift, shipping) was measured on.

        The result does not carry categories, brands or tags, so the scope is matched on the
        request when it is given (with the rule set's named scopes); otherwise every line.
        """
        if self.request is None:
            return list(self.result.lines)
        scopes = getattr(getattr(self.rules, "ast", None), "scopes", {})
        matcher = compile_scope(scope or promo.scope, scopes)
        return [
            self.lines[line.id]
            for line in self.request.lines
            if line.id in self.lines and matcher.matches(line)
        ]

    def recheck_gift(
        self, promotion_id: str, sku: str, earned: int | None, gifts: dict[tuple[str, str], int]
    ) -> None:
        """Gift units of `sku` the kept units no longer earn (`earned` None: every granted one)."""
        granted = sum(g.quantity for g in self.result.gifts if g.promotion == promotion_id and g.sku == sku)
        if granted == 0:
            return
        keep = granted if earned is None else min(granted, earned)
        if granted > keep:
            gifts[(promotion_id, sku)] = granted - keep

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.cur)
