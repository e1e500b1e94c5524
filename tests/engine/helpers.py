"""Building rule sets and carts in Python for engine tests (rule text where the front end allows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from promokit.engine.ruleset import RuleSet
from promokit.language import ast as A
from promokit.language.diagnostics import Diagnostic
from promokit.language.source import Source
from promokit.models import CheckoutRequest, PricingResult

AT = "2026-10-02T10:00:00+08:00"


@dataclass(frozen=True)
class Checked:
    ast: A.RuleSetAst
    warnings: tuple[Diagnostic, ...] = ()
    sources: dict[str, Source] = field(default_factory=dict)


def D(x: str | int) -> Decimal:
    return Decimal(str(x))


def promo(id: str, action: A.Action, **kw: Any) -> A.Promotion:
    return A.Promotion(id=id, title=kw.pop("title", id), action=action, **kw)


def cat(*names: str) -> A.Scope:
    return A.Scope(include=(A.Selector(kind=A.SelectorKind.CATEGORY, values=names),))


def sku(*names: str) -> A.Scope:
    return A.Scope(include=(A.Selector(kind=A.SelectorKind.SKU, values=names),))


def rules(*promotions: A.Promotion, **settings: Any) -> RuleSet:
    f = A.RuleFile(name="test.promo", settings=A.Settings(), promotions=promotions)
    settings.setdefault("timezone", "Asia/Shanghai")
    return RuleSet(Checked(A.RuleSetAst(files=(f,), **settings)))


def tiers(*pairs: tuple[str | int, str | int]) -> A.Tiers:
    return A.Tiers(tiers=tuple(A.Tier(threshold=D(t), off=D(o)) for t, o in pairs))


def pct(off: str | int, **kw: Any) -> A.PercentOff:
    return A.PercentOff(percent=A.Percent(off=D(off)), **kw)


def line(id: str, price: str | int, qty: int = 1, category: str = "misc", **kw: Any) -> dict[str, Any]:
    return {
        "id": id,
        "sku": kw.pop("sku", id.upper()),
        "category": category,
        "unit_price": str(price),
        "quantity": qty,
        **kw,
    }


def cart(*lines: dict[str, Any], **kw: Any) -> CheckoutRequest:
    return CheckoutRequest.model_validate({"at": kw.pop("at", AT), "lines": list(lines), **kw})


def when(start: str, end: str) -> tuple[A.During, ...]:
    def point(text: str) -> A.DateTimePoint:
        if " " in text:
            d, t = text.split(" ")
            return A.DateTimePoint(date=dt.date.fromisoformat(d), time=dt.time.fromisoformat(t))
        return A.DateTimePoint(date=dt.date.fromisoformat(text))

    return (A.During(ranges=(A.DateRange(start=point(start), end=point(end)),)),)


def reasons(result: PricingResult) -> dict[str, str]:
    return {n.promotion: n.reason for n in result.not_applied}


def applied(result: PricingResult) -> dict[str, Decimal]:
    return {a.promotion: a.amount for a in result.applied}


def check_invariants(result: PricingResult) -> None:
    assert result.total == result.subtotal - result.discount + result.shipping
    assert sum((ln.discount for ln in result.lines), Decimal(0)) == result.discount
    for ln in result.lines:
        assert ln.discount == sum((a.amount for a in ln.adjustments), Decimal(0))
        assert ln.total >= 0 and ln.discount >= 0
    assert result.shipping >= 0 and result.total >= 0
    if result.tax is not None:
        check_tax_invariants(result)


def check_tax_invariants(result: PricingResult) -> None:
    """docs/semantics.md#tax-totals: gross = net + tax everywhere, totals and by_rate reconcile."""
    tax = result.tax
    assert tax is not None
    zero = Decimal(0)
    for ln in result.lines:
        assert ln.net is not None and ln.tax is not None and ln.gross is not None
        assert ln.gross == ln.net + ln.tax and min(ln.net, ln.tax, ln.gross) >= 0
        assert (ln.gross if tax.prices_include_tax else ln.net) == ln.total
    assert tax.gross == tax.net + tax.tax
    assert tax.shipping_gross == tax.shipping_net + tax.shipping_tax
    assert tax.net == sum((ln.net or zero for ln in result.lines), zero) + tax.shipping_net
    assert tax.tax == sum((ln.tax or zero for ln in result.lines), zero) + tax.shipping_tax
    assert (tax.gross if tax.prices_include_tax else tax.net) == result.total
    for name in ("net", "tax", "gross"):
        assert sum((getattr(row, name) for row in tax.by_rate), zero) == getattr(tax, name)
    assert [row.rate for row in tax.by_rate] == sorted({row.rate for row in tax.by_rate})
    for ship in result.shipping_lines:
        assert ship.gross == (ship.net or zero) + (ship.tax or zero)


def load(text: str) -> RuleSet:
    """Rules from `.promo` text (settings default to Asia/Shanghai, CNY)."""
    from promokit.check.frontend import parse_text

    if "timezone" not in text:
        text = "timezone Asia/Shanghai\n" + text
    return RuleSet(parse_text(text, name="test.promo"))
