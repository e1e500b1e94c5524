"""Refunds as a ledger of money: an order never gets back more than it paid (issue 15, item 1)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.checkout.refunds import RefundResult, refund
from promokit.language.diagnostics import PromokitError
from promokit.loader import loads
from promokit.models import CheckoutRequest, PricingResult

RULES = """
timezone Asia/Shanghai
currency CNY
promotion big "满100减50" {
  on all
  满100减50
}
promotion tiers "满200减30, 满300减60" {
  on category "fruit"
  满200减30, 满300减60
  kind order
  stackable with big
}
"""


@pytest.fixture(scope="module")
def rules() -> Any:
    return loads(RULES, name="refund.promo")


def order(rules: Any, lines: list[tuple[str, str, int, str]]) -> PricingResult:
    request = CheckoutRequest.model_validate(
        {
            "at": "2026-10-02T10:00:00+08:00",
            "lines": [
                {"id": i, "sku": i.upper(), "unit_price": p, "quantity": q, "category": c}
                for i, p, q, c in lines
            ],
        }
    )
    result: PricingResult = rules.price(request)
    return result


def goods_paid(result: PricingResult) -> D:
    return sum((line.total for line in result.lines), D(0))


def test_the_issue_sequence_refunds_no_more_than_was_paid(rules: Any) -> None:
    """满100减50 on 99.00 / 1.00 / 100.00: returning 100, then 1, then 99 paid 174.00 for 150.00."""
    paid = order(rules, [("a", "99.00", 1, "misc"), ("b", "1.00", 1, "misc"), ("c", "100.00", 1, "misc")])
    assert goods_paid(paid) == D("150.00")
    history: list[RefundResult] = []
    for line_id in ("c", "b", "a"):
        history.append(refund(paid, {line_id: 1}, rules=rules, earlier=history))
    assert [r.refund for r in history] == [D("75.00"), D("0.00"), D("75.00")]
    assert history[1].uncollected == D("24.00")
    assert sum(r.refund for r in history) == D("150.00") == history[-1].refunded_total


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["1.00", "9.90", "45.50", "99.00", "100.00", "150.00"]), st.integers(1, 3)),
        min_size=1,
        max_size=4,
    ),
    st.randoms(use_true_random=False),
)
def test_random_partial_returns_never_refund_more_than_paid(
    rules: Any, spec: list[tuple[str, int]], rnd: Any
) -> None:
    lines = [(f"l{i}", price, qty, "fruit" if i % 2 else "misc") for i, (price, qty) in enumerate(spec)]
    paid = order(rules, lines)
    units = [line.id for line in paid.lines for _ in range(line.quantity)]
    rnd.shuffle(units)
    history: list[RefundResult] = []
    while units:
        take = rnd.randint(1, len(units))
        batch: dict[str, int] = {}
        for line_id in units[:take]:
            batch[line_id] = batch.get(line_id, 0) + 1
        units = units[take:]
        back = refund(paid, batch, rules=rules, earlier=history)
        assert back.refund >= 0
        history.append(back)
        assert sum(r.refund for r in history) <= goods_paid(paid)
    assert sum(r.refund for r in history) == goods_paid(paid)
    assert sum(r.points_reversed for r in history) == paid.points_earned


def test_returning_units_already_returned_is_an_error(rules: Any) -> None:
    paid = order(rules, [("a", "99.00", 2, "misc")])
    with pytest.raises(PromokitError, match="only 2 were bought"):
        refund(paid, {}, rules=rules, already_returned={"a": 3})
    first = refund(paid, {"a": 2}, rules=rules)
    with pytest.raises(PromokitError, match="cannot return 1 unit"):
        refund(paid, {"a": 1}, rules=rules, earlier=[first])
    with pytest.raises(PromokitError, match="not both"):
        refund(paid, {"a": 1}, rules=rules, earlier=[first], already_returned={"a": 1})
