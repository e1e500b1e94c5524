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

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..benefits import spec_for
from ..benefits.text import count, num, opt, string, zhe
from . import ast
from .ast import Notation
from .diagnostics import Diagnostic
from .format_guard import unprintable
from .format_terms import condition, scope, strings, time_condition
from .layout import format_as_written
from .parser import parse_source
from .source import NO_SPAN, Source, Span, code_chars

__all__ = ["action", "format_file", "format_source", "format_text", "num", "string", "zhe"]

EN, ZH = Notation.EN, Notation.ZH
INDENT = "  "


@dataclass
class _Line:
    text: str
    anchor: Span | None = None
    above: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- actions


def action(node: ast.Action, notation: Notation | None = None) -> str:
    """One action line in `notation` (None: the node's own), printed by its benefit's spec
    (`format_en` / `format_zh` in promokit/benefits/); English when 中文 cannot say it."""
    spec = spec_for(node)
    if (notation or spec.notation(node)) is ZH:
        text = spec.format_zh(node, notation is ZH)
        if text is not None:
            return text
    return spec.format_en(node)


def requirement(req: ast.Requirement, notation: Notation | None = None) -> str:
    """The `when` clause in `notation` (None: its own)."""
    zh = (notation or req.notation) is ZH
    where = "" if req.scope is None else " on " + scope(req.scope)
    if zh:
        head = {
            ast.Measure.SPEND: f"满{num(req.at_least)}",
            ast.Measure.UNITS: f"买{count(req.at_least)}件",
            ast.Measure.KINDS: f"买{count(req.at_least)}种",
        }[req.measure]
        tail = (" 可叠加" + opt(" 最多", req.max_times, "次")) if req.repeat else ""
        return f"条件 {head}{where}{tail}"
    head = {
        ast.Measure.SPEND: f"spend {num(req.at_least)}",
        ast.Measure.UNITS: f"buy {count(req.at_least)}",
        ast.Measure.KINDS: f"buy {count(req.at_least)} kinds",
    }[req.measure]
    tail = (" repeat" + opt(" up to ", req.max_times)) if req.repeat else ""
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


def _promotion(promo: ast.Promotion, notation: Notation | None) -> list[_Line]:
    # Clauses without a notation of their own (limits, stock, weekdays...) follow the action:
    # a promotion written as 满100减20 gets 每人限1次; one written in English gets `limit 1 ...`.
    zh = (notation or spec_for(promo.action).notation(promo.action)) is ZH
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
        add("channel " + strings(promo.channels))
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
