"""Actions (every kind, in both notations), limits and coupon codes."""

from __future__ import annotations

import functools
from decimal import ROUND_DOWN, Decimal

from hypothesis import strategies as st

from promokit.language import ast
from promokit.language.ast import (
    Counted,
    Layer,
    Notation,
    Per,
    UnitChoice,
)

from ._base import (
    _BOOLS,
    _PERCENT_INTS,
    GIFT_SKUS,
    _ints,
    _maybe,
    _pick,
    _subsets,
    amounts,
    percents,
)

# --------------------------------------------------------------------------- actions


@functools.cache
@st.composite
def tiers(draw: st.DrawFn, notation: Notation, places: int = 2) -> ast.Tiers:
    count = draw(_ints(1, 3))
    threshold = Decimal(0)
    off = Decimal(0)
    out = []
    for _ in range(count):
        threshold = threshold + draw(amounts(20, 200, places))
        # Off strictly increases and stays below its threshold: a fraction of the room left.
        quantum = Decimal(1).scaleb(-places)
        room = threshold - off
        share = (room * draw(_ints(1, 40)) / 100).quantize(quantum, rounding=ROUND_DOWN)
        off = off + max(share, quantum)
        out.append(ast.Tier(threshold=threshold, off=off))
    return ast.Tiers(tiers=tuple(out), notation=notation)


@functools.cache
@st.composite
def every_offs(draw: st.DrawFn, notation: Notation, places: int = 2) -> ast.EveryOff:
    step = draw(amounts(10, 300, places))
    quantum = Decimal(1).scaleb(-places)
    off = max(quantum, (step * draw(_ints(1, 60)) / 100).quantize(quantum, rounding=ROUND_DOWN))
    times = draw(_maybe(_ints(1, 5)))
    cap = None if times is None else off * times
    return ast.EveryOff(step=step, off=off, cap=cap, notation=notation)


@functools.cache
@st.composite
def percent_offs(draw: st.DrawFn, notation: Notation, places: int = 2) -> ast.PercentOff:
    return ast.PercentOff(
        percent=draw(percents(notation)),
        cap=draw(_maybe(amounts(1, 200, places))),
        min_spend=draw(_maybe(amounts(1, 300, places))),
    )


def _notated(draw: st.DrawFn, notation: Notation, places: int) -> ast.Action:
    """One action of any kind written in `notation`."""
    money = amounts(1, 200, places)
    price = amounts(1, 50, places)
    kind = draw(
        _pick(
            (
                "tiers",
                "every",
                "percent",
                "each",
                "special",
                "flash",
                "group",
                "bgf",
                "nth",
                "nth_price",
                "bundle",
                "gift_buy",
                "gift_spend",
                "shipping",
                "earn",
                "redeem",
                "amount",
                "free_units",
                "tiered",
            )
        )
    )
    composed = _composed(draw, kind, notation, places)
    if composed is not None:
        return composed
    if kind == "tiers":
        return draw(tiers(notation, places))
    if kind == "every":
        return draw(every_offs(notation, places))
    if kind == "percent":
        return draw(percent_offs(notation, places))
    if kind == "each":
        return ast.AmountOffEach(amount=draw(money), notation=notation)
    if kind == "special":
        return ast.SpecialPrice(price=draw(price), notation=notation)
    if kind == "flash":
        return ast.FlashPrice(
            price=draw(price),
            per_customer=draw(_maybe(_ints(1, 5))),
            stock=draw(_maybe(_ints(1, 1000))),
            notation=notation,
        )
    if kind == "group":
        return ast.GroupPrice(price=draw(price), min_size=draw(_ints(2, 10)), notation=notation)
    if kind == "bgf":
        units = UnitChoice.CHEAPEST if notation is Notation.ZH else draw(_pick(UnitChoice))
        return ast.BuyGetFree(buy=draw(_ints(1, 5)), free=draw(_ints(1, 3)), units=units, notation=notation)
    if kind == "nth":
        units = UnitChoice.CHEAPEST if notation is Notation.ZH else draw(_pick(UnitChoice))
        return ast.NthUnitOff(
            nth=draw(_ints(2, 5)), percent=draw(percents(notation)), units=units, notation=notation
        )
    if kind == "nth_price":  # 第2件1元 (benefits/nth_unit_price.py)
        units = UnitChoice.CHEAPEST if notation is Notation.ZH else draw(_pick(UnitChoice))
        return ast.NthUnitPrice(nth=draw(_ints(2, 5)), price=draw(price), units=units, notation=notation)
    if kind == "bundle":
        return ast.Bundle(count=draw(_ints(2, 5)), price=draw(money), notation=notation)
    if kind == "gift_buy":
        repeat = draw(_BOOLS)
        return ast.GiftOnBuy(
            buy=draw(_ints(1, 5)),
            gift_sku=draw(_pick(GIFT_SKUS)),
            quantity=draw(_ints(1, 3)),
            repeat=repeat,
            max_times=draw(_maybe(_ints(2, 5))) if repeat else None,
            notation=notation,
        )
    if kind == "gift_spend":
        return ast.GiftOnSpend(
            threshold=draw(money),
            gift_sku=draw(_pick(GIFT_SKUS)),
            quantity=draw(_ints(1, 3)),
            notation=notation,
        )
    if kind == "shipping":
        return shipping_offs(draw, notation, money, places)
    if kind == "earn":
        return ast.PointsEarn(
            points=Decimal(draw(_ints(1, 5))),
            per=Decimal(draw(_ints(1, 10))),
            multiplier=Decimal(draw(_ints(1, 3))),
        )
    return ast.PointsRedeem(
        points=Decimal(draw(_pick((10, 50, 100)))),
        per=Decimal(draw(_ints(1, 5))),
        max_percent=draw(_maybe(_PERCENT_INTS)),
    )


#: delivery methods rules may name (docs/language.md#shipping); requests use the same pool
SHIPPING_METHODS = ("standard", "express", "pickup", "顺丰", "same-day")


def shipping_offs(
    draw: st.DrawFn, notation: Notation, money: st.SearchStrategy[Decimal], places: int
) -> ast.ShippingOff:
    """Every shipping form: free / amount off / percent off / fixed price, a threshold on the
    goods or on the shipping fee, on all shipping lines or on some methods."""
    threshold = draw(_maybe(money))
    basis = ast.ShippingBasis.SHIPPING if threshold is not None and draw(_BOOLS) else ast.ShippingBasis.GOODS
    benefit = draw(_pick(("free", "off", "percent", "price")))
    methods = tuple(draw(st.lists(_pick(SHIPPING_METHODS), max_size=2, unique=True)))
    return ast.ShippingOff(
        threshold=threshold,
        basis=basis,
        off=draw(amounts(1, 20, places)) if benefit == "off" else None,
        percent=draw(percents(notation)) if benefit == "percent" else None,
        price=draw(amounts(0, 10, places)) if benefit == "price" else None,
        methods=methods,
        notation=notation,
    )


def _composed(draw: st.DrawFn, kind: str, notation: Notation, places: int) -> ast.Action | None:
    """The benefits of composed offers (issue 9): 立减10, 赠1件, 满3件8折 / 满100打9折 tiers."""
    if kind == "amount":
        return ast.AmountOff(amount=draw(amounts(1, 200, places)), notation=notation)
    if kind == "free_units":
        return ast.FreeUnits(count=draw(_ints(1, 3)), notation=notation)
    if kind != "tiered":
        return None
    tiers: list[ast.OfferTier] = []
    at_least = Decimal(0)
    # every tier a percentage or every tier an amount (E085), rewards increasing; a list of
    # amount tiers by spend only would be 满减 `Tiers`, so amount tiers start by units
    as_percent = draw(_BOOLS)
    reward = 0
    for n in range(draw(_ints(1, 3))):
        units = draw(_BOOLS) or (n == 0 and not as_percent)
        at_least += Decimal(draw(_ints(1, 4))) if units else draw(amounts(20, 200, places))
        if units and at_least != at_least.to_integral_value():  # a unit count is whole
            at_least = at_least.to_integral_value(rounding=ROUND_DOWN) + 1
        reward += draw(_ints(1, 30))
        if as_percent and reward >= 100:
            break
        tiers.append(
            ast.OfferTier(
                measure=ast.Measure.UNITS if units else ast.Measure.SPEND,
                at_least=at_least,
                percent=ast.Percent(off=Decimal(reward), notation=notation) if as_percent else None,
                off=None if as_percent else Decimal(reward),
            )
        )
    return ast.TieredOffer(tiers=tuple(tiers), notation=notation)


@functools.cache
@st.composite
def actions(draw: st.DrawFn, notation: Notation | None = None, places: int = 2) -> ast.Action:
    """Any action, in `notation` (drawn when None)."""
    chosen = notation if notation is not None else draw(_pick(Notation))
    return _notated(draw, chosen, places)


_COUPON_ACTIONS = (
    ast.Tiers,
    ast.EveryOff,
    ast.PercentOff,
    ast.ShippingOff,
    ast.AmountOffEach,
    ast.AmountOff,
    ast.TieredOffer,
)


@functools.cache
def _coupon_actions(places: int) -> st.SearchStrategy[ast.Action]:
    return actions(places=places).filter(lambda a: isinstance(a, _COUPON_ACTIONS))


def _natural_layer(action: ast.Action) -> Layer:
    """The layer an action belongs to when nothing else is declared (docs/semantics.md#layers)."""
    if isinstance(action, ast.Tiers | ast.EveryOff | ast.GiftOnBuy | ast.GiftOnSpend | ast.AmountOff):
        return Layer.ORDER
    if isinstance(action, ast.TieredOffer):
        return Layer.ORDER
    if isinstance(action, ast.ShippingOff):
        return Layer.SHIPPING
    if isinstance(action, ast.PointsEarn | ast.PointsRedeem):
        return Layer.POINTS
    return Layer.ITEM


_THRESHOLD_ACTIONS = (ast.Tiers, ast.EveryOff, ast.GiftOnSpend, ast.TieredOffer)
_OWN_CAP = (ast.EveryOff, ast.PercentOff)
_CAPPABLE = (
    ast.Tiers,
    ast.EveryOff,
    ast.PercentOff,
    ast.AmountOffEach,
    ast.SpecialPrice,
    ast.FlashPrice,
    ast.GroupPrice,
    ast.BuyGetFree,
    ast.NthUnitOff,
    ast.Bundle,
    ast.AmountOff,
    ast.FreeUnits,
    ast.TieredOffer,
)
_STOCKED = (ast.FlashPrice, ast.SpecialPrice, ast.GiftOnBuy, ast.GiftOnSpend, ast.GroupPrice)

#: Limit shapes with a clear meaning: (counted, per, per_day).
_LIMIT_SHAPES = (
    (Counted.USES, Per.CUSTOMER, False),
    (Counted.USES, Per.CUSTOMER, True),
    (Counted.UNITS, Per.CUSTOMER, False),
    (Counted.UNITS, Per.ORDER, False),
    (Counted.USES, Per.TOTAL, False),
    (Counted.UNITS, Per.LINE, False),
    (Counted.USES, Per.ORDER, False),  # 每单限1次: applications per order
)


@st.composite
def limits(draw: st.DrawFn, action: ast.Action) -> tuple[ast.Limit, ...]:
    shapes: tuple[tuple[Counted, Per, bool], ...] = _LIMIT_SHAPES
    no_units = isinstance(action, ast.ShippingOff | ast.PointsEarn | ast.PointsRedeem)  # E082
    if no_units or (isinstance(action, ast.FlashPrice) and action.per_customer is not None):
        shapes = tuple(s for s in shapes if s[0] is not Counted.UNITS)
    chosen = draw(_subsets(shapes, 0, 2))
    return tuple(
        ast.Limit(
            count=draw(_ints(1, 1000 if per is Per.TOTAL else 5)), per=per, counted=counted, per_day=day
        )
        for counted, per, day in chosen
    )


@functools.cache
def _codes(index: int) -> st.SearchStrategy[ast.Codes]:
    """Codes in coupon `index`'s own namespace: exact `C<i>X...` and patterns `C<i>P-*`."""
    exact = st.text("ABCDEFGHJKMNPQRSTUVWXYZ23456789", min_size=2, max_size=6).map(lambda s: f"C{index}X{s}")
    pattern = _pick(("-*", "-??", "*")).map(lambda tail: f"C{index}P{tail}")
    patterns = st.lists(st.one_of(exact, pattern), min_size=1, max_size=3, unique_by=str.upper)
    return st.builds(
        ast.Codes,
        patterns=patterns.map(lambda ps: tuple(ast.CodePattern(text=p) for p in ps)),
        single_use=_BOOLS,
    )
