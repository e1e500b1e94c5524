"""What an order-level action gives at a spend: one formula for the engine, refunds and lint.

`reached_tier` (benefits/tiers.py) is the tier a spend reaches (满100减20, 满200减50: the highest reached applies,
alone; docs/semantics.md#thresholds); `discount_at` is an order-level action's discount at an
eligible spend, before the promotion's own cap and before "never more than the spend". The
engine prices with them (`engine/actions/order.py`), a partial refund re-measures with them
(`checkout/refunds.py`) and the rate lints bound with them (`lint/actions.py`).
"""

from __future__ import annotations

from decimal import Decimal

from ..benefits import spec_for
from ..benefits.every_off import every_steps as every_steps
from ..benefits.tiers import reached_tier as reached_tier
from ..language import ast as A

__all__ = ["discount_at", "every_steps", "reached_tier"]

ZERO = Decimal(0)


def discount_at(action: A.Action, spend: Decimal) -> Decimal:
    """An order-level action's discount at an eligible spend (unrounded, before promotion caps);
    0 for actions that are not a discount at a spend (unit tiers count units, not money).
    The formula is the benefit's own (`BenefitSpec.discount_at`)."""
    formula = spec_for(action).discount_at
    return formula(action, spend) if formula is not None else ZERO
