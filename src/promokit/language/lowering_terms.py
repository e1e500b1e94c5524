"""Parse tree -> AST for the terms a declaration is made of: time conditions, scopes, customer
conditions and their values. `lowering.py`'s file lowerer builds on this (`TermLowerer`).

Codes: S021 invalid date, S022 invalid time, S024 a value without its kind, S011 condition
nested too deep (see `lowering.py`).
"""

from __future__ import annotations

import datetime as dt

from lark import Token, Tree

from . import ast
from .lowering_base import Invalid, Lowerer
from .source import Span

__all__ = ["TermLowerer"]

_WEEKDAYS = {
    "MONDAY": ast.Weekday.MON,
    "TUESDAY": ast.Weekday.TUE,
    "WEDNESDAY": ast.Weekday.WED,
    "THURSDAY": ast.Weekday.THU,
    "FRIDAY": ast.Weekday.FRI,
    "SATURDAY": ast.Weekday.SAT,
    "SUNDAY": ast.Weekday.SUN,
}
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_FACTS = {
    "LEVEL": ast.Fact.LEVEL,
    "ORDERS": ast.Fact.ORDERS,
    "SPENT": ast.Fact.TOTAL_SPENT,
    "POINTS": ast.Fact.POINTS,
    "REGION": ast.Fact.REGION,
    "CHANNEL": ast.Fact.CHANNEL,
    "REGISTERED": ast.Fact.REGISTERED,
    "ATTR": ast.Fact.ATTRIBUTE,
}
_SELECTOR_KINDS = {
    "SKU": ast.SelectorKind.SKU,
    "CATEGORY": ast.SelectorKind.CATEGORY,
    "BRAND": ast.SelectorKind.BRAND,
    "TAG": ast.SelectorKind.TAG,
}


class TermLowerer(Lowerer):
    """Lowers time conditions, scopes and customer conditions (shared by every declaration)."""

    def time_conditions(self, tree: Tree[Token]) -> list[ast.TimeCondition]:
        """One time clause; `every fri 20:00-22:00` gives two conditions (weekdays, hours)."""
        ranges = [r for r in self.children_trees(tree) if r.data == "time_range"]
        if tree.data != "weekdays" or not ranges:
            return [self.time_condition(tree)]
        days = self.time_condition(tree)
        first, last = self.span(ranges[0]), self.span(ranges[-1])
        hours_span = Span(
            first.file, first.line, first.col, last.end_line, last.end_col, first.start, last.end
        )
        hours = ast.DailyHours(ranges=tuple(self.time_range(r) for r in ranges), span=hours_span)
        return [days, hours]

    def time_condition(self, tree: Tree[Token]) -> ast.TimeCondition:
        span = self.span(tree)
        if tree.data == "during":
            ranges = tuple(self.date_range(r) for r in self.children_trees(tree))
            return ast.During(ranges=ranges, span=span)
        if tree.data == "weekdays":
            days: list[ast.Weekday] = []
            for item in tree.children:
                if isinstance(item, Tree) and item.data == "weekday":
                    days.append(_WEEKDAYS[self.first_token(item).type])
                elif isinstance(item, Token) and item.type == "ZH_WEEKDAY":
                    days.append(ast.Weekday(_ZH_WEEKDAYS[str(item)]))
            return ast.OnWeekdays(days=tuple(days), span=span)
        if tree.data == "monthdays":
            month_days = tuple(self.integer(t, "a day of the month") for t in self.tokens(tree, "NUMBER"))
            return ast.OnMonthDays(days=month_days, span=span)
        ranges_h = tuple(self.time_range(r) for r in self.children_trees(tree))
        return ast.DailyHours(ranges=ranges_h, span=span)

    def date_range(self, tree: Tree[Token]) -> ast.DateRange:
        start, end = (self.date_point(p) for p in self.children_trees(tree))
        return ast.DateRange(start=start, end=end, span=self.span(tree))

    def date_point(self, tree: Tree[Token]) -> ast.DateTimePoint:
        date_token = self.token(tree, "DATE")
        time_tokens = self.tokens(tree, "TIME")
        date = self.date(date_token)
        time = None
        if time_tokens:
            time, midnight = self.time(time_tokens[0])
            if midnight:
                self.error(
                    "S022",
                    "24:00 can only end a range of hours",
                    self.span(time_tokens[0]),
                    "write the next day at 00:00, or a date alone (through the end of that day)",
                )
                raise Invalid
        return ast.DateTimePoint(date=date, time=time, span=self.span(tree))

    def time_range(self, tree: Tree[Token]) -> ast.TimeRange:
        first, last = self.tokens(tree, "TIME")
        start, start_midnight = self.time(first)
        if start_midnight:
            self.error("S022", "24:00 can only end a range of hours", self.span(first), "start at 00:00")
            raise Invalid
        end, to_midnight = self.time(last)
        return ast.TimeRange(start=start, end=end, to_midnight=to_midnight, span=self.span(tree))

    def date(self, token: Token) -> dt.date:
        year, month, day = (int(part) for part in str(token).split("-"))
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            reason = (
                "months run from 1 to 12"
                if not 1 <= month <= 12
                else str(exc).replace("day is out of range for month", "that month has fewer days")
            )
            self.error(
                "S021",
                f"{token} is not a valid date: {reason}",
                self.span(token),
                "write a calendar date as YYYY-MM-DD, e.g. 2026-02-28 (2026年2月28日 and 2026/2/28 also read)",
            )
            raise Invalid from None

    def time(self, token: Token) -> tuple[dt.time, bool]:
        hours, minutes = (int(part) for part in str(token).split(":"))
        if (hours, minutes) == (24, 0):
            return dt.time(0, 0), True
        if hours > 23 or minutes > 59:
            self.error(
                "S022",
                f"{token} is not a time of day: hours run 0-23 and minutes 0-59",
                self.span(token),
                "use 24:00 only to end a range of hours",
            )
            raise Invalid
        return dt.time(hours, minutes), False

    # ------------------------------------------------------------------ scope

    def scope_expr(self, tree: Tree[Token]) -> ast.Scope:
        parts = self.children_trees(tree)
        include = self.selectors(parts[0])
        exclude = self.selectors(parts[1]) if len(parts) > 1 else ()
        return ast.Scope(include=include, exclude=exclude, span=self.span(tree))

    def selectors(self, tree: Tree[Token]) -> tuple[ast.Selector, ...]:
        out: list[ast.Selector] = []
        for item in self.children_trees(tree):
            span = self.span(item)
            if item.data == "sel_all":
                out.append(ast.Selector(kind=ast.SelectorKind.ALL, span=span))
            elif item.data == "sel_scope":
                out.append(
                    ast.Selector(
                        kind=ast.SelectorKind.SCOPE, values=(str(self.first_token(item)),), span=span
                    )
                )
            elif item.data == "sel_kind":
                kind = _SELECTOR_KINDS[self.first_token(item).type]
                value = self.string(self.last_token(item))
                out.append(ast.Selector(kind=kind, values=(value,), span=span))
            else:
                previous = out[-1] if out else None
                if previous is None or previous.kind not in _SELECTOR_KINDS.values():
                    self.error(
                        "S024",
                        f"say what {self.first_token(item)} is",
                        span,
                        'write sku "A1", category "fruit", brand "X" or tag "organic"',
                    )
                    raise Invalid
                merged = _join(previous.span, span)
                values = (*previous.values, self.string(self.first_token(item)))
                out[-1] = ast.Selector(kind=previous.kind, values=values, span=merged)
        return tuple(out)

    # ------------------------------------------------------------------ audience

    def condition(self, tree: Tree[Token] | Token, depth: int) -> ast.Condition:
        if isinstance(tree, Token):  # a bare NAME inlined by the grammar cannot happen; be safe
            return ast.SegmentRef(name=str(tree), span=self.span(tree))
        span = self.span(tree)
        if depth > self.max_nesting:
            self.error(
                "S011",
                f"the condition is nested more than {self.max_nesting} levels deep",
                span,
                "simplify the condition, or raise PROMOKIT_MAX_NESTING (see docs/language.md)",
            )
            raise Invalid
        kind = tree.data
        if kind in ("or_cond", "and_cond"):
            operands = tuple(self.condition(c, depth + 1) for c in self.children_trees(tree))
            return (ast.Or if kind == "or_cond" else ast.And)(operands=operands, span=span)
        if kind == "cond_not":
            return ast.Not(operand=self.condition(self.children_trees(tree)[0], depth + 1), span=span)
        if kind == "atom":  # ( condition )
            return self.condition(self.children_trees(tree)[0], depth + 1)
        if kind == "cond_new":
            return ast.NewCustomer(span=span)
        if kind == "cond_segment":
            return ast.SegmentRef(name=str(self.first_token(tree)), span=span)
        if kind == "cond_member":
            collection = ast.Collection.SEGMENTS if self.tokens(tree, "SEGMENTS") else ast.Collection.TAGS
            return ast.HasMember(value=self.string(self.first_token(tree)), collection=collection, span=span)
        fact, attribute = self.fact(self.subtree(tree, "fact"))
        values = [self.value(v) for v in self.children_trees(tree) if v.data == "value"]
        if kind == "cond_compare":
            op = ast.CompareOp(str(self.first_token(self.subtree(tree, "compare_op"))))
            return ast.Compare(field=fact, op=op, value=values[0], attribute=attribute, span=span)
        negated = bool(self.tokens(tree, "NOT"))
        return ast.InList(field=fact, values=tuple(values), attribute=attribute, negated=negated, span=span)

    def fact(self, tree: Tree[Token]) -> tuple[ast.Fact, str | None]:
        token = self.first_token(tree)
        if token.type == "ATTR":
            return ast.Fact.ATTRIBUTE, self.string(self.last_token(tree))
        return _FACTS[token.type], None

    def value(self, tree: Tree[Token]) -> ast.Value:
        token = self.first_token(tree)
        if token.type == "NUMBER":
            return self.decimal(token)
        if token.type == "STRING":
            return self.string(token)
        if token.type == "DATE":
            return self.date(token)
        return token.type == "TRUE"

    # ------------------------------------------------------------------ limits


def _join(first: Span, last: Span) -> Span:
    return Span(first.file, first.line, first.col, last.end_line, last.end_col, first.start, last.end)
