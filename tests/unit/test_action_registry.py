"""Every benefit of the AST has one spec, and the spec's facets fit together.

Issue 9: adding a benefit must not fail quietly (a layer defaulting to order, a checker chain
without an `else`). Each benefit kind declares everything in its module of
`promokit/benefits/` (`BenefitSpec`); the stages look it up (`spec_for`). This checks that
every action class of the AST has a spec and nothing else does, that each spec's facets are
consistent with one another and with the engine's interpreters, that every action rule of the
grammar lowers to a registered class, and that every spec prints in both notations.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from decimal import Decimal
from pathlib import Path

import pytest

from promokit.benefits import SPECS, spec_for
from promokit.benefits.spec import ITEM_EVALUATIONS, BenefitSpec, Evaluation, LayerPolicy
from promokit.check.layers import allowed_layers, infer_layer
from promokit.engine.actions.order import ORDER_SHAPES
from promokit.language import ast
from promokit.language.formatter import action as format_action
from promokit.language.lowering_actions import RULES
from promokit.language.lowering_compose import ACTION_RULES
from promokit.language.parser import get_parser, parse_source
from promokit.language.source import Source

ACTIONS = typing.get_args(ast.Action)
GRAMMAR = Path(ast.__file__).with_name("grammar.lark").read_text(encoding="utf-8")

#: one instance of every action class
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
    ast.NthUnitPrice: ast.NthUnitPrice(nth=2, price=Decimal(1)),
    ast.TieredOffer: ast.TieredOffer(
        tiers=(
            ast.OfferTier(measure=ast.Measure.UNITS, at_least=Decimal(3), percent=ast.Percent(Decimal(20))),
        )
    ),
}

SPEC_LIST = list(SPECS.values())


def _id(spec: BenefitSpec) -> str:
    return spec.node.__name__


def test_every_action_class_has_a_spec_and_every_spec_is_an_action() -> None:
    assert set(ACTIONS) == set(SPECS), (
        "ast.Action and promokit/benefits/registry.py disagree: "
        f"without a spec {sorted(k.__name__ for k in set(ACTIONS) - set(SPECS))}, "
        f"not in ast.Action {sorted(k.__name__ for k in set(SPECS) - set(ACTIONS))}"
    )


def test_a_node_without_a_spec_fails_loudly() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Unregistered(ast.Node):
        pass

    with pytest.raises(KeyError, match="Unregistered has no benefit spec"):
        spec_for(Unregistered())


@pytest.mark.parametrize("kind", ACTIONS, ids=lambda k: k.__name__)
def test_every_ast_name_is_the_benefit_modules_class(kind: type) -> None:
    assert getattr(ast, kind.__name__) is kind
    assert kind.__module__.startswith("promokit.benefits.")
    assert SPECS[kind].node is kind


@pytest.mark.parametrize("spec", SPEC_LIST, ids=_id)
def test_facets_are_consistent(spec: BenefitSpec) -> None:
    sample = SAMPLES[spec.node]
    policy = spec.layer_policy(sample)
    item_only = spec.layer is LayerPolicy.ITEM
    # an item-only benefit is priced by an item-layer interpreter, and nothing else is
    assert item_only == (spec.evaluation in ITEM_EVALUATIONS), spec.evaluation
    if not item_only:
        assert spec.evaluation in ORDER_SHAPES, f"evaluate_order has no interpreter for {spec.evaluation}"
    # each shape has its data
    if spec.evaluation is Evaluation.LINEAR or spec.layer is LayerPolicy.PERCENT:
        assert spec.unit_saving is not None
    if spec.evaluation in (Evaluation.POOLED, Evaluation.BUNDLE):
        step, per_step, rate = spec.deal(sample) if spec.deal is not None else (0, 0, Decimal(0))
        assert step >= 1 and 1 <= per_step <= step and 0 < rate <= 1
    else:
        assert spec.deal is None
    # a benefit that takes units from a pool has a default unit choice
    if spec.evaluation in (Evaluation.POOLED, Evaluation.FREE_UNITS, Evaluation.BUNDLE):
        assert spec.units is not None
    # a benefit that is not monotone must be one the search can bound by its dearest units
    if not spec.monotone:
        assert spec.evaluation in (Evaluation.POOLED, Evaluation.FREE_UNITS)
        assert spec.units is ast.UnitChoice.CHEAPEST
    # shipping and points take no units; everything else may be unit-capped
    assert spec.takes_units == (policy not in (LayerPolicy.SHIPPING, LayerPolicy.POINTS))
    # a refund rechecks what a threshold gave (money at a spend, a gift, shipping over a spend)
    if spec.discount_at is not None and spec.evaluation is not Evaluation.AMOUNT:
        assert spec.refund is not None, "a discount at a spend is rechecked when items are returned"
    # rate lints: order-level spends come with a discount formula
    if spec.rate_spends is not None:
        assert spec.discount_at is not None
    # a composed offer's rate that may need unit prices can price them
    assert (spec.offer_rate is None) == (spec.offer_price_rate is None)
    if spec.gift is not None:
        sku, units = spec.gift(sample)
        assert sku and units >= 1
    assert spec.name.strip() and spec.rules


@pytest.mark.parametrize("spec", SPEC_LIST, ids=_id)
def test_every_spec_prints_in_both_notations(spec: BenefitSpec) -> None:
    sample = SAMPLES[spec.node]
    for notation in ast.Notation:
        assert format_action(sample, notation).strip()


def _action_rules() -> set[str]:
    block = re.search(r"^\?action:(.*?)\n\n", GRAMMAR, re.S | re.M)
    assert block is not None
    alternatives = set(re.findall(r"[a-z_]+", block.group(1)))
    return {
        str(rule.alias or rule.origin.name)
        for rule in get_parser().rules
        if str(rule.origin.name) in alternatives
    }


def test_every_action_rule_of_the_grammar_has_a_lowering_and_a_spec() -> None:
    names = _action_rules()
    assert len(names) >= 20  # the action rules were found
    missing = sorted(n for n in names if n not in RULES and n not in ACTION_RULES)
    assert missing == [], f"action rules without a lowering: {missing}"
    claimed = {rule for spec in SPECS.values() for rule in spec.rules}
    assert sorted(names - claimed) == [], "action rules no spec names in its `rules`"
    assert sorted(claimed - names) == [], "specs name rules the grammar does not have"


@pytest.mark.parametrize("spec", SPEC_LIST, ids=_id)
def test_every_spec_lowers_from_its_own_printed_text(spec: BenefitSpec) -> None:
    """The printed sample parses back to the spec's class (its grammar rule lowers to it)."""
    for notation in ast.Notation:
        text = format_action(SAMPLES[spec.node], notation)
        source = f'promotion p "t" {{\n  {text}\n}}\n'
        rule_file, diagnostics = parse_source(Source("registry.promo", source))
        assert not diagnostics, (text, diagnostics)
        assert rule_file is not None
        assert type(rule_file.promotions[0].action) is spec.node, text


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
