"""The layer policy, in one place: which stacking layer each action runs in (docs/semantics.md#layers).

`POLICY` maps every action class of the AST to how its layer is decided; the checker asks
`allowed_layers` whether a declared `kind` fits, and the compiler asks `infer_layer` for the
layer a promotion runs in. Both read the same table, so they cannot disagree, and an action
class missing from it fails `tests/unit/test_action_registry.py`.
"""

from __future__ import annotations

from enum import Enum

from ..language import ast as A
from ..language.ast import Layer

__all__ = ["POLICY", "LayerPolicy", "allowed_layers", "infer_layer"]


class LayerPolicy(Enum):
    ITEM = "item"  # prices, per-unit amounts, quantity deals and free units: only per unit
    ORDER = "order"  # thresholds and amounts over the scope: order, or coupon for a coupon
    PERCENT = "percent"  # a plain percentage: item by default; order / coupon when declared
    SHIPPING = "shipping"
    POINTS = "points"


POLICY: dict[type, LayerPolicy] = {
    A.Tiers: LayerPolicy.ORDER,
    A.EveryOff: LayerPolicy.ORDER,
    A.PercentOff: LayerPolicy.PERCENT,
    A.AmountOffEach: LayerPolicy.ITEM,
    A.SpecialPrice: LayerPolicy.ITEM,
    A.FlashPrice: LayerPolicy.ITEM,
    A.GroupPrice: LayerPolicy.ITEM,
    A.BuyGetFree: LayerPolicy.ITEM,
    A.NthUnitOff: LayerPolicy.ITEM,
    A.Bundle: LayerPolicy.ITEM,
    A.GiftOnBuy: LayerPolicy.ORDER,
    A.GiftOnSpend: LayerPolicy.ORDER,
    A.ShippingOff: LayerPolicy.SHIPPING,
    A.PointsEarn: LayerPolicy.POINTS,
    A.PointsRedeem: LayerPolicy.POINTS,
    A.AmountOff: LayerPolicy.ORDER,
    A.FreeUnits: LayerPolicy.ITEM,
    A.TieredOffer: LayerPolicy.ORDER,
}


def _policy(action: A.Action) -> LayerPolicy:
    policy = POLICY[type(action)]
    if policy is LayerPolicy.PERCENT and isinstance(action, A.PercentOff) and action.min_spend is not None:
        return LayerPolicy.ORDER  # a minimum spend is a threshold: measured after the item layer
    return policy


def allowed_layers(action: A.Action, is_coupon: bool) -> frozenset[Layer]:
    """The layers a declared `kind` may name for this action.

    Item-only actions are item level; shipping and points actions have their own layers;
    threshold and amount actions are order level; a plain percentage may be item or order
    level. A coupon may also run a non-item action in the coupon layer.
    """
    policy = _policy(action)
    if policy is LayerPolicy.ITEM:
        return frozenset({Layer.ITEM})
    if policy is LayerPolicy.SHIPPING:
        return frozenset({Layer.SHIPPING})
    if policy is LayerPolicy.POINTS:
        return frozenset({Layer.POINTS})
    layers = {Layer.ORDER, Layer.COUPON} if is_coupon else {Layer.ORDER}
    if policy is LayerPolicy.PERCENT:
        layers.add(Layer.ITEM)
    return frozenset(layers)


def infer_layer(promotion: A.Promotion) -> Layer:
    """The stacking layer of a promotion (docs/semantics.md#layers).

    A declared `kind` wins where the action allows it (`allowed_layers`). Otherwise: item-only
    actions are item level, shipping and points their own layers; a plain percentage is item
    level; everything else is order level. A coupon runs in the coupon layer unless its
    action is item-only or shipping (a coupon for "特价 9.90" prices units, a free-shipping
    coupon discounts shipping); a percentage coupon is coupon level, measured after the
    automatic promotions.
    """
    policy = _policy(promotion.action)
    if policy is LayerPolicy.SHIPPING:
        return Layer.SHIPPING
    if policy is LayerPolicy.POINTS:
        return Layer.POINTS
    if policy is LayerPolicy.ITEM:
        return Layer.ITEM
    kind = promotion.kind
    if kind is not None and kind in allowed_layers(promotion.action, promotion.is_coupon):
        return kind
    if policy is LayerPolicy.PERCENT and not promotion.is_coupon:
        return Layer.ITEM
    return Layer.COUPON if promotion.is_coupon else Layer.ORDER
