"""`engine.footprints.Footprints`: when a promotion adds exactly its saving alone."""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from contextlib import contextmanager

from helpers import D, cart, line, load

from promokit.engine.actions.eligibility import prepare
from promokit.engine.footprints import Footprints
from promokit.engine.search_memo import SearchMemo
from promokit.models import CheckoutRequest
from promokit.money import PRICING_CONTEXT

RULES = """
promotion fruit {\n on category "fruit"\n 8折\n}
promotion dairy {\n on category "dairy"\n spend 20 get 5 off\n}
promotion fresh {\n on category "fruit", "dairy"\n spend 50 get 10 off\n}
promotion ship-fruit {\n on category "fruit"\n free shipping over 10\n}
promotion ship-dairy {\n on category "dairy"\n free shipping over 10\n}
"""


def _request() -> CheckoutRequest:
    return cart(line("a", "30.00", 1, "fruit"), line("b", "25.00", 1, "dairy"), shipping="8.00")


@contextmanager
def priced(text: str = RULES) -> Iterator[tuple[SearchMemo, Footprints]]:
    rules = load(text)
    with decimal.localcontext(PRICING_CONTEXT):
        prepared = prepare(rules._compiled, _request())
        yield SearchMemo(prepared.cart, prepared.candidates), Footprints(prepared.cart)


def test_promotions_on_disjoint_lines_add_up() -> None:
    with priced() as (search, feet):
        fruit, dairy = search.by_id["fruit"], search.by_id["dairy"]
        assert feet.apart(dairy, [fruit])
        both, one, other = search.run([fruit, dairy]), search.run([fruit]), search.run([dairy])
        assert both is not None and one is not None and other is not None
        assert both.saving == one.saving + other.saving == D("11.00")


def test_a_promotion_reading_a_members_line_is_not_apart() -> None:
    with priced() as (search, feet):
        fruit, fresh = search.by_id["fruit"], search.by_id["fresh"]
        assert not feet.apart(fresh, [fruit])  # 8折 on the fruit line lowers fresh's spend


def test_shipping_promotions_share_the_fee_so_they_are_never_apart() -> None:
    with priced() as (search, feet):
        ship_fruit, ship_dairy = search.by_id["ship-fruit"], search.by_id["ship-dairy"]
        assert feet.lines(ship_fruit).isdisjoint(feet.lines(ship_dairy))
        assert not feet.apart(ship_dairy, [ship_fruit])
        both, one = search.run([ship_fruit, ship_dairy]), search.run([ship_fruit])
        assert both is not None and one is not None
        assert both.saving == one.saving == D("8.00")  # the fee is waived once, not twice


def test_an_order_cap_couples_every_promotion() -> None:
    with priced("order cap 6\n" + RULES) as (search, feet):
        fruit, dairy = search.by_id["fruit"], search.by_id["dairy"]
        assert not feet.apart(dairy, [fruit])
        both = search.run([fruit, dairy])
        assert both is not None and both.saving == D("6.00")


def test_a_condition_on_another_scope_reads_that_scopes_lines() -> None:
    # `when spend 20 on dairy` (after item discounts) reads the dairy line although the benefit
    # is on fruit: 8折 on dairy would lower it (docs/semantics.md#composed-offers)
    text = (
        'promotion dairy-pct {\n on category "dairy"\n 8折\n}\n'
        'promotion fruit-if-dairy {\n on category "fruit"\n when spend 25 on category "dairy"\n 立减5\n}\n'
    )
    with priced(text) as (search, feet):
        pct, cond = search.by_id["dairy-pct"], search.by_id["fruit-if-dairy"]
        assert not feet.apart(cond, [pct])
        both, alone = search.run([pct, cond]), search.run([cond])
        assert both is not None and alone is not None
        assert alone.saving == D("5.00") and both.saving == D("5.00")  # 25 -> 20: the condition fails
