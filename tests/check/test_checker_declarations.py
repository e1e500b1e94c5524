"""Checker: settings merging, duplicate declarations, references and cycles."""

from __future__ import annotations

from decimal import Decimal

from promokit.check.checker import check
from promokit.language.ast import (
    Compare,
    CompareOp,
    Fact,
    Or,
    Rounding,
    Scope,
    ScopeDecl,
    SegmentDecl,
    SegmentRef,
    Selector,
    SelectorKind,
    Settings,
)

from .builders import at, codes, only, promo, rule_file


def level_at_least(n: int, line: int) -> Compare:
    return Compare(Fact.LEVEL, CompareOp.GE, Decimal(n), span=at(line, 10))


def test_settings_default_to_utc_cny_half_up_when_no_file_sets_them() -> None:
    rules, found = check([rule_file(promo())])
    assert (rules.timezone, rules.currency, rules.rounding) == ("UTC", "CNY", Rounding.HALF_UP)
    assert rules.max_order_discount is None
    assert found == []


def test_settings_are_merged_from_whichever_file_sets_them() -> None:
    a = rule_file(promo("a"), name="a.promo", settings=Settings(timezone="Asia/Shanghai"))
    b = rule_file(
        promo("b", file="b.promo"), name="b.promo", settings=Settings(currency="USD", rounding=Rounding.DOWN)
    )
    rules, found = check([a, b])
    assert (rules.timezone, rules.currency, rules.rounding) == ("Asia/Shanghai", "USD", Rounding.DOWN)
    assert found == []
    assert [p.id for p in rules.promotions] == ["a", "b"]


def test_conflicting_settings_point_at_the_second_file_and_name_the_first() -> None:
    a = rule_file(name="a.promo", settings=Settings(currency="CNY", currency_span=at(1, 1, 12, "a.promo")))
    b = rule_file(name="b.promo", settings=Settings(currency="USD", currency_span=at(3, 1, 12, "b.promo")))
    diag = only("E004", a, b)
    assert diag.span.file == "b.promo" and diag.span.line == 3
    assert "a.promo:1:1" in diag.message and "USD" in diag.message


def test_agreeing_settings_in_two_files_are_fine() -> None:
    a = rule_file(name="a.promo", settings=Settings(timezone="UTC"))
    b = rule_file(name="b.promo", settings=Settings(timezone="UTC"))
    assert codes(a, b) == []


def test_unknown_currency_suggests_the_upper_case_code() -> None:
    diag = only("E005", rule_file(settings=Settings(currency="usd")))
    assert diag.help is not None and "'USD'" in diag.help


def test_unknown_time_zone_suggests_a_close_name() -> None:
    diag = only("E006", rule_file(settings=Settings(timezone="Asia/Shanghia", timezone_span=at(2, 10, 13))))
    assert diag.span.line == 2
    assert diag.help == "did you mean 'Asia/Shanghai'?"


def test_a_path_like_time_zone_is_unknown_not_a_crash() -> None:
    for weird in ("../../etc/passwd", "/etc/localtime", "", "a\x00b", "Asia//Shanghai"):
        assert "E006" in codes(rule_file(promo(timezone=weird)))


def test_promotion_time_zone_is_checked_too() -> None:
    diag = only("E006", rule_file(promo("p", timezone="Europe/Pariss")))
    assert diag.help == "did you mean 'Europe/Paris'?"


def test_duplicate_promotion_ids_across_files_point_at_the_second() -> None:
    a = rule_file(promo("autumn", line=4), name="a.promo")
    b = rule_file(promo("autumn", line=9, file="b.promo"), name="b.promo")
    diag = only("E001", a, b)
    assert (diag.span.file, diag.span.line) == ("b.promo", 9)
    assert diag.help is not None and "a.promo:4:11" in diag.help


def test_duplicate_segment_and_scope_names_are_errors() -> None:
    seg = SegmentDecl("gold", level_at_least(3, 1), span=at(1))
    seg2 = SegmentDecl("gold", level_at_least(4, 2), span=at(2))
    sc = ScopeDecl("fresh", Scope((Selector(SelectorKind.CATEGORY, ("fruit",)),)), span=at(3))
    sc2 = ScopeDecl("fresh", Scope((Selector(SelectorKind.CATEGORY, ("veg",)),)), span=at(4))
    found = codes(rule_file(segments=(seg, seg2), scopes=(sc, sc2)))
    assert found == ["E002", "E003"]


def test_unknown_segment_in_audience_suggests_the_declared_one() -> None:
    seg = SegmentDecl("gold", level_at_least(3, 1), span=at(1))
    p = promo("p", audience=SegmentRef("gld", span=at(6, 7, 3)), line=4)
    diag = only("E010", rule_file(p, segments=(seg,)))
    assert (diag.span.line, diag.span.col) == (6, 7)
    assert diag.help == "did you mean 'gold'?"


def test_unknown_segment_without_a_close_name_lists_how_to_declare_it() -> None:
    diag = only("E010", rule_file(promo(audience=SegmentRef("xyzzy", span=at(6)))))
    assert diag.help is not None and "segment NAME" in diag.help


def test_segments_resolve_across_files() -> None:
    a = rule_file(name="a.promo", segments=(SegmentDecl("gold", level_at_least(3, 1), span=at(1)),))
    b = rule_file(promo("p", audience=SegmentRef("gold", span=at(2)), file="b.promo"), name="b.promo")
    assert codes(a, b) == []


def test_unknown_scope_reference_suggests_the_declared_one() -> None:
    sc = ScopeDecl("fresh", Scope((Selector(SelectorKind.CATEGORY, ("fruit",)),)), span=at(1))
    p = promo("p", scope=Scope((Selector(SelectorKind.SCOPE, ("fersh",), span=at(5, 6, 5)),)))
    diag = only("E011", rule_file(p, scopes=(sc,)))
    assert diag.span.line == 5 and diag.help == "did you mean 'fresh'?"


def test_a_segment_cycle_is_reported_with_its_path() -> None:
    a = SegmentDecl("a", Or((level_at_least(1, 1), SegmentRef("b", span=at(1, 20)))), span=at(1))
    b = SegmentDecl("b", SegmentRef("a", span=at(2, 9)), span=at(2))
    diag = only("E012", rule_file(segments=(a, b)))
    assert "a -> b -> a" in diag.message
    assert (diag.span.line, diag.span.col) == (2, 9)


def test_a_segment_that_refers_to_itself_is_a_cycle() -> None:
    a = SegmentDecl("a", SegmentRef("a", span=at(1, 9)), span=at(1))
    assert codes(rule_file(segments=(a,))) == ["E012"]


def test_a_scope_cycle_is_reported() -> None:
    a = ScopeDecl("a", Scope((Selector(SelectorKind.SCOPE, ("b",), span=at(1, 9)),)), span=at(1))
    b = ScopeDecl("b", Scope((Selector(SelectorKind.SCOPE, ("a",), span=at(2, 9)),)), span=at(2))
    assert codes(rule_file(scopes=(a, b))) == ["E013"]


def test_a_long_segment_chain_does_not_hit_the_recursion_limit() -> None:
    """Checked without recursion; longer than 50 it is E016 (compiling it recursed, issue 15)."""
    n = 3000
    segs = tuple(
        SegmentDecl(
            f"s{i}",
            SegmentRef(f"s{i + 1}", span=at(i + 1)) if i < n - 1 else level_at_least(1, i + 1),
            span=at(i + 1),
        )
        for i in range(n)
    )
    assert codes(rule_file(segments=segs)) == ["E016"]


def test_the_order_cap_must_be_positive_and_fit_the_currency() -> None:
    bad = rule_file(settings=Settings(max_order_discount=Decimal("0")))
    fine = rule_file(settings=Settings(max_order_discount=Decimal("200")))
    assert codes(bad) == ["E034"] and codes(fine) == []
    assert codes(rule_file(settings=Settings(max_order_discount=Decimal("1.234")))) == ["E035"]


def test_diagnostics_are_sorted_by_position() -> None:
    p1 = promo("x", audience=SegmentRef("nope", span=at(9)), line=8)
    p2 = promo("x", line=3)
    found = check([rule_file(p1, p2)])[1]
    assert [d.span.line for d in found] == sorted(d.span.line for d in found)
