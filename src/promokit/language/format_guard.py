"""Refusing to print what would not read back: the formatter's last check.

`formatter.format_source` prints a file canonically (`promokit fmt --notation`, or when a
layout cannot be kept line by line). A file that parses may still hold values only the
checker rejects, and some cannot be written in another notation: `满3件100折` is "-900% off",
which no parser reads. So the printed text is parsed again; when it does not parse, the
file is refused (nothing printed) with the reason at the value that caused it — E030 for a
percentage or 折 outside its range, as `promokit check` says — and otherwise S999 (a
formatter bug: every other printed text reads back, tests/language/test_roundtrip_property.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal

from . import ast
from .diagnostics import Diagnostic
from .parser import parse_source
from .source import Source, Span


def unprintable(rule_file: ast.RuleFile, printed: str, name: str) -> list[Diagnostic]:
    """Why `printed` (the canonical text of `rule_file`) cannot stand for it; [] when it parses."""
    back, problems = parse_source(Source(name, printed))
    if back is not None and not any(d.is_error for d in problems):
        return []
    found = [_percent(p) for p in _nodes(rule_file, ast.Percent) if not p.off.is_finite() or p.off < 0]
    if found:
        return found
    first = next((d for d in problems if d.is_error), None)
    reason = first.message if first is not None else "it does not parse back"
    return [
        Diagnostic(
            "S999",
            "error",
            f"{name} cannot be printed canonically: the printed text would not read back ({reason})",
            rule_file.promotions[0].span if rule_file.promotions else _file_start(name),
            "this is a formatter bug: please report it with the file; the file is left as it is",
        )
    ]


def _percent(p: ast.Percent) -> Diagnostic:
    zhe = (Decimal(100) - p.off) / 10
    shown = f"{zhe.normalize():f}折" if p.notation is ast.Notation.ZH else f"{p.off:f}%"
    return Diagnostic(
        "E030",
        "error",
        f"{shown} takes nothing off (折 must be more than 0 and less than 10): "
        "it cannot be printed in another notation",
        p.span,
        "fix the value first (`promokit check` lists every problem): 8折 is 20% off, 9.5折 is 5% off",
    )


def _nodes(node: object, kind: type[ast.Percent]) -> Iterator[ast.Percent]:
    """Every `kind` node under `node` (the AST is frozen dataclasses, tuples and mappings)."""
    if isinstance(node, kind):
        yield node
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            yield from _nodes(getattr(node, f.name), kind)
    elif isinstance(node, tuple | list):
        for item in node:
            yield from _nodes(item, kind)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _nodes(item, kind)


def _file_start(name: str) -> Span:
    return Span(name, 1, 1, 1, 1, 0, 0)
