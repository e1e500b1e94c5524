"""Refunds as a ledger of money: an order never gets back more than it paid (issue 15, item 1)."""

from __future__ import annotations

from decimal import Decimal as D
from itertools import product
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.checkout.refund_state import Refunder
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


@pytest.fixture(scope="module")
def earning() -> Any:
    """The same promotions, and points earned on what is paid."""
    return loads(RULES + '\npromotion earn "消费积分" {\n  每1元积1分\n}\n', name="refund.promo")


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


def test_the_issue_sequence_with_units_only_refunds_no_more_than_was_paid(rules: Any) -> None:
    """The same returns told by units only (`already_returned=`): the last one paid 99.00
    (174.00 in all) when the earlier units were taken as one return."""
    paid = order(rules, [("a", "99.00", 1, "misc"), ("b", "1.00", 1, "misc"), ("c", "100.00", 1, "misc")])
    returned: dict[str, int] = {}
    refunds = []
    for line_id in ("c", "b", "a"):
        refunds.append(refund(paid, {line_id: 1}, rules=rules, already_returned=returned).refund)
        returned[line_id] = 1
    assert refunds == [D("75.00"), D("0.00"), D("75.00")]


def test_units_only_after_one_return_that_owes_less_than_a_part_of_it(rules: Any) -> None:
    """`already_returned` cannot tell one return from two: it assumes the most the units could
    have refunded (75.00 for `c` alone), never the least (51.00 for `c` and `b` at once)."""
    paid = order(rules, [("a", "99.00", 1, "misc"), ("b", "1.00", 1, "misc"), ("c", "100.00", 1, "misc")])
    once = refund(paid, {"c": 1, "b": 1}, rules=rules)
    rest = refund(paid, {"a": 1}, rules=rules, already_returned={"c": 1, "b": 1})
    assert once.refund == D("51.00")
    assert once.refund + rest.refund <= goods_paid(paid)
    assert rest.refund == goods_paid(paid) - D("75.00")
    exact = refund(paid, {"a": 1}, rules=rules, earlier=[once])  # the safe, exact form
    assert once.refund + exact.refund == goods_paid(paid)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["1.00", "9.90", "45.50", "99.00", "100.00", "150.00"]), st.integers(1, 3)),
        min_size=1,
        max_size=4,
    ),
    st.randoms(use_true_random=False),
)
def test_random_partial_returns_by_units_only_never_refund_more_than_paid(
    earning: Any, spec: list[tuple[str, int]], rnd: Any
) -> None:
    """Only `already_returned=` (the units of earlier returns), never `earlier=`."""
    lines = [(f"l{i}", price, qty, "fruit" if i % 2 else "misc") for i, (price, qty) in enumerate(spec)]
    rules = earning
    paid = order(rules, lines)
    units = [line.id for line in paid.lines for _ in range(line.quantity)]
    rnd.shuffle(units)
    returned: dict[str, int] = {}
    total, reversed_points = D(0), 0
    while units:
        take = rnd.choice([1, 1, 2, len(units)])  # mostly small returns: more of them
        batch: dict[str, int] = {}
        for line_id in units[:take]:
            batch[line_id] = batch.get(line_id, 0) + 1
        units = units[take:]
        back = refund(paid, batch, rules=rules, already_returned=dict(returned))
        assert back.refund >= 0 and back.refund == back.amount - back.clawback
        total += back.refund
        reversed_points += back.points_reversed
        for line_id, n in batch.items():
            returned[line_id] = returned.get(line_id, 0) + n
        assert total <= goods_paid(paid)
        assert back.refunded_total >= total  # what it assumes refunded covers what was
    assert reversed_points <= paid.points_earned
    assert paid.points_earned > 0


def test_units_only_beyond_the_search_limit_assume_the_whole_frozen_share(rules: Any) -> None:
    """Over MOST_OWED_LIMIT parts of the earlier units, their frozen shares bound what they refunded."""
    paid = order(rules, [("a", "0.10", 3000, "misc"), ("b", "99.00", 1, "misc")])
    first = refund(paid, {"a": 2500}, rules=rules)
    rest = refund(paid, {"a": 500, "b": 1}, rules=rules, already_returned={"a": 2500})
    assert first.refund + rest.refund <= goods_paid(paid)
    assert rest.refund == goods_paid(paid) - first.amount  # the whole frozen share of the 2,500


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["1.00", "9.90", "45.50", "99.00", "100.00", "150.00"]), st.integers(1, 3)),
        min_size=1,
        max_size=4,
    ),
    st.randoms(use_true_random=False),
)
def test_the_most_owed_search_finds_the_maximum_of_every_part(
    rules: Any, spec: list[tuple[str, int]], rnd: Any
) -> None:
    """`Refunder.most_owed` prunes by frozen shares; it must equal the plain maximum."""
    lines = [(f"l{i}", price, qty, "fruit" if i % 2 else "misc") for i, (price, qty) in enumerate(spec)]
    paid = order(rules, lines)
    returned = {line.id: rnd.randint(0, line.quantity) for line in paid.lines}
    refunder = Refunder(paid, rules, None)
    ids = sorted(returned)
    plain = max(
        refunder.state(dict(zip(ids, units, strict=True))).net()
        for units in product(*(range(returned[i] + 1) for i in ids))
    )
    assert refunder.most_owed(returned) == max(D(0), plain)
