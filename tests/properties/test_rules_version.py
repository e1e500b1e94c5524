"""`rules_version` identifies the rules, not how they are laid out (docs/semantics.md#determinism).

The same declarations split over the same files give the same version whatever the order of
the files or of the promotions, segments and scopes inside them; changing what a promotion
does changes the version.
"""

from __future__ import annotations

import dataclasses
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.language import ast
from strategies import compile_rules, examples, rule_files


def _split(rule_file: ast.RuleFile, cut: int, rnd: random.Random) -> list[ast.RuleFile]:
    """Two files holding `rule_file`'s declarations (promotions cut at `cut`), shuffled inside."""

    def shuffled(items: tuple[object, ...]) -> tuple[object, ...]:
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    first = ast.RuleFile(
        name="a.promo",
        settings=rule_file.settings,
        segments=shuffled(rule_file.segments),  # type: ignore[arg-type]
        scopes=shuffled(rule_file.scopes),  # type: ignore[arg-type]
        promotions=shuffled(rule_file.promotions[:cut]),  # type: ignore[arg-type]
    )
    second = ast.RuleFile(
        name="b.promo",
        settings=ast.Settings(),
        promotions=shuffled(rule_file.promotions[cut:]),  # type: ignore[arg-type]
    )
    return [first, second]


@settings(max_examples=examples(100, 200))
@given(rule_files(), st.integers(0, 5), st.randoms(use_true_random=False))
def test_rules_version_ignores_the_order_of_files_and_declarations(
    rule_file: ast.RuleFile, cut: int, rnd: random.Random
) -> None:
    files = _split(rule_file, cut, rnd)
    reordered = _split(rule_file, cut, rnd)[::-1]
    assert compile_rules(*files).version == compile_rules(*reordered).version, (
        f"version depends on order: {[p.id for f in files for p in f.promotions]} vs "
        f"{[p.id for f in reordered for p in f.promotions]}"
    )


@settings(max_examples=examples(100, 200))
@given(rule_files(), st.data())
def test_rules_version_changes_when_a_promotion_changes(rule_file: ast.RuleFile, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(rule_file.promotions) - 1), label="promotion")
    promotion = rule_file.promotions[index]
    changed = dataclasses.replace(promotion, priority=promotion.priority + 1)
    promotions = rule_file.promotions[:index] + (changed,) + rule_file.promotions[index + 1 :]
    other = dataclasses.replace(rule_file, promotions=promotions)
    version = compile_rules(rule_file).version
    assert version and version == compile_rules(rule_file).version
    assert compile_rules(other).version != version, (
        f"changing {promotion.id}'s priority kept version {version}"
    )
