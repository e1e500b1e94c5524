"""Reports of a rule test run: text for people, JSON for machines, and the price explanation.

A failure shows the expectation as written (with file:line:col), expected vs actual,
and the explanation of the whole price, so the operator sees *why* without re-running.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

from ..language.diagnostics import Diagnostic, render_all
from ..language.source import Source
from ..models import PricingResult
from .outcome import CaseOutcome


def explain_result(result: PricingResult) -> str:
    """The price in a few lines: the sum, each line, what applied, what did not and why, hints."""
    out = [
        f"subtotal {result.subtotal} - discount {result.discount} + shipping {result.shipping} "
        f"= total {result.total} {result.currency}"
    ]
    if result.shipping_discount:
        out.append(
            f"shipping {result.shipping_original} - {result.shipping_discount} off = {result.shipping}"
        )
    if result.shipping_lines:
        out.append("shipping lines:")
        for ship in result.shipping_lines:
            parts = ", ".join(f"{a.promotion} -{a.amount}" for a in ship.adjustments)
            out.append(
                f"  {ship.id} ({ship.method}): {ship.amount} - {ship.discount} = {ship.total}"
                + (f"  ({parts})" if parts else "")
            )
    out.append("lines:")
    for line in result.lines:
        parts = ", ".join(f"{a.promotion} -{a.amount} on {a.units}" for a in line.adjustments)
        out.append(
            f"  {line.id}: {line.quantity} x {line.unit_price} = {line.subtotal}"
            f" - {line.discount} = {line.total}" + (f"  ({parts})" if parts else "")
        )
    if result.applied:
        out.append("applied:")
        for a in result.applied:
            title = f' "{a.title}"' if a.title else ""
            extra = f", code {a.code}" if a.code else ""
            extra += f", {a.points} points" if a.points else ""
            out.append(f"  {a.promotion}{title}: -{a.amount} ({a.layer} layer{extra})")
    if result.not_applied:
        out.append("not applied:")
        for n in result.not_applied:
            lost = f", lost to {n.lost_to}" if n.lost_to else ""
            out.append(f"  {n.promotion}: {n.reason} - {n.detail}{lost}")
    if result.gifts:
        out.append("gifts: " + ", ".join(f"{g.sku} x {g.quantity} ({g.promotion})" for g in result.gifts))
    if result.points_earned or result.points_redeemed:
        out.append(f"points: earned {result.points_earned}, redeemed {result.points_redeemed}")
    if result.points_priced:
        out.append(f"points-priced goods: {result.points_priced} points")
    if result.hints:
        out.append("hints:")
        out.extend(f"  {h.promotion}: {h.message}" for h in result.hints)
    return "\n".join(out)


def _indent(text: str, by: str) -> str:
    return "\n".join(by + line if line else line for line in text.splitlines())


def render_case(outcome: CaseOutcome, *, verbose: bool = False) -> str:
    """One case: a PASS line, or FAIL/ERROR with what went wrong and the explanation."""
    case = outcome.case
    where = f"{outcome.path}:{case.span.line}"
    if outcome.status == "passed":
        return f"PASS  {where}  {case.name}" + (
            "\n" + _indent(outcome.explanation, "      ") if verbose and outcome.explanation else ""
        )
    if outcome.status == "error":
        return f"ERROR {where}  {case.name}\n" + _indent(
            render_all(outcome.diagnostics, outcome.sources), "      "
        )
    lines = [f"FAIL  {where}  {case.name}"]
    for check in outcome.failures:
        span = check.expectation.span
        lines.append(f"      {span}: {check.statement}")
        lines.append(f"        expected: {check.expected}")
        lines.append(f"        actual:   {check.actual}")
    if outcome.explanation:
        lines.append("      explanation:")
        lines.append(_indent(outcome.explanation, "        "))
    return "\n".join(lines)


def failure_text(outcome: CaseOutcome) -> str:
    """The body of a failed or erroneous case (for pytest's failure repr)."""
    body = render_case(outcome).split("\n", 1)[1:]
    return textwrap.dedent(body[0]) if body else ""


def case_json(outcome: CaseOutcome) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": outcome.path,
        "line": outcome.case.span.line,
        "name": outcome.case.name,
        "status": outcome.status,
        "failures": [
            {
                "location": str(c.expectation.span),
                "expectation": c.statement,
                "expected": c.expected,
                "actual": c.actual,
            }
            for c in outcome.failures
        ],
        "errors": [diagnostic_json(d) for d in outcome.diagnostics],
    }
    if outcome.result is not None and outcome.status != "passed":
        data["result"] = json.loads(outcome.result.model_dump_json())
        data["explanation"] = outcome.explanation
    return data


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": d.span.file,
        "line": d.span.line,
        "column": d.span.col,
        "help": d.help,
    }


def render_diagnostics(diagnostics: Sequence[Diagnostic], sources: dict[str, Source]) -> str:
    return render_all(diagnostics, sources)
