"""Invariants every priced result satisfies, whatever the rules and the cart.

Shared by the property tests in this directory; each assertion names what broke.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from promokit.language import ast
from promokit.models import CheckoutRequest, Line, PricingResult
from promokit.money import currency


def _computed_amounts(result: PricingResult) -> list[tuple[str, Decimal]]:
    """Every money value the engine computed (not the echoed unit prices), with its path."""
    out = [
        ("subtotal", result.subtotal),
        ("discount", result.discount),
        ("shipping_original", result.shipping_original),
        ("shipping_discount", result.shipping_discount),
        ("shipping", result.shipping),
        ("total", result.total),
    ]
    for line in result.lines:
        out += [
            (f"lines[{line.id}].subtotal", line.subtotal),
            (f"lines[{line.id}].discount", line.discount),
            (f"lines[{line.id}].total", line.total),
        ]
        out += [(f"lines[{line.id}].adjustments[{a.promotion}]", a.amount) for a in line.adjustments]
    out += [(f"applied[{a.promotion}].amount", a.amount) for a in result.applied]
    for line in result.lines:
        out += [
            (f"lines[{line.id}].{n}", getattr(line, n))
            for n in ("net", "tax", "gross")
            if getattr(line, n) is not None
        ]
    if result.tax is not None:
        t = result.tax
        out += [
            (f"tax.{n}", getattr(t, n))
            for n in ("net", "tax", "gross", "shipping_net", "shipping_tax", "shipping_gross")
        ]
        out += [
            (f"tax.by_rate[{r.rate}].{n}", getattr(r, n)) for r in t.by_rate for n in ("net", "tax", "gross")
        ]
    for ship in result.shipping_lines:
        out += [
            (f"shipping_lines[{ship.id}].discount", ship.discount),
            (f"shipping_lines[{ship.id}].total", ship.total),
        ]
        out += [(f"shipping_lines[{ship.id}].adjustments[{a.promotion}]", a.amount) for a in ship.adjustments]
        out += [
            (f"shipping_lines[{ship.id}].{n}", getattr(ship, n))
            for n in ("net", "tax", "gross")
            if getattr(ship, n) is not None
        ]
    return out


def assert_tax_reconciles(request: CheckoutRequest, result: PricingResult) -> None:
    """docs/semantics.md#tax: gross = net + tax on every line; totals and by_rate are exact sums."""
    zero = Decimal(0)
    taxed = any(line.tax_rate > 0 for line in request.lines) or any(
        ship.tax_rate > 0 for ship in request.shipping_lines
    )
    tax = result.tax
    if tax is None:
        assert not taxed, "a rate above 0 but no tax in the result"
        assert all(line.net is None and line.tax is None for line in result.lines), (
            "line tax without result tax"
        )
        return
    rates = {line.id: line.tax_rate for line in request.lines}
    for line in result.lines:
        assert line.net is not None and line.tax is not None and line.gross is not None, (
            f"line {line.id}: no tax"
        )
        assert line.gross == line.net + line.tax, f"line {line.id}: gross != net + tax"
        basis = line.gross if tax.prices_include_tax else line.net
        assert basis == line.total, f"line {line.id}: the price basis is not the line total"
        assert line.tax_rate == rates.get(line.id, zero), f"line {line.id}: rate changed"
        if rates.get(line.id, zero) == 0:
            assert line.tax == 0, f"line {line.id}: tax at rate 0"
    assert tax.gross == tax.net + tax.tax, "tax totals: gross != net + tax"
    assert tax.shipping_gross == tax.shipping_net + tax.shipping_tax, "shipping: gross != net + tax"
    for name in ("net", "tax", "gross"):
        lines = sum((getattr(line, name) for line in result.lines), zero)
        assert getattr(tax, name) == lines + getattr(tax, "shipping_" + name), (
            f"tax.{name} != lines + shipping"
        )
        assert sum((getattr(r, name) for r in tax.by_rate), zero) == getattr(tax, name), f"by_rate {name}"
    assert (tax.gross if tax.prices_include_tax else tax.net) == result.total, "tax totals vs total"
    ships = {ship.id: ship.tax_rate for ship in request.shipping_lines}
    for ship in result.shipping_lines:
        assert ship.net is not None and ship.tax is not None and ship.gross is not None, f"shipping {ship.id}"
        assert ship.gross == ship.net + ship.tax, f"shipping {ship.id}: gross != net + tax"
        assert (ship.gross if tax.prices_include_tax else ship.net) == ship.total, (
            f"shipping {ship.id}: basis"
        )
        assert ship.tax_rate == ships[ship.id], f"shipping {ship.id}: rate changed"
    if result.shipping_lines:
        for name in ("net", "tax", "gross"):
            assert sum((getattr(s, name) for s in result.shipping_lines), zero) == getattr(
                tax, "shipping_" + name
            ), f"shipping lines {name} != tax.shipping_{name}"
    assert [r.rate for r in tax.by_rate] == sorted({r.rate for r in tax.by_rate}), "by_rate not by rate"


def assert_money_reconciles(request: CheckoutRequest, result: PricingResult) -> None:
    assert result.total == result.subtotal - result.discount + result.shipping, "total does not reconcile"
    assert result.shipping == result.shipping_original - result.shipping_discount, (
        "shipping does not reconcile"
    )
    assert result.subtotal == sum((line.subtotal for line in result.lines), Decimal(0)), (
        "subtotal != sum of lines"
    )
    assert result.discount == sum((line.discount for line in result.lines), Decimal(0)), (
        "line discounts do not sum to the discount"
    )
    by_id = {line.id: line for line in request.lines}
    for line in result.lines:
        assert line.discount == sum((a.amount for a in line.adjustments), Decimal(0)), (
            f"line {line.id}: adjustments do not sum to its discount"
        )
        assert line.total == line.subtotal - line.discount, f"line {line.id}: total does not reconcile"
        if line.id in by_id:  # request lines (gift lines, if any, are priced at zero)
            asked = by_id[line.id]
            assert line.subtotal == asked.unit_price * asked.quantity, f"line {line.id}: subtotal"
            assert line.quantity == asked.quantity, f"line {line.id}: quantity changed"
    assert {line.id for line in request.lines} <= {line.id for line in result.lines}, (
        "a request line is missing"
    )
    assert_tax_reconciles(request, result)
    _assert_shipping_lines_reconcile(request, result)


def _assert_shipping_lines_reconcile(request: CheckoutRequest, result: PricingResult) -> None:
    """Shipping lines (docs/semantics.md#shipping): each one reconciles, and they sum to the totals."""
    if not request.shipping_listed:
        assert result.shipping_lines == (), "shipping lines in a single-amount result"
        assert result.shipping_original == request.shipping_amount, "shipping_original is not the amount"
        return
    ships = result.shipping_lines
    assert [s.id for s in ships] == [s.id for s in request.shipping_lines], "shipping lines changed"
    for ship, asked in zip(ships, request.shipping_lines, strict=True):
        assert ship.amount == asked.amount and ship.method == asked.method, f"shipping {ship.id} changed"
        assert ship.total == ship.amount - ship.discount, f"shipping {ship.id}: total does not reconcile"
        assert ship.discount == sum((a.amount for a in ship.adjustments), Decimal(0)), (
            f"shipping {ship.id}: adjustments do not sum to its discount"
        )
    assert result.shipping_original == sum((s.amount for s in ships), Decimal(0)), "shipping_original"
    assert result.shipping_discount == sum((s.discount for s in ships), Decimal(0)), "shipping_discount"
    assert result.shipping == sum((s.total for s in ships), Decimal(0)), "shipping != sum of lines"
    for a in result.applied:
        if a.layer == "shipping":
            on_ships = sum(
                (x.amount for s in ships for x in s.adjustments if x.promotion == a.promotion), Decimal(0)
            )
            assert on_ships == a.amount, f"{a.promotion}: applied amount != its shipping adjustments"


def assert_nothing_negative(result: PricingResult) -> None:
    for path, amount in _computed_amounts(result):
        assert amount >= 0, f"{path} is negative: {amount}"
    for line in result.lines:
        for adjustment in line.adjustments:
            assert 0 <= adjustment.units <= line.quantity, f"line {line.id}: adjustment units out of range"
    assert result.points_earned >= 0 and result.points_redeemed >= 0, "negative points"


def assert_quantised(result: PricingResult) -> None:
    """Computed amounts carry exactly the currency's decimals ("12.50", never "12.5" or "12.500")."""
    minor = currency(result.currency).minor_unit
    for path, amount in _computed_amounts(result):
        assert amount.as_tuple().exponent == -minor, f"{path} = {amount!s} is not in minor units"
    quantum = Decimal(1).scaleb(-minor)
    extra = [(f"not_applied[{n.promotion}].shortfall", n.shortfall) for n in result.not_applied]
    extra += [(f"hints[{h.promotion}].shortfall", h.shortfall) for h in result.hints]
    extra += [(f"hints[{h.promotion}].unlocks", h.unlocks) for h in result.hints]
    for path, maybe in extra:
        if maybe is not None:
            assert maybe == maybe.quantize(quantum), f"{path} = {maybe} is finer than {quantum}"


def assert_outcomes_are_consistent(rule_file: ast.RuleFile, result: PricingResult) -> None:
    """Each promotion is applied at most once, never also "not applied", and all money is accounted for."""
    ids = {p.id for p in rule_file.promotions}
    applied = [a.promotion for a in result.applied]
    assert len(applied) == len(set(applied)), f"a promotion is applied twice: {applied}"
    assert set(applied) <= ids, f"unknown promotion applied: {set(applied) - ids}"
    # A coupon entry that names a code may concern a second code of an applied coupon.
    refused = {n.promotion for n in result.not_applied if n.code is None}
    assert not refused & set(applied), f"both applied and not applied: {refused & set(applied)}"
    adjusted = {a.promotion for line in result.lines for a in line.adjustments}
    assert adjusted <= set(applied), f"adjustments by promotions not applied: {adjusted - set(applied)}"
    assert {g.promotion for g in result.gifts} <= set(applied), "a gift from a promotion not applied"
    assert (
        sum((a.amount for a in result.applied), Decimal(0)) == result.discount + result.shipping_discount
    ), "applied amounts do not add up to the goods and shipping discounts"


def _selector_matches(selector: ast.Selector, line: Line) -> bool | None:
    """Whether a line matches a selector; None for a named scope (not resolved here)."""
    kind, values = selector.kind, selector.values
    if kind is ast.SelectorKind.ALL:
        return True
    if kind is ast.SelectorKind.SKU:
        return line.sku in values
    if kind is ast.SelectorKind.CATEGORY:
        # docs/semantics.md#category-trees: a path is in every category above it, and a line
        # is also in its extra `categories`
        mine = [c for c in (line.category, *line.categories) if c is not None]
        return any(c == v or c.startswith(v + "/") for c in mine for v in values)
    if kind is ast.SelectorKind.BRAND:
        return line.brand in values
    if kind is ast.SelectorKind.TAG:
        return any(tag in values for tag in line.tags)
    return None


def touches(scope: ast.Scope, lines: tuple[Line, ...]) -> bool:
    """True when the scope certainly matches one of the lines (an oracle independent of the engine)."""
    for line in lines:
        included = [_selector_matches(s, line) for s in scope.include]
        excluded = [_selector_matches(s, line) for s in scope.exclude]
        if None in included or None in excluded:
            continue  # a named scope: not decided here
        if any(included) and not any(excluded):
            return True
    return False


def assert_every_concerned_promotion_has_an_outcome(
    rule_file: ast.RuleFile, request: CheckoutRequest, result: PricingResult
) -> None:
    """docs/semantics.md#explanations: a promotion whose scope touches the cart is applied or says why not."""
    outcomes = {a.promotion for a in result.applied} | {n.promotion for n in result.not_applied}
    missing = [p.id for p in rule_file.promotions if touches(p.scope, request.lines) and p.id not in outcomes]
    assert not missing, f"promotions touching the cart have no outcome: {missing}"


def canonical(result: PricingResult) -> dict[str, Any]:
    """The result as JSON data with lines (and each promotion's line list) sorted by line id."""
    data: dict[str, Any] = json.loads(result.model_dump_json())
    data["lines"] = sorted(data["lines"], key=lambda line: line["id"])
    if "shipping_lines" in data:
        data["shipping_lines"] = sorted(data["shipping_lines"], key=lambda ship: ship["id"])
    for applied in data["applied"]:
        applied["lines"] = sorted(applied["lines"])
    return data
