"""Comparing one expectation with a priced result, in words an operator reads.

Each check returns `(ok, expected, actual)`; `actual` always says what the result holds
(for a promotion that did not apply: its reason and detail), so a failure needs no
debugger. Amounts compare as numbers: `80` equals `80.00`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..models import PricingResult
from .model import Expectation

Quantize = Callable[[Decimal], Decimal]


def check_expectation(e: Expectation, result: PricingResult, q: Quantize) -> tuple[bool, str, str]:
    kind = e.kind
    if kind in _AMOUNTS:
        assert e.amount is not None
        actual = _AMOUNTS[kind](result)
        return actual == e.amount, _num(e.amount), _num(actual)
    if kind == "line":
        return _line(e, result, q)
    if kind == "applied":
        return _applied(e, result)
    if kind == "not_applied":
        return _not_applied(e, result)
    if kind == "code_not_applied":
        return _code_not_applied(e, result)
    if kind == "nothing_applied":
        names = ", ".join(f"{a.promotion} ({a.amount})" for a in result.applied)
        return not result.applied, "no promotion applied", f"applied: {names}" if names else "none applied"
    if kind == "gift":
        return _gift(e, result)
    if kind == "no_gifts":
        gifts = ", ".join(f"{g.sku} x {g.quantity} from {g.promotion}" for g in result.gifts)
        return not result.gifts, "no gifts", gifts or "no gifts"
    if kind == "no_hints":
        hints = "; ".join(h.message for h in result.hints)
        return not result.hints, "no hints", f"hints: {hints}" if hints else "no hints"
    if kind == "hint":
        return _hint(e, result)
    if kind == "shipping_line":
        return _shipping_line(e, result)
    raise AssertionError(f"unhandled expectation kind {kind!r}")  # pragma: no cover - grammar and kinds agree


_AMOUNTS: dict[str, Callable[[PricingResult], Decimal]] = {
    "total": lambda r: r.total,
    "subtotal": lambda r: r.subtotal,
    "discount": lambda r: r.discount,
    "shipping": lambda r: r.shipping,
    "shipping_discount": lambda r: r.shipping_discount,
    "points_earned": lambda r: Decimal(r.points_earned),
    "points_redeemed": lambda r: Decimal(r.points_redeemed),
    "points_priced": lambda r: Decimal(r.points_priced),
    # Without tax in the result (docs/semantics.md#tax) there is none: net and gross are the total.
    "tax": lambda r: r.tax.tax if r.tax is not None else Decimal(0),
    "net": lambda r: r.tax.net if r.tax is not None else r.total,
    "gross": lambda r: r.tax.gross if r.tax is not None else r.total,
}


def _num(value: Decimal) -> str:
    return str(value)


def _line(e: Expectation, result: PricingResult, q: Quantize) -> tuple[bool, str, str]:
    assert e.target is not None and e.amount is not None
    line = next((ln for ln in result.lines if ln.id == e.target.text), None) or next(
        (ln for ln in result.lines if ln.sku == e.target.text), None
    )
    expected = f"line {e.target.text} {e.line_field} {e.amount}"
    if line is None:
        return False, expected, "no such line in the result"
    if e.line_field == "price":
        # The effective unit price: what one unit costs after discounts.
        # A zero-quantity line has no unit bought: its effective price is its list price.
        actual = q(line.total / line.quantity) if line.quantity else line.unit_price
    elif e.line_field == "discount":
        actual = line.discount
    elif e.line_field == "subtotal":
        actual = line.subtotal
    elif e.line_field in ("net", "tax", "gross"):
        value = getattr(line, e.line_field)
        # Without tax in the result: no tax, net and gross are the line total.
        actual = value if value is not None else (Decimal(0) if e.line_field == "tax" else line.total)
    else:
        actual = line.total
    return actual == e.amount, _num(e.amount), _num(actual)


def _shipping_line(e: Expectation, result: PricingResult) -> tuple[bool, str, str]:
    """`expect shipping express 0.00`: what the shipping line (by id, else by method) costs now."""
    assert e.target is not None and e.amount is not None
    name = e.target.text
    ships = result.shipping_lines
    ship = next((s for s in ships if s.id == name), None) or next(
        (s for s in ships if s.method == name), None
    )
    expected = f"shipping {name} {e.amount}"
    if ship is None:
        listed = ", ".join(f"{s.id} ({s.method})" for s in ships) or "none: the request gave one amount"
        return False, expected, f"no shipping line {name!r}; shipping lines: {listed}"
    return ship.total == e.amount, _num(e.amount), _num(ship.total)


def _outcome(result: PricingResult, promotion: str) -> str:
    """What happened to a promotion, in one phrase."""
    for a in result.applied:
        if a.promotion == promotion:
            return f"applied, {a.amount} off"
    for n in result.not_applied:
        if n.promotion == promotion:
            lost = f", lost to {n.lost_to}" if n.lost_to else ""
            return f"not applied because {n.reason} ({n.detail}{lost})"
    return "no outcome reported for it"


def _applied(e: Expectation, result: PricingResult) -> tuple[bool, str, str]:
    assert e.target is not None
    found = next((a for a in result.applied if a.promotion == e.target.text), None)
    expected = f"{e.target.text} applied" + (f", {e.amount} off" if e.amount is not None else "")
    ok = found is not None and (e.amount is None or found.amount == e.amount)
    return ok, expected, f"{e.target.text} {_outcome(result, e.target.text)}"


def _not_applied(e: Expectation, result: PricingResult) -> tuple[bool, str, str]:
    assert e.target is not None
    promotion = e.target.text
    expected = f"{promotion} not applied"
    if e.reason is not None:
        expected += f" because {e.reason.text}"
    if e.by is not None:
        expected += f" by {e.by.text}"
    actual = f"{promotion} {_outcome(result, promotion)}"
    if any(a.promotion == promotion for a in result.applied):
        return False, expected, actual
    if e.reason is None:
        return True, expected, actual
    found = next((n for n in result.not_applied if n.promotion == promotion), None)
    ok = found is not None and found.reason == e.reason.text and (e.by is None or found.lost_to == e.by.text)
    return ok, expected, actual


def _code_not_applied(e: Expectation, result: PricingResult) -> tuple[bool, str, str]:
    """`expect not applied code "FAKE" because coupon_unknown`: an entered code, by its text.

    A code that matches no coupon has no promotion id (its outcome's `promotion` is ""), so
    it is found by `code`, compared case-insensitively as codes are.
    """
    assert e.target is not None
    code = e.target.text
    expected = f"code {code!r} not applied" + (f" because {e.reason.text}" if e.reason is not None else "")
    found = next((n for n in result.not_applied if (n.code or "").casefold() == code.casefold()), None)
    used = any((a.code or "").casefold() == code.casefold() for a in result.applied)
    if found is None:
        actual = f"code {code!r} applied" if used else f"no outcome reported for code {code!r}"
        return False, expected, actual
    actual = f"code {code!r} not applied because {found.reason} ({found.detail})"
    return e.reason is None or found.reason == e.reason.text, expected, actual


def _gift(e: Expectation, result: PricingResult) -> tuple[bool, str, str]:
    assert e.target is not None
    gifts = [g for g in result.gifts if g.sku == e.target.text and (e.by is None or g.promotion == e.by.text)]
    quantity = sum(g.quantity for g in gifts)
    expected = (
        f"gift {e.target.text}"
        + (f" x {e.amount}" if e.amount is not None else "")
        + (f" from {e.by.text}" if e.by is not None else "")
    )
    ok = bool(gifts) and (e.amount is None or Decimal(quantity) == e.amount)
    listed = ", ".join(f"{g.sku} x {g.quantity} from {g.promotion}" for g in result.gifts)
    return ok, expected, f"gifts: {listed}" if listed else "no gifts"


def _hint(e: Expectation, result: PricingResult) -> tuple[bool, str, str]:
    assert e.text is not None
    wanted = e.text.casefold()
    hints = [h for h in result.hints if e.by is None or h.promotion == e.by.text]
    ok = any(wanted in h.message.casefold() for h in hints)
    expected = f"a hint containing {e.text!r}" + (f" for {e.by.text}" if e.by is not None else "")
    listed = "; ".join(f"{h.promotion}: {h.message}" for h in result.hints)
    return ok, expected, f"hints: {listed}" if listed else "no hints"
