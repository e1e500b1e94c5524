"""Semantic golden cases: `tests/golden/errors/semantic_*.promo` and their exact diagnostics.

FRONT's `tests/golden/test_error_corpus.py` runs the whole corpus; this file pins the
checker's own cases (E/W codes) and that each one is a semantic error, not a syntax one.
Regenerate after a deliberate message change with PROMOKIT_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from promokit.check.frontend import parse_text
from promokit.language.diagnostics import RuleError, render_all

CORPUS = Path(__file__).resolve().parents[1] / "golden" / "errors"
CASES = sorted(CORPUS.glob("semantic_*.promo"))


def render(path: Path) -> tuple[str, list[str]]:
    try:
        checked = parse_text(path.read_text(encoding="utf-8"), path.name)
    except RuleError as exc:
        return render_all(exc.diagnostics, exc.sources) + "\n", [d.code for d in exc.diagnostics]
    return render_all(checked.warnings, checked.sources) + "\n", [d.code for d in checked.warnings]


def test_there_are_at_least_fifteen_semantic_cases() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_semantic_case_renders_exactly_its_expected_diagnostics(path: Path) -> None:
    text, found = render(path)
    expected_path = path.with_suffix(".expected")
    if os.environ.get("PROMOKIT_UPDATE_GOLDEN"):
        expected_path.write_text(text, encoding="utf-8")
    assert text == expected_path.read_text(encoding="utf-8")
    assert found, "a golden error case must produce diagnostics"
    assert all(code[0] in "EW" for code in found), f"{path.name} hits non-semantic codes {found}"
    assert any(code.startswith("E") for code in found)
