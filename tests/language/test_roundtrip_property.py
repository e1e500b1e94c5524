"""Property: any rule file, printed by the formatter, parses back to the same AST.

Generated ASTs come from the shared `strategies.rule_files()`; spans are ignored
(`strip_spans`), and the file name is the one we parse under.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings

from promokit.language.ast import Notation, RuleFile, strip_spans
from promokit.language.diagnostics import render_all
from promokit.language.formatter import format_file
from promokit.language.parser import parse_source
from promokit.language.source import Source
from strategies import examples, rule_files

from .helpers import with_notation


def _reparse(text: str) -> RuleFile:
    source = Source("generated.promo", text)
    parsed, diagnostics = parse_source(source)
    assert not diagnostics, render_all(diagnostics, {source.name: source}) + "\n\n" + text
    assert parsed is not None
    return dataclasses.replace(strip_spans(parsed), span=strip_spans(parsed).span)


@settings(max_examples=examples(250, 500))
@given(rule_files())
def test_formatted_rule_files_parse_back_to_the_same_ast(rule_file: RuleFile) -> None:
    text = format_file(rule_file)
    assert _reparse(text) == strip_spans(rule_file), text


@settings(max_examples=50)
@given(rule_files())
def test_forcing_a_notation_changes_only_the_notation(rule_file: RuleFile) -> None:
    for notation in (Notation.EN, Notation.ZH):
        text = format_file(rule_file, notation)
        assert _reparse(text) == with_notation(strip_spans(rule_file), notation), text
