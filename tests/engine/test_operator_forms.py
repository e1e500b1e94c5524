"""The 中文 forms issue 9 pins, priced: each form means exactly what operators mean by it.

`tests/check/test_composed_offers.py` checks what each form parses to; this table checks what
it takes off a cart, per line. `每单限2件` caps covered units at every layer, `每行限1件` caps
each line, `每单限1次` caps applications of every action, bundles included
(docs/semantics.md#composed-offers). Catalogue as in tests/golden/test_compose_examples.py;
every expected amount is worked by hand beside it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import promokit
from promokit.models import CheckoutRequest, Line

CATALOGUE = {
    "TEA": ("drinks", "30.00"),
    "SNACK-A": ("snacks", "12.00"),
    "SNACK-B": ("snacks", "11.00"),
    "SNACK-C": ("snacks", "9.00"),
    "MILK": ("dairy", "25.00"),
    "BREAD": ("bakery", "10.00"),
}
SNACKS = 'on category "snacks"\n'
BREAD = 'on sku "BREAD"\n'

# (promotion body, cart as {sku: quantity}, discount per sku)
TABLE: list[tuple[str, dict[str, int], dict[str, str]]] = [
    # 立减10: 10 off the scope, no threshold
    ("立减10", {"MILK": 1}, {"MILK": "10.00"}),
    ("立减10", {"SNACK-C": 1}, {"SNACK-C": "9.00"}),  # never more than the goods
    # 满3件8折: 3 snack units, 20% of 35
    (SNACKS + "满3件8折", {"SNACK-A": 2, "SNACK-B": 1}, {"SNACK-A": "4.80", "SNACK-B": "2.20"}),
    (SNACKS + "满3件8折", {"SNACK-A": 2}, {"SNACK-A": "0.00"}),
    # 满3件减10: 10 over 24 + 11 in proportion: 6.857 -> 6.86, 3.14
    (SNACKS + "满3件减10", {"SNACK-A": 2, "SNACK-B": 1}, {"SNACK-A": "6.86", "SNACK-B": "3.14"}),
    (SNACKS + "满3件减10", {"SNACK-A": 2}, {"SNACK-A": "0.00"}),
    # 满100打9折，满200打8折: 150 -> 10%, 250 -> 20%, 75 -> nothing
    ("满100打9折，满200打8折", {"MILK": 6}, {"MILK": "15.00"}),
    ("满100打9折，满200打8折", {"MILK": 10}, {"MILK": "50.00"}),
    ("满100打9折，满200打8折", {"MILK": 3}, {"MILK": "0.00"}),
    # 满2件9折，满3件8折: 2 units -> 10% of 50, 3 units -> 20% of 75, 1 unit -> nothing
    ("满2件9折，满3件8折", {"MILK": 2}, {"MILK": "5.00"}),
    ("满2件9折，满3件8折", {"MILK": 3}, {"MILK": "15.00"}),
    ("满2件9折，满3件8折", {"MILK": 1}, {"MILK": "0.00"}),
    # 免费 / 0元 as a price: every unit at 0
    (BREAD + "免费", {"BREAD": 2}, {"BREAD": "20.00"}),
    (BREAD + "0元", {"BREAD": 2}, {"BREAD": "20.00"}),
    # 每单限2件: units covered per order, at every layer
    ("10% off\n每单限2件", {"BREAD": 3, "TEA": 1}, {"BREAD": "1.00", "TEA": "3.00"}),  # TEA + 1 BREAD
    ("满20减15\n每单限2件", {"BREAD": 3, "TEA": 1}, {"BREAD": "3.75", "TEA": "11.25"}),  # 15 over 10 + 30
    ("立减50\n每单限2件", {"BREAD": 6}, {"BREAD": "20.00"}),  # two units covered: at most 20
    ("满100打9折，满200打8折\n每单限2件", {"MILK": 10}, {"MILK": "10.00"}),  # 20% of 2 x 25
    ("满3件8折\n每单限2件", {"MILK": 3}, {"MILK": "10.00"}),  # 20% of 2 x 25
    ("每满20减5\n每单限2件", {"BREAD": 6}, {"BREAD": "15.00"}),  # 3 steps = 15 <= the 20 covered
    (BREAD + "免费\n每单限2件", {"BREAD": 6}, {"BREAD": "20.00"}),
    (BREAD + "每件减2\n每单限2件", {"BREAD": 6}, {"BREAD": "4.00"}),
    (BREAD + "买1赠1\n每单限2件", {"BREAD": 6}, {"BREAD": "20.00"}),  # 3 free, 2 covered
    (BREAD + "第2件半价\n每单限2件", {"BREAD": 6}, {"BREAD": "10.00"}),  # 3 half, 2 covered
    (BREAD + "3 for 20\n每单限3件", {"BREAD": 6}, {"BREAD": "10.00"}),  # one bundle of 3: 30 - 20
    (BREAD + "3 for 20\n每单限2件", {"BREAD": 6}, {"BREAD": "0.00"}),  # no whole bundle fits in 2
    # 每行限1件: at most one unit of each line
    (SNACKS + "10% off\n每行限1件", {"SNACK-A": 3, "SNACK-B": 3}, {"SNACK-A": "1.20", "SNACK-B": "1.10"}),
    ("满20减10\n每行限1件", {"SNACK-A": 3, "SNACK-B": 3}, {"SNACK-A": "5.22", "SNACK-B": "4.78"}),
    (SNACKS + "买1赠1\n每行限1件", {"SNACK-A": 2, "SNACK-B": 2}, {"SNACK-A": "12.00", "SNACK-B": "11.00"}),
    # one unit of each line makes one bundle: 12 + 11 + 9 - 20 = 12, apportioned 4.50 / 4.13 / 3.37
    (
        SNACKS + "3 for 20\n每行限1件",
        {"SNACK-A": 3, "SNACK-B": 3, "SNACK-C": 3},
        {"SNACK-A": "4.50", "SNACK-B": "4.13", "SNACK-C": "3.37"},
    ),
    # a bundle's unit choice: 12 + 11 + 9 (dearest, default) or 9 + 9 + 11 (cheapest first)
    (
        SNACKS + "3 for 20",
        {"SNACK-A": 1, "SNACK-B": 1, "SNACK-C": 2},
        {"SNACK-A": "4.50", "SNACK-B": "4.13", "SNACK-C": "3.37"},
    ),
    (
        SNACKS + "3 for 20\ncheapest first",
        {"SNACK-A": 1, "SNACK-B": 1, "SNACK-C": 2},
        {"SNACK-A": "0.00", "SNACK-B": "3.41", "SNACK-C": "5.59"},  # 9 over 11 + 18
    ),
    (  # the cheapest three (29) are not dearer than 30: no bundle, though the dearest would save
        SNACKS + "3 for 30\ncheapest first",
        {"SNACK-A": 1, "SNACK-B": 1, "SNACK-C": 2},
        {"SNACK-A": "0.00", "SNACK-B": "0.00", "SNACK-C": "0.00"},
    ),
    # 每单限1次: one application per order, whatever the action
    ("每满20减5\n每单限1次", {"BREAD": 6}, {"BREAD": "5.00"}),
    (BREAD + "第2件半价\n每单限1次", {"BREAD": 6}, {"BREAD": "5.00"}),
    (BREAD + "买1赠1\n每单限1次", {"BREAD": 6}, {"BREAD": "10.00"}),
    (BREAD + "3 for 20\n每单限1次", {"BREAD": 6}, {"BREAD": "10.00"}),  # one bundle, not two
    (BREAD + "条件 买2件 可叠加\n赠1件\n每单限1次", {"BREAD": 6}, {"BREAD": "10.00"}),  # not 3 free
    ("条件 买2件 可叠加\n立减5\n每单限1次", {"BREAD": 6}, {"BREAD": "5.00"}),
    ("条件 买2件 可叠加\n立减5", {"BREAD": 6}, {"BREAD": "15.00"}),  # without it: 3 applications
]


def _id(body: str, cart: dict[str, int]) -> str:
    return body.replace("\n", " ") + " | " + "+".join(f"{k}x{v}" for k, v in cart.items())


@pytest.mark.parametrize(("body", "cart", "expected"), TABLE, ids=[_id(b, c) for b, c, _ in TABLE])
def test_each_operator_form_prices_as_meant(
    body: str, cart: dict[str, int], expected: dict[str, str]
) -> None:
    rules = promokit.loads(f"promotion p {{\n{body}\n}}\n", name="forms.promo")
    request = CheckoutRequest(
        at=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC),
        lines=tuple(
            Line(
                id=f"l{n}",
                sku=sku,
                category=CATALOGUE[sku][0],
                unit_price=Decimal(CATALOGUE[sku][1]),
                quantity=q,
            )
            for n, (sku, q) in enumerate(cart.items(), start=1)
        ),
    )
    result = rules.price(request)
    assert {line.sku: str(line.discount) for line in result.lines} == expected
    assert result.discount == sum((Decimal(v) for v in expected.values()), Decimal(0))
