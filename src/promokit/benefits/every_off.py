"""每满100减10 / `every 100 get 10 off [up to 50]`: an amount per full step of spend. Sugar for
an amount off under a repeating spend condition, when its cap is a whole number of steps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from ..language.nodes import Measure, Node, Notation, Requirement
from ..money import Currency
from .amount_off import AmountOff
from .checks import check_money, num
from .spec import BenefitSpec, Evaluation, Kept, LayerPolicy, LintNote, Problems, Refund, Sugar
from .text import opt

__all__ = ["SPEC", "EveryOff", "every_steps"]


@dataclass(frozen=True, slots=True)
class EveryOff(Node):
    """每满100减10 / `every 100 get 10 off [up to 50]`. Layer: order."""

    step: Decimal
    off: Decimal
    cap: Decimal | None = None
    notation: Notation = Notation.EN


def every_steps(action: EveryOff, spend: Decimal) -> int:
    """Full steps of "every X" in `spend`."""
    if action.step <= 0:
        return 0
    return int((spend / action.step).to_integral_value(rounding=ROUND_FLOOR))


def _check(action: EveryOff, report: Problems, cur: Currency | None) -> None:
    s = action.span
    check_money(report, action.step, "the step", s, cur)
    check_money(report, action.off, "the reward per step", s, cur)
    if action.cap is not None:
        check_money(report, action.cap, "the cap", s, cur)
        if 0 < action.cap < action.off:
            report.warning(
                "W011",
                f"cap {num(action.cap)} is below the reward of a single step ({num(action.off)})",
                s,
                "the cap always binds, so the step never repeats; raise the cap or lower the reward",
            )


def _discount_at(node: EveryOff, spend: Decimal) -> Decimal:
    off = every_steps(node, spend) * node.off
    return min(off, node.cap) if node.cap is not None else off


def _refund(node: EveryOff, kept: Kept) -> Refund:
    steps = every_steps(node, kept.spend)
    words = f"kept items count {kept.money(kept.spend)}: {steps} x {kept.money(node.off)} off"
    return Refund(words, entitled=_discount_at(node, kept.spend))


def _exceeds(node: EveryOff, condition: Requirement | None) -> list[LintNote]:
    if node.off < node.step:
        return []
    return [
        LintNote(
            "L001",
            f"every {num(node.step)} takes off {num(node.off)}, as much as the spend it is "
            "measured on, so an order can be free",
            node.span,
            "the reward per step should be well below the step (e.g. every 100 get 10 off)",
        )
    ]


def _range(node: EveryOff) -> tuple[Decimal | None, Decimal | None]:
    return (node.off if node.cap is None else min(node.off, node.cap)), node.cap


def _sugar(node: EveryOff) -> Sugar | None:
    """每满100减10 封顶30 = amount off 10 × spend 100, repeating up to 3 times."""
    times = None
    if node.cap is not None:
        if node.off <= 0 or node.cap < node.off or node.cap % node.off:
            return None  # a cap inside a step is not a whole number of repetitions
        times = int(node.cap // node.off)
    condition = Requirement(measure=Measure.SPEND, at_least=node.step, repeat=True, max_times=times)
    return Sugar(AmountOff(amount=node.off, notation=node.notation), condition)


SPEC = BenefitSpec(
    node=EveryOff,
    name="every-X-off (每满减)",
    rules=("every_off",),
    layer=LayerPolicy.ORDER,
    check=_check,
    format_en=lambda node: f"every {num(node.step)} get {num(node.off)} off" + opt(" up to ", node.cap),
    format_zh=lambda node, forced: f"每满{num(node.step)}减{num(node.off)}" + opt(" 封顶", node.cap),
    evaluation=Evaluation.EVERY,
    discount_at=_discount_at,
    rate_spends=lambda node: [node.step * k for k in (1, 2, 3, 5, 10)],
    lint_exceeds=_exceeds,
    discount_range=_range,
    refund=_refund,
    sugar=_sugar,
)
