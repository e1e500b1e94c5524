"""Quantity deals over pooled units: `buy 2 get 1 free` / `买2赠1` (sugar for free units under a
repeating unit condition), `2nd unit 50% off` / `第二件半价`, and `3 for 10` / `10元任选3件`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Measure, Node, Notation, Percent, Requirement, UnitChoice
from ..money import Currency
from .checks import check_count, check_money, check_percent, num
from .free_units import FreeUnits
from .spec import BenefitSpec, Evaluation, LayerPolicy, LintNote, Problems, Sugar
from .text import ZH_NUMERALS, dearest, ordinal, percent_en, percent_zh

__all__ = ["BUNDLE", "BUY_GET_FREE", "NTH_UNIT_OFF", "Bundle", "BuyGetFree", "NthUnitOff"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class BuyGetFree(Node):
    """`buy 2 get 1 free` / `买2赠1`: per N+M units in scope, M are free. Layer: item."""

    buy: int
    free: int
    units: UnitChoice = UnitChoice.CHEAPEST
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class NthUnitOff(Node):
    """`2nd unit 50% off` / `第二件半价` / `第3件5折`. Layer: item."""

    nth: int
    percent: Percent
    units: UnitChoice = UnitChoice.CHEAPEST
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class Bundle(Node):
    """`3 for 10` / `10元任选3件`: any `count` units in scope for `price`. Layer: item."""

    count: int
    price: Decimal
    notation: Notation = Notation.EN


# ----------------------------------------------------------------------------- buy N get M free


def _check_buy_get(action: BuyGetFree, report: Problems, cur: Currency | None) -> None:
    check_count(report, action.buy, 1, "the number to buy", action.span)
    check_count(report, action.free, 1, "the number free", action.span)


def _buy_get_sugar(node: BuyGetFree) -> Sugar:
    """买2赠1 = 1 unit free × 3 units of the scope, repeating (cheapest first unless 高价优先)."""
    condition = Requirement(measure=Measure.UNITS, at_least=Decimal(node.buy + node.free), repeat=True)
    pick = node.units if node.units is UnitChoice.DEAREST else None
    return Sugar(FreeUnits(count=node.free, notation=node.notation), condition, pick=pick)


BUY_GET_FREE = BenefitSpec(
    node=BuyGetFree,
    name="buy N get M free (买N赠M)",
    rules=("buy_get_free",),
    layer=LayerPolicy.ITEM,
    check=_check_buy_get,
    format_en=lambda node: f"buy {node.buy} get {node.free} free" + dearest(node.units, "dearest"),
    format_zh=lambda node, forced: f"买{node.buy}赠{node.free}" + dearest(node.units, "高价优先"),
    evaluation=Evaluation.POOLED,
    deal=lambda node: (node.buy + node.free, node.free, Decimal(1)),
    words=lambda node, money: f"{node.free} free",
    units=UnitChoice.CHEAPEST,
    monotone=False,  # given fewer lines it may give a dearer unit away
    rate_share=lambda node: (
        Decimal(node.free) / (node.buy + node.free),
        f"{node.free} of every {node.buy + node.free} equal-priced units free",
    ),
    example_units=lambda node: node.buy + node.free,
    sugar=_buy_get_sugar,
)


# ----------------------------------------------------------------------------- Nth unit off


def _check_nth(action: NthUnitOff, report: Problems, cur: Currency | None) -> None:
    check_count(report, action.nth, 2, "the discounted unit's position (Nth)", action.span, "E032")
    check_percent(report, action.percent, "the Nth unit's percentage off", allow_full=True)


def _nth_zh(node: NthUnitOff, forced: bool) -> str | None:
    percent = percent_zh(node.percent, half=True)
    if percent is None:
        return None
    nth = ZH_NUMERALS.get(node.nth, str(node.nth))
    return f"第{nth}件{percent}" + dearest(node.units, "高价优先")


NTH_UNIT_OFF = BenefitSpec(
    node=NthUnitOff,
    name="Nth unit off (第N件折)",
    rules=("nth_unit_off",),
    layer=LayerPolicy.ITEM,
    check=_check_nth,
    format_en=lambda node: (
        f"{ordinal(node.nth)} unit {percent_en(node.percent)}" + dearest(node.units, "dearest")
    ),
    format_zh=_nth_zh,
    evaluation=Evaluation.POOLED,
    deal=lambda node: (node.nth, 1, node.percent.off / HUNDRED),
    words=lambda node, money: f"unit {node.nth} is {node.percent.off}% off",
    units=UnitChoice.CHEAPEST,
    monotone=False,
    rate_share=lambda node: (
        node.percent.off / 100 / node.nth,
        f"every {node.nth} units, one at {num(node.percent.off)}% off",
    ),
    example_units=lambda node: node.nth,
)


# ----------------------------------------------------------------------------- N for P


def _check_bundle(action: Bundle, report: Problems, cur: Currency | None) -> None:
    check_count(report, action.count, 2, "the bundle size", action.span, "E033")
    check_money(report, action.price, "the bundle price", action.span, cur)


def _bundle_rate(node: Bundle, sku: str, price: Decimal) -> tuple[Decimal, str]:
    off = max(ZERO, price * node.count - node.price) / node.count
    return off, f'{node.count} × sku "{sku}" (list price {num(price)}) for {num(node.price)}'


def _bundle_at_price(node: Bundle, sku: str, price: Decimal) -> LintNote | None:
    if node.price < price * node.count:
        return None
    return LintNote(
        "L002",
        f"{node.count} for {num(node.price)} is not below {node.count} × the list price of "
        f'sku "{sku}" ({num(price)}), so the bundle saves nothing',
        node.span,
        "lower the bundle price, or exclude the sku from the scope",
    )


BUNDLE = BenefitSpec(
    node=Bundle,
    name="N for P bundle (任选)",
    rules=("bundle",),
    layer=LayerPolicy.ITEM,
    check=_check_bundle,
    format_en=lambda node: f"{node.count} for {num(node.price)}",
    format_zh=lambda node, forced: f"{num(node.price)}元任选{node.count}件",
    evaluation=Evaluation.BUNDLE,
    deal=lambda node: (node.count, node.count, Decimal(1)),
    words=lambda node, money: f"{node.count} for {money(node.price)}",
    # bundles are formed from the dearest units while they save: fewer lines never save more
    units=UnitChoice.DEAREST,
    price_rate=_bundle_rate,
    lint_at_price=_bundle_at_price,
    example_units=lambda node: node.count,
)
