"""The registry: every benefit kind's spec, keyed by its AST class (`SPECS`, `spec_for`).

`language/ast.py` builds its `Action` union from these classes, and
tests/unit/test_action_registry.py fails when an action class has no spec here.
"""

from __future__ import annotations

from typing import Any

from . import (
    amount_off,
    every_off,
    free_units,
    gift,
    nth_unit_price,
    percent_off,
    points,
    quantity_deals,
    shipping,
    special_price,
    tiered_offer,
    tiers,
)
from .spec import BenefitSpec

__all__ = ["SPECS", "spec_for"]

_ALL: tuple[BenefitSpec, ...] = (
    tiers.SPEC,
    every_off.SPEC,
    percent_off.SPEC,
    amount_off.AMOUNT_OFF_EACH,
    special_price.SPECIAL_PRICE,
    special_price.FLASH_PRICE,
    special_price.GROUP_PRICE,
    quantity_deals.BUY_GET_FREE,
    quantity_deals.NTH_UNIT_OFF,
    quantity_deals.BUNDLE,
    gift.GIFT_ON_BUY,
    gift.GIFT_ON_SPEND,
    shipping.SPEC,
    points.POINTS_EARN,
    points.POINTS_REDEEM,
    amount_off.AMOUNT_OFF,
    free_units.SPEC,
    tiered_offer.SPEC,
    nth_unit_price.SPEC,
)

#: AST class -> its spec, in the order the language documents the benefits
SPECS: dict[type, BenefitSpec] = {spec.node: spec for spec in _ALL}


def spec_for(node: Any) -> BenefitSpec:
    """The spec of an action node (KeyError names a class without one: a registry bug)."""
    try:
        return SPECS[type(node)]
    except KeyError:
        raise KeyError(f"{type(node).__name__} has no benefit spec (promokit/benefits/registry.py)") from None
