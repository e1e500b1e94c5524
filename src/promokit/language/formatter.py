"""AST -> canonical `.promo` text (`promokit fmt --notation`; `layout.py` keeps a file as written).

Canonical layout: settings first, then segments, scopes and promotions, each in source
order; two-space indent; one clause per line in a fixed order (see `_promotion`). Each
action is printed in its own notation (`满100减20` stays Chinese, `spend 100 get 20 off`
stays English) unless a notation is forced. Structural clauses (`limit`, `stock`,
`during`...) are always printed with their English keywords, which every notation reads.

The output re-parses to the same AST modulo spans (`ast.strip_spans`); the test suite
checks this over every example file and over generated ASTs.

Comments are not in the AST. `format_source` keeps them: leading comment lines followed by
a blank line stay on top of the file as its header; a full-line comment stays above
the declaration or clause that follows it (clauses may move to canonical order; their
comments move with them), and a trailing comment stays at the end of its clause's line.
A comment before a clause without a node of its own (`priority`, `kind`, `exclusive`,
`channel`, `threshold`) travels to the next clause that has one.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from . import ast
from .ast import Notation
from .diagnostics import Diagnostic
from .format_guard import unprintable
from .layout import format_as_written
from .parser import parse_source
from .source import NO_SPAN, Source, Span, code_chars

__all__ = ["format_file", "format_source", "format_text"]

EN, ZH = Notation.EN, Notation.ZH
INDENT = "  "

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
_ZH_NUMERALS = {2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九"}


@dataclass
class _Line:
    text: str
    anchor: Span | None = None
    above: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- literals


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


def _strings(values: Sequence[str]) -> str:
    return ", ".join(string(v) for v in values)


def _time(value: dt.time, midnight: bool = False) -> str:
    return "24:00" if midnight else f"{value.hour:02d}:{value.minute:02d}"


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
    return f"{sel.kind.value} {_strings(sel.values)}"


_ZH_WEEKDAYS = "一二三四五六日"


def time_condition(cond: ast.TimeCondition, zh: bool = False) -> str:
    if zh and isinstance(cond, ast.OnWeekdays) and cond.days:
        return "每周" + "、".join(_ZH_WEEKDAYS[d.value] for d in cond.days)
    if zh and isinstance(cond, ast.OnMonthDays) and cond.days:
        return "每月" + ",".join(str(d) for d in cond.days) + "号"
    if zh and isinstance(cond, ast.DailyHours) and cond.ranges:
        return "每天" + ", ".join(f"{_time(r.start)}-{_time(r.end, r.to_midnight)}" for r in cond.ranges)
    if isinstance(cond, ast.During):
        return "during " + ", ".join(f"{_point(r.start)} to {_point(r.end)}" for r in cond.ranges)
    if isinstance(cond, ast.OnWeekdays):
        return "every " + ", ".join(_WEEKDAY_NAMES[d.value] for d in cond.days)
    if isinstance(cond, ast.OnMonthDays):
        return "every month on " + ", ".join(str(d) for d in cond.days)
    ranges = (f"{_time(r.start)}-{_time(r.end, r.to_midnight)}" for r in cond.ranges)
    return "hours " + ", ".join(ranges)


def _point(point: ast.DateTimePoint) -> str:
    text = point.date.isoformat()
    return text if point.time is None else f"{text} {_time(point.time)}"


# ----------------------------------------------------------------------------- actions


def _percent_en(percent: ast.Percent) -> str:
    return f"{num(percent.off)}% off"


def _percent_zh(percent: ast.Percent, half: bool = False) -> str | None:
    if half and percent.off == 50:
        return "半价"
    tenths = zhe(percent.off)
    return None if tenths is None else f"{tenths}折"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def action(node: ast.Action, notation: Notation | None = None) -> str:
    """One action line in `notation` (None: the node's own)."""
    own = getattr(node, "notation", None)
    if isinstance(node, ast.PercentOff):
        own = node.percent.notation
    chosen = notation or own or EN
    if chosen is ZH:
        text = _compose_zh(node, forced=notation is ZH) if _is_composed(node) else _action_zh(node)
        if text is not None:
            return text
    return _action_en(node)


def _opt(prefix: str, value: Decimal | int | None, suffix: str = "") -> str:
    return "" if value is None else f"{prefix}{num(value)}{suffix}"


def _dearest(units: ast.UnitChoice, word: str) -> str:
    return f" {word}" if units is ast.UnitChoice.DEAREST else ""


def _action_en(node: ast.Action) -> str:
    composed = _compose_en(node)
    if composed is not None:
        return composed
    if isinstance(node, ast.Tiers):
        return ", ".join(f"spend {num(t.threshold)} get {num(t.off)} off" for t in node.tiers)
    if isinstance(node, ast.EveryOff):
        return f"every {num(node.step)} get {num(node.off)} off" + _opt(" up to ", node.cap)
    if isinstance(node, ast.PercentOff):
        return _percent_en(node.percent) + _opt(" up to ", node.cap) + _opt(" over ", node.min_spend)
    if isinstance(node, ast.AmountOffEach):
        return f"{num(node.amount)} off each"
    if isinstance(node, ast.SpecialPrice):
        return "free" if node.price == 0 else f"price {num(node.price)}"
    if isinstance(node, ast.FlashPrice):
        limit = _opt(" limit ", node.per_customer, " per customer")
        return f"flash price {num(node.price)}{limit}" + _opt(" stock ", node.stock)
    if isinstance(node, ast.GroupPrice):
        return f"group price {num(node.price)} for {node.min_size} people"
    if isinstance(node, ast.BuyGetFree):
        return f"buy {node.buy} get {node.free} free" + _dearest(node.units, "dearest")
    if isinstance(node, ast.NthUnitOff):
        return f"{_ordinal(node.nth)} unit {_percent_en(node.percent)}" + _dearest(node.units, "dearest")
    if isinstance(node, ast.Bundle):
        return f"{node.count} for {num(node.price)}"
    if isinstance(node, ast.GiftOnBuy):
        text = f"buy {node.buy} get gift {string(node.gift_sku)} x {node.quantity}"
        if node.repeat:
            text += " repeat" + _opt(" up to ", node.max_times)
        return text
    if isinstance(node, ast.GiftOnSpend):
        return f"spend {num(node.threshold)} get gift {string(node.gift_sku)} x {node.quantity}"
    if isinstance(node, ast.ShippingOff):
        return _shipping_en(node)
    if isinstance(node, ast.PointsEarn):
        multiplier = "" if node.multiplier == 1 else f" x {num(node.multiplier)}"
        unit = "point" if node.points == 1 else "points"
        return f"earn {num(node.points)} {unit} per {num(node.per)}{multiplier}"
    assert isinstance(node, ast.PointsRedeem), type(node).__name__  # composed offers: _compose_en
    return f"redeem {num(node.points)} points per {num(node.per)}" + _opt(" up to ", node.max_percent, "%")


def _action_zh(node: ast.Action) -> str | None:
    if isinstance(node, ast.Tiers):
        return ", ".join(f"满{num(t.threshold)}减{num(t.off)}" for t in node.tiers)
    if isinstance(node, ast.EveryOff):
        return f"每满{num(node.step)}减{num(node.off)}" + _opt(" 封顶", node.cap)
    if isinstance(node, ast.PercentOff):
        percent = _percent_zh(node.percent)
        if percent is None:
            return None
        return percent + _opt(" 封顶", node.cap) + _opt(" 满", node.min_spend)
    if isinstance(node, ast.AmountOffEach):
        return f"每件减{num(node.amount)}"
    if isinstance(node, ast.SpecialPrice):
        return "免费" if node.price == 0 else f"特价 {num(node.price)}"
    if isinstance(node, ast.FlashPrice):
        return (
            f"秒杀 {num(node.price)}" + _opt(" 每人限", node.per_customer, "件") + _opt(" 库存", node.stock)
        )
    if isinstance(node, ast.GroupPrice):
        return f"{node.min_size}人团 {num(node.price)}"
    if isinstance(node, ast.BuyGetFree):
        return f"买{node.buy}赠{node.free}" + _dearest(node.units, "高价优先")
    if isinstance(node, ast.NthUnitOff):
        percent = _percent_zh(node.percent, half=True)
        if percent is None:
            return None
        nth = _ZH_NUMERALS.get(node.nth, str(node.nth))
        return f"第{nth}件{percent}" + _dearest(node.units, "高价优先")
    if isinstance(node, ast.Bundle):
        return f"{num(node.price)}元任选{node.count}件"
    if isinstance(node, ast.GiftOnBuy):
        text = f"买{node.buy}赠 {string(node.gift_sku)} x{node.quantity}"
        if node.repeat:
            text += " 可叠加" + _opt(" 最多", node.max_times, "次")
        return text
    if isinstance(node, ast.GiftOnSpend):
        return f"满{num(node.threshold)}赠 {string(node.gift_sku)} x{node.quantity}"
    if isinstance(node, ast.ShippingOff):
        return _shipping_zh(node)
    if isinstance(node, ast.PointsEarn):
        multiplier = "" if node.multiplier == 1 else f" 积分{num(node.multiplier)}倍"
        return f"每{num(node.per)}元积{num(node.points)}分{multiplier}"
    if not isinstance(node, ast.PointsRedeem):  # composed offers: _compose_zh
        return None
    return f"{num(node.points)}积分抵{num(node.per)}元" + _opt(" 最多抵", node.max_percent, "%")


# ----------------------------------------------------------------------------- shipping


def _shipping_en(node: ast.ShippingOff) -> str:
    """`free shipping over 99 on standard`, `shipping 50% off when shipping over 20 on express`."""
    if node.percent is not None:
        head = f"shipping {_percent_en(node.percent)}"
    elif node.price is not None:
        head = f"shipping for {num(node.price)}"
    elif node.off is not None:
        head = f"shipping {num(node.off)} off"
    else:
        head = "free shipping"
    if node.threshold is not None:
        over = "when shipping over" if node.basis is ast.ShippingBasis.SHIPPING else "over"
        head += f" {over} {num(node.threshold)}"
    return head + ("" if not node.methods else " on " + ", ".join(node.methods))


def _shipping_zh(node: ast.ShippingOff) -> str | None:
    """`满99包邮限standard`, `运费满20运费减10`, `满199运费半价限express`, `运费5元限pickup`."""
    if node.percent is not None:
        percent = _percent_zh(node.percent, half=True)
        if percent is None:
            return None
        body = f"运费{percent}"
    elif node.price is not None:
        body = f"运费{num(node.price)}元"
    elif node.off is not None:
        body = f"运费减{num(node.off)}"
    else:
        body = "包邮"
    if node.threshold is not None:
        over = "运费满" if node.basis is ast.ShippingBasis.SHIPPING else "满"
        body = f"{over}{num(node.threshold)}{body}"
    return body + ("" if not node.methods else "限" + "、".join(node.methods))


# ----------------------------------------------------------------------------- composed offers


def _compose_en(node: ast.Action) -> str | None:
    if isinstance(node, ast.AmountOff):
        return f"{num(node.amount)} off"
    if isinstance(node, ast.FreeUnits):
        return f"get {node.count} free"
    if isinstance(node, ast.TieredOffer):
        return ", ".join(_offer_tier_en(t) for t in node.tiers)
    return None


def _count(value: Decimal) -> str:
    """A number of units or skus as a whole number (`21.00` units is written `21`)."""
    return num(int(value)) if value == value.to_integral_value() else num(value)


def _offer_tier_en(tier: ast.OfferTier) -> str:
    head = (
        f"buy {_count(tier.at_least)}" if tier.measure is ast.Measure.UNITS else f"spend {num(tier.at_least)}"
    )
    return (
        head
        + " get "
        + (_percent_en(tier.percent) if tier.percent is not None else f"{num(tier.off or 0)} off")
    )


def _is_composed(node: ast.Action) -> bool:
    return isinstance(node, ast.AmountOff | ast.FreeUnits | ast.TieredOffer)


def _compose_zh(node: ast.Action, forced: bool) -> str | None:
    """`forced`: every tier in 中文 where 折 can say it; otherwise each tier keeps its percent's notation."""
    if isinstance(node, ast.AmountOff):
        return f"立减{num(node.amount)}"
    if isinstance(node, ast.FreeUnits):
        return f"赠{node.count}件"
    if not isinstance(node, ast.TieredOffer):
        return None
    return ", ".join(_offer_tier_zh(t, forced) for t in node.tiers)


def _offer_tier_zh(tier: ast.OfferTier, forced: bool) -> str:
    units = tier.measure is ast.Measure.UNITS
    head = f"满{_count(tier.at_least) if units else num(tier.at_least)}" + ("件" if units else "")
    if tier.percent is None:
        return f"{head}减{num(tier.off or 0)}"
    percent = _percent_zh(tier.percent, half=True)
    if percent is None or (
        tier.percent.notation is EN and not forced
    ):  # 折 cannot say 100% off; keep `20% off` English
        return _offer_tier_en(tier)
    return head + ("" if units else "打") + percent


def requirement(req: ast.Requirement, notation: Notation | None = None) -> str:
    """The `when` clause in `notation` (None: its own)."""
    zh = (notation or req.notation) is ZH
    where = "" if req.scope is None else " on " + scope(req.scope)
    if zh:
        head = {
            ast.Measure.SPEND: f"满{num(req.at_least)}",
            ast.Measure.UNITS: f"买{_count(req.at_least)}件",
            ast.Measure.KINDS: f"买{_count(req.at_least)}种",
        }[req.measure]
        tail = (" 可叠加" + _opt(" 最多", req.max_times, "次")) if req.repeat else ""
        return f"条件 {head}{where}{tail}"
    head = {
        ast.Measure.SPEND: f"spend {num(req.at_least)}",
        ast.Measure.UNITS: f"buy {_count(req.at_least)}",
        ast.Measure.KINDS: f"buy {_count(req.at_least)} kinds",
    }[req.measure]
    tail = (" repeat" + _opt(" up to ", req.max_times)) if req.repeat else ""
    return f"when {head}{where}{tail}"


def _after_action(promo: ast.Promotion, zh: bool) -> list[tuple[str, Span | None]]:
    """`dearest first` and `stack group`, printed after the action."""
    out: list[tuple[str, Span | None]] = []
    if promo.pick is not None:
        word = {
            ast.UnitChoice.CHEAPEST: ("低价优先", "cheapest first"),
            ast.UnitChoice.DEAREST: ("高价优先", "dearest first"),
        }
        out.append((word[promo.pick][0 if zh else 1], promo.pick_span))
    if promo.stack_group is not None:
        out.append((("叠加组 " if zh else "stack group ") + promo.stack_group.text, promo.stack_group.span))
    return out


# ----------------------------------------------------------------------------- declarations


_ZH_LIMIT_WORDS = {
    (ast.Per.CUSTOMER, False): "每人限",
    (ast.Per.CUSTOMER, True): "每人每天限",
    (ast.Per.ORDER, False): "每单限",
    (ast.Per.TOTAL, False): "总限",
    (ast.Per.TOTAL, True): "每天限",
}


def _limit(limit: ast.Limit, zh: bool = False) -> str:
    if limit.per is ast.Per.LINE:
        return f"每行限{limit.count}件" if zh else f"limit {limit.count} units per line"
    head = _ZH_LIMIT_WORDS.get((limit.per, limit.per_day)) if zh else None
    if head is not None:
        return f"{head}{limit.count}{'件' if limit.counted is ast.Counted.UNITS else '次'}"
    units = " units" if limit.counted is ast.Counted.UNITS else ""
    per = {ast.Per.CUSTOMER: "per customer", ast.Per.ORDER: "per order", ast.Per.TOTAL: "total"}[limit.per]
    day = " per day" if limit.per_day else ""
    return f"limit {limit.count}{units} {per}{day}"


def _anchor(span: Span) -> Span | None:
    return None if span == NO_SPAN else span


def _own_notation(node: ast.Action) -> Notation:
    if isinstance(node, ast.PercentOff):
        return node.percent.notation
    own = getattr(node, "notation", None)
    return own if isinstance(own, Notation) else EN


def _promotion(promo: ast.Promotion, notation: Notation | None) -> list[_Line]:
    # Clauses without a notation of their own (limits, stock, weekdays...) follow the action:
    # a promotion written as 满100减20 gets 每人限1次; one written in English gets `limit 1 ...`.
    zh = (notation or _own_notation(promo.action)) is ZH
    word = "coupon" if promo.is_coupon else "promotion"
    title = "" if promo.title is None else " " + string(promo.title)
    lines = [_Line(f"{word} {promo.id}{title} {{", _anchor(promo.span))]

    def add(text: str, span: Span | None = None) -> None:
        lines.append(_Line(INDENT + text, None if span is None else _anchor(span)))

    if promo.priority:
        add(f"priority {promo.priority}")
    if promo.kind is not None:
        add(f"kind {promo.kind.value}", promo.kind_span)
    if promo.timezone is not None:
        add(f"timezone {promo.timezone}", promo.timezone_span)
    for cond in promo.when:
        add(time_condition(cond, zh), cond.span)
    if ast.strip_spans(promo.scope) != ast.ALL_ITEMS:
        add("on " + scope(promo.scope), promo.scope.span)
    if promo.audience is not None:
        add("for " + condition(promo.audience, zh), promo.audience.span)
    if promo.channels:
        add("channel " + _strings(promo.channels))
    if promo.codes is not None:
        add("codes " + ", ".join(string(p.text) for p in promo.codes.patterns), promo.codes.span)
        if promo.codes.single_use:
            add("一次性" if zh else "single use")
    if promo.condition is not None:  # its own notation unless one is forced (round trip)
        add(requirement(promo.condition, notation), promo.condition.span)
    add(action(promo.action, notation), promo.action.span)
    for text, span in _after_action(promo, zh):
        add(text, span)
    for limit in promo.limits:
        add(_limit(limit, zh), limit.span)
    if promo.stock is not None:
        add(f"库存{promo.stock.units}" if zh else f"stock {promo.stock.units}", promo.stock.span)
    if promo.budget is not None:
        amount, per_day = num(promo.budget.amount), promo.budget.per_day
        text = (
            f"预算{amount}" + (" 每天" if per_day else "")
            if zh
            else f"budget {amount}" + (" per day" if per_day else "")
        )
        add(text, promo.budget.span)
    if promo.cap is not None:
        cap = num(promo.cap.amount)
        add(f"最多减{cap}" if zh else f"at most {cap} off", promo.cap.span)
    if promo.exclusive:
        add("互斥" if zh else "exclusive")
    if promo.exclusive_group is not None:
        group = "互斥组" if zh else "exclusive group"
        add(f"{group} {promo.exclusive_group.text}", promo.exclusive_group.span)
    if promo.stackable_with:
        add("stackable with " + ", ".join(n.text for n in promo.stackable_with), promo.stackable_with[0].span)
    if promo.threshold_base is ast.ThresholdBase.ORIGINAL:
        add("门槛按原价" if zh else "threshold on original prices")
    if promo.variant is not None:
        v = promo.variant
        in_zh = notation is ZH if notation is not None else v.notation is ZH  # its own, unless one is forced
        words = ("实验", "分组") if in_zh else ("experiment", "variant")
        add(f"{words[0]} {v.experiment} {words[1]} {v.name} {num(v.weight)}%", v.span)
    if promo.invite is not None:
        add(_invite_reward(promo.invite, notation), promo.invite.span)
    for lim in promo.invite_limits:
        in_zh = notation is ZH if notation is not None else lim.notation is ZH
        if in_zh:
            add(f"每位邀请人{'每天' if lim.per_day else ''}限{lim.count}次", lim.span)
        else:
            add(f"invite limit {lim.count} per inviter" + (" per day" if lim.per_day else ""), lim.span)
    lines.append(_Line("}"))
    return lines


def _invite_reward(r: ast.InviteReward, notation: Notation | None) -> str:
    in_zh = notation is ZH if notation is not None else r.notation is ZH
    if r.kind == "coupon":
        return ("邀请奖励 券 " if in_zh else "invite reward coupon ") + string(r.pattern or "")
    amount = num(r.amount if r.amount is not None else 0)
    if r.kind == "points":
        return f"邀请奖励 {amount}积分" if in_zh else f"invite reward {amount} points"
    return f"邀请奖励 {amount}元" if in_zh else f"invite reward {amount} credit"


def _points_rule(rule: ast.PointsRule, notation: Notation | None) -> list[_Line]:
    zh = (notation or rule.notation) is ZH
    title = "" if rule.title is None else " " + string(rule.title)
    lines = [_Line(f"points {rule.id}{title} on {rule.event} {{", _anchor(rule.span))]

    def add(text: str, span: Span | None = None) -> None:
        lines.append(_Line(INDENT + text, None if span is None else _anchor(span)))

    if rule.timezone is not None:
        add(f"timezone {rule.timezone}")
    for cond in rule.when:
        add(time_condition(cond, zh), cond.span)
    if rule.audience is not None:
        add("for " + condition(rule.audience, zh), rule.audience.span)
    if rule.award:
        add(f"送{rule.award}积分" if zh else f"earn {rule.award} points")
    if rule.streak is not None:
        days, points = rule.streak.days, rule.streak.points
        add(
            f"连续{days}天送{points}积分" if zh else f"streak {days} days earn {points} points",
            rule.streak.span,
        )
    if rule.multiplier is not None:
        add(f"积分{num(rule.multiplier)}倍" if zh else f"points x {num(rule.multiplier)}")
    for limit in rule.limits:
        add(_limit(limit, zh), limit.span)
    if rule.budget is not None:
        add(
            f"budget {num(rule.budget.amount)}" + (" per day" if rule.budget.per_day else ""),
            rule.budget.span,
        )
    lines.append(_Line("}"))
    return lines


def _mall_item(item: ast.MallItem) -> list[_Line]:
    title = "" if item.title is None else " " + string(item.title)
    lines = [_Line(f"mall {item.id}{title} {{", _anchor(item.span))]
    lines.append(_Line(INDENT + "on " + scope(item.scope), _anchor(item.scope.span)))
    lines += [_Line(INDENT + _limit(limit), _anchor(limit.span)) for limit in item.limits]
    if item.stock is not None:
        lines.append(_Line(INDENT + f"stock {item.stock.units}", _anchor(item.stock.span)))
    lines.append(_Line("}"))
    return lines


def _prices_tax(s: ast.Settings, notation: Notation | None) -> str:
    """`prices include tax` / `价格含税` in its own notation unless one is forced."""
    if (notation or s.prices_tax_notation) is ZH:
        return "价格含税" if s.prices_include_tax else "价格不含税"
    return "prices include tax" if s.prices_include_tax else "prices exclude tax"


def _layout(rule_file: ast.RuleFile, notation: Notation | None) -> list[_Line]:
    sections: list[list[_Line]] = []
    s = rule_file.settings
    settings: list[_Line] = []
    if s.timezone is not None:
        settings.append(_Line(f"timezone {s.timezone}", _anchor(s.timezone_span)))
    if s.currency is not None:
        settings.append(_Line(f"currency {s.currency}", _anchor(s.currency_span)))
    if s.rounding is not None:
        settings.append(_Line(f"rounding {s.rounding.value}", _anchor(s.rounding_span)))
    if s.max_order_discount is not None:
        settings.append(_Line(f"order cap {num(s.max_order_discount)}", _anchor(s.max_order_discount_span)))
    if s.prices_include_tax is not None:
        settings.append(_Line(_prices_tax(s, notation), _anchor(s.prices_include_tax_span)))
    if s.shipping_methods is not None:
        methods = ", ".join(s.shipping_methods)
        settings.append(_Line(f"shipping methods {methods}", _anchor(s.shipping_methods_span)))
    declarations = [
        _Line(f"segment {d.name} = {condition(d.condition)}", _anchor(d.span)) for d in rule_file.segments
    ]
    declarations += [
        _Line(
            f"scope {d.name}{'' if d.title is None else ' ' + string(d.title)} = {scope(d.scope)}",
            _anchor(d.span),
        )
        for d in rule_file.scopes
    ]
    for block in (settings, declarations):
        if block:
            sections.append(block)
    sections.extend(_promotion(p, notation) for p in rule_file.promotions)
    sections.extend(_points_rule(r, notation) for r in rule_file.points_rules)
    sections.extend(_mall_item(m) for m in rule_file.mall_items)
    lines: list[_Line] = []
    for section in sections:
        if lines:
            lines.append(_Line(""))
        lines.extend(section)
    return lines


def format_file(rule_file: ast.RuleFile, notation: Notation | None = None) -> str:
    """Canonical text of a rule file (no comments: they are not in the AST)."""
    return _render(_layout(rule_file, notation))


def _render(lines: Sequence[_Line], tail: Sequence[str] = ()) -> str:
    out: list[str] = []
    for line in lines:
        indent = line.text[: len(line.text) - len(line.text.lstrip(" "))] if line.text.strip() else ""
        out.extend(indent + comment for comment in line.above)
        text = line.text
        if line.trailing:
            text += "  " + " ".join(line.trailing)
        out.append(text)
    if tail:
        if out:
            out.append("")
        out.extend(tail)
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


# ----------------------------------------------------------------------------- comments


def comments(text: str) -> list[tuple[int, int, str, bool]]:
    """(offset, line, text, trailing) of every `#` comment outside strings."""
    found: list[tuple[int, int, str, bool]] = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        for i, ch in code_chars(line):
            if ch == "#":
                body = line[i:].rstrip("\r\n").rstrip()
                found.append((offset + i, number, body, bool(line[:i].strip())))
                break
        offset += len(line)
    return found


def format_text(rule_file: ast.RuleFile, text: str, notation: Notation | None = None) -> str:
    """Canonical text of `rule_file` (parsed from `text`), keeping the comments of `text`."""
    lines = _layout(rule_file, notation)
    anchored = sorted(
        ((line.anchor.start, line.anchor.line, i) for i, line in enumerate(lines) if line.anchor is not None),
    )
    tail: list[str] = []
    header_end = _header_end(text)
    header = [c for c in comments(text) if c[0] < header_end]
    for offset, number, body, trailing in comments(text)[len(header) :]:
        if trailing:
            same = [i for _, line_no, i in anchored if line_no == number]
            if same:
                lines[same[0]].trailing.append(body)
                continue
        after = [i for start, _, i in anchored if start > offset]
        if after:
            lines[after[0]].above.append(body)
        else:
            tail.append(body)
    rendered = _render(lines, tail)
    if header:
        top = "\n".join(body for _, _, body, _ in header) + "\n"
        rendered = top + ("\n" + rendered if rendered else "")
    return rendered


def _header_end(text: str) -> int:
    """End of the file's header: leading comment lines followed by a blank line.

    Such a block describes the whole file, so it stays on top, apart from the first
    declaration, however the declarations are reordered.
    """
    offset, end = 0, 0
    seen_comment = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("#"):
            seen_comment = True
        elif stripped:
            break
        elif seen_comment:
            end = offset
        offset += len(line)
    return end


def format_source(source: Source, notation: Notation | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Parse and format one file, keeping comments; (None, errors) when it does not parse.

    Without `notation`, the file keeps what was written (`layout.format_as_written`: clause
    order, notation, spelling, blank lines); with one, or when a layout cannot be kept line
    by line, it is printed canonically here. Format files that pass `promokit check`: one
    that does not may hold a value no notation can print (`满3件100折`); then it is refused,
    (None, the reason at that value), never printed unreadable (`format_guard.py`).
    """
    rule_file, diagnostics = parse_source(source)
    if rule_file is None or any(d.is_error for d in diagnostics):
        return None, diagnostics
    if notation is None:
        kept = format_as_written(source, rule_file)
        if kept is not None:
            return kept, diagnostics
    printed = format_text(rule_file, source.text, notation)
    refused = unprintable(rule_file, printed, source.name)
    if refused:
        return None, [*diagnostics, *refused]
    return printed, diagnostics
