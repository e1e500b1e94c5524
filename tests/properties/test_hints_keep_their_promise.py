"""Hints keep their promise (issue 12): add what a hint says, and the promised saving appears.

For generated carts over a rule set with spend thresholds (tiers, every-X, gift, shipping)
and quantity deals (buy 2 get 1, 2nd half price, 3 for 10, with a unit cap), every hint is
acted on literally:

- a spend hint ("add ¥X of S"): one new line in S, at ¥X, of a product no item-level
  promotion discounts (so the whole ¥X counts toward the threshold);
- a units hint ("add N more units"): N more units of a line already in the scope, at its price.

Then the cart is priced again with the chosen deal plus the hinted promotion, and the
promise must hold: the promotion applies (a gift from it), and when the hint names an
amount (`unlocks`), the promotion gives at least that much more than before. Hints for promotions
refused for budget, stock, limits or audience never appear.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, note, settings
from hypothesis import strategies as st

from promokit.check.frontend import parse_text
from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest, Hint

RULES = RuleSet(
    parse_text(
        """timezone Asia/Shanghai
scope produce "蔬果" = category "fruit", "veg"
promotion tiers "蔬果满减" {
  on produce
  满100减10, 满200减30
}
promotion every "肉每满100减15" {
  on category "meat"
  每满100减15 封顶30
}
promotion pct "海鲜满200打9折" {
  on category "seafood"
  10% off up to 25 over 200
}
promotion b2g1-once "冷冻买3赠1" {
  on category "frozen"
  买3赠1
  limit 1 per order
}
promotion gift "蔬菜满150赠袋" {
  on category "veg"
  满150赠 "BAG" x1
}
promotion ship "满99包邮" {
  满99包邮
}
promotion b2g1 "乳品买2赠1" {
  on category "dairy"
  买2赠1
}
promotion second "面包第二件半价" {
  on category "bakery"
  第二件半价
}
promotion bundle "饮料10元任选3件" {
  on category "drinks"
  10元任选3件
  limit 6 units per customer
}
promotion capped "限量蔬果" {
  on category "fruit"
  满300减100
  budget 50
}
""",
        "hints.promo",
    )
)

#: for spend hints: a category in the promotion's scope that no item-level deal touches
SPEND_CATEGORY = {
    "tiers": "veg",
    "every": "meat",
    "gift": "veg",
    "ship": "other",
    "capped": "fruit",
    "pct": "seafood",
}
CATEGORIES = ["fruit", "veg", "meat", "dairy", "bakery", "drinks", "seafood", "frozen", "other"]

lines = st.lists(
    st.tuples(
        st.sampled_from(CATEGORIES),
        st.integers(min_value=1, max_value=12000).map(lambda cents: Decimal(cents) / 100),
        st.integers(min_value=0, max_value=4),
    ),
    min_size=1,
    max_size=5,
)


def _request(items: list[tuple[str, Decimal, int]], extra: list[dict[str, Any]] = ()) -> CheckoutRequest:  # type: ignore[assignment]
    data = [
        {
            "id": f"l{i}",
            "sku": f"{cat.upper()}-{i}",
            "category": cat,
            "unit_price": str(price),
            "quantity": qty,
        }
        for i, (cat, price, qty) in enumerate(items)
    ]
    return CheckoutRequest.model_validate(
        {"at": "2026-10-02T10:00:00+08:00", "shipping": "8.00", "lines": data + list(extra)}
    )


def _act_on(hint: Hint, request: CheckoutRequest) -> CheckoutRequest:
    data = request.model_dump(mode="json")
    if hint.kind == "spend":
        assert hint.shortfall is not None
        category = SPEND_CATEGORY[hint.promotion]
        added = {
            "id": "added",
            "sku": "ADDED",
            "category": category,
            "unit_price": str(hint.shortfall),
            "quantity": 1,
        }
    else:
        assert hint.units is not None
        scope = RULES._compiled.by_id[hint.promotion].scope
        # more of what the cart holds: the dearest line in scope (the hint is checked on it)
        model = max(
            (ln for ln in request.lines if ln.quantity > 0 and scope.matches(ln)),
            key=lambda ln: ln.unit_price,
        )
        added = {**model.model_dump(mode="json"), "id": "added", "quantity": hint.units}
    data["lines"].append(added)
    return CheckoutRequest.model_validate(data)


@settings(max_examples=300, deadline=None)
@given(lines)
def test_acting_on_a_hint_delivers_what_it_promised(items: list[tuple[str, Decimal, int]]) -> None:
    request = _request(items)
    before = RULES.price(request, locale="zh-CN")
    refused = {
        n.promotion for n in before.not_applied if n.reason in ("budget", "stock", "limit", "audience")
    }
    for hint in before.hints:
        note(f"hint: {hint.message} / {hint.text}")
        assert hint.promotion not in refused
        assert hint.text  # rendered for the customer
        # The chosen deal plus the hinted promotion, on the cart the customer would have: the
        # best deal may then prefer something else (a threshold measured after discounts can
        # drop out, docs/semantics.md#hints), but the hint promises what its promotion gives.
        ids = {a.promotion for a in before.applied} | {hint.promotion}
        after = RULES.price_combination(_act_on(hint, request), ids)
        assert after is not None, "the hinted promotion cannot join the chosen deal"
        applied = {a.promotion: a for a in after.applied}
        assert hint.promotion in applied, f"{hint.promotion} did not apply after acting on the hint"
        if hint.unlocks is not None:
            # the promotion itself gives at least the promised extra (other deals may move:
            # a threshold measured after discounts can drop out, see docs/semantics.md#hints)
            was = next((a.amount for a in before.applied if a.promotion == hint.promotion), Decimal(0))
            # an item-level percentage is rounded line by line (docs/semantics.md#apportionment):
            # the promise of "10% of ¥200" may come out a cent short per line it lands on
            slack = Decimal("0.01") * len(applied[hint.promotion].lines) if hint.promotion == "pct" else 0
            assert applied[hint.promotion].amount >= was + hint.unlocks - slack
        if hint.gift_sku is not None:
            assert any(g.sku == hint.gift_sku and g.promotion == hint.promotion for g in after.gifts)


def test_the_generated_carts_do_get_hints_of_every_kind() -> None:
    # guards the property above against carts that never produce a hint
    kinds: set[str] = set()
    samples = [
        [("fruit", Decimal("24.75"), 4)],
        [("veg", Decimal("60.00"), 2)],
        [("meat", Decimal("90.00"), 1)],
        [("dairy", Decimal("6.90"), 1), ("bakery", Decimal("12.00"), 1), ("drinks", Decimal("4.50"), 1)],
    ]
    for items in samples:
        for hint in RULES.price(_request(items)).hints:
            kinds.add(hint.kind)
            kinds.add(hint.promotion)
    assert {"spend", "units", "tiers", "gift", "every", "ship", "b2g1", "second", "bundle"} <= kinds
