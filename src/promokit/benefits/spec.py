"""What every benefit kind declares, in one place: `BenefitSpec`, a frozen record of facets.

Each module of this package defines one benefit kind (or a few close kinds): its AST node and
one `BenefitSpec` saying everything the other stages need to know about it, so that adding a
benefit is one module, its grammar rule and tests (docs/architecture.md#adding-a-benefit).
The stages never keep their own per-kind tables; they look the spec up (`registry.spec_for`)
and run the shape it names:

- the checker: `check` (value checks, reported through the small `Problems` protocol),
  `layer` (check/layers.py), `name` (E050's words), `takes_units` (E082);
- the engine: `evaluation` (which shape interpreter of engine/actions/ runs it), and the
  shape's data: `unit_saving` (linear, per unit), `deal` (pooled units), `discount_at`
  (an amount at an eligible spend), `units` (the default unit choice), `monotone`;
- the formatter: `format_en` / `format_zh` and `notation`;
- the lints: `rate_spends`, `rate_share`, `price_rate`, `example_units` (lint/rates.py);
- refunds: `refund` (what a partial return rechecks, checkout/refund_state.py);
- the composed model: `sugar` (the composed promotion a legacy kind means, proven equal by
  tests/engine/test_benefit_sugar.py).

This module imports nothing above `language/nodes.py`: the facets are data and pure
functions of the node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from ..language.nodes import Node, Notation, Requirement, UnitChoice
from ..language.source import Span
from ..money import Currency

__all__ = [
    "BenefitSpec",
    "Evaluation",
    "Kept",
    "LayerPolicy",
    "LintNote",
    "Money",
    "Problems",
    "RateFacts",
    "Refund",
    "Saving",
    "Sugar",
    "own_condition",
]

ZERO = Decimal(0)


class LayerPolicy(Enum):
    """How a benefit's stacking layer is decided (docs/semantics.md#layers)."""

    ITEM = "item"  # prices, per-unit amounts, quantity deals and free units: only per unit
    ORDER = "order"  # thresholds and amounts over the scope: order, or coupon for a coupon
    PERCENT = "percent"  # a plain percentage: item by default; order / coupon when declared
    SHIPPING = "shipping"
    POINTS = "points"


class Evaluation(Enum):
    """Which interpreter of the engine prices a benefit (engine/actions/item.py, order.py)."""

    # item layer
    LINEAR = "linear"  # every unit alike: `unit_saving` on each line (percent, price, amount each)
    POOLED = "pooled"  # units of all lines pooled: every `step` units, `per_step` get `deal` saving
    FREE_UNITS = "free-units"  # `count` units free per application of the `when` condition
    BUNDLE = "bundle"  # N units for P, dearest units first while they save
    # after the item layer
    AMOUNT = "amount"  # a fixed amount per application, spread over the covered units
    SPEND_TIERS = "spend-tiers"  # the highest spend tier reached, an amount spread
    EVERY = "every"  # an amount per full step of spend, up to a cap
    PERCENT = "percent"  # a percentage of the covered units (item layer: LINEAR)
    OFFER_TIERS = "offer-tiers"  # spend or unit tiers, a percentage or an amount
    GIFT_ON_SPEND = "gift-on-spend"
    GIFT_ON_BUY = "gift-on-buy"
    SHIPPING = "shipping"
    POINTS_EARN = "points-earn"
    POINTS_REDEEM = "points-redeem"


#: The item-layer shapes: a benefit whose layer policy is ITEM evaluates with one of these.
ITEM_EVALUATIONS = frozenset({Evaluation.LINEAR, Evaluation.POOLED, Evaluation.FREE_UNITS, Evaluation.BUNDLE})

#: saving(value of the units, number of units) -> unrounded saving on them
Saving = Callable[[Decimal, int], Decimal]
#: money(amount) -> "¥10.00": how the caller shows an amount
Money = Callable[[Decimal], str]


class Problems(Protocol):
    """Where value checks report (check/report.py's `Report` is one)."""

    def error(self, code: str, message: str, span: Span, help: str | None = None) -> None: ...

    def warning(self, code: str, message: str, span: Span, help: str | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class Refund:
    """What a benefit still gives the units a customer keeps after a partial return.

    `entitled`: the money the kept units are still entitled to (None: keep what they
    received); `whole`: the whole applied amount is lost (a shipping threshold no longer
    reached); `gift_units`: the gift units still earned (None: every granted one).
    """

    words: str
    entitled: Decimal | None = None
    whole: bool = False
    gift_units: int | None = None


@dataclass(frozen=True, slots=True)
class RateFacts:
    """A lint rate (lint/actions.py `Rate`): the share of what it applies to a benefit takes at
    worst, the spend (or unit price) where, in words, the catalogue sku and the units of the
    example cart."""

    rate: Decimal
    spend: Decimal | None
    how: str
    sku: str | None = None
    units: int = 1


def own_condition(condition: Requirement | None) -> Requirement | None:
    """The `when` condition when it counts the benefit's own scope (None otherwise)."""
    return condition if condition is not None and condition.scope is None else None


@dataclass(frozen=True, slots=True)
class LintNote:
    """A lint warning about a benefit's own numbers (L001, L002; lint/linter.py adds the promotion)."""

    code: str
    message: str
    span: Span
    help: str


@dataclass(frozen=True, slots=True)
class Kept:
    """What a partial return leaves of the lines a promotion was measured on (checkout/refund_state.py):
    the kept units' spend and count, the same as priced (before the return), what the kept units
    received from the promotion, and how to show and round money."""

    spend: Decimal
    units: int
    spend_before: Decimal
    units_before: int
    received: Decimal
    money: Money
    round: Callable[[Decimal], Decimal]


@dataclass(frozen=True, slots=True)
class Sugar:
    """The composed promotion a legacy benefit means: `action` under `condition`, with the
    promotion's cap set to `cap` and its unit choice to `pick` (docs/language.md#composed-offers).

    Equal prices are proven by tests/engine/test_benefit_sugar.py. The legacy node is kept (not
    lowered to this) because the two part in one place: a legacy quantity deal counts the units
    of the lines it holds, a composed condition every unit of its scope, so they differ when
    another item promotion takes some of the lines (and on units priced 0).
    """

    action: Node
    condition: Requirement | None = None
    cap: Decimal | None = None
    pick: UnitChoice | None = None


def _own_notation(node: Any) -> Notation:
    own = getattr(node, "notation", None)
    return own if isinstance(own, Notation) else Notation.EN


@dataclass(frozen=True, slots=True)
class BenefitSpec:
    """Everything the stages know about one benefit kind (see the module docstring)."""

    node: type[Node]
    #: in E050 and documentation: "full reduction (满减)"
    name: str
    #: the grammar rules (or aliases) that lower to this node (language/lowering_actions.py)
    rules: tuple[str, ...]
    layer: LayerPolicy
    check: Callable[[Any, Problems, Currency | None], None]
    format_en: Callable[[Any], str]
    #: (node, forced) -> 中文 text, None when 中文 cannot say it (the English form is printed)
    format_zh: Callable[[Any, bool], str | None]
    evaluation: Evaluation
    #: whether a unit cap can count what it gives (discounted units or gift units): E082
    takes_units: bool = True
    #: the unit choice when the promotion names none; None: it takes every unit alike
    units: UnitChoice | None = None
    #: a smaller set of lines never saves more (under the default unit choice); when False the
    #: best-deal search bounds it by its dearest units (engine/actions/item.py `saving_bound`)
    monotone: bool = True
    notation: Callable[[Any], Notation] = _own_notation
    #: the layer policy for this node when it depends on its values (a percentage with a
    #: minimum spend is an order-level threshold)
    layer_of: Callable[[Any], LayerPolicy] | None = None
    unit_saving: Callable[[Any], Saving] | None = None
    #: the benefit's own cap on what it takes (`8折 up to 30`), applied after its saving
    own_cap: Callable[[Any], Decimal | None] | None = None
    #: (node, money) -> how the engine names what it gives, in a miss or an upsell
    words: Callable[[Any, Money], str] | None = None
    #: pooled units: every `step` units, `per_step` get `rate` off (1: free); for a benefit that
    #: prices the picked units (`deal_saving`), `rate` bounds the share of their value it takes
    deal: Callable[[Any], tuple[int, int, Decimal]] | None = None
    #: pooled units: what the picked units save (value, units) -> saving; None: `rate` of their value
    deal_saving: Callable[[Any], Saving] | None = None
    #: an order-level discount at an eligible spend, before caps (compile/spend.py)
    discount_at: Callable[[Any, Decimal], Decimal] | None = None
    #: lint: spends where the discount rate peaks (order level)
    rate_spends: Callable[[Any], list[Decimal]] | None = None
    #: lint: a fixed share of what it applies to, with words (item level); None from the
    #: function: it depends on unit prices
    rate_share: Callable[[Any], tuple[Decimal, str] | None] | None = None
    #: lint: a composed offer's rate, read with its promotion's `when` condition and unit
    #: choice; None from the function: it depends on unit prices (`offer_price_rate`)
    offer_rate: Callable[[Any, Requirement | None, UnitChoice | None], RateFacts | None] | None = None
    #: lint: the same at one catalogue sku's list price: (offer, condition, sku, price)
    offer_price_rate: Callable[[Any, Requirement | None, str, Decimal], RateFacts | None] | None = None
    #: lint: (node, sku, list price) -> (amount off per unit, words), given a catalogue
    price_rate: Callable[[Any, str, Decimal], tuple[Decimal, str]] | None = None
    #: lint: units an example cart needs for the benefit to apply once
    example_units: Callable[[Any], int] = lambda node: 1
    #: lint L001: numbers that give away all the spend that reaches them (node, `when` condition)
    lint_exceeds: Callable[[Any, Requirement | None], list[LintNote]] | None = None
    #: lint L001 / L002 with a catalogue: (node, sku, list price) -> a note, None when fine
    lint_at_price: Callable[[Any, str, Decimal], LintNote | None] | None = None
    #: lint L010: the smallest and the largest discount it can give (None: depends on the cart)
    discount_range: Callable[[Any], tuple[Decimal | None, Decimal | None]] | None = None
    #: refunds: (node, what the return keeps) -> what the kept units still get (None from the
    #: function: nothing changes); None: a refund keeps it as priced (its `when` condition, if
    #: any, is rechecked for every benefit alike)
    refund: Callable[[Any, Kept], Refund | None] | None = None
    #: gifts: (node) -> (gift sku, units per application); None: it gives no gift
    gift: Callable[[Any], tuple[str, int]] | None = None
    #: the composed offer this kind is sugar for (None from the function: not expressible
    #: for these values); None: the kind is itself a benefit of the composed model
    sugar: Callable[[Any], Sugar | None] | None = None

    def layer_policy(self, node: Any) -> LayerPolicy:
        return self.layer_of(node) if self.layer_of is not None else self.layer
