"""`RuleSet` as a backend uses it: ids, exclusions, versions, hints, windows, currency."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import D, applied, cart, check_invariants, line, load, reasons

from promokit.check.frontend import parse_paths
from promokit.engine import hints
from promokit.engine.ruleset import RuleSet

ONE = 'promotion fruit {\n on category "fruit"\n 9折\n}\n'
TWO = "promotion full {\n 满100减20\n}\n"


def test_promotion_returns_the_ast_node_and_raises_for_an_unknown_id():
    rules = load(ONE + TWO)
    assert rules.promotion("full").id == "full"
    with pytest.raises(KeyError):
        rules.promotion("nope")
    with pytest.raises(KeyError):
        rules.price_combination(cart(line("a", "1.00")), ["nope"])


def test_exclude_leaves_a_promotion_out_with_a_reason():
    rules = load(ONE + TWO)
    result = rules.price(cart(line("a", "200.00", 1, "fruit")), exclude=["full"])
    check_invariants(result)
    assert applied(result) == {"fruit": D("20.00")}
    assert reasons(result) == {"full": "limit"}


def test_the_version_does_not_depend_on_file_order(tmp_path: Path):
    (tmp_path / "a.promo").write_text("timezone Asia/Shanghai\n" + ONE, encoding="utf-8")
    (tmp_path / "b.promo").write_text("timezone Asia/Shanghai\n" + TWO, encoding="utf-8")
    first = RuleSet(parse_paths([tmp_path / "a.promo", tmp_path / "b.promo"]))
    second = RuleSet(parse_paths([tmp_path / "b.promo", tmp_path / "a.promo"]))
    assert first.version == second.version
    assert first.version != load(ONE).version


def test_a_window_end_is_exclusive_in_the_rules_zone():
    rules = load("promotion night {\n during 2026-10-01 20:00 to 2026-10-01 22:00\n 9折\n}\n")
    inside = rules.price(cart(line("a", "10.00"), at="2026-10-01T21:59:59+08:00"))
    at_end = rules.price(cart(line("a", "10.00"), at="2026-10-01T14:00:00+00:00"))  # 22:00 in Shanghai
    assert applied(inside) == {"night": D("1.00")}
    assert reasons(at_end) == {"night": "window"}


def test_a_request_in_another_currency_is_refused():
    with pytest.raises(ValueError, match="USD"):
        load(TWO).price(cart(line("a", "1.00"), currency="USD"))


def test_hints_are_sorted_by_what_they_unlock_and_capped(monkeypatch: pytest.MonkeyPatch):
    rules = load(
        'promotion small {\n on category "fruit"\n 满50减5\n}\n'
        'promotion big {\n on category "veg"\n 满80减30\n}\n'
        "promotion ship {\n 满99包邮\n}\n"
    )
    request = cart(line("a", "40.00", 1, "fruit"), line("b", "10.00", 1, "veg"), shipping="6.00")
    result = rules.price(request)
    assert [h.promotion for h in result.hints] == ["big", "ship", "small"]
    assert result.hints[0].message == "add ¥70.00 of veg to get ¥30.00 off"
    monkeypatch.setattr(hints, "MAX_HINTS", 2)
    assert len(rules.price(request).hints) == 2


def test_a_threshold_shortfall_is_measured_after_item_discounts():
    rules = load(ONE + "promotion full {\n 满150减20\n}\n")
    # fruit 100.00 at 9折 leaves 90.00: 60.00 short of 满150 (not 50.00)
    result = rules.price(cart(line("a", "100.00", 1, "fruit")))
    assert applied(result) == {"fruit": D("10.00")}
    miss = result.not_applied[0]
    assert (miss.promotion, miss.reason, miss.shortfall) == ("full", "threshold", D("60.00"))
    assert result.hints[0].shortfall == D("60.00")


def test_pricing_does_not_mutate_the_request():
    request = cart(line("a", "100.00", 2, "fruit"), coupons=["X"])
    before = request.model_dump_json()
    load(ONE + TWO).price(request)
    assert request.model_dump_json() == before
