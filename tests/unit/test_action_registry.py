"""Every action of the AST has its place in each stage: a missing one fails here, not silently.

Issue 9: adding a benefit must not fail quietly (a layer defaulting to order, a checker chain
without an `else`). For every class of `ast.Action` this checks the layer policy
(check/layers.py), the engine's evaluators (engine/actions/item.py, order.py), the lowering of
every action rule of the grammar (language/lowering_actions.py, lowering_compose.py), and the
formatter's printing in both notations.
"""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from pathlib import Path

import pytest

from promokit.check.layers import POLICY, LayerPolicy, allowed_layers, infer_layer
from promokit.engine.actions.item import ITEM_KINDS
from promokit.engine.actions.order import ORDER_KINDS
from promokit.language import ast
from promokit.language.formatter import action as format_action
from promokit.language.lowering_actions import RULES
from promokit.language.lowering_compose import ACTION_RULES
from promokit.language.parser import get_parser

ACTIONS = typing.get_args(ast.Action)
GRAMMAR = Path(ast.__file__).with_name("grammar.lark").read_text(encoding="utf-8")

#: one instance of every action class, for the formatter
SAMPLES: dict[type, ast.Action] = {
    ast.Tiers: ast.Tiers(tiers=(ast.Tier(threshold=Decimal(100), off=Decimal(20)),)),
    ast.EveryOff: ast.EveryOff(step=Decimal(100), off=Decimal(10)),
    ast.PercentOff: ast.PercentOff(percent=ast.Percent(off=Decimal(20))),
    ast.AmountOffEach: ast.AmountOffEach(amount=Decimal(5)),
    ast.SpecialPrice: ast.SpecialPrice(price=Decimal(0)),
    ast.FlashPrice: ast.FlashPrice(price=Decimal(1)),
    ast.GroupPrice: ast.GroupPrice(price=Decimal(9), min_size=3),
    ast.BuyGetFree: ast.BuyGetFree(buy=2, free=1),
    ast.NthUnitOff: ast.NthUnitOff(nth=2, percent=ast.Percent(off=Decimal(50))),
    ast.Bundle: ast.Bundle(count=3, price=Decimal(10)),
    ast.GiftOnBuy: ast.GiftOnBuy(buy=2, gift_sku="BAG"),
    ast.GiftOnSpend: ast.GiftOnSpend(threshold=Decimal(199), gift_sku="OIL"),
    ast.ShippingOff: ast.ShippingOff(),
    ast.PointsEarn: ast.PointsEarn(),
    ast.PointsRedeem: ast.PointsRedeem(points=Decimal(100), per=Decimal(1)),
    ast.AmountOff: ast.AmountOff(amount=Decimal(10)),
    ast.FreeUnits: ast.FreeUnits(count=1),
    ast.TieredOffer: ast.TieredOffer(
        tiers=(
            ast.OfferTier(measure=ast.Measure.UNITS, at_least=Decimal(3), percent=ast.Percent(Decimal(20))),
        )
    ),
}


@pytest.mark.parametrize("kind", ACTIONS, ids=lambda k: k.__name__)
def test_every_action_has_a_layer_policy(kind: type) -> None:
    assert kind in POLICY, f"{kind.__name__} has no entry in check/layers.py POLICY"


@pytest.mark.parametrize("kind", ACTIONS, ids=lambda k: k.__name__)
def test_every_action_has_an_evaluator_in_its_layer(kind: type) -> None:
    policy = POLICY[kind]
    if policy in (LayerPolicy.ITEM, LayerPolicy.PERCENT):
        assert kind in ITEM_KINDS, (
            f"{kind.__name__} runs in the item layer but evaluate_item does not price it"
        )
    if policy is not LayerPolicy.ITEM:
        assert kind in ORDER_KINDS, (
            f"{kind.__name__} runs after the item layer but evaluate_order does not price it"
        )


@pytest.mark.parametrize("kind", ACTIONS, ids=lambda k: k.__name__)
def test_every_action_prints_in_both_notations(kind: type) -> None:
    sample = SAMPLES[kind]
    assert isinstance(sample, kind)
    for notation in ast.Notation:
        assert format_action(sample, notation).strip()


def test_every_action_rule_of_the_grammar_has_a_lowering() -> None:
    block = re.search(r"^\?action:(.*?)\n\n", GRAMMAR, re.S | re.M)
    assert block is not None
    alternatives = set(re.findall(r"[a-z_]+", block.group(1)))
    names = {
        str(rule.alias or rule.origin.name)
        for rule in get_parser().rules
        if str(rule.origin.name) in alternatives
    }
    assert len(names) >= 20  # the action rules were found
    missing = sorted(n for n in names if n not in RULES and n not in ACTION_RULES)
    assert missing == [], f"action rules without a lowering: {missing}"


@pytest.mark.parametrize("kind", ACTIONS, ids=lambda k: k.__name__)
def test_the_inferred_layer_is_one_the_checker_allows(kind: type) -> None:
    for is_coupon in (False, True):
        allowed = allowed_layers(SAMPLES[kind], is_coupon)
        for declared in (None, *allowed):
            promotion = ast.Promotion(
                id="p", title=None, action=SAMPLES[kind], is_coupon=is_coupon, kind=declared
            )
            layer = infer_layer(promotion)
            assert layer in allowed
            assert declared is None or layer is declared
