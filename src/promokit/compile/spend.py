"""What an order-level action gives at a spend: one formula for the engine, refunds and lint.

`reached_tier` is the tier a spend reaches (满100减20, 满200减50: the highest reached applies,
alone; docs/semantics.md#thresholds); `discount_at` is an order-level action's discount at an
eligible spend, before the promotion's own cap and before "never more than the spend". The
engine prices with them (`engine/actions/order.py`), a partial refund re-measures with them
(`checkout/refunds.py`) and the rate lints bound with them (`lint/actions.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from ..language import ast as A

__all__ = ["discount_at", "every_steps", "reached_tier"]

ZERO = Decimal(0)


def reached_tier(tiers: Sequence[A.Tier], spend: Decimal) -> A.Tier | None:
    """The tier `spend` reaches (inclusive) that gives most; None below the first."""
    reached = [t for t in tiers if spend >= t.threshold]
    return max(reached, key=lambda t: (t.off, t.threshold)) if reached else None


def every_steps(action: A.EveryOff, spend: Decimal) -> int:
    """Full steps of "every X" in `spend`."""
    if action.step <= 0:
        return 0
    return int((spend / action.step).to_integral_value(rounding=ROUND_FLOOR))


def discount_at(action: A.Action, spend: Decimal) -> Decimal:
    """An order-level action's discount at an eligible spend (unrounded, before promotion caps);
    0 for actions that are not a discount at a spend (unit tiers count units, not money)."""
    if isinstance(action, A.Tiers):
        top = reached_tier(action.tiers, spend)
        return top.off if top is not None else ZERO
    if isinstance(action, A.EveryOff):
        off = every_steps(action, spend) * action.off
        return min(off, action.cap) if action.cap is not None else off
    if isinstance(action, A.PercentOff):
        if action.min_spend is not None and spend < action.min_spend:
            return ZERO
        off = spend * action.percent.off / 100
        return min(off, action.cap) if action.cap is not None else off
    if isinstance(action, A.AmountOff):
        return action.amount
    if isinstance(action, A.TieredOffer):
        reached = [t for t in action.tiers if t.measure is A.Measure.SPEND and spend >= t.at_least]
        if not reached:
            return ZERO
        last = reached[-1]  # tiers increase (E085)
        return spend * last.percent.off / 100 if last.percent is not None else last.off or ZERO
    return ZERO
