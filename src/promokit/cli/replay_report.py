"""Rendering a replay: a text table, JSON, CSV, and an HTML page with a cost-difference chart.

The chart is an inline SVG histogram written here (no plotting dependency): the HTML report
is one self-contained file that a CI job can keep as an artifact.
"""

from __future__ import annotations

import csv
import html
import io
import json
from decimal import Decimal
from typing import Any

from .replay_diff import ZERO, RequestDiff, Totals, cost

CSV_COLUMNS = (
    "request",
    "changed",
    "old_discount",
    "new_discount",
    "old_total",
    "new_total",
    "cost_difference",
    "old_points",
    "new_points",
    "old_gifts",
    "new_gifts",
    "promotions",
)


def _gifts(diff_side: Any) -> str:
    return " ".join(f"{g.sku}x{g.quantity}" for g in diff_side.gifts)


def _signed(x: Decimal) -> str:
    return f"+{x}" if x > 0 else str(x)


def row(d: RequestDiff) -> dict[str, Any]:
    """One request as JSON-ready data (money as decimal strings)."""
    return {
        "request": d.name,
        "changed": d.changed,
        "old_discount": str(d.old.discount),
        "new_discount": str(d.new.discount),
        "old_total": str(d.old.total),
        "new_total": str(d.new.total),
        "old_cost": str(cost(d.old)),
        "new_cost": str(cost(d.new)),
        "cost_difference": str(d.cost_difference),
        "old_points": d.old.points_earned,
        "new_points": d.new.points_earned,
        "old_gifts": _gifts(d.old),
        "new_gifts": _gifts(d.new),
        "promotions": [
            {
                "promotion": c.promotion,
                "old": None if c.old is None else str(c.old),
                "new": None if c.new is None else str(c.new),
            }
            for c in d.promotions
        ],
    }


def totals_data(t: Totals) -> dict[str, Any]:
    return {
        "requests": t.requests,
        "changed": t.changed,
        "errors": t.errors,
        "old_discount": str(t.old_discount),
        "new_discount": str(t.new_discount),
        "old_total": str(t.old_total),
        "new_total": str(t.new_total),
        "old_cost": str(t.old_cost),
        "new_cost": str(t.new_cost),
        "cost_difference": str(t.cost_difference),
        "old_points": t.old_points,
        "new_points": t.new_points,
        "promotions": dict(sorted(t.promotions.items())),
    }


def to_json(diffs: list[RequestDiff], totals: Totals, errors: list[str]) -> str:
    data = {"requests": [row(d) for d in diffs], "totals": totals_data(totals), "errors": errors}
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_csv(diffs: list[RequestDiff]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in diffs:
        r = row(d)
        r["promotions"] = " ".join(c.words() for c in d.promotions)
        writer.writerow([r[c] for c in CSV_COLUMNS])
    return buf.getvalue()


def to_text(diffs: list[RequestDiff], totals: Totals) -> str:
    out: list[str] = []
    changed = [d for d in diffs if d.changed]
    if changed:
        head = ("request", "discount", "total", "cost diff", "points", "promotions")
        rows = [head] + [
            (
                d.name,
                f"{d.old.discount} -> {d.new.discount}",
                f"{d.old.total} -> {d.new.total}",
                _signed(d.cost_difference),
                f"{d.old.points_earned} -> {d.new.points_earned}",
                "; ".join(c.words() for c in d.promotions) + ("; gifts changed" if d.gifts_changed else ""),
            )
            for d in changed
        ]
        widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
        out += ["  ".join(cell.ljust(widths[c]) for c, cell in enumerate(r)).rstrip() for r in rows]
        out.append("")
    out.append(
        f"{totals.requests} request(s), {totals.changed} changed; "
        f"discount {totals.old_discount} -> {totals.new_discount}; "
        f"cost difference {_signed(totals.cost_difference)}; "
        f"points {totals.old_points} -> {totals.new_points}"
    )
    if totals.errors:
        out.append(f"{totals.errors} input(s) could not be replayed (see above)")
    return "\n".join(out)


def _histogram(values: list[Decimal], bins: int = 12) -> str:
    """An SVG bar chart of how many requests moved the cost by how much."""
    width, height, pad = 560, 200, 30
    if not values:
        return "<p>No requests.</p>"
    lo, hi = min(values), max(values)
    span = hi - lo
    counts = [0] * bins
    for v in values:
        i = 0 if span == ZERO else min(int((v - lo) / span * bins), bins - 1)
        counts[i] += 1
    top = max(counts)
    bar_w = (width - 2 * pad) / bins
    bars = []
    for i, n in enumerate(counts):
        h = (height - 2 * pad) * n / top
        x = pad + i * bar_w
        left = lo + span * i / bins
        label = html.escape(f"{left.quantize(Decimal('0.01'))}: {n} request(s)")
        bars.append(
            f'<rect x="{x:.1f}" y="{height - pad - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
            f'fill="#4a7ebb"><title>{label}</title></rect>'
        )
    axis = (
        f'<text x="{pad}" y="{height - 8}" font-size="11">{html.escape(str(lo))}</text>'
        f'<text x="{width - pad}" y="{height - 8}" font-size="11" text-anchor="end">{html.escape(str(hi))}</text>'
        f'<text x="{pad}" y="16" font-size="11">requests (max {top}) by cost difference</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="cost difference distribution">{"".join(bars)}{axis}</svg>'
    )


def to_html(diffs: list[RequestDiff], totals: Totals, errors: list[str], title: str) -> str:
    e = html.escape
    head = "".join(
        f"<th>{e(c)}</th>" for c in ("request", "discount", "total", "cost diff", "points", "promotions")
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{e(str(c))}</td>"
            for c in (
                d.name,
                f"{d.old.discount} → {d.new.discount}",
                f"{d.old.total} → {d.new.total}",
                _signed(d.cost_difference),
                f"{d.old.points_earned} → {d.new.points_earned}",
                "; ".join(c.words() for c in d.promotions),
            )
        )
        + "</tr>"
        for d in diffs
        if d.changed
    )
    problems = "".join(f"<li>{e(x)}</li>" for x in errors)
    return (
        "<!doctype html>\n<html><head><meta charset='utf-8'>"
        f"<title>{e(title)}</title>"
        "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:left}"
        "tr:nth-child(even){background:#f3f3f3}</style></head><body>"
        f"<h1>{e(title)}</h1>"
        f"<p>{totals.requests} request(s), {totals.changed} changed; discount {totals.old_discount} → "
        f"{totals.new_discount}; cost difference {_signed(totals.cost_difference)}; points "
        f"{totals.old_points} → {totals.new_points}.</p>"
        f"<h2>Cost difference per request</h2>{_histogram([d.cost_difference for d in diffs])}"
        f"<h2>Changed requests, biggest movers first</h2><table><tr>{head}</tr>{body}</table>"
        + (f"<h2>Inputs that could not be replayed</h2><ul>{problems}</ul>" if errors else "")
        + "</body></html>\n"
    )
