"""Value-level checks for one promotion: action numbers, kind, windows, limits, condition types.

Split from `checker.py` to keep each module readable; `checker.check` calls these for
every declaration and collects everything into one `Report` (no early exits: a bad
promotion reports all its problems).
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal

from ..language.ast import (
    Action,
    AmountOff,
    AmountOffEach,
    Bundle,
    BuyGetFree,
    EveryOff,
    FlashPrice,
    FreeUnits,
    GiftOnBuy,
    GiftOnSpend,
    GroupPrice,
    Layer,
    Notation,
    NthUnitOff,
    Percent,
    PercentOff,
    PointsEarn,
    PointsRedeem,
    Promotion,
    RuleFile,
    RuleSetAst,
    Scope,
    SegmentDecl,
    SelectorKind,
    ShippingOff,
    SpecialPrice,
    Tier,
    TieredOffer,
    Tiers,
)
from ..language.source import Span
from ..money import CURRENCIES, Currency
from .conditions import (
    check_condition_types,
    check_time,
    check_window_occurs,
    window_end,
    window_start,
)
from .layers import allowed_layers
from .report import Report, best_span

__all__ = [
    "allowed_layers",
    "check_count",
    "check_money",
    "check_percent",
    "check_scope",
    "check_promotion_values",
    "check_segment_values",
    "check_settings_values",
    "num",
    "window_end",
    "window_start",
]

_WIDE = decimal.Context(prec=200, traps=[])


def num(value: Decimal) -> str:
    """A Decimal as the operator wrote it, never in exponent form (`100`, `9.90`)."""
    return f"{value:f}"


# --------------------------------------------------------------------------- layers

_ACTION_NAMES: dict[type, str] = {
    Tiers: "full reduction (满减)",
    EveryOff: "every-X-off (每满减)",
    PercentOff: "percentage off (折)",
    AmountOffEach: "amount off each unit",
    SpecialPrice: "special price (特价)",
    FlashPrice: "flash price (秒杀)",
    GroupPrice: "group price (拼团)",
    BuyGetFree: "buy N get M free (买N赠M)",
    NthUnitOff: "Nth unit off (第N件折)",
    Bundle: "N for P bundle (任选)",
    GiftOnBuy: "gift on quantity (买赠)",
    GiftOnSpend: "gift on spend (满赠)",
    ShippingOff: "shipping (包邮)",
    PointsEarn: "points earning (积分)",
    PointsRedeem: "points redemption (积分抵现)",
    AmountOff: "amount off (立减)",
    FreeUnits: "free units (赠N件)",
    TieredOffer: "tiered offer (满N件8折)",
}


def _check_kind(p: Promotion, report: Report) -> None:
    if p.kind is None:
        return
    span = best_span(p.kind_span, p.action.span, p.span)
    if p.kind is Layer.COUPON and not p.is_coupon:
        report.error(
            "E050",
            f"promotion '{p.id}' declares kind coupon, but it is not a coupon",
            span,
            f"declare it as `coupon {p.id} {{ ... }}` with codes, or remove `kind coupon`",
        )
        return
    allowed = allowed_layers(p.action, p.is_coupon)
    if p.kind not in allowed:
        what = _ACTION_NAMES.get(type(p.action), type(p.action).__name__)
        report.error(
            "E050",
            f"kind {p.kind.value} does not fit a {what} action",
            span,
            f"this action runs in the {' or '.join(sorted(layer.value for layer in allowed))} layer; "
            "change the kind or remove it (it is inferred from the action)",
        )


# --------------------------------------------------------------------------- numbers


def _money(
    report: Report, value: Decimal, what: str, span: Span, cur: Currency | None, *, is_price: bool = False
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


def _plain(report: Report, value: Decimal, what: str, span: Span) -> None:
    """A positive non-money number (points, multipliers)."""
    if not value.is_finite() or value <= 0:
        report.error("E034", f"{what} must be more than 0, got {value}", span, "write a positive number")


def _count(report: Report, value: int, minimum: int, what: str, span: Span, code: str = "E031") -> None:
    if value < minimum:
        report.error(
            code,
            f"{what} must be at least {minimum}, got {value}",
            span,
            f"write a whole number of {minimum} or more",
        )


def _percent(
    report: Report,
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


def _tier_text(t: Tier, notation: Notation) -> str:
    if notation is Notation.ZH:
        return f"满{num(t.threshold)}减{num(t.off)}"
    return f"spend {num(t.threshold)} get {num(t.off)} off"


def _check_tiers(action: Tiers, report: Report, cur: Currency | None) -> None:
    prev: Tier | None = None
    for t in action.tiers:
        span = best_span(t.span, action.span)
        _money(report, t.threshold, "a tier threshold", span, cur)
        _money(report, t.off, "a tier reward", span, cur)
        text = _tier_text(t, action.notation)
        # A reward at or above its threshold is a real offer (spend 10, get up to 10 off): it
        # loads, lint L001 warns, and the discount never exceeds the spend it applies to.
        if prev is not None:
            before = _tier_text(prev, action.notation)
            if t.threshold <= prev.threshold:
                report.error(
                    "E020",
                    f"tier thresholds must increase: {text} comes after {before}",
                    span,
                    "list tiers from the lowest threshold to the highest, each threshold larger than the one before",
                )
            if t.off <= prev.off:
                report.error(
                    "E021",
                    f"tier rewards must increase: {text} gives no more than {before}",
                    span,
                    "a higher tier must give a larger reward, or it never helps the customer",
                )
        prev = t


def _check_action(action: Action, report: Report, cur: Currency | None) -> None:
    s = action.span
    if isinstance(action, Tiers):
        _check_tiers(action, report, cur)
    elif isinstance(action, EveryOff):
        _money(report, action.step, "the step", s, cur)
        _money(report, action.off, "the reward per step", s, cur)
        if action.cap is not None:
            _money(report, action.cap, "the cap", s, cur)
            if 0 < action.cap < action.off:
                report.warning(
                    "W011",
                    f"cap {num(action.cap)} is below the reward of a single step ({num(action.off)})",
                    s,
                    "the cap always binds, so the step never repeats; raise the cap or lower the reward",
                )
    elif isinstance(action, PercentOff):
        # 100% off is a free item (issue 9); 0折 stays an error: operators write 免费 for free
        _percent(report, action.percent, "percentage off", allow_full=action.percent.notation is Notation.EN)
        if action.cap is not None:
            _money(report, action.cap, "the cap", s, cur)
        if action.min_spend is not None:
            _money(report, action.min_spend, "the minimum spend", s, cur)
    elif isinstance(action, AmountOffEach):
        _money(report, action.amount, "the amount off each unit", s, cur)
    elif isinstance(action, SpecialPrice):
        _money(report, action.price, "the special price", s, cur, is_price=True)
    elif isinstance(action, FlashPrice):
        _money(report, action.price, "the flash price", s, cur, is_price=True)
        if action.per_customer is not None:
            _count(report, action.per_customer, 1, "the per-customer unit limit", s)
        if action.stock is not None:
            _count(report, action.stock, 1, "the flash-sale stock", s)
    elif isinstance(action, GroupPrice):
        _money(report, action.price, "the group price", s, cur, is_price=True)
        _count(report, action.min_size, 2, "the group size", s, "E036")
    elif isinstance(action, BuyGetFree):
        _count(report, action.buy, 1, "the number to buy", s)
        _count(report, action.free, 1, "the number free", s)
    elif isinstance(action, NthUnitOff):
        _count(report, action.nth, 2, "the discounted unit's position (Nth)", s, "E032")
        _percent(report, action.percent, "the Nth unit's percentage off", allow_full=True)
    elif isinstance(action, Bundle):
        _count(report, action.count, 2, "the bundle size", s, "E033")
        _money(report, action.price, "the bundle price", s, cur)
    elif isinstance(action, GiftOnBuy):
        _count(report, action.buy, 1, "the number to buy", s)
        _count(report, action.quantity, 1, "the gift quantity", s)
        if action.max_times is not None:
            _count(report, action.max_times, 1, "the repeat cap", s)
        _gift_sku(action.gift_sku, s, report)
    elif isinstance(action, GiftOnSpend):
        _money(report, action.threshold, "the spend threshold", s, cur)
        _count(report, action.quantity, 1, "the gift quantity", s)
        _gift_sku(action.gift_sku, s, report)
    elif isinstance(action, ShippingOff):
        if action.threshold is not None:
            _money(report, action.threshold, "the shipping threshold", s, cur)
        if action.off is not None:
            _money(report, action.off, "the shipping discount", s, cur)
        if action.percent is not None:  # 100% off shipping is free shipping
            fix = "write e.g. 50% off shipping (or 运费5折 / 运费半价); free shipping is 100% off"
            _percent(report, action.percent, "the shipping discount", allow_full=True, fix=fix)
        if action.price is not None:  # 0 is free shipping
            _money(report, action.price, "the shipping price", s, cur, is_price=True)
    elif isinstance(action, PointsEarn):
        _plain(report, action.points, "points earned", s)
        _money(report, action.per, "the amount per point step", s, cur)
        _plain(report, action.multiplier, "the points multiplier", s)
    elif isinstance(action, PointsRedeem):
        _plain(report, action.points, "points redeemed", s)
        _money(report, action.per, "the amount the points pay", s, cur)
        m = action.max_percent
        if m is not None and not (m.is_finite() and 0 < m <= 100):
            report.error(
                "E038",
                f"the redemption cap must be between 0% and 100%, got {m}%",
                s,
                "write e.g. `up to 20%` (points pay at most that share of the order)",
            )


def _gift_sku(sku: str, span: Span, report: Report) -> None:
    if not sku.strip():
        report.error("E037", "the gift has an empty sku", span, 'name the gift\'s sku, e.g. "TOTE-BAG"')


#: Public names for the checks of composed offers (check/compose.py).
check_money = _money
check_count = _count
check_percent = _percent


def check_segment_values(seg: SegmentDecl, report: Report) -> None:
    check_condition_types(seg.condition, report)


# --------------------------------------------------------------------------- scope and limits


def _check_scope(scope: Scope, report: Report, *, warn_empty: bool = True) -> None:
    for sel in (*scope.include, *scope.exclude):
        if sel.kind is SelectorKind.CATEGORY:
            for value in sel.values:
                if value.strip() and any(not part.strip() for part in value.split("/")):
                    report.error(
                        "E084",
                        f'category path "{value}" has an empty segment',
                        best_span(sel.span, scope.span),
                        'write the path from the top without empty parts, e.g. category "fresh/fruit"',
                    )
        if sel.kind is not SelectorKind.ALL and not [v for v in sel.values if v.strip()]:
            report.error(
                "E039",
                f"{sel.kind.value} selector names nothing",
                best_span(sel.span, scope.span),
                f'write at least one value, e.g. {sel.kind.value} "fruit"',
            )
    included = {(s.kind, v) for s in scope.include for v in s.values}
    excluded = {(s.kind, v) for s in scope.exclude for v in s.values}
    everything_out = any(s.kind is SelectorKind.ALL for s in scope.exclude)
    if warn_empty and scope.include and (everything_out or (included and included <= excluded)):
        report.warning(
            "W009",
            "this scope excludes everything it includes, so it matches no item",
            scope.span,
            "remove the `except` part, or exclude something narrower",
        )


def _check_limits(p: Promotion, report: Report, cur: Currency | None) -> None:
    seen: dict[tuple[str, str, bool], int] = {}
    for lim in p.limits:
        _count(report, lim.count, 1, "a limit", best_span(lim.span, p.span))
        key = (lim.per.value, lim.counted.value, lim.per_day)
        if key in seen:
            report.warning(
                "W013",
                f"a second limit {lim.counted.value} per {lim.per.value}"
                f"{' per day' if lim.per_day else ''}; only the smallest "
                f"({min(seen[key], lim.count)}) binds",
                lim.span,
                "keep one limit of each kind",
            )
            seen[key] = min(seen[key], lim.count)
        else:
            seen[key] = lim.count
    if p.stock is not None:
        _count(report, p.stock.units, 1, "the stock", best_span(p.stock.span, p.span))
    if p.budget is not None:
        _money(report, p.budget.amount, "the budget", best_span(p.budget.span, p.span), cur)
    if p.cap is not None:
        _money(report, p.cap.amount, "the cap", best_span(p.cap.span, p.span), cur)


check_scope = _check_scope


def _currency(rules: RuleSetAst) -> Currency | None:
    return CURRENCIES.get(rules.currency)


def check_promotion_values(p: Promotion, rules: RuleSetAst, report: Report) -> None:
    cur = _currency(rules)
    _check_kind(p, report)
    _check_action(p.action, report, cur)
    _check_limits(p, report, cur)
    _check_scope(p.scope, report)
    for cond in p.when:
        check_time(cond, report)
    check_window_occurs(p.when, report)
    check_condition_types(p.audience, report)


def check_settings_values(files: Sequence[RuleFile], rules: RuleSetAst, report: Report) -> None:
    cur = _currency(rules)
    for f in files:
        s = f.settings
        if s.max_order_discount is not None:
            span = best_span(s.max_order_discount_span, s.span, f.span)
            _money(report, s.max_order_discount, "the order cap", span, cur)
        for sc in f.scopes:
            _check_scope(sc.scope, report)
