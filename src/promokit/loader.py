"""`promokit.load` / `promokit.loads`: rule text -> checked AST -> compiled `RuleSet`.

Each load logs to `promokit.load` (INFO: what was loaded and its version; WARNING: each
warning of the rule set), and with `archive=` keeps the version's sources (archive.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .archive import store
from .check.frontend import parse_paths, parse_text
from .engine.ruleset import RuleSet
from .telemetry import load_log


def load(path: str | Path, *, archive: str | Path | None = None) -> RuleSet:
    """Load a `.promo` file, or every `*.promo` under a directory (recursively, sorted).

    Raises `RuleError` listing every problem in every file; warnings are on `.warnings`.
    `archive` (a directory, or a sqlite/redis/postgresql ledger URL): also store this version's sources there,
    once per version, so `promokit.load_version(version, archive=...)` can bring it back.
    """
    rules = load_paths([path])
    if archive is not None:
        store(rules, archive)
    return rules


def load_paths(paths: Sequence[str | Path]) -> RuleSet:
    """Load several files and directories as one rule set (what the CLI and rule tests use)."""
    return _logged(RuleSet(parse_paths(list(paths))), ", ".join(str(p) for p in paths))


def loads(text: str, name: str = "<string>") -> RuleSet:
    """Load rules from text; `name` is used as the file name in diagnostics."""
    return _logged(RuleSet(parse_text(text, name=name)), name)


def _logged(rules: RuleSet, where: str) -> RuleSet:
    load_log.info(
        "loaded %d promotions from %s (version %s, %d warnings)",
        len(rules.ast.promotions),
        where,
        rules.version,
        len(rules.warnings),
    )
    for warning in rules.warnings:
        load_log.warning("%s", warning.render(rules.sources.get(warning.span.file)))
    return rules
