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

from ..benefits import spec_for
from ..benefits.spec import RateFacts
from ..check.values import num
from ..compile.spend import discount_at as discount_at  # the one formula, re-exported for the lints
from ..language.ast import Layer, Promotion, Scope, ScopeDecl, SelectorKind
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
    """Spends where the action's rate peaks (`BenefitSpec.rate_spends`; none for the others)."""
    spends = spec_for(p.action).rate_spends
    return spends(p.action) if spends is not None else []


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
    spec = spec_for(a)
    if spec.rate_spends is not None and (spec.rate_share is None or layer_of(p) is not Layer.ITEM):
        return order_rate(p)
    if spec.rate_share is not None and (share := spec.rate_share(a)) is not None:
        return Rate(share[0], None, share[1])
    if spec.offer_rate is not None:  # composed offers: read with their condition and unit choice
        known = spec.offer_rate(a, p.condition, p.pick)
        if known is not None or catalogue is None:
            return _rate(known)
        return _priced_offer(p, catalogue_prices(p, scopes, catalogue))
    if catalogue is None or spec.price_rate is None:
        return None
    prices = catalogue_prices(p, scopes, catalogue)
    if not prices:
        return None
    best: Rate | None = None
    for sku, price in sorted(prices.items()):
        if price <= 0:
            continue
        off, how = spec.price_rate(a, sku, price)
        r = off / price
        if best is None or r > best.rate:
            best = Rate(r, price, how, sku)
    return best


def composed_rate(p: Promotion) -> Rate | None:
    """The rate of a composed offer that needs no unit prices (its benefit's `offer_rate`, read
    with the promotion's condition and unit choice); None when it does or is not one."""
    offer = spec_for(p.action).offer_rate
    return _rate(offer(p.action, p.condition, p.pick)) if offer is not None else None


def _rate(facts: RateFacts | None) -> Rate | None:
    return None if facts is None else Rate(facts.rate, facts.spend, facts.how, facts.sku, facts.units)


def _priced_offer(p: Promotion, prices: Mapping[str, Decimal]) -> Rate | None:
    """With list prices, sku by sku (the benefit's `offer_price_rate`): the worst one."""
    priced = spec_for(p.action).offer_price_rate
    best: RateFacts | None = None
    for sku, price in sorted(prices.items()):
        if price <= 0 or priced is None:
            continue
        found = priced(p.action, p.condition, sku, price)
        if found is not None and (best is None or found.rate > best.rate):
            best = found
    return _rate(best)


def rate_pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.1'))}%"
