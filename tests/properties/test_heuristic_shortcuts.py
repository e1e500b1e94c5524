"""The heuristic's shortcuts skip evaluations whose outcome they know; they change no result.

`Footprints.short` (an order promotion whose threshold is out of reach), `Footprints.outbid`
(an item promotion that wins none of its lines under the assignment heuristic) and
`Footprints.needed` (dropping a member that saves more than the later members fall short of
their bounds) let `selection._heuristic` and `left_out` skip evaluations. Over overlapping
offers (many shared candidates, so the heuristic answers, and many contested lines, so the
assignment heuristic prices them), the priced result, reasons and hints included, must be
the one made without them, for `price` and for `strategy="greedy"`.
"""

from __future__ import annotations

import random
from decimal import Decimal
from unittest import mock

from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from promokit.check.frontend import parse_text
from promokit.engine import left_out
from promokit.engine.footprints import Footprints
from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest

CATEGORIES = [f"k{i}" for i in range(8)]


def overlapping(seed: int) -> tuple[str, CheckoutRequest]:
    rng = random.Random(seed)
    blocks = []
    for i in range(rng.randint(20, 40)):
        scope = ", ".join(f'"{c}"' for c in rng.sample(CATEGORIES, rng.randint(1, 3)))
        kind = rng.randrange(4)
        if kind == 0:
            spend = rng.randint(3, 30) * 10
            action = f"满{spend}减{rng.randint(spend // 20, spend // 5)}"
        elif kind == 1:
            action = f"{rng.choice([7, 75, 8, 85, 9, 95])}折"
        elif kind == 2:
            action = "buy 2 get 1 free"
        else:
            action = (
                f"spend {rng.randint(5, 20) * 10} get {rng.randint(2, 9)} off\n  threshold on original prices"
            )
        exclusive = "\n  exclusive" if rng.random() < 0.2 else ""
        blocks.append(f"promotion o{i:02d} {{\n  on category {scope}\n  {action}{exclusive}\n}}")
    text = "timezone Asia/Shanghai\ncurrency CNY\n\n" + "\n\n".join(blocks) + "\n"
    lines = [
        {
            "id": f"l{n:02d}",
            "sku": f"S{n}",
            "category": rng.choice(CATEGORIES),
            "unit_price": str(Decimal(rng.randint(300, 20000)) / 100),
            "quantity": rng.randint(1, 3),
        }
        for n in range(rng.randint(6, 16))
    ]
    request = CheckoutRequest.model_validate({"at": "2026-06-01T10:00:00+08:00", "lines": lines})
    return text, request


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**9))
@example(5)  # seeds where skipping the whole drop pass would change the answer
@example(11)
@example(16)
def test_the_shortcuts_change_no_result(seed: int) -> None:
    text, request = overlapping(seed)
    note(text)
    note(request.model_dump_json())
    rules = RuleSet(parse_text(text, name="overlap.promo"))
    best, greedy = rules.price(request), rules.price(request, strategy="greedy")
    with (
        mock.patch.object(Footprints, "idle", lambda *args: False),
        mock.patch.object(Footprints, "needed", lambda *args: False),
        mock.patch.object(left_out, "_outbid_by", lambda *args: None),
    ):
        plain = RuleSet(parse_text(text, name="overlap.promo"))
        assert best == plain.price(request)
        assert greedy == plain.price(request, strategy="greedy")
