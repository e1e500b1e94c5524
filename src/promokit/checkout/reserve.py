"""Checkout: turn a priced cart into ledger claims and take them atomically, per order id.

    result = rules.price(request, ledger=ledger)              # read-only availability
    r = checkout.reserve(rules, request, result, order_id="A-1001", ledger=ledger, ttl=900)
    if not r.ok:            # someone took the last units meanwhile: show r.result instead
        ...
    checkout.commit(ledger, "A-1001")       # after payment
    checkout.release(ledger, "A-1001")      # on cancel (or let the TTL expire it)
    checkout.refund(rules, result, {"l1": 1}, order_id="A-1001", refund_id="R-1", ledger=ledger)
    # a later refund of the same order names what earlier ones returned:
    checkout.refund(rules, result, {"l2": 1}, earlier_lines={"l1": 1}, order_id="A-1001", refund_id="R-2", ledger=ledger)

`claims_for` claims exactly the counters `usage.counters` describes (the ones pricing
checked), plus statistics counters without a limit. Refund policy (docs/ledgers.md):
discounted units come back first, so a returned unit of a discounted line returns a
unit of stock and of unit limits; budget and discount statistics come back by the
returned units' share of each line's discount (minor units, rounded down); uses,
single-use codes, gift stock and the order statistic come back only when every line
the promotion discounted has been returned in full. Campaign statistics (checkout/campaign.py)
follow the same policy; sales come back by the returned lines' totals (all of them with the
order statistic).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import TypeVar

from ..benefits import spec_for
from ..engine.ruleset import RuleSet
from ..engine.usage import counters, minor_units
from ..errors import PromokitError
from ..language import ast as A
from ..ledgers import keys
from ..ledgers.base import Claim, Ledger, LedgerConflict, LedgerError, OrderState, ReserveOutcome
from ..ledgers.points import InsufficientPoints, PointsOrder
from ..models import Applied, CheckoutRequest, PricingResult
from ..money import currency
from ..telemetry import ledger_call, ledger_conflict, ledger_log
from . import points as P
from .campaign import campaign_claims, sales_back, statistic
from .exchange import exchanged_codes
from .mall import mall_claims, mall_returned
from .refunds import check_version
from .refunds import refund as money_refund
from .retry import cart_changed, race_keys, race_reasons, with_reasons

_T = TypeVar("_T")


@dataclass(frozen=True)
class Reservation:
    """`ok`: every counter of every applied promotion is held for the order.

    Otherwise nothing was taken: `failed` names the promotions whose counters did not
    fit and `result` is the cart re-priced without them (show it to the shopper, then
    reserve that result under the same order id).
    """

    ok: bool
    order_id: str
    result: PricingResult
    failed: tuple[str, ...]
    outcome: ReserveOutcome
    claims: tuple[Claim, ...] = field(default=())
    points: PointsOrder | None = None  # the order's points hold (docs/points.md)


def _promotion_units(applied: Applied, result: PricingResult, p: A.Promotion) -> int:
    if spec_for(p.action).gift is not None:
        return sum(g.quantity for g in result.gifts if g.promotion == p.id)
    return applied.units


def _claims_for_applied(
    rules: RuleSet, result: PricingResult, applied: Applied, campaign_stats: bool = True
) -> list[Claim]:
    p = rules.promotion(applied.promotion)
    cur = currency(result.currency)
    units = _promotion_units(applied, result, p)
    discount = minor_units(applied.amount, cur)
    codes = (applied.code,) if applied.code else ()
    claims: list[Claim] = []
    for c in counters(p, result.customer_id, result.at, rules.ast.timezone, cur, codes):
        amount = {"uses": 1, "code": 1, "units": units, "stock": units, "budget": discount}[c.kind]
        if amount > 0:
            claims.append(Claim(c.key, amount, c.capacity, p.id))
    claims.append(Claim(keys.stats(p.id, keys.STATS_ORDERS), 1, None, p.id))
    if units > 0:
        claims.append(Claim(keys.stats(p.id, keys.STATS_UNITS), units, None, p.id))
    if discount > 0:
        claims.append(Claim(keys.stats(p.id, keys.STATS_DISCOUNT), discount, None, p.id))
    if not campaign_stats:
        return claims
    return claims + campaign_claims(rules.ast.timezone, result, applied, p, units, discount)


def claims_for(rules: RuleSet, result: PricingResult, *, campaign_stats: bool = True) -> list[Claim]:
    """Every counter the applied promotions of `result` take, in a stable order.

    `campaign_stats=False`: without the campaign-statistics counters (checkout/campaign.py);
    `reserve` passes the ledger's setting (docs/ledgers.md#campaign-statistics-off).
    """
    out: list[Claim] = []
    for applied in sorted(result.applied, key=lambda a: a.promotion):
        out += _claims_for_applied(rules, result, applied, campaign_stats)
    return out + mall_claims(rules, result)


def campaign_setting(ledger: object) -> bool:
    """Whether reservations on `ledger` claim campaign statistics (`open_ledger(...,
    campaign_stats=)`; a ledger of the application's own making claims them)."""
    return getattr(ledger, "campaign_stats", True) is not False


def claimed_only(returns: list[Claim], state: OrderState | None) -> list[Claim]:
    """The returns of counters the order claimed. The campaign-statistics setting may have
    changed between the reservation and the refund; the ledger refuses to give back a
    counter the order never took. None (an unknown order): unchanged, the ledger says why."""
    if state is None:
        return returns
    claimed = {c.key for c in state.claims}
    return [r for r in returns if r.key in claimed]


def reserve(
    rules: RuleSet,
    request: CheckoutRequest,
    result: PricingResult,
    *,
    order_id: str,
    ledger: Ledger,
    ttl: float = 900,
    points: P.PointsTerms | None = None,
) -> Reservation:
    """Hold all counters of all applied promotions for `ttl` seconds, all or nothing (one ledger call).

    A retry of the same cart (priced with `order_id=`) returns the stored reservation; a
    changed cart under a reserved or paid order id raises `CartChanged` (checkout/retry.py).
    A lost race re-prices without the promotions that did not fit, with their real reasons.

    With a known customer and a ledger that keeps points, the points the order redeems are
    held first (docs/points.md); when the account has fewer than the result redeems, nothing
    is reserved and `result` is the cart re-priced with the points actually available. Points-priced
    lines costing more than the account has raise `InsufficientPoints` (nothing is reserved).
    """
    foreign, exchanged = exchanged_codes(result, ledger)
    claims = tuple(claims_for(rules, result, campaign_stats=campaign_setting(ledger))) + exchanged
    if foreign:  # a code issued for points to another customer (docs/points.md#coupons-for-points)
        repriced = rules.price(request, ledger=ledger, exclude=foreign)
        return Reservation(False, order_id, repriced, foreign, ReserveOutcome(order_id, False), claims)
    book = P.book_of(ledger)
    held = None
    if book is not None:
        try:
            held = P.hold(book, result, order_id, ttl, points or P.PointsTerms())
        except InsufficientPoints as exc:
            if result.points_priced > exc.available:
                raise  # points-priced goods cost more than the account has: re-pricing cannot help
            customer = request.customer.model_copy(update={"points": exc.available})
            repriced = rules.price(
                request.model_copy(update={"customer": customer}), ledger=ledger, order_id=order_id
            )
            failed_points = tuple(sorted({a.promotion for a in result.applied if a.layer == "points"}))
            return Reservation(
                False, order_id, repriced, failed_points, ReserveOutcome(order_id, False), claims
            )
    try:
        outcome = _call("reserve", ledger.reserve, order_id, claims, ttl)
    except LedgerConflict:
        ledger_conflict("cart_changed")
        error = cart_changed(order_id, ledger.state(order_id))
        ledger_log.warning("%s: %s", ledger.url, error)
        raise error from None
    if outcome.ok:
        return Reservation(True, order_id, result, (), outcome, claims, held)
    failed = tuple(sorted({c.promotion for c in outcome.failed}))
    if not failed:  # a replay of an order that was released or expired: price it again as is
        # order_id: the order's own points hold (taken above) counts as available again
        return Reservation(
            False, order_id, rules.price(request, ledger=ledger, order_id=order_id), (), outcome, claims
        )
    ledger_conflict("lost_race")
    # A sold-out mall item (`mall.ID`) cannot be priced away: its line stays, the shop removes it.
    lost = [c for c in outcome.failed if not c.promotion.startswith("mall.")]
    promotions = tuple(sorted({c.promotion for c in lost}))
    usage = ledger.usage(race_keys(rules, request, lost))
    reasons = race_reasons(rules, request, lost, usage)
    repriced = with_reasons(
        rules.price(request, ledger=ledger, exclude=promotions, order_id=order_id), reasons
    )
    return Reservation(False, order_id, repriced, failed, outcome, claims)


def _call(operation: str, method: Callable[..., _T], *args: object) -> _T:
    """One ledger round trip, counted (otel) and logged on failure (`promokit.ledger`)."""
    ledger_call(operation)
    try:
        return method(*args)
    except LedgerConflict:
        raise
    except LedgerError as exc:
        ledger_log.error("ledger %s failed: %s", operation, exc)
        raise


def commit(ledger: Ledger, order_id: str) -> OrderState:
    """After payment: the held counters become used; held points are spent, earned ones pending."""
    state = _call("commit", ledger.commit, order_id)
    book = P.book_of(ledger)
    if book is not None:
        book.commit(order_id)
    return state


def release(ledger: Ledger, order_id: str) -> OrderState:
    """On cancel: give the held counters and points back."""
    state = _call("release", ledger.release, order_id)
    book = P.book_of(ledger)
    if book is not None:
        book.release(order_id)
    return state


def _returned_targets(
    rules: RuleSet, result: PricingResult, returned_lines: Mapping[str, int]
) -> dict[str, int]:
    """Per key: how much the ledger gives back once `returned_lines` (cumulative) have come back."""
    lines = {line.id: line for line in result.lines}
    for line_id, n in returned_lines.items():
        if line_id not in lines or not 0 <= n <= lines[line_id].quantity:
            raise PromokitError(f"returned line {line_id!r}: unknown line or {n} units out of range")
    cur = currency(result.currency)
    units_back: dict[str, int] = defaultdict(int)
    money_back: dict[str, Decimal] = defaultdict(Decimal)
    whole: dict[str, bool] = defaultdict(lambda: True)
    for line in result.lines:
        n = returned_lines.get(line.id, 0)
        for adj in line.adjustments:
            units_back[adj.promotion] += min(adj.units, n)
            money_back[adj.promotion] += adj.amount * n / line.quantity
            whole[adj.promotion] = whole[adj.promotion] and n == line.quantity
    wanted: dict[str, int] = {}
    for applied in result.applied:
        pid = applied.promotion
        full = pid in whole and whole[pid]
        gift = spec_for(rules.promotion(pid).action).gift is not None
        for claim in _claims_for_applied(rules, result, applied):
            kind = claim.key.split(":", 1)[0]
            stat = statistic(claim.key)  # units / discount / sales, all-time or of one day
            if full:
                amount = claim.amount
            elif stat == "sales":  # by the returned lines, whatever the promotion discounted
                amount = sales_back(result, returned_lines)
            elif kind in ("stock", "cunits", "units") or stat == keys.STATS_UNITS:
                amount = 0 if gift else units_back[pid]
            elif kind == "budget" or stat == keys.STATS_DISCOUNT:
                amount = int(money_back[pid].scaleb(cur.minor_unit).to_integral_value(ROUND_FLOOR))
            else:
                amount = 0
            wanted[claim.key] = wanted.get(claim.key, 0) + min(amount, claim.amount)
    for key, amount in mall_returned(rules, result, returned_lines).items():
        wanted[key] = wanted.get(key, 0) + amount
    return wanted


def returns_for(
    rules: RuleSet,
    result: PricingResult,
    returned_lines: Mapping[str, int],
    earlier_lines: Mapping[str, int] | None = None,
) -> list[Claim]:
    """What the ledger gives back for this refund: `returned_lines` (line id -> units returned
    now) on top of `earlier_lines` (units returned by earlier refunds of the order).

    Computed from the priced result alone, never from ledger state, so replaying a refund
    computes the same returns (and the ledger treats it as the same refund).
    """
    before = dict(earlier_lines or {})
    after = dict(before)
    for line_id, n in returned_lines.items():
        after[line_id] = after.get(line_id, 0) + n
    old = _returned_targets(rules, result, before)
    new = _returned_targets(rules, result, after)
    promo = {c.key: c.promotion for c in claims_for(rules, result)}
    return [
        Claim(k, new[k] - old.get(k, 0), None, promo[k]) for k in sorted(new) if new[k] - old.get(k, 0) > 0
    ]


def refund(
    rules: RuleSet,
    result: PricingResult,
    returned_lines: Mapping[str, int],
    *,
    order_id: str,
    refund_id: str,
    ledger: Ledger,
    earlier_lines: Mapping[str, int] | None = None,
) -> OrderState:
    """Give back counters for returned goods (see `returns_for` and the module's policy), and
    points: redeemed ones come back and earned ones are clawed back as `promokit.refund`
    computes them (docs/points.md#refunds).

    Idempotent per `refund_id`: a replay with the same arguments changes nothing. Raises
    `refunds.VersionMismatch` when `rules` is not the version that priced `result`. Reads the
    order first (`state`): only counters it claimed come back, whatever the ledger's
    campaign-statistics setting was at the reservation (docs/ledgers.md#campaign-statistics-off).
    """
    check_version(result, rules)
    returns = returns_for(rules, result, returned_lines, earlier_lines)
    returns = claimed_only(returns, _call("state", ledger.state, order_id))
    state = _call("refund", ledger.refund, order_id, returns, refund_id)
    book = P.book_of(ledger)
    if book is not None and book.order(order_id) is not None:
        money = money_refund(result, returned_lines, rules=rules, already_returned=earlier_lines)
        back = P.returned_points(result, returned_lines, money.points_returned)
        book.refund(order_id, refund_id, returned=back, clawback=money.points_reversed)
    return state
