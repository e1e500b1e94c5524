"""`promokit.load` / `promokit.loads`: rule text -> checked AST -> compiled `RuleSet`."""

from __future__ import annotations

from pathlib import Path

from .engine import RuleSet
from .frontend import parse_paths, parse_text


def load(path: str | Path) -> RuleSet:
    """Load a `.promo` file, or every `*.promo` under a directory (recursively, sorted).

    Raises `RuleError` listing every problem in every file; warnings are on `.warnings`.
    """
    return RuleSet(parse_paths([path]))


def loads(text: str, name: str = "<string>") -> RuleSet:
    """Load rules from text; `name` is used as the file name in diagnostics."""
    return RuleSet(parse_text(text, name=name))
