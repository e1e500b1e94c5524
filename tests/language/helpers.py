"""Helpers for front-end tests: parse text to an AST, compare modulo spans and notation."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from promokit.language import ast
from promokit.language.ast import Notation
from promokit.language.diagnostics import Diagnostic, render_all
from promokit.language.formatter import zhe
from promokit.language.parser import parse_source
from promokit.language.source import Source

T = TypeVar("T")


def parse(text: str, name: str = "test.promo") -> ast.RuleFile:
    """Parse text that must be free of syntax errors; fail with the rendered diagnostics."""
    source = Source(name, text)
    rule_file, diagnostics = parse_source(source)
    assert not diagnostics, render_all(diagnostics, {name: source})
    assert rule_file is not None
    return rule_file


def errors(text: str, name: str = "test.promo") -> list[Diagnostic]:
    _, diagnostics = parse_source(Source(name, text))
    return [d for d in diagnostics if d.is_error]


def action_of(line: str) -> ast.Action:
    """The stripped AST of a one-line action inside a promotion."""
    return ast.strip_spans(parse(f"promotion p {{\n  {line}\n}}\n").promotions[0].action)


def _expressible(node: Any, notation: Notation) -> bool:
    if notation is Notation.ZH and isinstance(node, ast.Percent):
        return zhe(node.off) is not None
    return True


def with_notation(value: T, notation: Notation) -> T:
    """`value` with every `notation` field set to `notation` (what forcing a notation prints).

    A construct the forced notation cannot express (a percentage of 100 or more in 折)
    keeps English, as the formatter falls back to it.
    """
    return _set(value, notation)  # type: ignore[no-any-return]


def _set(value: Any, notation: Notation) -> Any:
    if isinstance(value, tuple):
        return tuple(_set(v, notation) for v in value)
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {f.name: _set(getattr(value, f.name), notation) for f in dataclasses.fields(value)}
    if "notation" in changes and _all_expressible(value, notation):
        changes["notation"] = notation
    if isinstance(value, ast.Settings) and value.prices_include_tax is not None:
        changes["prices_tax_notation"] = notation  # `prices include tax` / `价格含税`
    return dataclasses.replace(value, **changes)


def _all_expressible(node: Any, notation: Notation) -> bool:
    if isinstance(node, ast.NthUnitOff):
        return _expressible(node.percent, notation)
    if isinstance(node, ast.ShippingOff) and node.percent is not None:
        return _expressible(node.percent, notation)
    return _expressible(node, notation)
