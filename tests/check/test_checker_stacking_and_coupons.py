"""Checker: stacking declarations, exclusive groups, coupons and codes."""

from __future__ import annotations

from promokit.language.ast import CodePattern, Codes

from .builders import at, codes, diags, name, only, promo, rule_file


def coupon(pid: str, *texts: str, line: int = 1) -> object:
    pats = tuple(CodePattern(t, span=at(line + 1, 9 + 12 * i, len(t) + 2)) for i, t in enumerate(texts))
    return promo(pid, is_coupon=True, codes=Codes(pats, span=at(line + 1, 3)), line=line)


def test_stackable_with_an_unknown_promotion_suggests_a_close_id() -> None:
    a = promo("member-day", line=1)
    b = promo("autumn", stackable_with=(name("membr-day", line=8, col=20),), line=6)
    diag = only("E014", rule_file(a, b))
    assert (diag.span.line, diag.span.col) == (8, 20)
    assert diag.help == "did you mean 'member-day'?"


def test_stackable_with_itself_is_an_error() -> None:
    assert codes(rule_file(promo("a", stackable_with=(name("a"),)))) == ["E015"]


def test_stackable_with_an_exclusive_promotion_is_contradictory() -> None:
    a = promo("a", stackable_with=(name("b", line=3),), line=1)
    b = promo("b", exclusive=True, line=5)
    diag = only("E060", rule_file(a, b))
    assert diag.span.line == 3 and "'b' is exclusive with everything" in diag.message


def test_an_exclusive_promotion_cannot_declare_stacking() -> None:
    a = promo("a", exclusive=True, stackable_with=(name("b"),), line=1)
    b = promo("b", line=5)
    assert codes(rule_file(a, b)) == ["E062"]


def test_same_exclusive_group_and_stackable_is_contradictory() -> None:
    a = promo("a", exclusive_group=name("g", line=2), stackable_with=(name("b", line=3),), line=1)
    b = promo("b", exclusive_group=name("g", line=6), line=5)
    diag = only("E061", rule_file(a, b))
    assert diag.span.line == 3


def test_mutual_stackable_declarations_are_fine() -> None:
    a = promo("a", stackable_with=(name("b"),), line=1)
    b = promo("b", stackable_with=(name("a"),), line=5)
    c = promo("c", stackable_with=(name("a"),), line=9)
    assert codes(rule_file(a, b, c)) == []


def test_a_single_member_exclusive_group_warns_and_suggests_a_similar_group() -> None:
    a = promo("a", exclusive_group=name("order-level", line=2), line=1)
    b = promo("b", exclusive_group=name("order-level", line=6), line=5)
    c = promo("c", exclusive_group=name("order-levle", line=10), line=9)
    diag = only("W006", rule_file(a, b, c))
    assert diag.span.line == 10 and diag.help == "did you mean 'order-level'?"


def test_exclusive_plus_group_warns() -> None:
    a = promo("a", exclusive=True, exclusive_group=name("g", line=2), line=1)
    b = promo("b", exclusive_group=name("g", line=6), line=5)
    assert codes(rule_file(a, b)) == ["W007"]


def test_a_coupon_without_codes_is_an_error_at_its_id() -> None:
    diag = only("E051", rule_file(promo("welcome", is_coupon=True, line=4)))
    assert (diag.span.line, diag.span.col) == (4, 11)


def test_codes_on_a_plain_promotion_are_an_error() -> None:
    p = promo("p", codes=Codes((CodePattern("SAVE10"),), span=at(2, 3)))
    diag = only("E052", rule_file(p))
    assert diag.span.line == 2


def test_the_same_exact_code_in_two_coupons_is_an_error_case_insensitively() -> None:
    a = coupon("a", "SAVE10", line=1)
    b = coupon("b", "x", "save10", line=5)
    diag = only("E053", rule_file(a, b))  # type: ignore[arg-type]
    assert (diag.span.line, diag.span.col) == (6, 21)
    assert diag.help is not None and "a.promo:2:9" in diag.help


def test_a_code_listed_twice_in_one_coupon_warns() -> None:
    assert codes(rule_file(coupon("a", "X1", "x1"))) == ["W005"]  # type: ignore[arg-type]


def test_a_pattern_that_also_matches_another_coupons_code_warns() -> None:
    a = coupon("a", "VIP-GOLD", line=1)
    b = coupon("b", "VIP-*", line=5)
    found = diags(rule_file(a, b))  # type: ignore[arg-type]
    assert [(x.code, x.span.line) for x in found] == [("W010", 6)]


def test_an_empty_code_is_an_error() -> None:
    assert codes(rule_file(coupon("a", "  "))) == ["E054"]  # type: ignore[arg-type]


def test_distinct_codes_and_patterns_are_clean() -> None:
    assert codes(rule_file(coupon("a", "SAVE10"), coupon("b", "NEW-*", line=5))) == []  # type: ignore[arg-type]
