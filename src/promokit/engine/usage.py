"""What is left of each promotion's limits, stock and budget: the read side of the ledger.

`counters()` is the single description of which ledger counters a promotion has and
their capacities; `availability()` reads them for pricing (read-only, ONE
`ledger.usage()` round trip for all candidate promotions) and `checkout.claims_for()`
claims the very same keys, so what pricing checks is exactly what a reservation takes.

Policies (docs/ledgers.md):
- Per-day counters use the calendar day of the request instant in the promotion's
  time zone (or the rule set's), so "1 per customer per day" resets at local midnight.
- A per-customer limit needs a customer id: an anonymous request gets none of a
  per-customer-limited promotion (reason limit), rather than sharing one counter.
- Per-order limits need no ledger: the engine enforces them within the order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from urllib.parse import quote

from ..compile.compiler import CodeMatcher
from ..compile.windows import local_day
from ..language import ast as A
from ..ledgers import keys
from ..ledgers.base import Ledger
from ..ledgers.views import UsageReader
from ..models import CheckoutRequest
from ..money import Currency

Kind = Literal["uses", "units", "stock", "budget", "code"]
ANONYMOUS = "<anonymous>"
_ANON_PART = quote(ANONYMOUS, safe="")  # as it appears inside a key (keys.py percent-encodes)


@dataclass(frozen=True, slots=True)
class Counter:
    """A ledger counter of one promotion: `capacity` in its unit (uses, units, minor money units)."""

    key: str
    capacity: int
    kind: Kind
    words: str  # what it is, for details: "limit 1 per customer per day"
    code: str | None = None  # for kind "code": the code as entered
    anonymous: bool = False  # a per-customer counter for a cart without a customer id

    def exhausted(self, what: str = "reached") -> str:
        if self.anonymous:
            return f"{self.words} needs a customer id, and the cart has none"
        return f"{self.words} {what}"


@dataclass(frozen=True)
class Availability:
    """What the ledger still allows one promotion (docs/semantics.md#limits).

    `uses`: applications left (None: unlimited); `units`: discounted units left;
    `budget`: money left in major units. `limited_by` names the counter that binds:
    "limit" | "stock" | "budget" | "coupon_used", set when one is exhausted and also
    when `units` is capped by stock (so a partly-served flash sale says "stock").
    """

    uses: int | None
    units: int | None
    budget: Decimal | None
    limited_by: str | None
    detail: str | None


def _limit_words(lim: A.Limit) -> str:
    what = "" if lim.counted is A.Counted.USES else " units"
    per = " total" if lim.per is A.Per.TOTAL else f" per {lim.per.value}"
    return f"limit {lim.count}{what}{per}" + (" per day" if lim.per_day else "")


def minor_units(amount: Decimal, cur: Currency) -> int:
    """Money in minor units; amounts come from the engine already quantized to the currency."""
    return int(amount.scaleb(cur.minor_unit).to_integral_value())


def counters(
    p: A.Promotion,
    customer_id: str | None,
    at: dt.datetime,
    default_tz: str,
    cur: Currency,
    codes: Sequence[str] = (),
) -> list[Counter]:
    """The capacity-limited counters of `p` for this customer, day and entered codes."""
    day = local_day(at, p.timezone or default_tz)
    cid = customer_id if customer_id else None
    found: dict[str, Counter] = {}

    def add(key: str, capacity: int, kind: Kind, words: str, code: str | None = None) -> None:
        prev = found.get(key)
        if prev is None or capacity < prev.capacity:
            found[key] = Counter(
                key, capacity, kind, words, code, anonymous=cid is None and _ANON_PART in key.split(":")
            )

    def customer(cap: int) -> tuple[str, int]:
        return (cid, cap) if cid is not None else (ANONYMOUS, 0)

    for lim in p.limits:
        d = day if lim.per_day else None
        words = _limit_words(lim)
        if lim.per is A.Per.CUSTOMER:
            who, cap = customer(lim.count)
            if lim.counted is A.Counted.USES:
                add(keys.customer_uses(p.id, who, d), cap, "uses", words)
            else:
                add(keys.customer_units(p.id, who, d), cap, "units", words)
        elif lim.per is A.Per.TOTAL:
            if lim.counted is A.Counted.USES:
                add(keys.total_uses(p.id, d), lim.count, "uses", words)
            else:
                add(keys.total_units(p.id, d), lim.count, "units", words)
    stock = p.stock.units if p.stock is not None else None
    if isinstance(p.action, A.FlashPrice):
        if p.action.per_customer is not None:
            who, cap = customer(p.action.per_customer)
            add(keys.customer_units(p.id, who), cap, "units", f"limit {p.action.per_customer} per customer")
        if p.action.stock is not None:
            stock = p.action.stock if stock is None else min(stock, p.action.stock)
    if stock is not None:
        add(keys.stock(p.id), stock, "stock", f"stock {stock}")
    if p.budget is not None:
        d = day if p.budget.per_day else None
        add(
            keys.budget(p.id, d),
            minor_units(p.budget.amount, cur),
            "budget",
            f"budget {p.budget.amount}" + (" per day" if p.budget.per_day else ""),
        )
    if p.codes is not None and p.codes.single_use:
        matcher = CodeMatcher(p.codes)
        for code in codes:
            if matcher.matches(code):
                add(keys.code(p.id, code), 1, "code", f"code {code!r} is single use", code)
    return [found[k] for k in sorted(found)]


def availability(
    promotions: Sequence[A.Promotion],
    ledger: UsageReader,
    request: CheckoutRequest,
    default_tz: str,
    currency: Currency,
) -> dict[str, Availability]:
    """Availability of every promotion that has ledger counters (others are absent: unlimited)."""
    per_promotion = {
        p.id: counters(p, request.customer.id, request.at, default_tz, currency, request.coupons)
        for p in promotions
    }
    all_keys = sorted({c.key for cs in per_promotion.values() for c in cs})
    used: Mapping[str, int] = ledger.usage(all_keys) if all_keys else {}
    return {pid: _available(cs, used, currency) for pid, cs in per_promotion.items() if cs}


def _available(cs: Sequence[Counter], used: Mapping[str, int], cur: Currency) -> Availability:
    uses: int | None = None
    units: int | None = None
    budget_minor: int | None = None
    limited_by: str | None = None
    detail: str | None = None
    units_by: Counter | None = None
    code_left: list[Counter] = []
    code_all: list[Counter] = []
    for c in cs:
        left = max(0, c.capacity - used.get(c.key, 0))
        if c.kind == "uses":
            if uses is None or left < uses:
                uses = left
                if left == 0:
                    limited_by, detail = "limit", c.exhausted()
        elif c.kind in ("units", "stock"):
            if units is None or left < units or (left == units and c.kind == "stock"):
                units, units_by = left, c
        elif c.kind == "budget":
            budget_minor = left if budget_minor is None else min(budget_minor, left)
            if left == 0:
                detail = detail or c.exhausted("used up")
        else:
            code_all.append(c)
            if left > 0:
                code_left.append(c)
    if code_all and not code_left:
        uses, limited_by = 0, "coupon_used"
        detail = f"code {code_all[0].code!r} was already used"
    if units_by is not None and limited_by is None:
        limited_by = "stock" if units_by.kind == "stock" else "limit"
        if units == 0:
            detail = units_by.exhausted("used up" if units_by.kind == "stock" else "reached")
    budget = None if budget_minor is None else Decimal(budget_minor).scaleb(-cur.minor_unit)
    if budget is not None and budget_minor == 0 and limited_by is None:
        limited_by = "budget"
    return Availability(uses, units, budget, limited_by, detail)


def code_used(ledger: Ledger, promotion: A.Promotion, code: str, customer_id: str | None) -> bool:
    """Whether a single-use `code` of `promotion` is taken (reserved or used). Folded into
    `availability` for pricing; this is the one-off check for a "redeem code" form."""
    if promotion.codes is None or not promotion.codes.single_use:
        return False
    key = keys.code(promotion.id, code)
    return ledger.usage([key]).get(key, 0) >= 1
