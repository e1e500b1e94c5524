"""The layer policy, in one place: which stacking layer each action runs in (docs/semantics.md#layers).

Each benefit's spec (`promokit/benefits/`, `BenefitSpec.layer`) says how its layer is decided;
the checker asks `allowed_layers` whether a declared `kind` fits, and the compiler asks
`infer_layer` for the layer a promotion runs in. Both read the same facet, so they cannot
disagree, and an action class without a spec fails `tests/unit/test_action_registry.py`.
"""

from __future__ import annotations

from ..benefits import spec_for
from ..benefits.spec import LayerPolicy
from ..language import ast as A
from ..language.ast import Layer

__all__ = ["LayerPolicy", "allowed_layers", "infer_layer"]


def _policy(action: A.Action) -> LayerPolicy:
    return spec_for(action).layer_policy(action)


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
