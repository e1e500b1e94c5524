"""Audience predicates (every Condition node) and item scopes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from promokit.compile.predicates import IndexKeys, compile_audience, compile_scope
from promokit.language.ast import (
    And,
    Collection,
    Compare,
    CompareOp,
    Condition,
    Fact,
    HasMember,
    InList,
    NewCustomer,
    Not,
    Or,
    Scope,
    ScopeDecl,
    SegmentDecl,
    SegmentRef,
    Selector,
    SelectorKind,
)
from promokit.models import CheckoutRequest, Line

AT = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


def request(channel: str | None = None, **customer: Any) -> CheckoutRequest:
    return CheckoutRequest.model_validate({"at": AT, "customer": customer, "lines": [], "channel": channel})


def check(cond: Condition, req: CheckoutRequest, segments: dict[str, SegmentDecl] | None = None) -> bool:
    audience = compile_audience(cond, segments or {})
    ok = audience.matches(req)
    assert (audience.failure(req) is None) == ok  # failure() agrees with matches()
    return ok


def test_no_condition_matches_everyone() -> None:
    audience = compile_audience(None, {})
    assert audience.matches(request()) and audience.failure(request()) is None


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        (CompareOp.EQ, [False, True, False]),
        (CompareOp.NE, [True, False, True]),
        (CompareOp.LT, [True, False, False]),
        (CompareOp.LE, [True, True, False]),
        (CompareOp.GT, [False, False, True]),
        (CompareOp.GE, [False, True, True]),
    ],
)
def test_level_comparisons_at_the_boundary(op: CompareOp, expected: list[bool]) -> None:
    cond = Compare(field=Fact.LEVEL, op=op, value=Decimal(3))
    assert [check(cond, request(level=n)) for n in (2, 3, 4)] == expected


def test_failure_names_the_condition_and_what_the_customer_has() -> None:
    audience = compile_audience(Compare(field=Fact.LEVEL, op=CompareOp.GE, value=Decimal(3)), {})
    assert audience.failure(request(level=1)) == "needs level >= 3 (customer has level 1)"


def test_orders_spent_and_points_compare_as_numbers() -> None:
    assert check(Compare(field=Fact.ORDERS, op=CompareOp.LT, value=Decimal(5)), request(orders=4))
    assert not check(
        Compare(field=Fact.TOTAL_SPENT, op=CompareOp.GE, value=Decimal(1000)), request(total_spent="999.99")
    )
    assert check(
        Compare(field=Fact.TOTAL_SPENT, op=CompareOp.GE, value=Decimal(1000)), request(total_spent="1000")
    )
    assert check(Compare(field=Fact.POINTS, op=CompareOp.GE, value=Decimal(100)), request(points=100))


def test_region_equality_and_a_missing_region() -> None:
    cond = Compare(field=Fact.REGION, op=CompareOp.EQ, value="shanghai")
    assert check(cond, request(region="shanghai"))
    assert not check(cond, request())
    assert (
        compile_audience(cond, {}).failure(request())
        == 'needs region == "shanghai" (customer has region none)'
    )
    assert check(Compare(field=Fact.REGION, op=CompareOp.NE, value="shanghai"), request())


def test_region_in_and_not_in_lists() -> None:
    cond = InList(field=Fact.REGION, values=("shanghai", "beijing"))
    assert check(cond, request(region="beijing"))
    assert not check(cond, request(region="tianjin"))
    excluded = InList(field=Fact.REGION, values=("xinjiang", "tibet"), negated=True)
    assert check(excluded, request(region="shanghai"))
    assert check(excluded, request())  # no region: not in the excluded list
    assert not check(excluded, request(region="tibet"))
    assert compile_audience(excluded, {}).failure(request(region="tibet")) == (
        'needs region not in ("xinjiang", "tibet") (customer has region "tibet")'
    )


def test_channel_comes_from_the_request() -> None:
    cond = Compare(field=Fact.CHANNEL, op=CompareOp.EQ, value="app")
    assert check(cond, request(channel="app"))
    assert not check(cond, request(channel="web"))


def test_registered_date_comparisons() -> None:
    cond = Compare(field=Fact.REGISTERED, op=CompareOp.GE, value=dt.date(2026, 1, 1))
    assert check(cond, request(registered_at="2026-01-01"))
    assert not check(cond, request(registered_at="2025-12-31"))
    assert not check(cond, request())
    assert compile_audience(cond, {}).failure(request(registered_at="2025-12-31")) == (
        "needs registered >= 2026-01-01 (customer has registered 2025-12-31)"
    )


def test_custom_attributes_compare_by_type() -> None:
    card = Compare(field=Fact.ATTRIBUTE, attribute="card", op=CompareOp.EQ, value="gold")
    assert check(card, request(attributes={"card": "gold"}))
    assert not check(card, request(attributes={"card": "silver"}))
    assert not check(card, request())
    staff = Compare(field=Fact.ATTRIBUTE, attribute="staff", op=CompareOp.EQ, value=True)
    assert check(staff, request(attributes={"staff": True}))
    assert not check(staff, request(attributes={"staff": "true"}))  # a string is not a boolean
    age = Compare(field=Fact.ATTRIBUTE, attribute="age", op=CompareOp.GE, value=Decimal(18))
    assert check(age, request(attributes={"age": 18}))
    assert not check(age, request(attributes={"age": "18"}))  # not a number: not comparable
    since = Compare(field=Fact.ATTRIBUTE, attribute="since", op=CompareOp.LT, value=dt.date(2020, 1, 1))
    assert check(since, request(attributes={"since": "2019-05-01"}))  # ISO date strings compare as dates
    assert compile_audience(card, {}).failure(request(attributes={"card": "silver"})) == (
        'needs attr "card" == "gold" (customer has attr "card" "silver")'
    )


def test_strings_are_never_ordered() -> None:
    assert not check(Compare(field=Fact.REGION, op=CompareOp.LT, value="z"), request(region="a"))


def test_segment_and_tag_membership() -> None:
    vip = HasMember(value="vip", collection=Collection.SEGMENTS)
    assert check(vip, request(segments=["vip"]))
    assert not check(vip, request(tags=["vip"]))
    assert compile_audience(vip, {}).failure(request(segments=["staff"])) == (
        'needs "vip" in segments (customer has segments "staff")'
    )
    student = HasMember(value="student", collection=Collection.TAGS)
    assert check(student, request(tags=["student"]))


def test_new_customer_means_no_previous_orders() -> None:
    assert check(NewCustomer(), request(orders=0))
    assert not check(NewCustomer(), request(orders=1))
    assert compile_audience(NewCustomer(), {}).failure(request(orders=2)) == (
        "needs a new customer (customer has 2 previous orders)"
    )


GOLD = SegmentDecl(
    name="gold",
    condition=Or(
        operands=(
            Compare(field=Fact.LEVEL, op=CompareOp.GE, value=Decimal(3)),
            HasMember(value="vip", collection=Collection.SEGMENTS),
        )
    ),
)


def test_segment_references_are_resolved_at_compile_time() -> None:
    audience = compile_audience(SegmentRef(name="gold"), {"gold": GOLD})
    assert audience.matches(request(level=3))
    assert audience.matches(request(segments=["vip"]))
    assert not audience.matches(request(level=1))
    assert audience.failure(request(level=1)) == (
        "not in segment gold: needs one of: needs level >= 3 (customer has level 1); "
        'or needs "vip" in segments (customer has segments none)'
    )


def test_unknown_and_cyclic_segments_are_value_errors() -> None:
    with pytest.raises(ValueError, match="unknown segment 'nope'"):
        compile_audience(SegmentRef(name="nope"), {})
    loop = {
        "a": SegmentDecl(name="a", condition=SegmentRef(name="b")),
        "b": SegmentDecl(name="b", condition=SegmentRef(name="a")),
    }
    with pytest.raises(ValueError, match="refers to itself"):
        compile_audience(SegmentRef(name="a"), loop)


def test_and_reports_the_first_failing_operand() -> None:
    cond = And(
        operands=(
            Compare(field=Fact.LEVEL, op=CompareOp.GE, value=Decimal(2)),
            Compare(field=Fact.REGION, op=CompareOp.EQ, value="shanghai"),
        )
    )
    audience = compile_audience(cond, {})
    assert audience.matches(request(level=2, region="shanghai"))
    assert audience.failure(request(level=5, region="beijing")) == (
        'needs region == "shanghai" (customer has region "beijing")'
    )


def test_not_inverts_and_says_so() -> None:
    cond = Not(operand=And(operands=(NewCustomer(), HasMember(value="bot", collection=Collection.TAGS))))
    audience = compile_audience(cond, {})
    assert audience.matches(request(orders=0))
    assert not audience.matches(request(orders=0, tags=["bot"]))
    assert audience.failure(request(orders=0, tags=["bot"])) == 'needs not (new customer and "bot" in tags)'
    assert audience.describe() == 'not (new customer and "bot" in tags)'


# ----------------------------------------------------------------------------- scope


def line(
    sku: str = "APPLE", category: str | None = "fruit", brand: str | None = None, tags: tuple[str, ...] = ()
) -> Line:
    return Line(
        id=sku, sku=sku, category=category, brand=brand, tags=tags, unit_price=Decimal("10"), quantity=1
    )


def sel(kind: SelectorKind, *values: str) -> Selector:
    return Selector(kind=kind, values=values)


def test_one_category_scope_describes_itself_as_the_category() -> None:
    scope = compile_scope(Scope(include=(sel(SelectorKind.CATEGORY, "fruit"),)), {})
    assert scope.describe() == "fruit"
    assert scope.detail() == 'category "fruit"'
    assert scope.matches(line()) and not scope.matches(line("MILK", "dairy"))
    assert scope.keys == IndexKeys(all_items=False, categories=frozenset({"fruit"}))


def test_except_removes_lines_from_the_scope() -> None:
    scope = compile_scope(
        Scope(include=(sel(SelectorKind.CATEGORY, "fruit"),), exclude=(sel(SelectorKind.SKU, "DURIAN"),)), {}
    )
    assert scope.matches(line("APPLE"))
    assert not scope.matches(line("DURIAN"))
    assert scope.describe() == "fruit except DURIAN"
    assert scope.detail() == 'category "fruit" except sku "DURIAN"'


def test_all_items_with_exclusions() -> None:
    scope = compile_scope(
        Scope(
            include=(sel(SelectorKind.ALL),),
            exclude=(sel(SelectorKind.TAG, "no-promo"), sel(SelectorKind.BRAND, "Moutai")),
        ),
        {},
    )
    assert scope.keys.all_items
    assert scope.matches(line())
    assert not scope.matches(line(tags=("no-promo",)))
    assert not scope.matches(line("WINE", "drinks", brand="Moutai"))
    assert scope.describe() == "all items except no-promo or Moutai"


def test_selectors_of_one_scope_are_alternatives() -> None:
    scope = compile_scope(
        Scope(
            include=(
                sel(SelectorKind.CATEGORY, "fruit", "veg"),
                sel(SelectorKind.BRAND, "Oatly"),
                sel(SelectorKind.TAG, "organic"),
            )
        ),
        {},
    )
    assert scope.matches(line("KALE", "veg"))
    assert scope.matches(line("OATMILK", "dairy", brand="Oatly"))
    assert scope.matches(line("EGGS", "eggs", tags=("organic",)))
    assert not scope.matches(line("BREAD", "bakery", brand=None))
    assert not scope.matches(line("X", None, None))
    assert (
        scope.keys.categories == {"fruit", "veg"}
        and scope.keys.brands == {"Oatly"}
        and scope.keys.tags == {"organic"}
    )


def test_named_scopes_resolve_with_their_own_exceptions() -> None:
    fresh = ScopeDecl(
        name="fresh",
        scope=Scope(
            include=(sel(SelectorKind.CATEGORY, "fruit", "veg"),), exclude=(sel(SelectorKind.SKU, "DURIAN"),)
        ),
    )
    scope = compile_scope(Scope(include=(sel(SelectorKind.SCOPE, "fresh"),)), {"fresh": fresh})
    assert scope.describe() == "fresh"
    assert scope.matches(line("KALE", "veg"))
    assert not scope.matches(line("DURIAN", "fruit"))
    assert scope.keys.categories == {"fruit", "veg"}
    excluded = compile_scope(
        Scope(include=(sel(SelectorKind.ALL),), exclude=(sel(SelectorKind.SCOPE, "fresh"),)), {"fresh": fresh}
    )
    assert not excluded.matches(line("KALE", "veg"))
    assert excluded.matches(line("DURIAN", "fruit"))  # not part of "fresh", so not excluded


def test_unknown_scope_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown scope 'frsh'"):
        compile_scope(Scope(include=(sel(SelectorKind.SCOPE, "frsh"),)), {})
