"""The .promotest parser: what each statement means, and the diagnostics for bad files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from promokit.language.diagnostics import Diagnostic
from promokit.ruletests import parse_cart_items, parse_path, parse_text
from promokit.ruletests.model import TestFile

FRESH = """\
catalogue fresh {
  APPLE  category fruit  price 12.50
  MILK   category dairy  brand "Bright"  tags "chilled", "local"  price 6.80
  10023  price 3 attr "origin" "yunnan"
}
"""


def parse_ok(text: str) -> TestFile:
    test_file, diagnostics = parse_text(text, "t.promotest")
    assert diagnostics == []
    assert test_file is not None
    return test_file


def errors(text: str) -> list[Diagnostic]:
    _, diagnostics = parse_text(text, "t.promotest")
    return diagnostics


def test_catalogue_entries_keep_category_brand_tags_price_and_attributes() -> None:
    test_file = parse_ok(FRESH)
    fresh = test_file.catalogues["fresh"].products
    assert fresh["APPLE"].category == "fruit" and fresh["APPLE"].price == Decimal("12.50")
    assert fresh["MILK"].brand == "Bright" and fresh["MILK"].tags == ("chilled", "local")
    assert fresh["10023"].price == Decimal(3) and fresh["10023"].attributes == (("origin", "yunnan"),)


def test_a_case_collects_request_state_and_expectations_in_order() -> None:
    test_file = parse_ok(
        FRESH
        + """
case "满100减20 at exactly 100" {
  rules "fresh.promo"          # optional
  at 2026-10-02 10:00 Asia/Shanghai
  customer id c1 level 3 segments "vip", gold orders 4 spent 1200.50 points 300 registered 2026-01-05
  customer attr "card" "gold" attr "age" 30 attr "staff" true
  cart APPLE x 8, MILK x2 price 5 category dairy
  cart 10023
  coupon "SAVE10"
  channel app
  group size 3
  redeem 500 points
  shipping 8
  customer used autumn-fruit 1 time today
  stock of flash-eggs left 0
  budget of autumn-fruit used 100.50
  code "WELCOME10" used

  expect total 80.00
  expect applied autumn-fruit 20
  expect not applied member-day because excluded by autumn-fruit
  expect hint "add" for autumn-fruit
  expect line APPLE price 10
  expect gift BAG x 2 from autumn-fruit
  expect points earned 80
}
"""
    )
    (case,) = test_file.cases
    setup = case.setup
    assert case.name == "满100减20 at exactly 100"
    assert [r.text for r in setup.rules or ()] == ["fresh.promo"]
    assert setup.at is not None
    assert (setup.at.date, setup.at.time, setup.at.zone) == (
        dt.date(2026, 10, 2),
        dt.time(10, 0),
        "Asia/Shanghai",
    )
    c = setup.customer
    assert (c.id, c.level, c.segments, c.orders, c.total_spent, c.points) == (
        "c1",
        3,
        ("vip", "gold"),
        4,
        Decimal("1200.50"),
        300,
    )
    assert c.registered_at == dt.date(2026, 1, 5)
    assert c.attributes == (("card", "gold"), ("age", 30), ("staff", True))
    assert [(ln.product.sku.text, ln.quantity, ln.product.price) for ln in setup.lines] == [
        ("APPLE", 8, None),
        ("MILK", 2, Decimal(5)),
        ("10023", 1, None),
    ]
    assert (setup.coupons, setup.channel, setup.group, setup.redeem_points, setup.shipping) == (
        ("SAVE10",),
        "app",
        (None, 3),
        500,
        Decimal(8),
    )
    assert [
        (s.kind, s.promotion.text if s.promotion else s.code, s.amount, s.today) for s in setup.state
    ] == [
        ("customer_uses", "autumn-fruit", Decimal(1), True),
        ("stock_left", "flash-eggs", Decimal(0), False),
        ("budget_used", "autumn-fruit", Decimal("100.50"), False),
        ("code_used", "WELCOME10", Decimal(1), False),
    ]
    kinds = [e.kind for e in case.expectations]
    assert kinds == ["total", "applied", "not_applied", "hint", "line", "gift", "points_earned"]
    not_applied = case.expectations[2]
    assert not_applied.reason is not None and not_applied.reason.text == "excluded"
    assert not_applied.by is not None and not_applied.by.text == "autumn-fruit"
    gift = case.expectations[5]
    assert gift.target is not None and (gift.target.text, gift.amount) == ("BAG", Decimal(2))


def test_iso_instants_carry_their_offset_and_bare_instants_leave_the_zone_to_the_rules() -> None:
    test_file = parse_ok(
        FRESH + 'case "a" {\n at 2026-10-02T10:00+08:00\n cart APPLE\n}\n'
        'case "b" {\n at 2026-10-02 23:30\n cart APPLE\n}\n'
    )
    a, b = (case.setup.at for case in test_file.cases)
    assert a is not None and a.zone == "+08:00"
    assert b is not None and b.zone is None and b.time == dt.time(23, 30)


def test_defaults_and_file_level_rules_are_kept_apart_from_cases() -> None:
    test_file = parse_ok(
        FRESH + 'rules "a.promo", "b.promo"\ndefaults {\n  at 2026-10-02 10:00\n  customer level 2\n}\n'
        'case "c" {\n  cart APPLE\n}\n'
    )
    assert [r.text for r in test_file.rules or ()] == ["a.promo", "b.promo"]
    assert test_file.defaults.customer.level == 2 and test_file.defaults.at is not None
    assert test_file.cases[0].setup.customer.level is None


def test_a_catalogue_can_be_imported_from_another_file(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "catalogue.promotest").write_text(FRESH, encoding="utf-8")
    path = tmp_path / "t.promotest"
    path.write_text(
        'catalogue fresh from "shared/catalogue.promotest"\ncase "a" {\n  cart MILK x 2\n}\n',
        encoding="utf-8",
    )
    test_file, diagnostics, _ = parse_path(path)
    assert diagnostics == []
    assert test_file is not None and test_file.catalogues["fresh"].products["MILK"].brand == "Bright"


def test_importing_a_missing_catalogue_names_the_ones_the_file_has(tmp_path: Path) -> None:
    (tmp_path / "cat.promotest").write_text(FRESH, encoding="utf-8")
    path = tmp_path / "t.promotest"
    path.write_text('catalogue frsh from "cat.promotest"\n', encoding="utf-8")
    _, diagnostics, _ = parse_path(path)
    assert [(d.code, d.message, d.help) for d in diagnostics] == [
        ("T005", "'cat.promotest' has no catalogue 'frsh'", "did you mean 'fresh'?")
    ]


def test_cart_text_parses_on_its_own_for_python_tests() -> None:
    lines, diagnostics = parse_cart_items("APPLE x 8, MILK x 2 price 6.80 tag cold id milk-1")
    assert diagnostics == []
    assert [
        (ln.product.sku.text, ln.quantity, ln.product.price, ln.line_id, ln.product.tags) for ln in lines
    ] == [("APPLE", 8, None, None, ()), ("MILK", 2, Decimal("6.80"), "milk-1", ("cold",))]


def test_a_misspelt_keyword_gets_a_did_you_mean_and_points_at_the_word() -> None:
    (d,) = errors(FRESH + 'case "a" {\n  cart APPLE x 2\n  expect totl 3\n}\n')
    assert d.code == "T001" and d.help == "did you mean 'total'?"
    assert (d.span.line, d.span.col, d.span.end_col) == (8, 10, 14)


def test_an_unknown_sku_without_a_price_is_reported_with_the_closest_known_sku() -> None:
    (d,) = errors(FRESH + 'case "a" {\n  cart APPEL x 2\n}\n')
    assert (d.code, d.help) == ("T002", "did you mean 'APPLE'?")
    assert d.message == "unknown sku 'APPEL': not in 'fresh' and no price on the line"


def test_an_unknown_sku_with_a_price_on_its_line_is_fine() -> None:
    parse_ok(FRESH + 'case "a" {\n  cart DURIAN x 1 price 80 category fruit\n}\n')


def test_an_unknown_reason_is_reported_with_the_closest_reason() -> None:
    (d,) = errors(FRESH + 'case "a" {\n  cart APPLE\n  expect not applied x because windw\n}\n')
    assert (d.code, d.message, d.help) == ("T004", "unknown reason 'windw'", "did you mean 'window'?")


def test_a_fractional_quantity_and_an_unknown_zone_are_both_reported() -> None:
    found = errors(FRESH + 'case "a" {\n  at 2026-10-02 10:00 Mars/Olympus\n  cart APPLE x 1.5\n}\n')
    assert sorted(d.code for d in found) == ["T006", "T006"]
    assert {d.message for d in found} == {
        "unknown time zone 'Mars/Olympus'",
        "quantity must be a whole number, got 1.5",
    }


def test_an_expectation_about_a_line_not_in_the_cart_is_reported() -> None:
    (d,) = errors(FRESH + 'case "a" {\n  cart APPLE\n  expect line MILK total 3\n}\n')
    assert (d.code, d.message) == ("T002", "no line 'MILK' in this case's cart")


def test_duplicate_case_names_and_empty_carts_are_reported() -> None:
    found = errors(FRESH + 'case "a" {\n  cart APPLE\n}\ncase "a" {\n}\n')
    assert sorted(d.code for d in found) == ["T009", "T011"]


def test_an_unclosed_block_names_the_line_it_was_opened_on() -> None:
    (d,) = errors('case "a" {\n  cart APPLE x 2 price 1\n')
    assert d.message == "the file ends inside a block; expected '}' to close the block opened on line 1"


def test_an_unknown_catalogue_in_a_case_is_reported() -> None:
    (d,) = errors(FRESH + 'case "a" {\n  catalogue frsh\n  cart APPLE\n}\n')
    assert (d.code, d.help) == ("T005", "did you mean 'fresh'?")


def test_an_unreadable_test_file_is_a_diagnostic_not_an_exception(tmp_path: Path) -> None:
    test_file, diagnostics, source = parse_path(tmp_path / "missing.promotest")
    assert test_file is None and source is None
    assert [d.code for d in diagnostics] == ["T008"]


def test_keywords_can_be_used_as_skus_when_quoted() -> None:
    test_file = parse_ok('case "a" {\n  cart "price" x 2 price 3\n}\n')
    assert test_file.cases[0].setup.lines[0].product.sku.text == "price"


def test_zone_names_that_are_directories_or_absurd_are_unknown_zones_not_crashes() -> None:
    for zone in ("Asia", "a" * 300, "+25:00"):
        found = errors(f'case "a" {{\n  at 2026-10-02 10:00 {zone}\n  cart X price 1\n}}\n')
        assert [d.code for d in found] == ["T006"], zone


def test_every_bad_line_of_a_file_is_reported_not_just_the_first() -> None:
    found = errors(
        FRESH + 'case "a" {\n  cart APPLE x 2\n  expect totl 3\n  custmer level 3\n  expect total 3\n}\n'
    )
    assert [(d.code, d.span.line, d.help) for d in found] == [
        ("T001", 8, "did you mean 'total'?"),
        ("T001", 9, "did you mean 'customer'?"),
    ]


def test_shipping_is_one_amount_or_shipping_lines_and_expectations_name_a_line() -> None:
    test_file = parse_ok(
        FRESH
        + 'case "lines" {\n  at 2026-10-02 10:00\n  cart APPLE x 1\n'
        + "  shipping standard 8, express 20.50 id s2\n"
        + "  expect shipping s2 10.25\n  expect shipping standard 0\n}\n"
        + 'case "one" {\n  at 2026-10-02 10:00\n  cart APPLE x 1\n  shipping 8\n}\n'
    )
    lines, one = test_file.cases
    assert isinstance(lines.setup.shipping, tuple)
    assert [(s.method.text, s.amount, s.line_id) for s in lines.setup.shipping] == [
        ("standard", Decimal(8), None),
        ("express", Decimal("20.50"), "s2"),
    ]
    assert [(e.kind, e.target.text if e.target else None, e.amount) for e in lines.expectations] == [
        ("shipping_line", "s2", Decimal("10.25")),
        ("shipping_line", "standard", Decimal(0)),
    ]
    assert one.setup.shipping == Decimal(8)
