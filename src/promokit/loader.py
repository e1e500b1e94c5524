"""`promokit.load` / `promokit.loads`: rule text -> checked AST -> compiled `RuleSet`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .check.frontend import parse_paths, parse_text
from .engine.ruleset import RuleSet


def load(path: str | Path) -> RuleSet:
    """Load a `.promo` file, or every `*.promo` under a directory (recursively, sorted).

    Raises `RuleError` listing every problem in every file; warnings are on `.warnings`.
    """
    return load_paths([path])


def load_paths(paths: Sequence[str | Path]) -> RuleSet:
    """Load several files and directories as one rule set (what the CLI and rule tests use)."""
    return RuleSet(parse_paths(list(paths)))


def loads(text: str, name: str = "<string>") -> RuleSet:
    """Load rules from text; `name` is used as the file name in diagnostics."""
    return RuleSet(parse_text(text, name=name))
