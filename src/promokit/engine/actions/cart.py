"""`Cart`: one request resolved against the compiled rules, shared by every evaluation.

Lines are kept in a canonical order (by line id) so that apportionment ties and unit
choices do not depend on the order the backend sent the lines in (docs/semantics.md#determinism).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ...compile.compiler import CompiledPromotion
from ...models import CheckoutRequest, Line, ShippingLine
from ...money import Currency, Rounding, allocate, format_money, quantize
from ..stacking import StackableSets

ZERO = Decimal(0)


@dataclass(slots=True)
class Cart:
    request: CheckoutRequest
    lines: tuple[Line, ...]  # canonical order: sorted by line id
    subtotals: tuple[Decimal, ...]
    quantities: tuple[int, ...]
    currency: Currency
    rounding: Rounding
    max_order_discount: Decimal | None
    promotions: dict[str, CompiledPromotion]  # the candidates that passed the pre-checks
    eligible: dict[str, tuple[int, ...]]  # promotion id -> line indexes in its scope
    # the request's shipping lines (the single amount: one implicit line), read once per price call
    shipping_lines: tuple[ShippingLine, ...]
    unit_caps: dict[str, int | None] = field(default_factory=dict)  # discounted/gift units left
    unit_cap_reason: dict[str, str] = field(default_factory=dict)  # "limit" | "stock" (for words)
    budgets: dict[str, Decimal | None] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # coupon promotion id -> code entered
    # item promotion id -> its standalone per-line amounts (for the assignment heuristic)
    standalone: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    # item promotion ids of a combination -> per line, the sets of them it may go to (memo)
    choices: dict[frozenset[str], dict[int, list[tuple[str, ...]]]] = field(default_factory=dict)
    item_layers: dict[object, object] = field(default_factory=dict)  # evaluate._ItemLayer memo
    holdable: dict[str, tuple[int, ...]] = field(default_factory=dict)  # line_choices.holdable memo
    stacking: StackableSets | None = None  # over the candidates, built on first use (evaluate)
    # promotion id -> the lines its `when` condition counts (condition.condition_lines memo)
    condition_lines: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # promotion id -> the lines it reads as a bitmask (parts.line_mask memo)
    line_masks: dict[str, int] = field(default_factory=dict)
    # Under `prices exclude tax`: 1 + each line's tax rate, so that order-level amounts are
    # apportioned by gross share (docs/semantics.md#tax-apportionment); None: by what is left.
    gross_factors: tuple[Decimal, ...] | None = None

    def q(self, amount: Decimal) -> Decimal:
        """Round a computed amount with the rule set's rounding mode."""
        return quantize(amount, self.currency, self.rounding)

    def q_down(self, amount: Decimal) -> Decimal:
        return quantize(amount, self.currency, Rounding.DOWN)

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.currency)

    def gross_weights(self, lines: list[int], left: list[Decimal]) -> list[Decimal]:
        """What each of `lines` has left, weighed by gross share (docs/semantics.md#tax-apportionment)."""
        factors = self.gross_factors
        if factors is None:
            return left
        return [amount * factors[i] for i, amount in zip(lines, left, strict=True)]

    def spread(self, amount: Decimal, weights: list[Decimal], caps: list[Decimal]) -> list[Decimal]:
        """Apportion `amount` by largest remainder, never above a cap (docs/semantics.md#apportionment)."""
        return allocate(amount, weights, self.currency, caps)


def shrink(cart: Cart, amounts: dict[int, Decimal], limit: Decimal) -> dict[int, Decimal]:
    """Cut per-line amounts down to `limit` in total, proportionally (caps, budgets, order cap)."""
    total = sum(amounts.values(), ZERO)
    if total <= limit:
        return amounts
    keys = sorted(amounts)
    parts = cart.spread(max(limit, ZERO), [amounts[k] for k in keys], [amounts[k] for k in keys])
    return {k: v for k, v in zip(keys, parts, strict=True) if v > 0}
