"""`20% off` / `8折` [`up to 30`] [`over 100`]: a percentage of every unit (item level), or of
the scope's spend above a minimum (order level, sugar for a one-tier offer on spend)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..language.nodes import Measure, Node, Notation, Percent
from ..money import Currency
from .checks import check_money, check_percent, num
from .spec import BenefitSpec, Evaluation, Kept, LayerPolicy, Problems, Refund, Saving, Sugar
from .text import opt, percent_en, percent_zh
from .tiered_offer import OfferTier, TieredOffer

__all__ = ["SPEC", "PercentOff"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PercentOff(Node):
    """`20% off` / `8折` [`up to 30`] [`over 100`].

    Item layer when the promotion has a scope narrower than everything or no
    threshold; order layer when `kind order` is declared or `min_spend` is set.
    """

    percent: Percent
    cap: Decimal | None = None
    min_spend: Decimal | None = None


def _check(action: PercentOff, report: Problems, cur: Currency | None) -> None:
    s = action.span
    # 100% off is a free item (issue 9); 0折 stays an error: operators write 免费 for free
    check_percent(report, action.percent, "percentage off", allow_full=action.percent.notation is Notation.EN)
    if action.cap is not None:
        check_money(report, action.cap, "the cap", s, cur)
    if action.min_spend is not None:
        check_money(report, action.min_spend, "the minimum spend", s, cur)


def _layer(action: PercentOff) -> LayerPolicy:
    # a minimum spend is a threshold: measured after the item layer
    return LayerPolicy.ORDER if action.min_spend is not None else LayerPolicy.PERCENT


def _zh(node: PercentOff, forced: bool) -> str | None:
    percent = percent_zh(node.percent)
    if percent is None:
        return None
    return percent + opt(" 封顶", node.cap) + opt(" 满", node.min_spend)


def _saving(action: PercentOff) -> Saving:
    rate = action.percent.off / HUNDRED
    return lambda value, n: value * rate


def _discount_at(node: PercentOff, spend: Decimal) -> Decimal:
    if node.min_spend is not None and spend < node.min_spend:
        return ZERO
    off = spend * node.percent.off / 100
    return min(off, node.cap) if node.cap is not None else off


def _spends(node: PercentOff) -> list[Decimal]:
    base = [node.min_spend] if node.min_spend is not None else [HUNDRED]
    if node.cap is not None and node.percent.off > 0:
        base.append(node.cap * 100 / node.percent.off)
    return base


def _refund(node: PercentOff, kept: Kept) -> Refund | None:
    if node.min_spend is None or kept.spend >= node.min_spend:
        return None
    words = f"kept items count {kept.money(kept.spend)}, below the minimum spend {kept.money(node.min_spend)}"
    return Refund(words, entitled=ZERO)


def _sugar(node: PercentOff) -> Sugar | None:
    """8折 满100 封顶30 = a spend tier of 100 × 20% off, the promotion capped at 30. A plain
    percentage is itself the composed model's percent off (None)."""
    if node.min_spend is None:
        return None
    tier = OfferTier(measure=Measure.SPEND, at_least=node.min_spend, percent=node.percent)
    return Sugar(TieredOffer(tiers=(tier,), notation=node.percent.notation), cap=node.cap)


SPEC = BenefitSpec(
    node=PercentOff,
    name="percentage off (折)",
    rules=("percent_off_en", "percent_off_zh"),
    layer=LayerPolicy.PERCENT,
    layer_of=_layer,
    check=_check,
    notation=lambda node: node.percent.notation,
    format_en=lambda node: (
        percent_en(node.percent) + opt(" up to ", node.cap) + opt(" over ", node.min_spend)
    ),
    format_zh=_zh,
    evaluation=Evaluation.PERCENT,
    unit_saving=_saving,
    own_cap=lambda node: node.cap,
    words=lambda node, money: f"{node.percent.off}% off",
    discount_at=_discount_at,
    rate_spends=_spends,
    rate_share=lambda node: (
        min(node.percent.off / 100, Decimal(1)),
        f"{num(node.percent.off)}% off every unit",
    ),
    refund=_refund,
    sugar=_sugar,
)
