"""Small rule sets for pricing, pricing cases, and helpers to compile and describe rules."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from promokit.language import ast
from promokit.language.ast import (
    ALL_ITEMS,
    Fact,
    Layer,
    Notation,
    SelectorKind,
    ThresholdBase,
)
from promokit.models import CheckoutRequest

from ._base import (
    _BOOLS,
    _caps,
    _ints,
    _maybe,
    _pick,
    amounts,
    percents,
)
from .actions import (
    every_offs,
    tiers,
)
from .carts import (
    SHIPPING_METHODS,
    requests,
)
from .files import (
    alone_out_of_stack_groups,
    rule_files,
)

# --------------------------------------------------------------------------- small rule sets for pricing


def _sel(kind: SelectorKind, *values: str) -> ast.Selector:
    return ast.Selector(kind=kind, values=values)


#: Scopes for pricing rule sets: mostly broad, so that promotions overlap and compete.
_SMALL_SCOPES = st.sampled_from(
    (
        ALL_ITEMS,
        ALL_ITEMS,
        ALL_ITEMS,
        ast.Scope(include=(_sel(SelectorKind.CATEGORY, "fruit"),)),
        ast.Scope(include=(_sel(SelectorKind.CATEGORY, "dairy", "bakery"),)),
        ast.Scope(include=(_sel(SelectorKind.CATEGORY, "fresh"),)),  # an extra category
        ast.Scope(include=(_sel(SelectorKind.CATEGORY, "veg"),)),  # above the path veg/leafy
        ast.Scope(include=(_sel(SelectorKind.BRAND, "orchard"),)),
        ast.Scope(include=(_sel(SelectorKind.TAG, "organic"),)),
        ast.Scope(include=(_sel(SelectorKind.SKU, "APPLE", "YOGURT"),)),
        ast.Scope(include=(_sel(SelectorKind.ALL),), exclude=(_sel(SelectorKind.SKU, "DURIAN"),)),
    )
)

_SMALL_WINDOWS = (
    (),
    (),
    (),
    (
        ast.During(
            ranges=(
                ast.DateRange(
                    start=ast.DateTimePoint(date=dt.date(2026, 1, 1)),
                    end=ast.DateTimePoint(date=dt.date(2026, 6, 30)),
                ),
            )
        ),
    ),
    (ast.OnWeekdays(days=(ast.Weekday.WED, ast.Weekday.SAT)),),
)


@functools.cache
@st.composite
def _small_action(draw: st.DrawFn, layer: str) -> ast.Action:
    notation = draw(_pick(Notation))
    money = amounts(1, 60)
    if layer == "item":
        kind = draw(
            _pick(
                ("percent", "each", "special", "flash", "bgf", "nth", "nth_price", "bundle", "group", "free")
            )
        )
        if kind == "free":
            return ast.FreeUnits(count=draw(_ints(1, 2)), notation=notation)
        if kind == "percent":
            return ast.PercentOff(percent=draw(percents(notation)), cap=draw(_maybe(amounts(5, 50))))
        if kind == "each":
            return ast.AmountOffEach(amount=draw(amounts(1, 10)), notation=notation)
        if kind == "special":
            return ast.SpecialPrice(price=draw(amounts(1, 30)), notation=notation)
        if kind == "flash":
            return ast.FlashPrice(
                price=draw(amounts(1, 10)),
                per_customer=draw(_maybe(_ints(1, 2))),
                notation=notation,
            )
        if kind == "bgf":
            return ast.BuyGetFree(buy=draw(_ints(1, 3)), free=1, notation=notation)
        if kind == "nth":
            return ast.NthUnitOff(nth=2, percent=draw(percents(notation)), notation=notation)
        if kind == "nth_price":  # 第2件1元
            units = ast.UnitChoice.CHEAPEST if notation is Notation.ZH else draw(_pick(ast.UnitChoice))
            return ast.NthUnitPrice(
                nth=draw(_ints(2, 3)), price=draw(amounts(0, 10)), units=units, notation=notation
            )
        if kind == "group":
            return ast.GroupPrice(price=draw(amounts(1, 20)), min_size=draw(_ints(2, 4)), notation=notation)
        return ast.Bundle(count=draw(_ints(2, 3)), price=draw(amounts(5, 40)), notation=notation)
    if layer in ("order", "coupon"):
        kind = draw(_pick(("tiers", "every", "percent", "gift", "amount", "tiered")))
        if kind == "amount":
            return ast.AmountOff(amount=draw(amounts(1, 40)), notation=notation)
        if kind == "tiered":
            return _tiered(draw, notation)
        if kind == "tiers":
            return draw(tiers(notation))
        if kind == "every":
            return draw(every_offs(notation))
        if kind == "gift" and layer == "order":
            return ast.GiftOnSpend(threshold=draw(amounts(20, 150)), gift_sku="BAG", notation=notation)
        return ast.PercentOff(
            percent=draw(percents(notation)), cap=draw(_maybe(money)), min_spend=draw(amounts(10, 150))
        )
    if layer == "points":
        if draw(_BOOLS):
            return ast.PointsEarn(multiplier=Decimal(2))
        return ast.PointsRedeem(points=Decimal(100), per=Decimal(1), max_percent=Decimal(20))
    threshold = draw(_maybe(amounts(20, 150)))
    on_fee = threshold is not None and draw(_BOOLS)
    benefit = draw(_pick(("free", "off", "percent", "price")))
    return ast.ShippingOff(
        threshold=draw(amounts(5, 20)) if on_fee else threshold,
        basis=ast.ShippingBasis.SHIPPING if on_fee else ast.ShippingBasis.GOODS,
        off=draw(amounts(1, 8)) if benefit == "off" else None,
        percent=draw(percents(notation)) if benefit == "percent" else None,
        price=draw(_pick((Decimal(0), Decimal(3), Decimal("4.50")))) if benefit == "price" else None,
        # "drone": a method no generated request uses
        methods=tuple(draw(st.lists(_pick((*SHIPPING_METHODS, "drone")), max_size=2, unique=True))),
        notation=notation,
    )


def _tiered(draw: st.DrawFn, notation: Notation) -> ast.TieredOffer:
    """满2件9折，满3件8折 or 满30打9折，满60打8折 (percent or amount tiers, by units or spend)."""
    units = draw(_BOOLS)
    first = Decimal(draw(_ints(1, 3))) if units else draw(amounts(10, 60))
    second = first + (Decimal(draw(_ints(1, 2))) if units else draw(amounts(10, 60)))
    measure = ast.Measure.UNITS if units else ast.Measure.SPEND
    if draw(_BOOLS) or not units:
        return ast.TieredOffer(
            tiers=(
                ast.OfferTier(measure=measure, at_least=first, percent=ast.Percent(Decimal(10), notation)),
                ast.OfferTier(measure=measure, at_least=second, percent=ast.Percent(Decimal(20), notation)),
            ),
            notation=notation,
        )
    off = draw(amounts(1, 20))
    return ast.TieredOffer(
        tiers=(ast.OfferTier(measure=measure, at_least=first, off=off),), notation=notation
    )


#: `when` conditions for pricing rule sets: spend / units / distinct SKUs on a scope.
_SMALL_CONDITIONS = (
    None,
    None,
    None,
    ast.Requirement(measure=ast.Measure.SPEND, at_least=Decimal(30)),
    ast.Requirement(
        measure=ast.Measure.UNITS,
        at_least=Decimal(2),
        scope=ast.Scope(include=(_sel(SelectorKind.CATEGORY, "fruit"),)),
        repeat=True,
    ),
    ast.Requirement(
        measure=ast.Measure.SPEND,
        at_least=Decimal(20),
        scope=ast.Scope(include=(_sel(SelectorKind.CATEGORY, "dairy"),)),
    ),
    ast.Requirement(measure=ast.Measure.KINDS, at_least=Decimal(2)),
    ast.Requirement(measure=ast.Measure.SPEND, at_least=Decimal(20), repeat=True, max_times=2),
)


@st.composite
def small_rule_sets(draw: st.DrawFn, max_promotions: int = 6) -> ast.RuleFile:
    """A CNY file of 1..6 promotions mixing item / order / coupon / shipping layers.

    Ids `pa`..`pf` (as `p-a`..); coupons get codes `CA`, `CB`, ... (use `coupon_codes(file)`
    to draw requests that enter them). Exclusive groups and stackable pairs are mixed in;
    priorities collide on purpose so that ties are exercised.
    """
    count = draw(_ints(1, max_promotions))
    promos: list[ast.Promotion] = []
    for i in range(count):
        pid = f"p-{'abcdef'[i]}"
        layer = draw(_pick(("item", "item", "item", "order", "order", "coupon", "shipping", "points")))
        action = draw(_small_action(layer))
        is_coupon = layer == "coupon"
        group = None
        if layer != "points" and draw(_ints(0, 2)) == 0:
            group = ast.Name(text=draw(_pick(("grp-a", "grp-b"))))
        exclusive = group is None and layer != "points" and draw(_ints(0, 9)) == 0
        if isinstance(action, ast.PointsRedeem):
            group = ast.Name(text="points")  # one redemption per order (E056)
        stackable: tuple[ast.Name, ...] = ()
        if layer == "item" and not exclusive:
            partners = [
                p.id
                for p in promos
                if isinstance(
                    p.action,
                    (
                        ast.PercentOff,
                        ast.AmountOffEach,
                        ast.SpecialPrice,
                        ast.FlashPrice,
                        ast.BuyGetFree,
                        ast.NthUnitOff,
                        ast.NthUnitPrice,
                        ast.Bundle,
                        ast.GroupPrice,
                    ),
                )
                and p.kind is None
                and not p.exclusive
                and not p.is_coupon
                and (group is None or p.exclusive_group is None or p.exclusive_group.text != group.text)
            ]
            if draw(_BOOLS) and partners:
                stackable = (ast.Name(text=draw(_pick(tuple(partners)))),)
        takes_units = layer in ("item", "order", "coupon")
        unit_limits: tuple[ast.Limit, ...] = ()
        if takes_units and draw(_ints(0, 3)) == 0:  # 每单限2件 / 每行限1件 / 每单限1次
            per = draw(_pick((ast.Per.ORDER, ast.Per.LINE, None)))
            unit_limits = (
                (ast.Limit(count=draw(_ints(1, 2)), per=per, counted=ast.Counted.UNITS),)
                if per is not None
                else (ast.Limit(count=draw(_ints(1, 2)), per=ast.Per.ORDER, counted=ast.Counted.USES),)
            )
        promos.append(
            ast.Promotion(
                id=pid,
                title=f"promotion {pid}",
                action=action,
                condition=draw(_pick(_SMALL_CONDITIONS)) if takes_units else None,
                pick=draw(_pick((None, None, ast.UnitChoice.CHEAPEST, ast.UnitChoice.DEAREST)))
                if takes_units
                else None,
                limits=unit_limits
                if not isinstance(action, ast.FlashPrice) or action.per_customer is None
                else (),
                stack_group=ast.Name(text="stk")
                if layer == "item" and not exclusive and draw(_ints(0, 2)) == 0
                else None,
                is_coupon=is_coupon,
                priority=draw(_ints(0, 2)),
                kind=Layer.ORDER if layer == "order" and isinstance(action, ast.PercentOff) else None,
                when=draw(_pick(_SMALL_WINDOWS)),
                scope=draw(_SMALL_SCOPES),
                audience=draw(
                    _pick((None, None, ast.Compare(field=Fact.LEVEL, op=ast.CompareOp.GE, value=Decimal(2))))
                ),
                cap=draw(_maybe(_caps(5, 40, 2)))
                if layer in ("item", "order") and draw(_ints(0, 4)) == 0
                else None,
                codes=ast.Codes(patterns=(ast.CodePattern(text=f"C{'ABCDEF'[i]}"),)) if is_coupon else None,
                exclusive=exclusive,
                exclusive_group=group,
                stackable_with=stackable,
                threshold_base=draw(_pick(ThresholdBase))
                if layer in ("order", "coupon")
                else ThresholdBase.AFTER_DISCOUNTS,
            )
        )
    promos = alone_out_of_stack_groups(promos)
    return ast.RuleFile(
        name="small.promo",
        settings=ast.Settings(
            timezone="Asia/Shanghai", currency="CNY", prices_include_tax=draw(_pick((None, True, False)))
        ),
        promotions=tuple(promos),
    )


def coupon_codes(rule_file: ast.RuleFile) -> tuple[str, ...]:
    """The exact codes of a file's coupons (patterns skipped)."""
    return tuple(
        c.text for p in rule_file.promotions if p.codes for c in p.codes.patterns if not c.is_pattern
    )


@st.composite
def pricing_cases(
    draw: st.DrawFn, max_promotions: int = 6, max_lines: int = 5, max_quantity: int = 4
) -> tuple[ast.RuleFile, CheckoutRequest]:
    """A small rule set and a request that sometimes enters its coupon codes."""
    rules = draw(small_rule_sets(max_promotions))
    request = draw(requests(coupon_codes(rules), max_lines=max_lines, max_quantity=max_quantity))
    return rules, request


# --------------------------------------------------------------------------- building rule sets


def compile_rules(*files: ast.RuleFile) -> Any:
    """A `promokit.engine.ruleset.RuleSet` from generated files, through the real checker.

    Fails the test (with the rendered diagnostics) if the checker reports an error: the
    strategies promise checker-valid rules, so an error here is a bug in one or the other.
    Imports lazily so that this module loads before the engine exists.
    """
    from promokit.check import checker
    from promokit.check.frontend import CheckedRules
    from promokit.engine.ruleset import RuleSet

    rules_ast, diagnostics = checker.check(files)
    errors = [d.render() for d in diagnostics if d.is_error]
    assert not errors, "generated rules rejected by the checker:\n" + "\n".join(errors)
    warnings = tuple(d for d in diagnostics if not d.is_error)
    return RuleSet(CheckedRules(ast=rules_ast, warnings=warnings, sources={}))


@st.composite
def full_pricing_cases(draw: st.DrawFn, max_lines: int = 5) -> tuple[ast.RuleFile, CheckoutRequest]:
    """Any generated rule file (every construct) and a request in its currency."""
    rule_file = draw(rule_files())
    code = rule_file.settings.currency or "CNY"
    request = draw(requests(coupon_codes(rule_file), max_lines=max_lines, currency=code))
    # Often shop inside some promotion's date range, so that windowed promotions apply too.
    ranges = [r for p in rule_file.promotions for w in p.when if isinstance(w, ast.During) for r in w.ranges]
    if draw(_BOOLS) and ranges:
        chosen = draw(_pick(tuple(ranges)))
        day = chosen.start.date + dt.timedelta(
            days=draw(_ints(0, (chosen.end.date - chosen.start.date).days))
        )
        at = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        request = request.model_copy(update={"at": at})
    return rule_file, request


def describe(rule_file: ast.RuleFile, request: CheckoutRequest | None = None) -> str:
    """The rules as `.promo` text (and the request as JSON): readable failing examples.

    Use with `hypothesis.note(...)`; falls back to the AST's repr if the formatter fails.
    """
    try:
        from promokit.language.formatter import format_file

        text = format_file(rule_file)
    except Exception as error:  # noqa: BLE001 - a description must never hide the real failure
        text = f"(formatter failed: {error!r})\n{rule_file!r}"
    if request is not None:
        text += "\nrequest: " + request.model_dump_json(exclude_defaults=True)
    return text
