"""Points-mall counters: per-customer limits and stock of points-priced lines (docs/points.md).

A `mall ID { on sku "X" / limit 1 per customer / stock 100 }` declaration limits the
points-priced lines (`points_price`) of its skus like a flash sale: `stock` counts units,
`limit N per customer` orders (`limit N units per customer`: units), `per day` on the rule
set's calendar. Their counters are claimed with the order's other counters, in the same
atomic reservation, under the id `mall.ID` (a dot: never a promotion id). A return gives
back stock and unit limits per unit, uses once every unit of the item came back.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..compile.windows import local_day
from ..engine.ruleset import RuleSet
from ..engine.usage import ANONYMOUS
from ..language import ast as A
from ..ledgers import keys
from ..ledgers.base import Claim
from ..models import PricingResult


def mall_id(item: A.MallItem) -> str:
    return "mall." + item.id


def _item_of(rules: RuleSet, sku: str) -> A.MallItem | None:
    for item in rules.ast.mall_items:
        if any(sku in sel.values for sel in item.scope.include):
            return item
    return None


def _units(
    rules: RuleSet, result: PricingResult, returned: Mapping[str, int] | None
) -> dict[str, tuple[A.MallItem, int, bool]]:
    """Per mall item: (item, units — all, or those `returned` — and whether that is every unit)."""
    found: dict[str, tuple[A.MallItem, int, bool]] = {}
    for line in result.lines:
        item = _item_of(rules, line.sku) if line.points else None
        if item is None:
            continue
        n = line.quantity if returned is None else returned.get(line.id, 0)
        _, units, whole = found.get(item.id, (item, 0, True))
        found[item.id] = (item, units + n, whole and n == line.quantity)
    return found


def _claims(item: A.MallItem, result: PricingResult, units: int, tz: str, uses: int) -> list[Claim]:
    pid, day = mall_id(item), local_day(result.at, tz)
    customer = result.customer_id
    out: list[Claim] = []
    if item.stock is not None and units:
        out.append(Claim(keys.stock(pid), units, item.stock.units, pid))
    for lim in item.limits:
        d = day if lim.per_day else None
        amount = units if lim.counted is A.Counted.UNITS else uses
        if not amount:
            continue
        if lim.per is A.Per.CUSTOMER:
            who, cap = (customer, lim.count) if customer else (ANONYMOUS, 0)  # anonymous: refused
            key = (keys.customer_units if lim.counted is A.Counted.UNITS else keys.customer_uses)(pid, who, d)
        else:
            key = (keys.total_units if lim.counted is A.Counted.UNITS else keys.total_uses)(pid, d)
            cap = lim.count
        out.append(Claim(key, amount, cap, pid))
    return out


def mall_claims(rules: RuleSet, result: PricingResult) -> list[Claim]:
    """The counters the order's points-mall lines take."""
    out: list[Claim] = []
    for item, units, _ in _units(rules, result, None).values():
        out += _claims(item, result, units, rules.ast.timezone, 1)
    return out


def mall_returned(rules: RuleSet, result: PricingResult, returned_lines: Mapping[str, int]) -> dict[str, int]:
    """Per key: what `returned_lines` (cumulative units per line) give back."""
    back: dict[str, int] = {}
    for item, units, whole in _units(rules, result, returned_lines).values():
        for claim in _claims(item, result, units, rules.ast.timezone, 1 if whole and units else 0):
            back[claim.key] = back.get(claim.key, 0) + claim.amount
    return back
