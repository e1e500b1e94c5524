"""Discount rates from actions: how much of what it applies to a promotion can take.

Used by the rate lints (L011, L012) and the overlap lint (L004). Order-level actions peak
at known spends (a tier's threshold, one step of "every X", the spend where a percentage's
cap starts to bind); quantity deals have a fixed share; price actions need list prices
(a catalogue), otherwise their rate is unknown (None). Composed offers (docs/lint.md#l011):
a tiered offer peaks at a tier, an amount off at its spend condition, free units at the
units their condition counts; what depends on unit prices needs the catalogue too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..check.values import num
from ..compile.spend import discount_at as discount_at  # the one formula, re-exported for the lints
from ..language.ast import (
    AmountOff,
    AmountOffEach,
    Bundle,
    BuyGetFree,
    EveryOff,
    FlashPrice,
    FreeUnits,
    GroupPrice,
    Layer,
    Measure,
    NthUnitOff,
    PercentOff,
    Promotion,
    Scope,
    ScopeDecl,
    SelectorKind,
    SpecialPrice,
    TieredOffer,
    Tiers,
    UnitChoice,
)
from .search import layer_of

__all__ = [
    "Rate",
    "candidate_spends",
    "composed_rate",
    "catalogue_prices",
    "discount_at",
    "order_discount",
    "order_rate",
    "rate_pct",
    "worst_rate",
]


@dataclass(frozen=True, slots=True)
class Rate:
    """The largest share of the eligible amount a promotion takes, and a cart that shows it."""

    rate: Decimal  # 0..1
    spend: Decimal | None  # the eligible spend (or unit price) of the example cart
    how: str  # words: the action and where the worst case is reached
    sku: str | None = None  # the catalogue sku the rate was computed on
    units: int = 1  # units of the example cart (a deal's or a condition's count)


def catalogue_prices(
    p: Promotion, scopes: Mapping[str, ScopeDecl], catalogue: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Catalogue skus the promotion's scope certainly covers.

    A catalogue knows skus, not categories, brands or tags: a sku counts only when a `sku`
    or `all` selector (directly or through named scopes) includes it and no exclusion could
    remove it. A category or tag exclusion makes the answer unknown, so the sku is left out.
    """
    return {
        sku: price for sku, price in sorted(catalogue.items()) if _covers(p.scope, sku, scopes, 0) is True
    }


def _covers(scope: Scope, sku: str, scopes: Mapping[str, ScopeDecl], depth: int) -> bool | None:
    """True: the scope matches the sku whatever its other attributes; False: never; None: unknown."""
    if depth > 20:
        return None
    included: bool | None = False
    for sel in scope.include:
        got = _selector_covers(sel.kind, sel.values, sku, scopes, depth)
        if got is True:
            included = True
            break
        if got is None:
            included = None
    if included is False:
        return False
    unknown = included is None
    for sel in scope.exclude:
        got = _selector_covers(sel.kind, sel.values, sku, scopes, depth)
        if got is True:
            return False
        if got is None:
            unknown = True
    return None if unknown else True


def _selector_covers(
    kind: SelectorKind, values: tuple[str, ...], sku: str, scopes: Mapping[str, ScopeDecl], depth: int
) -> bool | None:
    if kind is SelectorKind.ALL:
        return True
    if kind is SelectorKind.SKU:
        return sku in values
    if kind is SelectorKind.SCOPE:
        results = [
            _covers(scopes[name].scope, sku, scopes, depth + 1) if name in scopes else False
            for name in values
        ]
        return True if True in results else None if None in results else False
    return None  # category, brand, tag: the catalogue does not know them


def order_discount(p: Promotion, spend: Decimal) -> Decimal:
    off = discount_at(p.action, spend)
    if p.cap is not None:
        off = min(off, p.cap.amount)
    return min(off, spend)


def candidate_spends(p: Promotion) -> list[Decimal]:
    a = p.action
    if isinstance(a, Tiers):
        return [t.threshold for t in a.tiers]
    if isinstance(a, EveryOff):
        return [a.step * k for k in (1, 2, 3, 5, 10)]
    if isinstance(a, PercentOff):
        base = [a.min_spend] if a.min_spend is not None else [Decimal(100)]
        if a.cap is not None and a.percent.off > 0:
            base.append(a.cap * 100 / a.percent.off)
        return base
    return []


def order_rate(p: Promotion) -> Rate | None:
    spends = [s for s in candidate_spends(p) if s > 0]
    best: Rate | None = None
    for s in spends:
        r = order_discount(p, s) / s
        if best is None or r > best.rate:
            best = Rate(r, s, f"{num(order_discount(p, s))} off a spend of {num(s)}")
    return best


def worst_rate(
    p: Promotion, scopes: Mapping[str, ScopeDecl], catalogue: Mapping[str, Decimal] | None
) -> Rate | None:
    """The largest share of the eligible amount `p` can take (None: unknown or not a goods discount)."""
    a = p.action
    if isinstance(a, Tiers | EveryOff) or (isinstance(a, PercentOff) and layer_of(p) is not Layer.ITEM):
        return order_rate(p)
    if isinstance(a, PercentOff):
        return Rate(min(a.percent.off / 100, Decimal(1)), None, f"{num(a.percent.off)}% off every unit")
    if isinstance(a, BuyGetFree):
        total = a.buy + a.free
        return Rate(Decimal(a.free) / total, None, f"{a.free} of every {total} equal-priced units free")
    if isinstance(a, NthUnitOff):
        return Rate(
            a.percent.off / 100 / a.nth, None, f"every {a.nth} units, one at {num(a.percent.off)}% off"
        )
    if isinstance(a, SpecialPrice | FlashPrice | GroupPrice) and a.price == 0:
        return Rate(Decimal(1), None, "every unit free (a price of 0)")
    if isinstance(a, TieredOffer | AmountOff | FreeUnits):
        known = composed_rate(p)
        if known is not None or catalogue is None:
            return known
        return _priced_composed(p, catalogue_prices(p, scopes, catalogue))
    if catalogue is None:
        return None
    prices = catalogue_prices(p, scopes, catalogue)
    if not prices:
        return None
    best: Rate | None = None
    for sku, price in sorted(prices.items()):
        if price <= 0:
            continue
        if isinstance(a, SpecialPrice | FlashPrice | GroupPrice):
            off = max(Decimal(0), price - a.price)
        elif isinstance(a, AmountOffEach):
            off = min(price, a.amount)
        elif isinstance(a, Bundle):
            off = max(Decimal(0), price * a.count - a.price) / a.count
        else:
            return None
        r = off / price
        if best is None or r > best.rate:
            if isinstance(a, Bundle):
                how = f'{a.count} × sku "{sku}" (list price {num(price)}) for {num(a.price)}'
            else:
                how = f'sku "{sku}" at {num(price - off)} instead of its list price {num(price)}'
            best = Rate(r, price, how, sku)
    return best


def _own_condition(p: Promotion) -> tuple[Measure, Decimal] | None:
    """The `when` condition's measure and step when it counts the benefit's own scope."""
    req = p.condition
    return (req.measure, req.at_least) if req is not None and req.scope is None else None


def composed_rate(p: Promotion) -> Rate | None:
    """The rate of a composed offer that needs no unit prices; None when it does.

    A tiered offer peaks at a tier's threshold (a percentage: that percentage); an amount off
    at its own spend condition takes `amount / spend` there; free units counted on their own
    scope take `count` of the `N` units the condition needs (the cheapest: at most that share,
    equal prices reach it), and with no condition, a condition on another scope or the dearest
    units first, all of what they apply to (one unit alone, or the dearest unit of a cart).
    """
    a = p.action
    if isinstance(a, TieredOffer):
        best: Rate | None = None
        for tier in a.tiers:
            units = tier.measure is Measure.UNITS
            if tier.percent is not None:
                r = min(tier.percent.off / 100, Decimal(1))
                where = f"{num(tier.at_least)} units" if units else f"a spend of {num(tier.at_least)}"
                how = f"{num(tier.percent.off)}% off at {where}"
            elif units:
                return None  # an amount over N units: its rate depends on the unit prices
            else:
                r = min(tier.off or Decimal(0), tier.at_least) / tier.at_least
                how = f"{num(tier.off or Decimal(0))} off a spend of {num(tier.at_least)}"
            if best is None or r > best.rate:
                spend = None if units else tier.at_least
                best = Rate(r, spend, how, units=int(tier.at_least) if units else 1)
        return best
    own = _own_condition(p)
    if isinstance(a, AmountOff):
        if own is None or own[0] is not Measure.SPEND:
            return None
        spend = own[1]
        return Rate(min(a.amount, spend) / spend, spend, f"{num(a.amount)} off a spend of {num(spend)}")
    if isinstance(a, FreeUnits):
        if own is None or p.pick is UnitChoice.DEAREST:
            why = (
                "dearest first"
                if own is not None
                else "with no condition"
                if p.condition is None
                else "for a condition on another scope"
            )
            how = f"{a.count} free unit(s) {why}: all of a line of {a.count}"
            return Rate(Decimal(1), None, how, units=a.count)
        if own[0] is Measure.SPEND:
            return None  # how many units the spend needs depends on their prices
        needed = max(int(own[1]), a.count)
        return Rate(Decimal(a.count) / needed, None, f"{a.count} of {needed} units free", units=needed)
    return None


def _priced_composed(p: Promotion, prices: Mapping[str, Decimal]) -> Rate | None:
    """With list prices: an amount off (or a units tier's amount) on the units its condition
    needs, and free units on the units a spend condition needs, sku by sku."""
    a = p.action
    own = _own_condition(p)
    best: Rate | None = None
    for sku, price in sorted(prices.items()):
        if price <= 0:
            continue
        if isinstance(a, FreeUnits):
            assert own is not None  # composed_rate answered every other case
            units = max(-(-own[1] // price), Decimal(a.count))  # ceil: the units that reach the spend
            off, how = price * a.count, f'{a.count} of {units} × sku "{sku}" free'
        elif isinstance(a, AmountOff):
            units = own[1] if own is not None and own[0] is not Measure.SPEND else Decimal(1)
            off, how = min(a.amount, price * units), f'{num(a.amount)} off {num(units)} × sku "{sku}"'
        else:  # a tiered offer with an amount over N units: each tier at its N units
            assert isinstance(a, TieredOffer)
            for tier in a.tiers:
                off = min(tier.off or Decimal(0), price * tier.at_least)
                r = off / (price * tier.at_least)
                if best is None or r > best.rate:
                    how = f'{num(tier.off or Decimal(0))} off {num(tier.at_least)} × sku "{sku}"'
                    best = Rate(r, price, how, sku, units=int(tier.at_least))
            continue
        r = off / (price * units)
        if best is None or r > best.rate:
            best = Rate(r, price, how, sku, units=int(units))
    return best


def rate_pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.1'))}%"
