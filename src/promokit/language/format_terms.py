"""How the terms of a declaration print (`formatter.py` builds on these): literals, customer
conditions, scopes and time conditions, in both notations where they have two."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from ..benefits.text import num, string
from . import ast

__all__ = ["condition", "scope", "strings", "time_condition", "time_text"]

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FACT_WORDS = {
    ast.Fact.LEVEL: "level",
    ast.Fact.ORDERS: "orders",
    ast.Fact.TOTAL_SPENT: "spent",
    ast.Fact.POINTS: "points",
    ast.Fact.REGION: "region",
    ast.Fact.CHANNEL: "channel",
    ast.Fact.REGISTERED: "registered",
}


# ----------------------------------------------------------------------------- literals


def strings(values: Sequence[str]) -> str:
    return ", ".join(string(v) for v in values)


def time_text(value: dt.time, midnight: bool = False) -> str:
    return "24:00" if midnight else f"{value.hour:02d}:{value.minute:02d}"


# ----------------------------------------------------------------------------- conditions


def condition(cond: ast.Condition, zh: bool = False) -> str:
    if isinstance(cond, ast.Or | ast.And):
        word = " or " if isinstance(cond, ast.Or) else " and "
        return word.join(_operand(c, zh) for c in cond.operands)
    if isinstance(cond, ast.Not):
        return "not " + _operand(cond.operand, zh)
    if isinstance(cond, ast.NewCustomer):
        return "新客" if zh else "new customer"
    if isinstance(cond, ast.SegmentRef):
        return cond.name
    if isinstance(cond, ast.HasMember):
        return f"{string(cond.value)} in {cond.collection.value}"
    if isinstance(cond, ast.Compare):
        return f"{_fact(cond.field, cond.attribute)} {cond.op.value} {_value(cond.value)}"
    negated = "not in" if cond.negated else "in"
    return f"{_fact(cond.field, cond.attribute)} {negated} ({', '.join(_value(v) for v in cond.values)})"


def _operand(cond: ast.Condition, zh: bool) -> str:
    text = condition(cond, zh)
    return f"({text})" if isinstance(cond, ast.Or | ast.And) else text


def _fact(fact: ast.Fact, attribute: str | None) -> str:
    if fact is ast.Fact.ATTRIBUTE:
        return f"attr {string(attribute or '')}"
    return _FACT_WORDS[fact]


def _value(value: ast.Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return num(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return string(value)


# ----------------------------------------------------------------------------- scope and time


def scope(value: ast.Scope) -> str:
    text = ", ".join(_selector(s) for s in value.include)
    if value.exclude:
        text += " except " + ", ".join(_selector(s) for s in value.exclude)
    return text


def _selector(sel: ast.Selector) -> str:
    if sel.kind is ast.SelectorKind.ALL:
        return "all"
    if sel.kind is ast.SelectorKind.SCOPE:
        return sel.values[0]
    return f"{sel.kind.value} {strings(sel.values)}"


_ZH_WEEKDAYS = "一二三四五六日"


def time_condition(cond: ast.TimeCondition, zh: bool = False) -> str:
    if zh and isinstance(cond, ast.OnWeekdays) and cond.days:
        return "每周" + "、".join(_ZH_WEEKDAYS[d.value] for d in cond.days)
    if zh and isinstance(cond, ast.OnMonthDays) and cond.days:
        return "每月" + ",".join(str(d) for d in cond.days) + "号"
    if zh and isinstance(cond, ast.DailyHours) and cond.ranges:
        return "每天" + ", ".join(
            f"{time_text(r.start)}-{time_text(r.end, r.to_midnight)}" for r in cond.ranges
        )
    if isinstance(cond, ast.During):
        return "during " + ", ".join(f"{_point(r.start)} to {_point(r.end)}" for r in cond.ranges)
    if isinstance(cond, ast.OnWeekdays):
        return "every " + ", ".join(_WEEKDAY_NAMES[d.value] for d in cond.days)
    if isinstance(cond, ast.OnMonthDays):
        return "every month on " + ", ".join(str(d) for d in cond.days)
    ranges = (f"{time_text(r.start)}-{time_text(r.end, r.to_midnight)}" for r in cond.ranges)
    return "hours " + ", ".join(ranges)


def _point(point: ast.DateTimePoint) -> str:
    text = point.date.isoformat()
    return text if point.time is None else f"{text} {time_text(point.time)}"
