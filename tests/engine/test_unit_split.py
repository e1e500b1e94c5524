"""Per-unit assignment (docs/semantics.md#item-competition): units a capped price leaves at full price go to the
next-best item promotion on the line, and the line carries both adjustments with their units."""

from __future__ import annotations

from helpers import D, applied, cart, check_invariants, line, load

FLASH_AND_CATEGORY = """
promotion flash {
  on sku "EGG"
  flash price 5.00 limit 2 per customer
}

promotion eggs80 {
  on category "eggs"
  20% off
}
"""


def test_units_over_a_flash_limit_take_the_category_discount_instead_of_full_price():
    result = load(FLASH_AND_CATEGORY).price(cart(line("e", "10.00", 5, category="eggs", sku="EGG")))
    check_invariants(result)
    # 2 units at the flash price (2 x 5.00 off) and the other 3 at 20% off (30.00 x 20%)
    assert applied(result) == {"flash": D("10.00"), "eggs80": D("6.00")}
    units = {a.promotion: a.units for a in result.lines[0].adjustments}
    assert units == {"flash": 2, "eggs80": 3}
    assert result.total == D("34.00")


def test_a_line_within_the_flash_limit_is_not_split():
    result = load(FLASH_AND_CATEGORY).price(cart(line("e", "10.00", 2, category="eggs", sku="EGG")))
    check_invariants(result)
    assert applied(result) == {"flash": D("10.00")}
    assert [a.units for a in result.lines[0].adjustments] == [2]


def test_the_split_is_the_same_whatever_the_order_of_lines():
    rules = load(FLASH_AND_CATEGORY)
    a = line("a", "10.00", 5, category="eggs", sku="EGG")
    b = line("b", "4.00", 1, category="eggs", sku="EGG")
    one, two = rules.price(cart(a, b)), rules.price(cart(b, a))
    check_invariants(one)
    assert one.total == two.total
    assert {ln.id: ln.adjustments for ln in one.lines} == {ln.id: ln.adjustments for ln in two.lines}
    # the flash limit goes to the dearer units (line a: 2 x 5.00 off), the rest take 20% off
    by_line = {ln.id: {x.promotion: (x.units, x.amount) for x in ln.adjustments} for ln in one.lines}
    assert by_line["a"] == {"flash": (2, D("10.00")), "eggs80": (3, D("6.00"))}
    assert by_line["b"] == {"eggs80": (1, D("0.80"))}
