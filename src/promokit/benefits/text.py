"""How benefits print: the literals of both notations (numbers, strings, 折), shared by the
benefit modules' `format_en` / `format_zh` and by language/formatter.py."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from ..language.nodes import Percent, UnitChoice

__all__ = ["count", "dearest", "num", "opt", "ordinal", "percent_en", "percent_zh", "string", "zhe"]

ZH_NUMERALS = {2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}


def num(value: Decimal | int) -> str:
    """A number as written in a rule file: plain digits, never an exponent."""
    if isinstance(value, int):
        return str(value)
    return format(value, "f")


def string(text: str) -> str:
    out = []
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Cf") or ch in "\u2028\u2029":
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def zhe(percent_off: Decimal) -> str | None:
    """20 (% off) -> '8', 15 -> '8.5', 5 -> '9.5'; None when 折 cannot say it (>= 100% off)."""
    pay = Decimal(100) - percent_off
    if pay <= 0:
        return None
    tenths = pay.scaleb(-1)
    normal = tenths.normalize()
    text = num(normal if normal == tenths else tenths)
    if "." not in text and len(text) == 2:  # a bare two-digit 折 means N.N折 (95折 = 9.5折)
        text += ".0"
    return text


def percent_en(percent: Percent) -> str:
    return f"{num(percent.off)}% off"


def percent_zh(percent: Percent, half: bool = False) -> str | None:
    if half and percent.off == 50:
        return "半价"
    tenths = zhe(percent.off)
    return None if tenths is None else f"{tenths}折"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def opt(prefix: str, value: Decimal | int | None, suffix: str = "") -> str:
    return "" if value is None else f"{prefix}{num(value)}{suffix}"


def dearest(units: UnitChoice, word: str) -> str:
    return f" {word}" if units is UnitChoice.DEAREST else ""


def count(value: Decimal) -> str:
    """A number of units or skus as a whole number (`21.00` units is written `21`)."""
    return num(int(value)) if value == value.to_integral_value() else num(value)
