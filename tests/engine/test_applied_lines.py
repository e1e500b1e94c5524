"""`applied[].lines` names the lines a promotion was measured on, also when it discounts no line."""

from __future__ import annotations

from helpers import cart, check_invariants, line, load

RULES = """
promotion gift {
  on category "fruit"
  spend 50 get gift "BAG" x 1
}

promotion ship {
  满99包邮
}
"""


def test_gift_and_shipping_promotions_name_the_lines_they_were_measured_on():
    request = cart(
        line("a", "60.00", category="fruit"), line("b", "45.00", category="dairy"), shipping="8.00"
    )
    result = load(RULES).price(request)
    check_invariants(result)
    lines = {a.promotion: a.lines for a in result.applied}
    assert lines == {"gift": ("a",), "ship": ("a", "b")}
