"""Points for a coupon: `exchange(rules, "fresh-coupon", "c1", points=500, event_id=..., ledger=...)`.

The coupon is an ordinary coupon of the rule set with a code pattern (`codes "FRESH-*"`).
An exchange spends the points (refused beyond the balance), draws a code from the pattern
(`*` becomes 10 random characters: about 50 bits, not guessable) and records it in the
ledger (keys.py): `issued:COUPON:CODE` and `owner:COUPON:CODE:CUSTOMER`. At checkout,
`reserve` refuses an issued code for anyone but its owner (the cart is re-priced without
the coupon) and claims `redeemed:COUPON:CODE` (capacity 1), so the code pays one order
only whatever the coupon's own limits; a refund does not give it back. Codes of the
pattern that were never issued are whatever the coupon declares them to be.

Idempotent by `event_id` (per customer): a replay returns the same code and spends nothing
more. Points are spent first, so a refused spend records no code; a crash between the two
steps is healed by the replay.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from ..engine.ruleset import RuleSet
from ..errors import PromokitError
from ..language.diagnostics import did_you_mean
from ..ledgers import keys
from ..ledgers.base import Claim, Ledger
from ..ledgers.points import PointsBook
from ..ledgers.points_policy import check_points
from ..models import PricingResult

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


@dataclass(frozen=True, slots=True)
class IssuedCoupon:
    coupon: str
    code: str
    customer: str
    points: int
    event_id: str
    replay: bool = False


def _draw(pattern: str) -> str:
    return pattern.replace("*", "".join(secrets.choice(_ALPHABET) for _ in range(10)), 1).replace("*", "")


def exchange(
    rules: RuleSet, coupon: str, customer: str, *, points: int, event_id: str, ledger: Ledger
) -> IssuedCoupon:
    """Spend `points` of `customer` for a new single-use code of `coupon` (module docstring)."""
    check_points(points, "points for a coupon")
    try:
        promo = rules.promotion(coupon)
    except KeyError:
        ids = [p.id for p in rules.ast.promotions if p.is_coupon]
        hint = did_you_mean(coupon, ids)
        raise PromokitError(f"no coupon {coupon!r} in the rules" + (f"; {hint}" if hint else "")) from None
    patterns = [p.text for p in promo.codes.patterns if "*" in p.text] if promo.codes else []
    if not promo.is_coupon or not patterns:
        raise PromokitError(
            f"{coupon!r} cannot be exchanged for points: it must be a coupon with a code pattern "
            '(`codes "PREFIX-*"`) to draw codes from'
        )
    book = getattr(ledger, "points", None)
    if not isinstance(book, PointsBook):
        raise PromokitError(f"{ledger.url}: this ledger keeps no points accounts")
    seen = book.event(customer, event_id)
    replay = seen is not None
    if seen is not None:
        note = json.loads(seen.note)
        if note.get("coupon") != coupon:
            raise PromokitError(
                f"event {event_id!r} of {customer!r} was not an exchange for coupon {coupon!r}"
            )
        code = str(note["code"])
    else:
        code = _draw(patterns[0])
        note_text = json.dumps({"coupon": coupon, "code": code}, ensure_ascii=False)
        code = json.loads(book.spend(customer, points, event_id, note=note_text).note)["code"]
    issued, owner = keys.exchange_issued(coupon, code), keys.exchange_owner(coupon, code, customer)
    order_id = f"exchange:{customer}:{event_id}"[:200]
    claims = [Claim(issued, 1, 1, coupon), Claim(owner, 1, 1, coupon)]
    if not ledger.reserve(order_id, claims, ttl=300).ok:
        raise PromokitError(f"code {code!r} of coupon {coupon!r} was issued twice; exchange again")
    ledger.commit(order_id)
    return IssuedCoupon(coupon, code, customer, points, event_id, replay)


def exchanged_codes(result: PricingResult, ledger: Ledger) -> tuple[tuple[str, ...], tuple[Claim, ...]]:
    """(coupons applied with a code issued to someone else, the single-use claims of issued codes
    the customer owns). One read, only when the result applies a coupon code."""
    entered = [(a.promotion, a.code) for a in result.applied if a.code]
    if not entered:
        return (), ()
    cid = result.customer_id or ""
    wanted: list[str] = []
    for coupon, code in entered:
        wanted += [keys.exchange_issued(coupon, code or ""), keys.exchange_owner(coupon, code or "", cid)]
    used = ledger.usage(wanted)
    foreign: list[str] = []
    claims: list[Claim] = []
    for coupon, code in entered:
        if used[keys.exchange_issued(coupon, code or "")] == 0:
            continue  # not a code issued for points
        if used[keys.exchange_owner(coupon, code or "", cid)] == 0:
            foreign.append(coupon)
        else:
            claims.append(Claim(keys.exchange_redeemed(coupon, code or ""), 1, 1, coupon))
    return tuple(sorted(foreign)), tuple(claims)
