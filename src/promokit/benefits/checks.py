"""Value checks every benefit shares: amounts, counts, percentages (codes E030-E038).

They report through `spec.Problems`, so a benefit module can check its own values without
importing the checker (check/values.py re-exports them for the other checks).
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from ..language.nodes import Notation, Percent
from ..language.source import NO_SPAN, Span
from ..money import Currency
from .spec import Problems

__all__ = ["best_span", "check_count", "check_gift_sku", "check_money", "check_percent", "check_plain", "num"]

_WIDE = decimal.Context(prec=200, traps=[])


def num(value: Decimal) -> str:
    """A Decimal as the operator wrote it, never in exponent form (`100`, `9.90`)."""
    return f"{value:f}"


def best_span(*spans: Span) -> Span:
    """The first span that was actually recorded (lowering may leave some at NO_SPAN)."""
    for span in spans:
        if span != NO_SPAN:
            return span
    return spans[-1] if spans else NO_SPAN


def check_money(
    report: Problems, value: Decimal, what: str, span: Span, cur: Currency | None, *, is_price: bool = False
) -> None:
    """A positive amount; a unit price may be 0 (免费, `price 0`: the units are free)."""
    if not value.is_finite():
        report.error(
            "E034", f"{what} must be a number, got {value}", span, "write an amount such as 100 or 9.90"
        )
        return
    if value < 0 or (value == 0 and not is_price):
        report.error(
            "E034",
            f"{what} must be " + ("0 or more" if is_price else "more than 0") + f", got {num(value)}",
            span,
            "write a positive amount" + ("; 免费 or `price 0` gives the units away" if is_price else ""),
        )
    if cur is not None:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -cur.minor_unit:
            rounded = value.quantize(cur.quantum, rounding=decimal.ROUND_HALF_UP, context=_WIDE)
            if rounded == value:
                return  # trailing zeros only (9.900): the value fits the currency
            unit = "no decimals" if cur.minor_unit == 0 else f"at most {cur.minor_unit} decimals"
            report.error(
                "E035",
                f"{what} {num(value)} has more decimals than {cur.code} allows ({unit})",
                span,
                f"round it to the currency's minor unit, e.g. {num(rounded)}",
            )


def check_plain(report: Problems, value: Decimal, what: str, span: Span) -> None:
    """A positive non-money number (points, multipliers)."""
    if not value.is_finite() or value <= 0:
        report.error("E034", f"{what} must be more than 0, got {value}", span, "write a positive number")


def check_count(
    report: Problems, value: int, minimum: int, what: str, span: Span, code: str = "E031"
) -> None:
    if value < minimum:
        report.error(
            code,
            f"{what} must be at least {minimum}, got {value}",
            span,
            f"write a whole number of {minimum} or more",
        )


def check_percent(
    report: Problems,
    p: Percent,
    what: str,
    *,
    allow_full: bool = False,
    fix: str = "write e.g. 20% off (or 8折); 100% off (免费) makes the units free",
) -> None:
    off = p.off
    ok = off.is_finite() and 0 < off and (off < 100 or (allow_full and off == 100))
    if ok:
        return
    if p.notation is Notation.ZH and off.is_finite():
        zhe = (Decimal(100) - off) / 10
        report.error(
            "E030",
            f"{num(zhe.normalize(_WIDE))}折 "
            + ("would make the items free" if off >= 100 else "takes nothing off")
            + ": 折 must be more than 0 and less than 10",
            p.span,
            "N折 means paying N tenths: 8折 is 20% off, 8.5折 is 15% off, 95折 is 5% off; "
            "10折 or more takes nothing off",
        )
        return
    bounds = "more than 0% and at most 100%" if allow_full else "between 0% and 100% (exclusive)"
    report.error(
        "E030",
        f"{what} must be {bounds}, got {off}%",
        p.span,
        fix,
    )


def check_gift_sku(sku: str, span: Span, report: Problems) -> None:
    if not sku.strip():
        report.error("E037", "the gift has an empty sku", span, 'name the gift\'s sku, e.g. "TOTE-BAG"')
