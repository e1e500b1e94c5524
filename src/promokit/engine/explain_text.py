"""An explanation in words: the text `promokit explain` prints and rule-test failures quote."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..models import TaxSummary
from ..money import currency, format_money
from .ruleset import Explanation

__all__ = ["format_rate", "render_explanation"]


def format_rate(rate: Decimal | None) -> str:
    """0.13 -> "13%", 0.0825 -> "8.25%" (docs/semantics.md#tax)."""
    percent = (rate or Decimal(0)) * 100
    return f"{percent.normalize():f}%" if percent else "0%"


def _tax_sentences(tax: TaxSummary, m: Callable[[Any], str]) -> list[str]:
    """docs/semantics.md#tax-totals: what the customer pays, and the tax in it, per rate."""
    basis = "include" if tax.prices_include_tax else "exclude"
    out = [
        f"Tax (prices {basis} tax): the customer pays {m(tax.gross)} = net {m(tax.net)} + tax {m(tax.tax)}"
        + (f", shipping {m(tax.shipping_gross)} of it" if tax.shipping_gross else "")
    ]
    out += [
        f"  at {format_rate(r.rate)}: net {m(r.net)}, tax {m(r.tax)}, gross {m(r.gross)}" for r in tax.by_rate
    ]
    return out


def render_explanation(explanation: Explanation, *, locale: str | None = None) -> str:
    """The report `promokit explain` prints. With `locale` (the explanation priced in it, as
    `explain --locale` does), every reason not applied is followed by its customer text and
    the hints are the customer texts (docs/semantics.md#customer-texts)."""
    result = explanation.result
    cur = currency(result.currency)

    def m(x: Any) -> str:
        return format_money(x, cur)

    out = [
        f"Price: {m(result.total)} = goods {m(result.subtotal)} - discount {m(result.discount)}"
        f" + shipping {m(result.shipping)}"
        + (f" (was {m(result.shipping_original)})" if result.shipping_discount else ""),
        f"The customer saves {m(explanation.saving)}"
        + {
            "none": " (no promotions competed: no search needed).",
            "exact": " (the best of every valid combination: exact search).",
            "heuristic": " (too many competing promotions for an exact search: heuristic,"
            " never worse than greedy).",
            "greedy": " (greedy pass by priority, as asked).",
        }[result.selection],
    ]
    if result.tax is not None:
        out += _tax_sentences(result.tax, m)
    if result.points_earned or result.points_redeemed:
        out.append(f"Points: {result.points_redeemed} redeemed, {result.points_earned} earned.")
    out.append("")
    out.append("Applied")
    if not result.applied:
        out.append("  (none)")
    units_by_line = {ln.id: ln for ln in result.lines}
    for a in result.applied:
        head = f"  {a.promotion}"
        if a.title:
            head += f' "{a.title}"'
        head += f" [{a.layer}]"
        if a.amount:
            head += f": saves {m(a.amount)}"
        if a.code:
            head += f" (code {a.code})"
        if a.variant:
            head += f" (variant {a.variant})"
        out.append(head)
        for line_id in a.lines:
            ln = units_by_line[line_id]
            for adj in ln.adjustments:
                if adj.promotion == a.promotion:
                    out.append(f"      line {line_id} ({ln.sku}): {adj.units} unit(s), -{m(adj.amount)}")
        for ship in result.shipping_lines:  # a request with a list of shipping lines
            for adj in ship.adjustments:
                if adj.promotion == a.promotion:
                    out.append(f"      shipping {ship.id} ({ship.method}): -{m(adj.amount)}")
        if a.points:
            out.append(f"      {a.points} points")
    gifts = [g for g in result.gifts]
    if gifts:
        out += ["", "Gifts"] + [f"  {g.sku} x{g.quantity} from {g.promotion}" for g in gifts]
    out += ["", "Not applied"]
    if not result.not_applied:
        out.append("  (none)")
    for n in result.not_applied:
        name = n.promotion or f"code {n.code!r}"
        extra = []
        if n.shortfall is not None:
            extra.append(f"short by {m(n.shortfall)}")
        suffix = f" ({'; '.join(extra)})" if extra else ""
        out.append(f"  {name} [{n.reason}]{suffix}: {n.detail}")
        if locale is not None and n.text:
            out.append(f"      {locale}: {n.text}")
    if explanation.alternatives:
        out += ["", "Alternatives the chosen deal beat"]
        for alt in explanation.alternatives:
            gap = explanation.saving - alt.saving
            words = f"{m(gap)} less" if gap > 0 else "equal saving, lost the tie-break"
            out.append(f"  {' + '.join(alt.promotions)}: saves {m(alt.saving)} ({words})")
    if result.hints:
        shown = [h.text if locale is not None and h.text else h.message for h in result.hints]
        out += ["", "Hints" if locale is None else f"Hints ({locale})"] + [f"  - {s}" for s in shown]
    out += ["", f"rules version {result.rules_version}"]
    return "\n".join(out)
