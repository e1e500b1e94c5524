"""Turn a selection into a `PricingResult`: lines with adjustments, totals, outcomes, hints.

Every promotion that could concern the cart gets exactly one outcome: `applied` (amount,
lines, units, code, points) or `not_applied` with a reason code from `models.Reason` —
from the pre-checks (window, channel, audience, scope, coupon codes, group size, ledger
limits), from its evaluation alone (threshold with shortfall, no_saving, budget), or from the
best-deal search (excluded / coupon_not_combinable naming what it lost to and by how much,
order_cap, budget in the chosen combination). Nothing here evaluates promotions again.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..compile.compiler import CompiledRules
from ..language.ast import ThresholdBase
from ..models import (
    Adjustment,
    Applied,
    Gift,
    Hint,
    LineResult,
    NotApplied,
    PricingResult,
    ShippingLineResult,
)
from ..money import quantizer
from ..results import trusted
from .actions import ZERO, Miss, Upsell
from .actions.cart import Cart
from .hints import Rivals, base_in, build_hints
from .selection import Selection


def build_result(
    rules: CompiledRules,
    cart: Cart,
    selection: Selection,
    pre_misses: dict[str, Miss],
    unknown_codes: list[str],
) -> PricingResult:
    """The `PricingResult` of a selection: lines, applied promotions, outcomes, hints, totals."""
    best = selection.best
    request = cart.request
    m = rounder(cart)  # amounts are exact multiples of the minor unit already: this only fixes the scale
    applied, gifts, adjustments = _applied(rules, cart, selection, m)
    line_results = _lines(cart, adjustments, m)
    subtotal = sum(cart.subtotals, ZERO)
    discount = sum((r.discount for r in line_results), ZERO)
    shipping_lines = _shipping_lines(cart, selection, m)
    shipping_original = sum((ship.amount for ship in shipping_lines), ZERO)
    shipping = sum((ship.total for ship in shipping_lines), ZERO)
    # Every value below is already what validation would make of it (Decimals rounded here,
    # tuples, model instances): built without validating again (results.trusted).
    return trusted(
        PricingResult,
        {
            "currency": request.currency,
            "at": request.at,
            "customer_id": request.customer.id,
            "subtotal": m(subtotal),
            "discount": m(discount),
            "shipping_original": m(shipping_original),
            "shipping_discount": m(shipping_original - shipping),
            "shipping": m(shipping),
            "total": m(subtotal - discount + shipping),
            "points_earned": best.points_earned,
            "points_redeemed": best.points_redeemed,
            "lines": tuple(line_results),
            "shipping_lines": shipping_lines if request.shipping_listed else (),
            "gifts": tuple(gifts),
            "applied": tuple(applied),
            "not_applied": tuple(_outcomes(rules, cart, selection, pre_misses, unknown_codes)),
            "hints": _hints(cart, selection),
            "selection": selection.mode,
            "rules_version": rules.version,
        },
    )


def rounder(cart: Cart) -> Callable[[Decimal], Decimal]:
    """`cart.q` with the quantum and the rounding mode looked up once (a result rounds ~100 amounts)."""
    return quantizer(cart.currency, cart.rounding)


def _applied(
    rules: CompiledRules, cart: Cart, selection: Selection, m: Callable[[Decimal], Decimal]
) -> tuple[list[Applied], list[Gift], dict[int, list[Adjustment]]]:
    """What each applied promotion did: its record, its gifts, its adjustments per line index."""
    adjustments: dict[int, list[Adjustment]] = {}
    applied: list[Applied] = []
    gifts: list[Gift] = []
    lines = cart.lines
    for pid, effect in selection.best.effects.items():
        p = rules.by_id[pid]
        units = effect.units
        for i, amount in sorted(effect.amounts.items()):
            adjustments.setdefault(i, []).append(
                trusted(Adjustment, {"promotion": pid, "units": units.get(i, 0), "amount": amount})
            )
        gifts += [trusted(Gift, {"sku": sku, "quantity": q, "promotion": pid}) for sku, q in effect.gifts]
        applied.append(
            trusted(
                Applied,
                {
                    "promotion": pid,
                    "title": p.title,
                    "layer": p.layer.value,
                    "amount": m(effect.saving),
                    # the lines it discounted; for gifts, shipping and points, those it was measured on
                    "lines": tuple(lines[i].id for i in sorted(effect.amounts or cart.eligible.get(pid, ()))),
                    "units": sum(units.values()),
                    "code": cart.codes.get(pid),
                    "points": effect.points or effect.redeemed,
                    "variant": p.promotion.variant.name if p.promotion.variant is not None else None,
                },
            )
        )
    return applied, gifts, adjustments


def _lines(
    cart: Cart, adjustments: dict[int, list[Adjustment]], m: Callable[[Decimal], Decimal]
) -> list[LineResult]:
    """Every request line, in the order the request sent them, with its adjustments."""
    by_index = {line.id: i for i, line in enumerate(cart.lines)}
    out = []
    for line in cart.request.lines:
        i = by_index[line.id]
        adj = tuple(adjustments.get(i, ()))
        discount = sum((a.amount for a in adj), ZERO)
        subtotal = cart.subtotals[i]
        out.append(
            trusted(
                LineResult,
                {
                    "id": line.id,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "unit_price": m(line.unit_price),
                    "subtotal": m(subtotal),
                    "discount": m(discount),
                    "total": m(subtotal - discount),
                    "adjustments": adj,
                },
            )
        )
    return out


def _shipping_lines(
    cart: Cart, selection: Selection, m: Callable[[Decimal], Decimal]
) -> tuple[ShippingLineResult, ...]:
    """Every shipping line (the single-amount form: one implicit line), with its adjustments."""
    effects = selection.best.effects
    out = []
    for k, ship in enumerate(cart.shipping_lines):
        adj = tuple(
            trusted(Adjustment, {"promotion": pid, "units": 0, "amount": m(effect.shipping_lines[k])})
            for pid, effect in effects.items()
            if k in effect.shipping_lines
        )
        discount = sum((a.amount for a in adj), ZERO)
        out.append(
            trusted(
                ShippingLineResult,
                {
                    "id": ship.id,
                    "method": ship.method,
                    "amount": m(ship.amount),
                    "discount": m(discount),
                    "total": m(ship.amount - discount),
                    "adjustments": adj,
                    "lines": ship.lines,
                },
            )
        )
    return tuple(out)


def _outcomes(
    rules: CompiledRules,
    cart: Cart,
    selection: Selection,
    pre_misses: dict[str, Miss],
    unknown_codes: list[str],
) -> list[NotApplied]:
    """One `not_applied` record per promotion that did not apply, in rank order, then unknown codes."""
    best = selection.best
    misses: dict[str, Miss] = dict(pre_misses)
    rivals = Rivals([cart.promotions[q] for q in best.ids if q in cart.promotions])
    for pid, miss in selection.dropped.items():
        misses[pid] = _in_chosen_deal(cart, selection, pid, miss, rivals)
    for source in (selection.dropped, selection.excluded, best.misses):
        for pid, miss in source.items():
            if pid not in best.effects:
                misses.setdefault(pid, miss)
    not_applied = [
        _not_applied(rules, cart, pid, misses[pid])
        for pid in sorted(misses, key=lambda i: rules.by_id[i].order)
        if pid not in best.effects
    ]
    not_applied += [
        NotApplied(promotion="", reason="coupon_unknown", detail=f"code {c!r} matches no coupon", code=c)
        for c in unknown_codes
    ]
    return not_applied


def _hints(cart: Cart, selection: Selection) -> tuple[Hint, ...]:
    """Hints from the upsells the evaluations recorded (nothing is evaluated again)."""
    upsells: list[Upsell] = list(selection.upsells)
    for pid, miss in selection.dropped.items():
        if miss.reason == "threshold":
            upsells += selection.alone[pid].upsells
    return build_hints(cart, selection.best, upsells, cart.promotions)


def _in_chosen_deal(cart: Cart, selection: Selection, pid: str, miss: Miss, rivals: Rivals) -> Miss:
    """A spend shortfall measured alone, re-measured inside the chosen deal when compatible with it."""
    p = cart.promotions[pid]
    best = selection.best
    alone = selection.alone.get(pid)
    need = next((u.need for u in alone.upsells if u.need is not None), None) if alone else None
    if miss.reason != "threshold" or need is None:
        return miss
    if rivals.any_with(p):  # conflicts with a promotion of the chosen deal
        return miss
    base = base_in(cart, best, p)
    if base >= need:
        return miss
    after = (
        "at original prices" if p.promotion.threshold_base is ThresholdBase.ORIGINAL else "after discounts"
    )
    detail = (
        f"spend on {p.scope.describe()} is {cart.money(base)} {after}, "
        f"{cart.money(need - base)} short of {cart.money(need)}"
    )
    return Miss("threshold", detail, shortfall=need - base)


def _not_applied(rules: CompiledRules, cart: Cart, pid: str, miss: Miss) -> NotApplied:
    shortfall: Decimal | None = cart.q(miss.shortfall) if miss.shortfall is not None else None
    return trusted(
        NotApplied,
        {
            "promotion": pid,
            "title": rules.by_id[pid].title,
            "reason": miss.reason,
            "detail": miss.detail,
            "shortfall": shortfall,
            "lost_to": miss.lost_to,
            "code": cart.codes.get(pid),
        },
    )
