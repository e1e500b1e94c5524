"""Per-promotion statistics from the ledger's counters (counted only, no capacity).

`stats(ledger, promotion)`: orders, units and discount given, live reservations included.
`campaign_stats(...)`: the campaign figures of `promokit stats` (docs/programs.md#campaign-statistics):
participants, orders, units, sales, average order value, discount, budget, coupon
redemptions; per promotion, per day or per A/B variant; committed orders only, refunds
subtracted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ..money import currency as money_currency
from ..money import quantize
from . import campaign_keys as ck
from . import catalog, keys
from .base import Balance, Ledger, LedgerError


@dataclass(frozen=True, slots=True)
class PromotionStats:
    promotion: str
    orders: int
    units: int
    discount_minor: int  # minor currency units (fen, cents)
    reserved_orders: int  # of `orders`, still only reserved


def stats(ledger: Ledger, promotion: str) -> PromotionStats:
    """One `balances` call for the three statistics counters of `promotion`."""
    names = [keys.stats(promotion, w) for w in (keys.STATS_ORDERS, keys.STATS_UNITS, keys.STATS_DISCOUNT)]
    b = ledger.balances(names)
    orders, units, discount = (b[n] for n in names)
    return PromotionStats(promotion, orders.total, units.total, discount.total, orders.held)


# --------------------------------------------------------------------------- campaign statistics


class UnknownPromotion(LedgerError):
    """A statistics query named a promotion the ledger has never counted."""


@dataclass(frozen=True, slots=True)
class CampaignStats:
    """What one promotion brought in and cost (one row of `promokit stats`).

    Committed orders only, refunds subtracted (live reservations are not counted). Money is
    in currency units (yuan, dollars). `day` is set for `by="day"` rows; `experiment` and
    `variant` for `by="variant"` rows, whose `promotion` joins the variant's promotions with
    `+`. `participants` are distinct customer ids (anonymous orders are not participants).
    `budget_used` is None without a budget counter; `budget_left` needs the budget's size
    (`budgets=`), since a ledger stores amounts, not capacities. `redemptions` is per
    coupon code, all time.
    """

    promotion: str
    participants: int
    orders: int
    units: int
    sales: Decimal
    discount: Decimal
    budget_used: Decimal | None = None
    budget_left: Decimal | None = None
    average_order_value: Decimal | None = None  # 客单价: sales / orders, half-up to the minor unit
    redemptions: Mapping[str, int] = field(default_factory=dict)
    day: dt.date | None = None
    experiment: str | None = None
    variant: str | None = None


@dataclass(slots=True)
class _Acc:
    orders: int = 0
    units: int = 0
    sales: int = 0
    discount: int = 0
    customers: set[str] = field(default_factory=set)

    def add(self, kind: str, amount: int) -> None:
        if kind == keys.STATS_ORDERS:
            self.orders += amount
        elif kind == keys.STATS_UNITS:
            self.units += amount
        elif kind == keys.STATS_DISCOUNT:
            self.discount += amount
        else:
            self.sales += amount


def _known(ledger: Ledger, promotions: Sequence[str]) -> dict[str, dict[str, Balance]]:
    """Statistics counters per promotion; UnknownPromotion for a promotion never counted."""
    found: dict[str, dict[str, Balance]] = {}
    prefixes = [ck.prefix(p) for p in promotions] or [ck.prefix()]
    for prefix in prefixes:
        for key, balance in catalog.counters(ledger, prefix).items():
            parsed = ck.parse(key)
            if parsed is not None:
                found.setdefault(parsed.promotion, {})[key] = balance
    missing = [p for p in promotions if p not in found]
    if missing:
        every = sorted(p for b in [catalog.counters(ledger, ck.prefix())] for k in b if (p := _promo(k)))
        known = ", ".join(sorted(set(every))) or "none yet"
        raise UnknownPromotion(
            f"{ledger.url}: no statistics for promotion(s) {', '.join(missing)}: the ledger has never "
            f"counted an order of them (known: {known})"
        )
    return found


def _promo(key: str) -> str | None:
    parsed = ck.parse(key)
    return parsed.promotion if parsed is not None else None


def campaign_stats(
    ledger: Ledger,
    promotions: Sequence[str] = (),
    *,
    since: dt.date | None = None,
    by: Literal["day", "variant"] | None = None,
    currency: str = "CNY",
    budgets: Mapping[str, Decimal] | None = None,
) -> list[CampaignStats]:
    """Campaign statistics per promotion (all promotions the ledger counted when none are named),
    per day (`by="day"`) or per A/B variant (`by="variant"`), from `since` (a local day) on.

    Raises UnknownPromotion (a LedgerError) naming every promotion the ledger never counted.
    """
    cur = money_currency(currency)
    found = _known(ledger, promotions)
    rows: dict[tuple[str, ...], _Acc] = {}
    variants: dict[str, tuple[str, str]] = {}
    codes: dict[str, dict[str, int]] = {}
    for promo, counters in found.items():
        for key, balance in counters.items():
            k = ck.parse(key)
            assert k is not None
            if k.kind == "variant":
                variants[promo] = (k.experiment or "", k.variant or "")
                continue
            if k.kind == "code":
                if balance.used > 0:
                    codes.setdefault(promo, {})[k.code or ""] = balance.used
                continue
            # Campaign figures live in the per-day keys (checkout/campaign.py); the day-less
            # `keys.stats` counters include live reservations and belong to `stats()`.
            if k.day is None or (since is not None and k.day < since):
                continue
            acc = rows.setdefault((promo, k.day.isoformat() if by == "day" and k.day else ""), _Acc())
            if k.kind == "customer":
                if balance.used > 0 and k.customer is not None:
                    acc.customers.add(k.customer)
            else:
                acc.add(k.kind, balance.used)
    budget_keys = {p: keys.budget(p) for p in found}
    spent = ledger.balances(list(budget_keys.values())) if budget_keys else {}

    def units(minor: int) -> Decimal:
        return Decimal(minor).scaleb(-cur.minor_unit)

    def row(name: str, accs: list[_Acc], pids: list[str], **extra: Any) -> CampaignStats:
        used = [spent[budget_keys[p]] for p in pids if spent[budget_keys[p]].total > 0]
        budget_used = units(sum(b.used for b in used)) if used else None
        sizes = [budgets[p] for p in pids if budgets is not None and p in budgets]
        left = None
        if budgets is not None and len(sizes) == len(pids):
            left = sum(sizes, Decimal(0)) - units(sum(spent[budget_keys[p]].total for p in pids))
        redeemed: dict[str, int] = {}
        for p in pids:
            for c, n in codes.get(p, {}).items():
                redeemed[c] = redeemed.get(c, 0) + n
        orders, sales = sum(a.orders for a in accs), units(sum(a.sales for a in accs))
        return CampaignStats(
            promotion=name,
            participants=len(set[str]().union(*(a.customers for a in accs))),
            orders=orders,
            units=sum(a.units for a in accs),
            sales=sales,
            average_order_value=quantize(sales / orders, cur) if orders else None,
            discount=units(sum(a.discount for a in accs)),
            budget_used=budget_used,
            budget_left=left,
            redemptions=dict(sorted(redeemed.items())),
            **extra,
        )

    out: list[CampaignStats] = []
    if by == "variant":
        groups: dict[tuple[str, str], list[str]] = {}
        for promo in sorted(found):
            if promo in variants:
                groups.setdefault(variants[promo], []).append(promo)
        for (experiment, name), pids in sorted(groups.items()):
            accs = [rows[(p, "")] for p in pids if (p, "") in rows]
            out.append(row("+".join(pids), accs, pids, experiment=experiment, variant=name))
        return out
    for (promo, day), acc in sorted(rows.items()):
        extra: dict[str, Any] = {"day": dt.date.fromisoformat(day)} if day else {}
        out.append(row(promo, [acc], [promo], **extra))
    if by is None:  # a promotion counted only before `since` still gets its (zero) row
        have = {r.promotion for r in out}
        out += [row(p, [], [p]) for p in sorted(found) if p not in have]
        out.sort(key=lambda r: r.promotion)
    return out
