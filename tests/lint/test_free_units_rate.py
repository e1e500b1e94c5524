"""The rate lint of free units under a spend condition counts the units that reach the spend."""

from __future__ import annotations

from decimal import Decimal

from promokit.benefits import free_units
from promokit.benefits.free_units import FreeUnits
from promokit.language.nodes import Measure, Requirement


def test_units_reaching_a_spend_round_up() -> None:
    # Three units of 3.00 make 9.00, short of 10: four units are needed, one of them free.
    condition = Requirement(measure=Measure.SPEND, at_least=Decimal(10))
    rate_of = free_units.SPEC.offer_price_rate
    assert rate_of is not None
    facts = rate_of(FreeUnits(count=1), condition, "A", Decimal(3))
    assert facts is not None
    assert facts.units == 4
    assert facts.rate == Decimal(3) / Decimal(12)


def test_exact_multiple_needs_no_extra_unit() -> None:
    condition = Requirement(measure=Measure.SPEND, at_least=Decimal(9))
    rate_of = free_units.SPEC.offer_price_rate
    assert rate_of is not None
    facts = rate_of(FreeUnits(count=1), condition, "A", Decimal(3))
    assert facts is not None and facts.units == 3
