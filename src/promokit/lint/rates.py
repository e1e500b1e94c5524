"""Lints about combined discounts: overlapping promotions (L004) and discount rates (L011, L012).

L004 looks for pairs of order-level promotions that one cart can trigger together (a line
both scopes match, a customer both audiences admit, an instant inside both windows) while
nothing says whether they may combine: no shared exclusive group, no `exclusive`, no
`stackable with`. Such pairs both apply (docs/semantics.md, stacking and best deal), so the message shows the
worst case on a concrete example cart. When the engine can price that cart, the figure is
the engine's; otherwise it is computed from the two actions.

L011/L012 bound the share of a cart the promotions can take: per exclusive group (only one
member applies, so the group's worst member) and for the whole rule set (layers compound:
`1 - Π(1 - rate of each layer)`). Rates of price actions need list prices, so without a
catalogue those promotions are left out and the message says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ..benefits import spec_for
from ..check.frontend import CheckedRules
from ..check.report import Report, best_span
from ..check.values import num
from ..engine.ruleset import RuleSet
from ..errors import PromokitError
from ..language.ast import Layer, Promotion, RuleSetAst
from ..models import CheckoutRequest, Customer, Line
from ..money import CURRENCIES, format_money
from .actions import Rate, candidate_spends, order_discount, rate_pct, worst_rate
from .search import describe_line, example_customer, example_instant, example_line, layer_of

__all__ = ["lint_overlaps", "lint_rates"]

#: Pairs examined at most (a rule set of ~60 order-level promotions); the rest are skipped.
MAX_PAIRS = 2000


def _declared_together(p: Promotion, q: Promotion) -> bool:
    """Whether the rules already say how p and q combine."""
    if p.exclusive or q.exclusive:
        return True
    if p.variant is not None and q.variant is not None:  # two variants of one A/B test never meet
        if p.variant.experiment == q.variant.experiment and p.variant.name != q.variant.name:
            return True
    if p.exclusive_group is not None and q.exclusive_group is not None:
        if p.exclusive_group.text == q.exclusive_group.text:
            return True
    return any(n.text == q.id for n in p.stackable_with) or any(n.text == p.id for n in q.stackable_with)


@dataclass(frozen=True, slots=True)
class _Overlap:
    other: Promotion
    line: Line
    at: dt.datetime
    spend: Decimal
    off: Decimal
    how: str

    @property
    def rate(self) -> Decimal:
        return self.off / self.spend if self.spend else Decimal(0)


def lint_overlaps(rules: RuleSetAst, today: dt.date, report: Report) -> None:
    """One L004 per promotion that overlaps earlier ones, detailing the worst pair."""
    # Gifts add goods rather than take money off, so only money discounts are paired.
    order = [
        p
        for p in rules.promotions
        if layer_of(p) is Layer.ORDER and spec_for(p.action).rate_spends is not None
    ]
    engine: list[Any] = []  # compiled on the first overlap found, once
    pairs = 0
    for j, q in enumerate(order):
        found: list[_Overlap] = []
        for p in order[:j]:
            if p.id == q.id or _declared_together(p, q):
                continue
            pairs += 1
            if pairs > MAX_PAIRS:
                break
            if p.channels and q.channels and not set(p.channels) & set(q.channels):
                continue
            line = example_line(p.scope, q.scope, rules.scopes)
            if line is None:
                continue
            customer = example_customer([p.audience, q.audience], rules.segments)
            if customer is None:
                continue
            at = example_instant([p, q], rules, start=today)
            if at is None:
                continue
            if not engine:
                engine.append(_engine(rules))
            found.append(_worst_pair(p, q, rules, engine[0], line, customer, at))
        if found:
            _report_overlap(q, found, rules, report)


def _worst_pair(
    p: Promotion,
    q: Promotion,
    rules: RuleSetAst,
    engine: Any,
    line: Line,
    customer: Customer,
    at: dt.datetime,
) -> _Overlap:
    """The largest share of an example cart the two take together, over the spends where they peak."""
    own = [s for s in (*candidate_spends(p), *candidate_spends(q)) if s > 0]
    # Also the sums: a spend that reaches one threshold after the other has taken its share.
    spends = sorted({*own, *(a + b for a in own for b in own)}) or [Decimal(100)]
    how = "priced by the engine" if engine is not None else "bound from the two actions"
    best_spend, best_off = spends[0], Decimal(-1)
    for s in spends:
        off: Decimal | None = None
        if engine is not None:
            off = _engine_discount(engine, rules, p, q, line, customer, at, s)
        if off is None:
            off = min(s, order_discount(p, s) + order_discount(q, s))
            how = "bound from the two actions"
        if best_off < 0 or off * best_spend > best_off * s:
            best_spend, best_off = s, off
    return _Overlap(p, line, at, best_spend, best_off, how)


def _report_overlap(q: Promotion, found: list[_Overlap], rules: RuleSetAst, report: Report) -> None:
    worst = max(found, key=lambda o: (o.rate, o.off))
    p = worst.other
    cur = CURRENCIES.get(rules.currency)

    def money(x: Decimal) -> str:
        return format_money(x, cur) if cur is not None else num(x)

    channel = f", channel {p.channels[0]!r}" if p.channels else ""
    cart = (
        f"an example cart of 1 × {describe_line(worst.line)} at {money(worst.spend)} on "
        f"{worst.at:%Y-%m-%d %H:%M} UTC{channel} gets {money(worst.off)} off from the two together "
        f"({rate_pct(worst.rate)}, {worst.how})"
    )
    ids = ", ".join(o.other.id for o in found)
    if len(found) == 1:
        message = (
            f"'{p.id}' and '{q.id}' overlap in scope, audience and time with no exclusive group or "
            f"stacking declaration, so both apply: {cart}"
        )
    else:
        quoted = ", ".join(f"'{o.other.id}'" for o in found)
        message = (
            f"'{q.id}' overlaps in scope, audience and time with {len(found)} promotions ({quoted}) "
            f"with no exclusive group or stacking declaration, so they can apply together; the worst, "
            f"with '{p.id}': {cart}"
        )
    report.warning(
        "L004",
        message,
        best_span(q.id_span, q.span),
        f"put them in one `exclusive group` if only the better one should apply, or declare "
        f"`stackable with {ids}` on '{q.id}' if combining them is intended",
    )


def _engine(rules: RuleSetAst) -> RuleSet:
    """The engine compiled for these (checked) rules, to price the example carts."""
    return RuleSet(CheckedRules(ast=rules, warnings=(), sources={}))


def _engine_discount(
    engine: Any,
    rules: RuleSetAst,
    p: Promotion,
    q: Promotion,
    line: Line,
    customer: Customer,
    at: dt.datetime,
    spend: Decimal,
) -> Decimal | None:
    """The engine's discount for exactly {p, q} on the example cart; None when it cannot tell."""
    try:
        request = CheckoutRequest(
            currency=rules.currency,
            at=at,
            customer=customer,
            lines=(line.model_copy(update={"unit_price": spend}),),
            channel=p.channels[0] if p.channels else None,
        )
        result = engine.price_combination(request, {p.id, q.id})
    except (PromokitError, ValidationError):  # the example cart does not fit these rules
        return None
    if result is None:
        return None
    discount = result.discount
    return discount if isinstance(discount, Decimal) else None


# --------------------------------------------------------------------------- L011 / L012


def _group_key(p: Promotion) -> str:
    return f"group {p.exclusive_group.text}" if p.exclusive_group is not None else f"promotion {p.id}"


def lint_rates(
    rules: RuleSetAst,
    catalogue: Mapping[str, Decimal] | None,
    max_rate: Decimal,
    report: Report,
    today: dt.date,
) -> None:
    rates: dict[str, Rate] = {}
    unknown: list[str] = []
    for p in rules.promotions:
        if layer_of(p) in (Layer.SHIPPING, Layer.POINTS):
            continue
        r = worst_rate(p, rules.scopes, catalogue)
        if r is None:
            unknown.append(p.id)
        else:
            rates[p.id] = r
    by_id = {p.id: p for p in rules.promotions}
    groups: dict[str, list[str]] = {}
    for pid in rates:
        groups.setdefault(_group_key(by_id[pid]), []).append(pid)
    note = (
        f"; {len(unknown)} promotion(s) priced per unit left out without list prices (pass a catalogue)"
        if unknown
        else ""
    )
    for key, members in groups.items():
        worst = max(members, key=lambda m: (rates[m].rate, m))
        r = rates[worst]
        if r.rate <= max_rate:
            continue
        p = by_id[worst]
        span = p.exclusive_group.span if p.exclusive_group is not None else best_span(p.id_span, p.span)
        if key.startswith("group "):
            where = f"exclusive group '{key[6:]}'"
            found = "the largest of its members' bounds, computed from each action; one member applies"
        else:
            where, found = f"'{p.id}'", "a bound computed from its action"
        priced = _engine_example(rules, p, r, today)
        report.warning(
            "L011",
            f"{where} can take up to {rate_pct(r.rate)} off what it applies to: '{p.id}' gives {r.how} "
            f"({found}){priced}{note}",
            span,
            f"check the numbers; this report appears above {rate_pct(max_rate)} (lint --max-rate)",
        )
    _lint_total(rules, rates, by_id, max_rate, note, report)


def _engine_example(rules: RuleSetAst, p: Promotion, r: Rate, today: dt.date) -> str:
    """ "; the engine takes ... off an example cart ..." — the bound checked by pricing, or ''.

    The cart is built like L004's: a line in the promotion's scope (the catalogue sku the
    rate was found on, when there is one), a customer its audience admits, an instant in
    its window, a code it accepts; as many units as the deal needs, at the peak spend.
    """
    engine = _engine(rules)
    if engine is None:
        return ""
    a = p.action
    # the units its deal, tier or condition needs (`BenefitSpec.example_units`, the rate's own)
    quantity = max(spec_for(a).example_units(a), r.units)
    if p.condition is not None and p.condition.scope is not None:
        return ""  # a condition on another scope needs a second line: no one-line example
    line = example_line(p.scope, p.scope, rules.scopes)
    customer = example_customer([p.audience], rules.segments)
    at = example_instant([p], rules, start=today)
    if line is None or customer is None or at is None:
        return ""
    price = r.spend if r.spend is not None else Decimal(100)
    codes: tuple[str, ...] = ()
    if p.codes is not None and p.codes.patterns:
        codes = (p.codes.patterns[0].text.replace("*", "X").replace("?", "X"),)
    try:
        request = CheckoutRequest(
            currency=rules.currency,
            at=at,
            customer=customer,
            lines=(
                line.model_copy(update={"unit_price": price, "quantity": quantity, "sku": r.sku or line.sku}),
            ),
            channel=p.channels[0] if p.channels else None,
            coupons=codes,
        )
        result = engine.price_combination(request, {p.id})
    except Exception:  # noqa: BLE001 - see `_engine`
        return ""
    if result is None or not isinstance(result.discount, Decimal) or not result.subtotal:
        return ""
    cur = CURRENCIES.get(rules.currency)
    shown = format_money(price, cur) if cur is not None else num(price)
    off = format_money(result.discount, cur) if cur is not None else num(result.discount)
    rate = result.discount / result.subtotal
    return (
        f"; the engine takes {off} off an example cart of {quantity} × {describe_line(request.lines[0])} "
        f"at {shown} ({rate_pct(rate)})"
    )


def _lint_total(
    rules: RuleSetAst,
    rates: Mapping[str, Rate],
    by_id: Mapping[str, Promotion],
    max_rate: Decimal,
    note: str,
    report: Report,
) -> None:
    """Compound the worst rate of each layer (a group counts once, ungrouped order promotions add up)."""
    layer_rate: dict[Layer, Decimal] = {}
    order_groups: dict[str, Decimal] = {}
    exclusive_best = Decimal(0)
    for pid, r in rates.items():
        p = by_id[pid]
        if p.exclusive:
            exclusive_best = max(exclusive_best, r.rate)
            continue
        layer = layer_of(p)
        if layer is Layer.ORDER:
            key = _group_key(p)
            order_groups[key] = max(order_groups.get(key, Decimal(0)), r.rate)
        else:
            layer_rate[layer] = max(layer_rate.get(layer, Decimal(0)), r.rate)
    if order_groups:
        layer_rate[Layer.ORDER] = min(Decimal(1), sum(order_groups.values(), Decimal(0)))
    kept = Decimal(1)
    for share in layer_rate.values():
        kept *= Decimal(1) - min(share, Decimal(1))
    total = max(Decimal(1) - kept, exclusive_best)
    contributing = (
        sum(1 for r in layer_rate.values() if r > 0) + len(order_groups) - (1 if order_groups else 0)
    )
    if total <= max_rate or contributing < 2 or not rules.promotions:
        return
    top = max(rates, key=lambda m: (rates[m].rate, m))
    p = by_id[top]
    layers = ", ".join(f"{layer.value} {rate_pct(r)}" for layer, r in sorted(layer_rate.items()))
    report.warning(
        "L012",
        f"together the promotions can take up to {rate_pct(total)} off a cart "
        f"(upper bound: the worst rate of each layer compounded — {layers}; order-level groups "
        f"and ungrouped order promotions add up){note}",
        best_span(p.id_span, p.span),
        "put promotions that must not combine in one exclusive group, or lower the largest discounts",
    )
