"""One points redemption per order (issue 15, item 5): two redeem promotions spent 10,000
points of a 5,000 balance, and `check` and `lint` were silent."""

from __future__ import annotations

import pytest

from promokit.language.diagnostics import RuleError
from promokit.loader import loads
from promokit.models import CheckoutRequest

TWO = """
promotion a "A" {
  redeem 100 points per 1 up to 50%
}
promotion b "B" {
  100积分抵1元 最多抵50%
}
"""


def cart() -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-10-02T10:00:00+08:00",
            "customer": {"id": "c1", "points": 5000},
            "redeem_points": 5000,
            "lines": [{"id": "l1", "sku": "A", "unit_price": "200.00", "quantity": 1}],
        }
    )


def test_two_redemptions_that_can_apply_together_are_an_error() -> None:
    with pytest.raises(RuleError) as err:
        loads(TWO, name="two.promo")
    (diagnostic,) = err.value.diagnostics
    assert diagnostic.code == "E056" and "'a' and 'b'" in diagnostic.message
    assert "exclusive group" in (diagnostic.help or "")


@pytest.mark.parametrize(
    "fix",
    [
        (
            "  redeem 100 points per 1 up to 50%\n",
            "  redeem 100 points per 1 up to 50%\n  exclusive group pts\n",
        ),
        ("  redeem 100 points per 1 up to 50%\n", "  redeem 100 points per 1 up to 50%\n  exclusive\n"),
    ],
)
def test_redemptions_that_exclude_each_other_redeem_the_balance_once(fix: tuple[str, str]) -> None:
    text = TWO.replace(*fix)
    if "group" in fix[1]:
        text = text.replace("  100积分抵1元 最多抵50%\n", "  100积分抵1元 最多抵50%\n  互斥组 pts\n")
    result = loads(text, name="fixed.promo").price(cart())
    assert 0 < result.points_redeemed <= 5000
    assert sum(a.amount for a in result.applied if a.layer == "points") <= 50
