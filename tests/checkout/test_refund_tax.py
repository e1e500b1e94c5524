"""Refunds return the tax of what they refund (docs/refunds.md#tax)."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.checkout.refunds import RefundResult, refund
from promokit.loader import loads
from promokit.models import CheckoutRequest, PricingResult

RULES = """
timezone Europe/London
currency GBP
{setting}
promotion big "spend 100 get 50 off" {{
  spend 100 get 50 off
}}
promotion tiers {{
  on category "fruit"
  spend 200 get 30 off, spend 300 get 60 off
  kind order
  stackable with big
}}
"""


def rules_for(include: bool) -> Any:
    setting = "prices include tax" if include else "prices exclude tax"
    return loads(RULES.format(setting=setting), name="refund.promo")


INCLUDE, EXCLUDE = rules_for(True), rules_for(False)


def order(rules: Any, lines: list[tuple[str, str, int, str, str]]) -> PricingResult:
    request = CheckoutRequest.model_validate(
        {
            "currency": "GBP",
            "at": "2026-10-02T10:00:00+01:00",
            "lines": [
                {"id": i, "sku": i.upper(), "unit_price": p, "quantity": q, "category": c, "tax_rate": r}
                for i, p, q, c, r in lines
            ],
        }
    )
    result: PricingResult = rules.price(request)
    return result


def test_a_refund_returns_the_tax_of_the_refunded_line() -> None:
    # 12.00 gross at 20% and 88.00 gross at 0%: 100 - 50 = 50.00, 6.00 / 44.00
    paid = order(INCLUDE, [("wine", "12.00", 1, "misc", "0.20"), ("bread", "88.00", 1, "misc", "0")])
    wine = next(x for x in paid.lines if x.id == "wine")
    assert (wine.total, wine.net, wine.tax) == (D("6.00"), D("5.00"), D("1.00"))
    back = refund(paid, {"wine": 1})
    (line,) = back.lines
    assert (line.refund, line.net, line.tax, line.gross) == (D("6.00"), D("5.00"), D("1.00"), D("6.00"))
    assert (back.net, back.tax, back.gross) == (D("5.00"), D("1.00"), D("6.00"))


def test_prices_exclude_tax_pay_back_the_gross() -> None:
    paid = order(EXCLUDE, [("wine", "10.00", 2, "misc", "0.20")])
    assert paid.tax is not None and paid.tax.gross == D("24.00")
    back = refund(paid, {"wine": 1})
    assert (back.refund, back.net, back.tax, back.gross) == (D("10.00"), D("10.00"), D("2.00"), D("12.00"))


def test_a_result_without_tax_refunds_without_tax_fields() -> None:
    paid = order(INCLUDE, [("bread", "8.00", 2, "misc", "0")])
    back = refund(paid, {"bread": 1})
    data = json.loads(back.model_dump_json())
    assert "tax" not in data and "net" not in data and "gross" not in data["lines"][0]


def test_the_tax_of_a_line_returned_unit_by_unit_adds_up_to_what_it_paid() -> None:
    # 3 x 0.35 gross at 20%: tax 0.175 -> 0.18 paid; each unit alone would round 0.0583 to 0.06
    paid = order(INCLUDE, [("gum", "0.35", 3, "misc", "0.2")])
    history: list[RefundResult] = []
    for _ in range(3):
        history.append(refund(paid, {"gum": 1}, earlier=history))
    assert [r.tax for r in history] == [D("0.06"), D("0.06"), D("0.06")]
    assert sum((r.tax or D(0) for r in history), D(0)) == paid.lines[0].tax == D("0.18")


RATES = st.sampled_from(["0", "0.05", "0.09", "0.13", "0.2", "0.0825"])


@settings(max_examples=100, deadline=None)
@given(
    st.booleans(),
    st.lists(
        st.tuples(st.sampled_from(["0.35", "9.90", "45.50", "99.00", "150.00"]), st.integers(1, 3), RATES),
        min_size=1,
        max_size=4,
    ),
    st.randoms(use_true_random=False),
)
def test_random_returns_never_refund_more_tax_or_gross_than_paid(
    include: bool, spec: list[tuple[str, int, str]], rnd: Any
) -> None:
    rules = INCLUDE if include else EXCLUDE
    lines = [(f"l{i}", p, q, "fruit" if i % 2 else "misc", r) for i, (p, q, r) in enumerate(spec)]
    paid = order(rules, lines)
    assert paid.tax is not None or include
    units = [line.id for line in paid.lines for _ in range(line.quantity)]
    rnd.shuffle(units)
    history: list[RefundResult] = []
    paid_tax = {line.id: line.tax or D(0) for line in paid.lines}
    paid_gross = sum((line.gross if line.gross is not None else line.total for line in paid.lines), D(0))
    while units:
        take = rnd.randint(1, len(units))
        batch: dict[str, int] = {}
        for line_id in units[:take]:
            batch[line_id] = batch.get(line_id, 0) + 1
        units = units[take:]
        back = refund(paid, batch, rules=rules, earlier=history)
        history.append(back)
        for line in back.lines:
            if paid.tax is not None:
                assert line.gross == (line.net or 0) + (line.tax or 0) and (line.tax or 0) >= 0
        refunded_gross = sum((r.gross if r.gross is not None else r.refund for r in history), D(0))
        assert refunded_gross <= paid_gross
        for line_id, tax in paid_tax.items():
            returned = sum((x.tax or D(0) for r in history for x in r.lines if x.id == line_id), D(0))
            assert returned <= tax
    # everything back: exactly the goods paid, tax included
    assert sum((r.gross if r.gross is not None else r.refund for r in history), D(0)) == paid_gross
