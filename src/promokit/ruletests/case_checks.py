"""Checks of one `.promotest` case that need no rules: skus, catalogues, reasons, referenced lines.

Promotion ids are checked later, against the rule set (`ruletests.runner`).
"""

from __future__ import annotations

from typing import get_args

from ..language.diagnostics import Diagnostic, did_you_mean
from ..language.source import Span
from ..models import Reason
from .model import Case, Catalogue, TestFile

__all__ = ["REASONS", "check_case"]

#: Reason codes a `because` may name (the `Reason` literal of promokit.models).
REASONS: tuple[str, ...] = get_args(Reason)


def check_case(test_file: TestFile, case: Case) -> list[Diagnostic]:
    """Skus known, catalogues known, reasons known, lines referenced exist: every problem found."""
    diagnostics: list[Diagnostic] = []

    def error(code: str, message: str, span: Span, help: str | None = None) -> None:
        diagnostics.append(Diagnostic(code, "error", message, span, help))

    chosen = case.setup.catalogues or test_file.defaults.catalogues
    catalogues: list[Catalogue] = []
    unresolved = False  # an unknown catalogue: sku checks would only repeat that problem
    if chosen is None:
        catalogues = list(test_file.catalogues.values())
    else:
        for name in chosen:
            cat = test_file.catalogues.get(name.text)
            if cat is None:
                error(
                    "T005",
                    f"unknown catalogue '{name.text}'",
                    name.span,
                    did_you_mean(name.text, test_file.catalogues)
                    or f"declared catalogues: {', '.join(sorted(test_file.catalogues)) or 'none'}",
                )
                unresolved = True
            else:
                catalogues.append(cat)
    known = {sku for cat in catalogues for sku in cat.products}
    line_ids: set[str] = set()
    for line in case.setup.lines:
        sku = line.product.sku
        line_ids.add(line.line_id or sku.text)
        line_ids.add(sku.text)
        if sku.text not in known and line.product.price is None and not unresolved:
            where = ", ".join(f"'{c.name}'" for c in catalogues)
            where = f"not in {where}" if where else "no catalogue is declared"
            error(
                "T002",
                f"unknown sku '{sku.text}': {where} and no price on the line",
                sku.span,
                did_you_mean(sku.text, known) or f"give it a price: `{sku.text} x 1 price 9.90`",
            )
    if not case.setup.lines:
        error(
            "T011",
            f"case {case.name!r} has an empty cart",
            case.span,
            "add a line such as `cart APPLE x 2`",
        )
    shipping = case.setup.shipping if case.setup.shipping is not None else test_file.defaults.shipping
    shipments = shipping if isinstance(shipping, tuple) else ()
    ship_names = {s.line_id or s.method.text for s in shipments} | {s.method.text for s in shipments}
    for e in case.expectations:
        if e.kind == "shipping_line" and e.target is not None and e.target.text not in ship_names:
            error(
                "T014",
                f"no shipping line '{e.target.text}' in this case",
                e.target.span,
                did_you_mean(e.target.text, ship_names)
                or "list the shipping lines first, e.g. `shipping standard 8, express 20`",
            )
        if e.kind == "line" and e.target is not None and e.target.text not in line_ids:
            error(
                "T002",
                f"no line '{e.target.text}' in this case's cart",
                e.target.span,
                did_you_mean(e.target.text, line_ids),
            )
        if e.reason is not None and e.reason.text not in REASONS:
            error(
                "T004",
                f"unknown reason '{e.reason.text}'",
                e.reason.span,
                did_you_mean(e.reason.text, REASONS) or f"reasons: {', '.join(REASONS)}",
            )
    return diagnostics
