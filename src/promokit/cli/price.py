"""`promokit price RULES REQUEST.json [--at ISO] [--json]`: price one cart.

Default output is a readable table (lines and their adjustments, gifts, totals, promotions
applied and not applied with reasons, hints); `--json` prints the `PricingResult` JSON with
money as decimal strings. Exit 0 ok, 1 rule errors (rendered diagnostics), 2 for a request
that cannot be read or validated (with the field path) or a missing file.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..engine.explain_text import format_rate
from ..engine.texts import LOCALES, labels
from ..language.diagnostics import RuleError, render_all
from ..models import PricingResult
from ..money import currency, format_money
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, InputError, load_request, load_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rules", metavar="RULES", help=".promo file or directory of .promo files")
    parser.add_argument("request", metavar="REQUEST.json", help="the cart as JSON ('-' reads stdin)")
    parser.add_argument("--at", metavar="ISO", help="price at this instant instead of the request's `at`")
    parser.add_argument("--json", action="store_true", help="print the PricingResult as JSON")
    parser.add_argument(
        "--locale",
        choices=LOCALES,
        default=None,
        help="customer texts in this language (reasons, hints; titles instead of ids)",
    )
    parser.add_argument(
        "--strategy",
        choices=("best", "greedy"),
        default="best",
        help="best deal (default) or a greedy priority pass",
    )


def run(args: argparse.Namespace) -> int:
    try:
        rules = load_rules(args.rules)
        request = load_request(args.request, args.at)
        locale = args.locale or "en"
        if args.json or args.strategy == "greedy":
            result = rules.price(request, strategy=args.strategy, locale=locale)
        else:  # the table says by how much each left-out promotion lost, which `explain` measures
            result = rules.explain(request, locale=locale).result
    except RuleError as exc:
        print(render_all(exc.diagnostics, exc.sources), file=sys.stderr)
        return EXIT_FAILED
    except (InputError, ValueError) as exc:
        print(f"promokit price: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(result.model_dump_json(indent=2))
    elif args.locale:
        print(render_customer_table(result, args.locale))
    else:
        print(render_table(result))
    return EXIT_OK


def _width(text: str) -> int:
    # East Asian wide characters take two terminal cells: columns of titles stay aligned.
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(cell: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(cell))
    return fill + cell if right else cell + fill


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    return [
        "  " + "  ".join(_pad(cell, widths[c], c in right) for c, cell in enumerate(r)).rstrip() for r in rows
    ]


def render_table(result: PricingResult) -> str:
    cur = currency(result.currency)

    def m(x: Any) -> str:
        return ("-" if x < 0 else "") + format_money(abs(x), cur)

    out = ["Lines"]
    rows = [["line", "sku", "qty", "unit", "subtotal", "discount", "total"]]
    for ln in result.lines:
        rows.append(
            [
                ln.id,
                ln.sku,
                str(ln.quantity),
                m(ln.unit_price),
                m(ln.subtotal),
                m(-ln.discount) if ln.discount else "",
                m(ln.total),
            ]
        )
        for a in ln.adjustments:
            rows.append(["", f"  {a.promotion}", str(a.units), "", "", m(-a.amount), ""])
    out += _table(rows, {2, 3, 4, 5, 6})
    if result.gifts:
        out.append("Gifts")
        out += [f"  {g.sku} x{g.quantity}  (from {g.promotion})" for g in result.gifts]
    out += _shipping_table(result, labels("en"), m, {})
    out.append("Totals")
    totals = [["subtotal", m(result.subtotal)], ["discount", m(-result.discount)]]
    ship = m(result.shipping)
    if result.shipping_discount:
        ship += f"  (was {m(result.shipping_original)})"
    totals += [["shipping", ship], ["total", m(result.total)]]
    if result.points_redeemed:
        totals.append(["points redeemed", str(result.points_redeemed)])
    if result.points_earned:
        totals.append(["points earned", str(result.points_earned)])
    out += _table(totals, set())
    out += render_tax(result, labels("en"))
    if result.applied:
        out.append("Applied")
        rows = [
            [
                a.promotion,
                a.layer,
                m(-a.amount) if a.amount else "",
                _applied_note(a.title, a.code, a.points, a.variant),
            ]
            for a in result.applied
        ]
        out += _table(rows, {2})
    if result.not_applied:
        out.append("Not applied")
        rows = [[n.promotion or f"code {n.code}", n.reason, n.detail] for n in result.not_applied]
        out += _table(rows, set())
    if result.hints:
        out.append("Hints")
        out += [f"  - {h.message}" for h in result.hints]
    out.append(f"selection: {result.selection}; rules version {result.rules_version}")
    return "\n".join(out)


def render_tax(result: PricingResult, w: dict[str, str]) -> list[str]:
    """The tax section (docs/semantics.md#tax): net, tax and gross per line, shipping, per rate,
    and what the customer pays; nothing when the result carries no tax."""
    tax = result.tax
    if tax is None:
        return []
    cur = currency(result.currency)

    def m(x: Decimal | None) -> str:
        return format_money(x or Decimal(0), cur)

    setting = w["prices include tax"] if tax.prices_include_tax else w["prices exclude tax"]
    out = [f"{w['tax section']} ({setting})"]
    rows = [[w["line"], w["rate"], w["net"], w["tax"], w["gross"]]]
    rows += [[ln.id, format_rate(ln.tax_rate), m(ln.net), m(ln.tax), m(ln.gross)] for ln in result.lines]
    for ship in result.shipping_lines:
        rows.append(
            [
                f"{w['shipping']} {ship.id}",
                format_rate(ship.tax_rate),
                m(ship.net),
                m(ship.tax),
                m(ship.gross),
            ]
        )
    if not result.shipping_lines and tax.shipping_gross:
        rows.append(
            [
                w["shipping"],
                format_rate(tax.shipping_rate),
                m(tax.shipping_net),
                m(tax.shipping_tax),
                m(tax.shipping_gross),
            ]
        )
    rows += [[w["all lines"], format_rate(r.rate), m(r.net), m(r.tax), m(r.gross)] for r in tax.by_rate]
    rows.append([w["to pay"], "", m(tax.net), m(tax.tax), m(tax.gross)])
    return out + _table(rows, {1, 2, 3, 4})


def _shipping_table(
    result: PricingResult, w: dict[str, str], m: Callable[[Any], str], titles: dict[str, str]
) -> list[str]:
    """Each shipping line with its benefits, when the request listed shipping lines."""
    if not result.shipping_lines:
        return []
    rows = [[w["line"], w["method"], w["fee"], w["discount"], w["total"]]]
    for ship in result.shipping_lines:
        rows.append(
            [ship.id, ship.method, m(ship.amount), m(-ship.discount) if ship.discount else "", m(ship.total)]
        )
        for a in ship.adjustments:
            rows.append(["", f"  {titles.get(a.promotion, a.promotion)}", "", m(-a.amount), ""])
    return [w["shipping lines"], *_table(rows, {2, 3, 4})]


def _applied_note(title: str | None, code: str | None, points: int, variant: str | None = None) -> str:
    parts = [title or ""]
    if variant:
        parts.append(f"variant {variant}")
    if code:
        parts.append(f"code {code}")
    if points:
        parts.append(f"{points} points")
    return "  ".join(p for p in parts if p)


def render_customer_table(result: PricingResult, locale: str) -> str:
    """The priced cart as a customer would read it: `locale` words, titles, reason and hint texts."""
    w = labels(locale)
    cur = currency(result.currency)
    titles = {a.promotion: a.title or a.promotion for a in result.applied}

    def m(x: Any) -> str:
        return ("-" if x < 0 else "") + format_money(abs(x), cur)

    out = [w["lines"]]
    rows = [[w["line"], w["sku"], w["qty"], w["unit"], w["subtotal"], w["discount"], w["total"]]]
    for ln in result.lines:
        discount = m(-ln.discount) if ln.discount else ""
        rows.append(
            [ln.id, ln.sku, str(ln.quantity), m(ln.unit_price), m(ln.subtotal), discount, m(ln.total)]
        )
        for a in ln.adjustments:
            rows.append(
                ["", f"  {titles.get(a.promotion, a.promotion)}", str(a.units), "", "", m(-a.amount), ""]
            )
    out += _table(rows, {2, 3, 4, 5, 6})
    if result.gifts:
        out.append(w["gifts"])
        out += [
            f"  {g.sku} x{g.quantity}  ({w['from']} {titles.get(g.promotion, g.promotion)})"
            for g in result.gifts
        ]
    out += _shipping_table(result, w, m, titles)
    out.append(w["totals"])
    ship = m(result.shipping)
    if result.shipping_discount:
        ship += f"  ({w['was']} {m(result.shipping_original)})"
    totals = [[w["subtotal"], m(result.subtotal)], [w["discount"], m(-result.discount)]]
    totals += [[w["shipping"], ship], [w["total"], m(result.total)]]
    if result.points_redeemed:
        totals.append([w["points redeemed"], str(result.points_redeemed)])
    if result.points_earned:
        totals.append([w["points earned"], str(result.points_earned)])
    out += _table(totals, set())
    out += render_tax(result, w)
    if result.applied:
        out.append(w["applied"])
        rows = [
            [
                a.title or a.promotion,
                m(-a.amount) if a.amount else "",
                f"{w['code']} {a.code}" if a.code else (f"{a.points} {w['points']}" if a.points else ""),
            ]
            for a in result.applied
        ]
        out += _table(rows, {1})
    if result.not_applied:
        out.append(w["not applied"])
        out += [f"  - {n.text}" for n in result.not_applied]
    if result.hints:
        out.append(w["hints"])
        out += [f"  - {h.text}" for h in result.hints]
    return "\n".join(out)
