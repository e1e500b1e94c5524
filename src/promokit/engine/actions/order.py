"""Order, coupon, shipping and points actions: thresholds on what the earlier layers left.

A threshold is measured on the promotion's eligible lines after the discounts of the layers
before it (or on their original prices when the promotion says `threshold on original
prices`), and is inclusive: spending exactly 100 reaches 满100 (docs/semantics.md#thresholds). An
order-level amount is apportioned to the eligible lines by largest remainder, never above
what a line has left (§8); a percentage is computed and rounded per line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from ...benefits import spec_for
from ...benefits.spec import Evaluation
from ...compile.compiler import CompiledPromotion
from ...compile.spend import every_steps, reached_tier
from ...language import ast as A
from . import ZERO, Effect, Miss, Outcome, Upsell
from .cart import Cart, shrink
from .condition import applications, order_unit_cap, per_line, take_units, uses_per_order

HUNDRED = Decimal(100)
Result = tuple[Outcome, list[Upsell]]


def threshold_base(cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal]) -> Decimal:
    lines = cart.eligible[cp.id]
    if cp.promotion.threshold_base is A.ThresholdBase.ORIGINAL:
        return sum((cart.subtotals[i] for i in lines), ZERO)
    return sum((remaining[i] for i in lines), ZERO)


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def covered(
    cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal]
) -> dict[int, tuple[Decimal, int]]:
    """Per eligible line with something left: (what an order-level benefit may take off it, units).

    All of it, unless the promotion caps units (`limit 2 units per order` / 每单限2件, `limit 1
    units per line` / 每行限1件): then only the chosen units (dearest first unless `cheapest
    first`), each worth its share of what the line has left (docs/semantics.md#unit-caps).
    """
    lines = [i for i in cart.eligible[cp.id] if remaining[i] > 0]
    q = cart.quantities
    cap, line_cap = order_unit_cap(cp, cart), per_line(cp)
    if cap is None and line_cap is None:
        return {i: (remaining[i], q[i]) for i in lines}
    runs = [(remaining[i] / q[i], i, q[i]) for i in lines]
    taken = take_units(runs, cap, cp.promotion.pick or A.UnitChoice.DEAREST, line_cap)
    return {
        i: (remaining[i] if n == q[i] else cart.q_down(remaining[i] * n / q[i]), n)
        for i, n in sorted(taken.items())
    }


def _spread(cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], amount: Decimal) -> Effect:
    """An order-level amount over the eligible lines in proportion to what they have left (of
    the covered units, when the promotion caps units), by gross share when prices exclude tax."""
    if per_line(cp) is None and order_unit_cap(cp, cart) is None:
        # `covered` without unit caps (the common case, priced per combination by the search):
        # every eligible line with something left, all of it and all its units
        lines = [i for i in cart.eligible[cp.id] if remaining[i] > 0]
        left = [remaining[i] for i in lines]
        units = cart.quantities
    else:
        cover = covered(cp, cart, remaining)
        lines = list(cover)
        left = [cover[i][0] for i in lines]
        units = tuple(cover[i][1] if i in cover else 0 for i in range(len(cart.quantities)))
    amount = min(cart.q(amount), sum(left, ZERO))
    if cp.cap is not None:
        amount = min(amount, cp.cap)
    parts = cart.spread(amount, cart.gross_weights(lines, left), left) if amount > 0 else [ZERO] * len(lines)
    amounts = {i: a for i, a in zip(lines, parts, strict=True) if a > 0}
    return Effect(amounts=amounts, units={i: units[i] for i in amounts})


def _short(
    cp: CompiledPromotion, cart: Cart, base: Decimal, need: Decimal, what: str, unlocks: Decimal | None
) -> Result:
    shortfall = need - base
    scope = cp.scope.describe()
    basis = (
        "at original prices" if cp.promotion.threshold_base is A.ThresholdBase.ORIGINAL else "after discounts"
    )
    detail = (
        f"spend on {scope} is {cart.money(base)} {basis}, {cart.money(shortfall)} short of {cart.money(need)}"
    )
    miss = Miss("threshold", detail, shortfall=shortfall)
    return miss, [Upsell(cp.id, what, shortfall=shortfall, unlocks=unlocks, need=need)]


def _nothing_left(cp: CompiledPromotion) -> Miss:
    return Miss("no_saving", f"nothing left to discount on {cp.scope.describe()}")


def evaluate_order(
    cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], shipping_left: Sequence[Decimal]
) -> Result:
    """Apply one order, coupon, shipping or points promotion (not item level).

    `shipping_left`: what each shipping line of the request still costs, in request order.
    """
    action = cp.action
    base = threshold_base(cp, cart, remaining)
    times, miss, ups = applications(cp, cart, remaining, item_layer=False)
    if miss is not None:
        return miss, ups
    interpret = _SHAPES.get(spec_for(action).evaluation)
    if interpret is None:  # pragma: no cover - the registry test pins every shape
        raise TypeError(f"{type(action).__name__} is not an order-level action")
    return interpret(action, cp, cart, remaining, base, times, shipping_left)


# One interpreter per evaluation shape of after-the-item-layer benefits (`BenefitSpec.evaluation`):
# (action, promotion, cart, remaining, threshold base, applications, shipping left) -> result.


def _amount(
    action: A.AmountOff,
    cp: CompiledPromotion,
    cart: Cart,
    remaining: Sequence[Decimal],
    base: Decimal,
    times: int,
    *_: Any,
) -> Result:
    return _money(cp, cart, remaining, action.amount * times), []


def _every(
    action: A.EveryOff,
    cp: CompiledPromotion,
    cart: Cart,
    remaining: Sequence[Decimal],
    base: Decimal,
    *_: Any,
) -> Result:
    times = every_steps(action, base)
    if (most := uses_per_order(cp)) is not None:  # 每单限N次: steps per order
        times = min(times, most)
    if times == 0:
        return _short(cp, cart, base, action.step, f"{cart.money(action.off)} off", action.off)
    amount = action.off * times
    capped = action.cap is not None and amount >= action.cap
    if action.cap is not None:
        amount = min(amount, action.cap)
    ups = (
        []
        if capped
        else _short(
            cp, cart, base, action.step * (times + 1), f"another {cart.money(action.off)} off", action.off
        )[1]
    )
    return _money(cp, cart, remaining, amount), ups


def _percent_off(
    action: A.PercentOff,
    cp: CompiledPromotion,
    cart: Cart,
    remaining: Sequence[Decimal],
    base: Decimal,
    *_: Any,
) -> Result:
    rate = action.percent.off / HUNDRED
    if action.min_spend is not None and base < action.min_spend:
        est = cart.q(action.min_spend * rate)
        if action.cap is not None:
            est = min(est, action.cap)
        return _short(cp, cart, base, action.min_spend, f"{action.percent.off}% off", est)
    return _percent(cp, cart, remaining, rate, action.cap), []


def _gift_on_spend(
    action: A.GiftOnSpend,
    cp: CompiledPromotion,
    cart: Cart,
    remaining: Sequence[Decimal],
    base: Decimal,
    *_: Any,
) -> Result:
    what = f"gift {action.gift_sku} x{action.quantity}"
    if base < action.threshold:
        return _short(cp, cart, base, action.threshold, what, None)
    return _gift(cp, cart, action.gift_sku, action.quantity), []


def _gift_on_buy(action: A.GiftOnBuy, cp: CompiledPromotion, cart: Cart, *_: Any) -> Result:
    units = sum(cart.quantities[i] for i in cart.eligible[cp.id])
    what = f"gift {action.gift_sku} x{action.quantity}"
    if units < action.buy:
        up = Upsell(cp.id, what, units=action.buy - units, deal=what)
        return Miss(
            "threshold", f"needs {action.buy} units of {cp.scope.describe()}; the cart has {units}"
        ), [up]
    times = units // action.buy if action.repeat else 1
    for most in (action.max_times, uses_per_order(cp)):
        if most is not None:
            times = min(times, most)
    ups = []
    if action.repeat and (action.max_times is None or times < action.max_times):
        ups.append(Upsell(cp.id, what, units=action.buy - units % action.buy, deal=what))
    return _gift(cp, cart, action.gift_sku, action.quantity * times), ups


def _points_earn(
    action: A.PointsEarn, cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], *_: Any
) -> Result:
    paid = sum((remaining[i] for i in cart.eligible[cp.id]), ZERO)
    points = _floor(_floor(paid / action.per) * action.points * action.multiplier)
    if points <= 0:
        return Miss("no_saving", f"earns no points on {cart.money(paid)}"), []
    return Effect(points=points), []


def _money(cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], amount: Decimal) -> Outcome:
    effect = _spread(cp, cart, remaining, amount)
    return effect if effect.amounts else _nothing_left(cp)


def _tiers(
    cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], base: Decimal, action: A.Tiers
) -> Result:
    tiers = sorted(action.tiers, key=lambda t: (t.threshold, t.off))
    top = reached_tier(tiers, base)
    if top is None:
        first = tiers[0]
        return _short(cp, cart, base, first.threshold, f"{cart.money(first.off)} off", first.off)
    ups: list[Upsell] = []
    better = [t for t in tiers if t.threshold > base and t.off > top.off]
    if better:
        nxt = better[0]
        ups = _short(
            cp,
            cart,
            base,
            nxt.threshold,
            f"{cart.money(nxt.off)} off instead of {cart.money(top.off)}",
            nxt.off - top.off,
        )[1]
    return _money(cp, cart, remaining, top.off), ups


def _percent(
    cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], rate: Decimal, own_cap: Decimal | None
) -> Outcome:
    """A percentage of what the covered units have left, computed and rounded per line."""
    cover = covered(cp, cart, remaining)
    amounts = {i: cart.q(value * rate) for i, (value, _) in cover.items()}
    amounts = {i: a for i, a in amounts.items() if a > 0}
    for cap in (own_cap, cp.cap):
        if cap is not None:
            amounts = shrink(cart, amounts, cap)
    if not amounts:
        return _nothing_left(cp)
    return Effect(amounts=amounts, units={i: cover[i][1] for i in amounts})


def _tiered_offer(
    cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], base: Decimal, action: A.TieredOffer
) -> Result:
    """满3件8折, 满100打9折，满200打8折: the highest tier reached applies, alone."""
    # units of the scope whatever the item layer did to them (like a `when` condition)
    units = Decimal(sum(cart.quantities[i] for i in cart.eligible[cp.id]))
    reached = [t for t in action.tiers if (units if t.measure is A.Measure.UNITS else base) >= t.at_least]
    if not reached:
        first = action.tiers[0]
        what = _tier_words(cart, first)
        if first.measure is A.Measure.SPEND:
            return _short(cp, cart, base, first.at_least, what, None)
        missing = int(first.at_least - units)
        detail = f"needs {first.at_least} units of {cp.scope.describe()}; the cart has {units}"
        return Miss("threshold", detail), [Upsell(cp.id, what, units=missing, deal=what)]
    top = reached[-1]  # tiers increase (checked): the last one reached is the highest
    if top.percent is not None:
        return _percent(cp, cart, remaining, top.percent.off / HUNDRED, None), []
    return _money(cp, cart, remaining, top.off or ZERO), []


def _tier_words(cart: Cart, tier: A.OfferTier) -> str:
    return f"{tier.percent.off}% off" if tier.percent is not None else f"{cart.money(tier.off or ZERO)} off"


def _gift(cp: CompiledPromotion, cart: Cart, sku: str, quantity: int) -> Outcome:
    cap = cart.unit_caps.get(cp.id)
    if cap is not None:
        quantity = min(quantity, cap)
    if quantity <= 0:
        return Miss("stock", f"gift {sku} is out of stock")
    return Effect(gifts=((sku, quantity),))


def _shipping(
    cp: CompiledPromotion, cart: Cart, base: Decimal, left: Sequence[Decimal], action: A.ShippingOff
) -> Result:
    """A shipping benefit on the shipping lines of its methods (docs/semantics.md#shipping).

    `left` is what each shipping line still costs after the earlier shipping promotions.
    The threshold is on the goods (`base`, like any order-level threshold) or on what the
    matching shipping lines cost (`when shipping over 20` / 运费满20).
    """
    ships = cart.shipping_lines
    # in id order, so that an apportioned remainder does not depend on the request's order
    lines = sorted(
        (k for k, ship in enumerate(ships) if _carries(action, ship.method)), key=lambda k: ships[k].id
    )
    fee = sum((left[k] for k in lines), ZERO)
    if not lines:  # before any threshold: no hint promises a benefit on a shipment that is not there
        return Miss("no_saving", f"no shipping line{_on_methods(action)} in the request"), []
    if action.threshold is not None and action.basis is A.ShippingBasis.SHIPPING and fee < action.threshold:
        detail = (
            f"shipping{_on_methods(action)} costs {cart.money(fee)}, "
            f"{cart.money(action.threshold - fee)} short of {cart.money(action.threshold)}"
        )
        return Miss("threshold", detail), []  # no hint: nobody pays more shipping to save on it
    if action.threshold is not None and action.basis is A.ShippingBasis.GOODS and base < action.threshold:
        estimate = shipping_discounts(cart, action, lines, left)
        what = shipping_words(cart, action)  # words only for a hint: the search prices this often
        return _short(cp, cart, base, action.threshold, what, sum(estimate.values(), ZERO))
    amounts = shipping_discounts(cart, action, lines, left)
    if cp.cap is not None:
        amounts = shrink(cart, amounts, cp.cap)
    if not amounts:
        return Miss("no_saving", f"there is no shipping fee{_on_methods(action)} to discount"), []
    return Effect(shipping_lines=amounts), []


def _carries(action: A.ShippingOff, method: str) -> bool:
    return not action.methods or method in action.methods


def _on_methods(action: A.ShippingOff) -> str:
    return "" if not action.methods else " on " + " or ".join(action.methods)


def shipping_words(cart: Cart, action: A.ShippingOff) -> str:
    """What a shipping benefit gives, in words naming its methods: "free standard shipping"."""
    kind = " or ".join(action.methods) + " shipping" if action.methods else "shipping"
    if action.percent is not None:
        return f"{action.percent.off}% off {kind}"
    if action.price is not None:
        return f"{kind} for {cart.money(action.price)}"
    if action.off is not None:
        return f"{cart.money(action.off)} off {kind}"
    return f"free {kind}"


def shipping_discounts(
    cart: Cart, action: A.ShippingOff, lines: Sequence[int], left: Sequence[Decimal]
) -> dict[int, Decimal]:
    """The discount per matching shipping line (index -> amount > 0), never above what it costs.

    Free: all of it; percent: rounded per shipping line; fixed price: down to the price, never
    up; amount off: at most the fee, apportioned by what each line costs (largest remainder).
    """
    if action.off is not None:
        weights = [left[k] for k in lines]
        amount = min(cart.q(action.off), sum(weights, ZERO))
        parts = cart.spread(amount, weights, weights) if amount > 0 else [ZERO] * len(lines)
        found = dict(zip(lines, parts, strict=True))
    elif action.percent is not None:
        rate = action.percent.off / HUNDRED
        found = {k: min(cart.q(left[k] * rate), left[k]) for k in lines}
    elif action.price is not None:
        found = {k: max(left[k] - action.price, ZERO) for k in lines}
    else:
        found = {k: left[k] for k in lines}
    return {k: a for k, a in found.items() if a > 0}


def _redeem(
    cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], action: A.PointsRedeem
) -> Outcome:
    request = cart.request
    offered = min(request.redeem_points, request.customer.points)
    if offered <= 0:
        return Miss("no_saving", "the request redeems no points (redeem_points is 0 or the balance is empty)")
    lines = [i for i in cart.eligible[cp.id] if remaining[i] > 0]
    goods = sum((remaining[i] for i in lines), ZERO)
    steps = _floor(Decimal(offered) / action.points)
    limit = goods
    if action.max_percent is not None:
        limit = min(limit, cart.q_down(goods * action.max_percent / HUNDRED))
    if cp.cap is not None:
        limit = min(limit, cp.cap)
    steps = min(steps, _floor(limit / action.per))
    if steps <= 0:
        return Miss("no_saving", f"{offered} points are worth less than the smallest redeemable step here")
    effect = _spread(cp, cart, remaining, action.per * steps)
    effect.redeemed = _floor(action.points * steps)
    return effect


def _tiers_shape(
    action: A.Tiers, cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], base: Decimal, *_: Any
) -> Result:
    return _tiers(cp, cart, remaining, base, action)


def _offer_shape(
    action: A.TieredOffer,
    cp: CompiledPromotion,
    cart: Cart,
    remaining: Sequence[Decimal],
    base: Decimal,
    *_: Any,
) -> Result:
    return _tiered_offer(cp, cart, remaining, base, action)


def _shipping_shape(
    action: A.ShippingOff,
    cp: CompiledPromotion,
    cart: Cart,
    remaining: Sequence[Decimal],
    base: Decimal,
    times: int,
    shipping_left: Sequence[Decimal],
) -> Result:
    return _shipping(cp, cart, base, shipping_left, action)


def _redeem_shape(
    action: A.PointsRedeem, cp: CompiledPromotion, cart: Cart, remaining: Sequence[Decimal], *_: Any
) -> Result:
    return _redeem(cp, cart, remaining, action), []


_SHAPES: dict[Evaluation, Callable[..., Result]] = {
    Evaluation.AMOUNT: _amount,
    Evaluation.OFFER_TIERS: _offer_shape,
    Evaluation.SPEND_TIERS: _tiers_shape,
    Evaluation.EVERY: _every,
    Evaluation.PERCENT: _percent_off,
    Evaluation.GIFT_ON_SPEND: _gift_on_spend,
    Evaluation.GIFT_ON_BUY: _gift_on_buy,
    Evaluation.SHIPPING: _shipping_shape,
    Evaluation.POINTS_REDEEM: _redeem_shape,
    Evaluation.POINTS_EARN: _points_earn,
}
#: the shapes `evaluate_order` interprets (tests/unit/test_action_registry.py checks that every
#: benefit running after the item layer names one of them)
ORDER_SHAPES = frozenset(_SHAPES)
