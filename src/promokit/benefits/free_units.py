"""`get 1 free` / `赠1件`: units of the scope free per application of the `when` condition
(cheapest first unless the promotion says `dearest first`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..language.nodes import Node, Notation, UnitChoice
from ..money import Currency
from .checks import check_count
from .spec import BenefitSpec, Evaluation, LayerPolicy, Problems

__all__ = ["SPEC", "FreeUnits"]


@dataclass(frozen=True, slots=True)
class FreeUnits(Node):
    """`get 1 free` / `赠1件`: `count` units of the scope free per application. Layer: item."""

    count: int
    notation: Notation = Notation.EN


def _check(action: FreeUnits, report: Problems, cur: Currency | None) -> None:
    check_count(report, action.count, 1, "the number of free units", action.span, "E080")


SPEC = BenefitSpec(
    node=FreeUnits,
    name="free units (赠N件)",
    rules=("free_units",),
    layer=LayerPolicy.ITEM,
    check=_check,
    format_en=lambda node: f"get {node.count} free",
    format_zh=lambda node, forced: f"赠{node.count}件",
    evaluation=Evaluation.FREE_UNITS,
    units=UnitChoice.CHEAPEST,
    # given fewer lines (another promotion took the cheap ones) it frees a dearer unit
    monotone=False,
)
