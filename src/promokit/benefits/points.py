"""Points on a cart: `earn 1 point per 1` / `points x2` / `每1元积1分`, and `redeem 100 points per 1
up to 20%` / `100积分抵1元` (points pay for goods). The points layer, computed last."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Node
from ..money import Currency
from .checks import check_money, check_plain
from .spec import BenefitSpec, Evaluation, LayerPolicy, Problems
from .text import num, opt

__all__ = ["POINTS_EARN", "POINTS_REDEEM", "PointsEarn", "PointsRedeem"]


@dataclass(frozen=True, slots=True)
class PointsEarn(Node):
    """`earn 1 point per 1` / `points x2` (multiplier). Layer: points (computed last)."""

    points: Decimal = Decimal(1)
    per: Decimal = Decimal(1)
    multiplier: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class PointsRedeem(Node):
    """`redeem 100 points per 1 up to 20%`: points pay for goods. Layer: points."""

    points: Decimal
    per: Decimal
    max_percent: Decimal | None = None


def _check_earn(action: PointsEarn, report: Problems, cur: Currency | None) -> None:
    s = action.span
    check_plain(report, action.points, "points earned", s)
    check_money(report, action.per, "the amount per point step", s, cur)
    check_plain(report, action.multiplier, "the points multiplier", s)


def _check_redeem(action: PointsRedeem, report: Problems, cur: Currency | None) -> None:
    s = action.span
    check_plain(report, action.points, "points redeemed", s)
    check_money(report, action.per, "the amount the points pay", s, cur)
    m = action.max_percent
    if m is not None and not (m.is_finite() and 0 < m <= 100):
        report.error(
            "E038",
            f"the redemption cap must be between 0% and 100%, got {m}%",
            s,
            "write e.g. `up to 20%` (points pay at most that share of the order)",
        )


def _earn_en(node: PointsEarn) -> str:
    multiplier = "" if node.multiplier == 1 else f" x {num(node.multiplier)}"
    unit = "point" if node.points == 1 else "points"
    return f"earn {num(node.points)} {unit} per {num(node.per)}{multiplier}"


def _earn_zh(node: PointsEarn, forced: bool) -> str:
    multiplier = "" if node.multiplier == 1 else f" 积分{num(node.multiplier)}倍"
    return f"每{num(node.per)}元积{num(node.points)}分{multiplier}"


POINTS_EARN = BenefitSpec(
    node=PointsEarn,
    name="points earning (积分)",
    rules=("earn_en", "earn_zh", "earn_multiplier_en", "earn_multiplier_zh"),
    layer=LayerPolicy.POINTS,
    check=_check_earn,
    format_en=_earn_en,
    format_zh=_earn_zh,
    evaluation=Evaluation.POINTS_EARN,
    takes_units=False,
)

POINTS_REDEEM = BenefitSpec(
    node=PointsRedeem,
    name="points redemption (积分抵现)",
    rules=("points_redeem",),
    layer=LayerPolicy.POINTS,
    check=_check_redeem,
    format_en=lambda node: (
        f"redeem {num(node.points)} points per {num(node.per)}" + opt(" up to ", node.max_percent, "%")
    ),
    format_zh=lambda node, forced: (
        f"{num(node.points)}积分抵{num(node.per)}元" + opt(" 最多抵", node.max_percent, "%")
    ),
    evaluation=Evaluation.POINTS_REDEEM,
    takes_units=False,
)
