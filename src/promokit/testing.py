"""Helpers for testing promotions from Python: requests in one line, assertions that explain.

    from promokit.testing import cart, assert_price, assert_applied, assert_not_applied

    request = cart("APPLE x 8, MILK x 2", at="2026-10-02 10:00+08:00", catalogue=FRESH, level=3)
    assert_price(rules, request, total="80.00")
    assert_applied(rules, request, "autumn-fruit", amount="20.00")
    assert_not_applied(rules, request, "member-day", reason="window")

The cart text uses the `cart` syntax of `.promotest` files (docs/testing.md): `SKU x N`
with optional `price`, `category`, `brand`, `tag`, `attr`, `id`, comma-separated. Prices
and attributes not given come from `catalogue`. A failed assertion's message shows what
was expected, what came out, and the explanation of the whole price.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from .engine.ruleset import RuleSet
from .errors import PromokitError
from .language.diagnostics import did_you_mean, render_all
from .language.source import NO_SPAN, Source
from .ledgers.base import Ledger
from .models import CheckoutRequest, Customer, Group, Line, PricingResult, ShippingLine
from .money import currency as currency_of
from .money import quantize
from .ruletests import runner
from .ruletests.checks import check_expectation
from .ruletests.model import Catalogue, Expectation, Named, Product
from .ruletests.parser import REASONS, parse_cart_items, parse_ledger_state, parse_path, resolve_zone
from .ruletests.runner import make_line, price_and_explain

__all__ = [
    "assert_applied",
    "assert_not_applied",
    "assert_price",
    "cart",
    "load_catalogue",
    "seed_ledger",
]

CatalogueLike = Catalogue | Mapping[str, Any]
MoneyLike = Decimal | str | int


def load_catalogue(path: str | Path, name: str | None = None) -> Catalogue:
    """A catalogue declared in a `.promotest` file (the only one, or the one called `name`)."""
    test_file, diagnostics, source = parse_path(path)
    if test_file is None or any(d.is_error for d in diagnostics):
        sources = {source.name: source} if source else {}
        raise PromokitError(render_all(diagnostics, sources))
    if name is None:
        if len(test_file.catalogues) != 1:
            raise PromokitError(f"{path} declares {len(test_file.catalogues)} catalogues; pass name=")
        return next(iter(test_file.catalogues.values()))
    try:
        return test_file.catalogues[name]
    except KeyError:
        raise PromokitError(
            f"{path} has no catalogue {name!r}; it has {sorted(test_file.catalogues)}"
        ) from None


def _products(catalogue: CatalogueLike | None) -> dict[str, Product]:
    """Normalise a catalogue: a `Catalogue`, or {sku: price} / {sku: {"price": .., "category": ..}}."""
    if catalogue is None:
        return {}
    if isinstance(catalogue, Catalogue):
        return dict(catalogue.products)
    out: dict[str, Product] = {}
    for sku, spec in catalogue.items():
        if isinstance(spec, Mapping):
            out[sku] = Product(
                Named(sku),
                price=_money(spec["price"]) if "price" in spec else None,
                category=spec.get("category"),
                brand=spec.get("brand"),
                tags=tuple(spec.get("tags", ())),
                attributes=tuple(dict(spec.get("attributes", {})).items()),
            )
        else:
            out[sku] = Product(Named(sku), price=_money(spec))
    return out


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError('money must be a Decimal, a string or an int, not a float (e.g. "12.50")')
    return Decimal(str(value))


def _instant(at: str | dt.datetime) -> dt.datetime:
    """An aware datetime from `2026-10-02 10:00+08:00`, `2026-10-02T10:00Z` or `2026-10-02 10:00 Asia/Shanghai`."""
    if isinstance(at, dt.datetime):
        value = at
    else:
        text = at.strip()
        zone = None
        head, _, tail = text.rpartition(" ")
        if head and resolve_zone(tail) is not None and not tail[:1].isdigit():
            text, zone = head, resolve_zone(tail)
        value = dt.datetime.fromisoformat(text)
        if zone is not None:
            if value.tzinfo is not None:
                raise PromokitError(f"{at!r} gives both an offset and a zone")
            value = value.replace(tzinfo=zone)
    if value.tzinfo is None or value.utcoffset() is None:
        raise PromokitError(
            f"{at!r} has no time zone: write e.g. '2026-10-02 10:00+08:00' or add ' Asia/Shanghai'"
        )
    return value


def cart(
    items: str,
    *,
    at: str | dt.datetime,
    catalogue: CatalogueLike | None = None,
    currency: str = "CNY",
    shipping: MoneyLike | Iterable[ShippingLine] = 0,
    shipping_tax_rate: MoneyLike = 0,
    coupons: Iterable[str] = (),
    channel: str | None = None,
    group_size: int | None = None,
    redeem_points: int = 0,
    customer: Customer | None = None,
    **customer_fields: Any,
) -> CheckoutRequest:
    """A `CheckoutRequest` from one line of text, e.g. `cart("APPLE x 8, MILK x 2 price 6.80", at=...)`.

    Keyword arguments not listed are customer fields (`level=3`, `segments=("vip",)`, `id="c1"`,
    `orders=0` ...); or pass a whole `customer=`. `shipping` is one amount or shipping lines
    (`[ShippingLine(id="s1", method="express", amount=Decimal(20))]`, docs/semantics.md#shipping).
    A line's tax rate: `WINE x 1 price 12 tax 0.2`; `shipping_tax_rate` for one amount.
    Raises ValueError with a diagnostic for bad text.
    """
    lines_spec, diagnostics = parse_cart_items(items)
    if diagnostics:
        raise PromokitError(render_all(diagnostics, {"<cart>": Source("<cart>", items)}))
    products = _products(catalogue)
    lines: list[Line] = []
    seen: dict[str, int] = {}
    for spec in lines_spec:
        line = make_line(spec, products.get(spec.product.sku.text), seen)
        if line is None:
            sku = spec.product.sku.text
            raise PromokitError(
                f"sku {sku!r} has no price: give one (`{sku} x 1 price 9.90`) or pass a catalogue"
            )
        lines.append(line)
    if customer is not None and customer_fields:
        raise TypeError("pass either customer= or customer fields, not both")
    return CheckoutRequest(
        currency=currency,
        at=_instant(at),
        customer=customer or Customer(**customer_fields),
        lines=tuple(lines),
        shipping=_money(shipping) if isinstance(shipping, Decimal | str | int) else tuple(shipping),
        shipping_tax_rate=_money(shipping_tax_rate),
        coupons=tuple(coupons),
        channel=channel,
        group=Group(id="group-1", size=group_size) if group_size else None,
        redeem_points=redeem_points,
    )


def seed_ledger(ledger: Ledger, rules: RuleSet, request: CheckoutRequest, *statements: str) -> Ledger:
    """Put `.promotest` ledger state into `ledger` for `request`'s customer and day; returns the ledger.

        seed_ledger(promokit_ledger, rules, request, "stock of flash-eggs 0", "customer used first-order 1 time")

    Raises ValueError (with a diagnostic) for text that does not parse or does not fit the rules.
    """
    text = "\n".join(statements)
    states, diagnostics = parse_ledger_state(text)
    if not diagnostics:
        diagnostics = runner.check_promotion_ids([s.promotion for s in states if s.promotion], rules)
    if not diagnostics:
        diagnostics = runner.seed_ledger(ledger, states, rules, request)
    if diagnostics:
        raise PromokitError(render_all(diagnostics, {"<ledger state>": Source("<ledger state>", text)}))
    return ledger


# --------------------------------------------------------------------------- assertions


def _price(rules: RuleSet, request: CheckoutRequest, ledger: Ledger | None) -> tuple[PricingResult, str]:
    return price_and_explain(rules, request, ledger)


def _fail(failures: list[tuple[str, str, str]], explanation: str) -> None:
    if not failures:
        return
    lines = []
    for what, expected, actual in failures:
        lines.append(f"{what}: expected {expected}, got {actual}")
    lines.append("explanation:")
    lines.extend("  " + line if line else line for line in explanation.splitlines())
    raise AssertionError("\n".join(lines))


def _run(e: Expectation, result: PricingResult) -> tuple[bool, str, str]:
    cur = currency_of(result.currency)
    return check_expectation(e, result, lambda amount: quantize(amount, cur))


def assert_price(
    rules: RuleSet,
    request: CheckoutRequest,
    *,
    total: MoneyLike | None = None,
    discount: MoneyLike | None = None,
    subtotal: MoneyLike | None = None,
    shipping: MoneyLike | None = None,
    tax: MoneyLike | None = None,
    net: MoneyLike | None = None,
    gross: MoneyLike | None = None,
    ledger: Ledger | None = None,
) -> PricingResult:
    """Price `request` and check the given amounts (numbers compare: "80" == "80.00"). Returns the result.

    `tax`, `net`, `gross`: the order's tax totals (docs/semantics.md#tax-totals); `gross` is what
    the customer pays.
    """
    result, explanation = _price(rules, request, ledger)
    failures = []
    for kind, value in (
        ("total", total),
        ("discount", discount),
        ("subtotal", subtotal),
        ("shipping", shipping),
        ("tax", tax),
        ("net", net),
        ("gross", gross),
    ):
        if value is None:
            continue
        ok, expected, actual = _run(Expectation(kind, NO_SPAN, amount=_money(value)), result)  # type: ignore[arg-type]
        if not ok:
            failures.append((kind, expected, actual))
    _fail(failures, explanation)
    return result


def assert_applied(
    rules: RuleSet,
    request: CheckoutRequest,
    promotion: str,
    *,
    amount: MoneyLike | None = None,
    ledger: Ledger | None = None,
) -> PricingResult:
    """Check that `promotion` applied (and took `amount` off, if given)."""
    _known(rules, promotion)
    result, explanation = _price(rules, request, ledger)
    e = Expectation("applied", NO_SPAN, _money(amount) if amount is not None else None, Named(promotion))
    ok, expected, actual = _run(e, result)
    _fail([] if ok else [(f"applied {promotion}", expected, actual)], explanation)
    return result


def assert_not_applied(
    rules: RuleSet,
    request: CheckoutRequest,
    promotion: str,
    *,
    reason: str | None = None,
    lost_to: str | None = None,
    ledger: Ledger | None = None,
) -> PricingResult:
    """Check that `promotion` did not apply (for `reason`, and losing to `lost_to`, if given)."""
    _known(rules, promotion)
    if reason is not None and reason not in REASONS:
        raise PromokitError(f"unknown reason {reason!r}; reasons: {', '.join(REASONS)}")
    result, explanation = _price(rules, request, ledger)
    e = Expectation(
        "not_applied",
        NO_SPAN,
        target=Named(promotion),
        reason=Named(reason) if reason is not None else None,
        by=Named(lost_to) if lost_to is not None else None,
    )
    ok, expected, actual = _run(e, result)
    _fail([] if ok else [(f"not applied {promotion}", expected, actual)], explanation)
    return result


def _known(rules: RuleSet, promotion: str) -> None:
    try:
        rules.promotion(promotion)
    except KeyError:
        ids = [p.id for p in rules.ast.promotions]
        hint = did_you_mean(promotion, ids)
        raise PromokitError(f"unknown promotion {promotion!r}" + (f"; {hint}" if hint else "")) from None
