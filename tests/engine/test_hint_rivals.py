"""Hints skip a promotion that conflicts with the chosen deal; `Rivals` answers that for all
members at once and must agree with `compile.compiler.conflicts` member by member."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.check.frontend import parse_text
from promokit.compile.compiler import conflicts
from promokit.engine.hints import Rivals
from promokit.engine.ruleset import RuleSet
from promokit.language import ast
from strategies import compile_rules
from strategies.pricing import small_rule_sets


@settings(max_examples=200)
@given(small_rule_sets(), st.data())
def test_rivals_agree_with_conflicts_against_every_member(
    rule_file: ast.RuleFile, data: st.DataObject
) -> None:
    promotions = list(compile_rules(rule_file)._compiled.promotions)
    chosen = data.draw(st.lists(st.sampled_from(promotions), unique_by=lambda p: p.id))
    rivals = Rivals(chosen)
    for p in promotions:  # members of `chosen` too
        assert rivals.any_with(p) == any(conflicts(p, q) for q in chosen), p.id


def test_coupons_declared_stackable_are_no_rivals_but_others_are() -> None:
    text = """currency CNY
coupon ca {\n  codes "CA"\n  spend 100 get 10 off\n  stackable with cb\n}
coupon cb {\n  codes "CB"\n  spend 100 get 5 off\n}
coupon cc {\n  codes "CC"\n  spend 100 get 8 off\n}
"""
    rules = RuleSet(parse_text(text, name="coupons.promo"))
    ca, cb, cc = (rules._compiled.by_id[i] for i in ("ca", "cb", "cc"))
    assert not Rivals([ca]).any_with(cb) and not conflicts(cb, ca)
    assert Rivals([ca]).any_with(cc) and conflicts(cc, ca)
    assert Rivals([ca, cb]).any_with(cc)
    assert not Rivals([]).any_with(cc)
