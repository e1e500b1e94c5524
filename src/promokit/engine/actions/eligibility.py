"""Pre-checks: which candidate promotions may take part at all, and why the others may not.

Runs once per `price()` before any evaluation: codes, window, channel, audience, scope, group
size, and limits/stock/budget (from the ledger in one round trip when one is given, otherwise
from the rules alone: a per-customer unit limit still caps units within the order).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ...compile.compiler import CompiledPromotion, CompiledRules
from ...language import ast as A
from ...ledgers.views import UsageReader
from ...models import CheckoutRequest
from ..usage import Availability, availability
from . import Miss
from .cart import Cart


@dataclass(slots=True)
class Prepared:
    cart: Cart
    candidates: list[CompiledPromotion]  # passed every pre-check, in rank order
    misses: dict[str, Miss] = field(default_factory=dict)  # failed a pre-check, in rank order
    unknown_codes: list[str] = field(default_factory=list)


def _codes(request: CheckoutRequest) -> list[str]:
    """The entered codes without repeats (case-insensitive), in the order entered."""
    seen: set[str] = set()
    out: list[str] = []
    for code in request.coupons:
        key = code.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(code.strip())
    return out


def local_unit_cap(p: CompiledPromotion) -> int | None:
    """Discounted units one order may get from the rules alone (flash limit, stock, unit limits)."""
    caps: list[int] = []
    action = p.action
    if isinstance(action, A.FlashPrice):
        caps += [n for n in (action.per_customer, action.stock) if n is not None]
    if p.promotion.stock is not None:
        caps.append(p.promotion.stock.units)
    caps += [
        lim.count
        for lim in p.promotion.limits
        if lim.counted is A.Counted.UNITS and lim.per is not A.Per.LINE  # per line: condition.per_line
    ]
    return min(caps) if caps else None


def _other_variant(rules: CompiledRules, variant: A.Variant, request: CheckoutRequest) -> str | None:
    """Why the customer does not see this A/B variant (None: they do). docs/programs.md#ab-variants"""
    seen = rules.experiments[variant.experiment].variant_for(request.customer.id)
    if seen == variant.name:
        return None
    who = "an anonymous cart" if request.customer.id is None else "this customer"
    return f"variant {variant.name} of experiment {variant.experiment}; {who} is in variant {seen}"


def _invited(request: CheckoutRequest) -> bool:
    """An invite program needs both sides identified (docs/programs.md#invite-rewards)."""
    return request.customer.id is not None and request.customer.invited_by is not None


def prepare(
    rules: CompiledRules,
    request: CheckoutRequest,
    *,
    ledger: UsageReader | None = None,
    exclude: Collection[str] = (),
    only: Collection[str] | None = None,
) -> Prepared:
    lines = tuple(sorted(request.lines, key=lambda line: line.id))
    cart = Cart(
        request=request,
        lines=lines,
        subtotals=tuple(line.unit_price * line.quantity for line in lines),
        quantities=tuple(line.quantity for line in lines),
        currency=rules.currency,
        rounding=rules.rounding,
        max_order_discount=rules.max_order_discount,
        promotions={},
        eligible={},
        gross_factors=(
            None
            if rules.prices_include_tax or all(line.tax_rate == 0 for line in lines)
            else tuple(1 + line.tax_rate for line in lines)
        ),
        shipping_lines=request.shipping_lines,
    )
    # The index's hits are the lines in scope when the keys are exact; else (None) the matcher
    # decides, as for the coupons no line's keys reach.
    found = rules.index.touching(lines)
    seen = {p.id for p, _ in found}
    pool = sorted(found + [(c, None) for c in rules.coupons if c.id not in seen], key=lambda f: f[0].order)
    codes = _codes(request)
    used_codes: set[str] = set()
    misses: dict[str, Miss] = {}
    passed: list[CompiledPromotion] = []
    channel = (request.channel or "").casefold()
    for p, touched in pool:
        code: str | None = None
        if p.codes is not None:
            code = next((c for c in codes if p.codes.matches(c)), None)
            if code is not None:
                used_codes.add(code.casefold())  # known, even when this coupon is left out
        if only is not None and p.id not in only:
            continue
        eligible = (
            touched
            if touched is not None
            else tuple(i for i, line in enumerate(lines) if p.scope.matches(line))
        )
        if p.codes is not None and code is None:
            if eligible:
                misses[p.id] = Miss("coupon_missing", "no code for this coupon was entered")
            continue
        if p.id in exclude:
            misses[p.id] = Miss("limit", "left out by the caller (its reservation did not fit)")
            continue
        window = p.time.failure(request.at) if not p.time.always else None
        if window is not None:
            misses[p.id] = Miss("coupon_expired" if code is not None else "window", window)
            continue
        if p.channels and channel not in p.channels:
            got = request.channel or "none"
            misses[p.id] = Miss(
                "channel", f"only on channel {', '.join(sorted(p.channels))}; this order: {got}"
            )
            continue
        failure = p.audience.failure(request)
        if failure is None and p.promotion.variant is not None:
            failure = _other_variant(rules, p.promotion.variant, request)
        if failure is None and p.promotion.invite is not None and not _invited(request):
            failure = "only for an invited customer: the request names no inviter (customer.invited_by) or no customer id"
        if failure is not None:
            misses[p.id] = Miss("audience", failure)
            continue
        if not eligible:
            misses[p.id] = Miss("scope", f"no line in the cart is in {p.scope.describe()}")
            continue
        action = p.action
        if isinstance(action, A.GroupPrice):
            size = request.group.size if request.group is not None else 0
            if size < action.min_size:
                words = f"needs a group of {action.min_size}; " + (
                    f"this group has {size}" if request.group is not None else "the order is not in a group"
                )
                misses[p.id] = Miss("group_size", words)
                continue
        cart.eligible[p.id] = eligible
        cart.promotions[p.id] = p
        cart.unit_caps[p.id] = local_unit_cap(p)
        cart.budgets[p.id] = p.promotion.budget.amount if p.promotion.budget is not None else None
        if code is not None:
            cart.codes[p.id] = code
        passed.append(p)
    if ledger is not None and passed:
        passed = _apply_ledger(rules, cart, request, ledger, passed, misses)
    unknown = [c for c in codes if c.casefold() not in used_codes]
    ordered = {pid: misses[pid] for pid in sorted(misses, key=lambda i: rules.by_id[i].order)}
    return Prepared(cart, passed, ordered, unknown)


def used_up(av: Availability, *, coupon: bool) -> Miss | None:
    """The miss of a promotion whose ledger counters leave nothing (None: something is left).

    Also what checkout reports for a reservation that lost a race (checkout/retry.py).
    """
    detail = av.detail or "used up"
    if av.uses is not None and av.uses <= 0:
        return Miss("coupon_used" if coupon else "limit", detail)
    if av.units is not None and av.units <= 0:
        return Miss("stock" if av.limited_by == "stock" else "limit", detail)
    if av.budget is not None and av.budget <= 0:
        return Miss("budget", detail)
    return None


def _apply_ledger(
    rules: CompiledRules,
    cart: Cart,
    request: CheckoutRequest,
    ledger: UsageReader,
    passed: list[CompiledPromotion],
    misses: dict[str, Miss],
) -> list[CompiledPromotion]:
    """One read-only `usage()` round trip; applied as docs/semantics.md says for limits, stock and budgets."""
    tz = rules.default_tz
    found = availability([p.promotion for p in passed], ledger, request, tz, rules.currency)
    kept: list[CompiledPromotion] = []
    for p in passed:
        av = found.get(p.id)
        if av is None:
            kept.append(p)
            continue
        miss = used_up(av, coupon=p.codes is not None)
        if miss is not None:
            misses[p.id] = miss
            continue
        if av.units is not None:
            local = cart.unit_caps.get(p.id)
            cart.unit_caps[p.id] = av.units if local is None else min(local, av.units)
            cart.unit_cap_reason[p.id] = av.limited_by or "limit"
        if av.budget is not None:
            cart.budgets[p.id] = av.budget  # what is left of it, which the ledger knows
        kept.append(p)
    return kept
