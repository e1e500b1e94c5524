"""A/B variants: stable bucketing, which promotion a customer sees, the checks (E100-E102).

docs/programs.md#ab-variants documents the bucketing these tests pin down.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import promokit
from promokit.check.frontend import parse_text
from promokit.compile.variants import BUCKETS, Experiment, bucket
from promokit.language.diagnostics import RuleError
from promokit.language.formatter import format_source
from promokit.language.source import Source
from promokit.models import CheckoutRequest

AB = """timezone Asia/Shanghai
promotion tiers-a "满减A" {
  满99减10
  实验 tiers-test 分组 A 50%
}
promotion tiers-b {
  spend 99 get 15 off
  experiment tiers-test variant B 50%
}
"""


def cart(customer: str | None) -> CheckoutRequest:
    data: dict[str, object] = {
        "at": "2026-11-24T10:00:00+08:00",
        "lines": [{"id": "l", "sku": "X", "unit_price": "100.00", "quantity": 1}],
    }
    if customer is not None:
        data["customer"] = {"id": customer}
    return CheckoutRequest.model_validate(data)


def test_bucket_is_pinned_so_every_machine_agrees() -> None:
    # SHA-256 of "experiment\ncustomer": these values must never change between versions.
    assert bucket("tiers-test", "c-1001") == 2100
    assert bucket("tiers-test", "alice") == 9147
    assert bucket("snack-tiers", "c-2001") == 4192
    assert bucket("snack-tiers", "c-2003") == 6158


def test_bucket_is_the_same_in_another_process() -> None:
    code = "from promokit.compile.variants import bucket; print(bucket('tiers-test', 'alice'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(bucket("tiers-test", "alice"))


def test_each_customer_sees_exactly_one_variant_and_the_split_follows_the_weights() -> None:
    rules = promokit.loads(AB)
    seen = {"tiers-a": 0, "tiers-b": 0}
    for i in range(400):
        result = rules.price(cart(f"c-{i}"))
        (applied,) = [a for a in result.applied if a.promotion.startswith("tiers")]
        seen[applied.promotion] += 1
        expected = "A" if bucket("tiers-test", f"c-{i}") < BUCKETS // 2 else "B"
        assert applied.variant == expected
        assert applied.amount == (Decimal("10.00") if expected == "A" else Decimal("15.00"))
        other = next(n for n in result.not_applied if n.promotion.startswith("tiers"))
        assert other.reason == "audience" and f"this customer is in variant {expected}" in other.detail
    assert 150 < seen["tiers-a"] < 250  # 400 draws of a fair split


def test_anonymous_carts_see_the_first_variant() -> None:
    result = promokit.loads(AB).price(cart(None))
    assert [(a.promotion, a.variant) for a in result.applied] == [("tiers-a", "A")]
    (miss,) = result.not_applied
    assert miss.detail == "variant B of experiment tiers-test; an anonymous cart is in variant A"


def test_changing_weights_moves_only_the_customers_it_must() -> None:
    before = Experiment("t", (("A", Decimal(50)), ("B", Decimal(50))))
    after = Experiment("t", (("A", Decimal(60)), ("B", Decimal(40))))
    ids = [f"u{i}" for i in range(5000)]
    moved = [i for i in ids if before.variant_for(i) != after.variant_for(i)]
    assert all(before.variant_for(i) == "B" and after.variant_for(i) == "A" for i in moved)
    assert all(5000 <= bucket("t", i) < 6000 for i in moved)
    assert sorted(moved) == sorted(i for i in ids if 5000 <= bucket("t", i) < 6000)


def test_a_group_of_promotions_can_share_a_variant() -> None:
    rules = promokit.loads(
        AB.replace(
            "promotion tiers-b {",
            "promotion ship-a {\n  包邮\n  实验 tiers-test 分组 A 50%\n}\npromotion tiers-b {",
        )
    )
    anonymous = rules.price(cart(None).model_copy(update={"shipping": Decimal("8.00")}))
    assert {(a.promotion, a.variant) for a in anonymous.applied} == {("tiers-a", "A"), ("ship-a", "A")}


def test_the_formatter_keeps_each_variant_in_its_notation() -> None:
    text, problems = format_source(Source("ab.promo", AB))
    assert problems == [] and text is not None
    assert "  实验 tiers-test 分组 A 50%\n" in text
    assert "  experiment tiers-test variant B 50%\n" in text
    again = parse_text(text).ast.promotions
    assert [(p.id, p.variant.name, p.variant.weight) for p in again if p.variant] == [
        ("tiers-a", "A", Decimal(50)),
        ("tiers-b", "B", Decimal(50)),
    ]
    assert promokit.loads(text).version == promokit.loads(AB).version


@pytest.mark.parametrize(
    ("b_clause", "code", "words"),
    [
        ("experiment tiers-test variant B 40%", "E102", "sum to 90%, not 100% (A 50%, B 40%)"),
        ("experiment tiers-test variant A 60%", "E101", "reused with different variants: variant A is 50%"),
        ("experiment tiers-test variant B 0%", "E100", "has weight 0%"),
        ("experiment tiers-test variant B 50.005%", "E100", "in steps of 0.01%"),
    ],
)
def test_bad_variants_are_rule_errors(b_clause: str, code: str, words: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_text(AB.replace("experiment tiers-test variant B 50%", b_clause), "ab.promo")
    (diag,) = [d for d in info.value.diagnostics if d.code == code]
    assert words in diag.message + (diag.help or "")
    assert diag.span.file == "ab.promo" and diag.span.line == 8


def test_check_cli_names_the_line_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "ab.promo"
    path.write_text(AB.replace("variant B 50%", "variant B 45%"), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "promokit", "check", str(path)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 1
    assert f"{path}:8:3: error[E102]" in out.stderr and "^^^" in out.stderr
    assert "Traceback" not in out.stderr


def test_an_unfinished_variant_clause_is_a_syntax_error_with_a_caret() -> None:
    with pytest.raises(RuleError) as info:
        parse_text("promotion p {\n  满99减10\n  experiment t variant A\n}\n", "p.promo")
    (diag,) = info.value.diagnostics
    assert (diag.span.line, diag.span.col) == (3, 25) and "expected a number" in diag.message
