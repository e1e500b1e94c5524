"""Lint golden cases: `tests/golden/lint/LNNN_*.promo` and their exact diagnostics.

Each lint code has a triggering file and a clean counterpart (`LNNN_clean.promo`) that
must not trigger it. Output is what `promokit lint FILE --today 2026-06-01` prints: the
checker's warnings and the linter's, rendered. `NAME.catalogue.json` next to a case is
passed as the catalogue. Regenerate with PROMOKIT_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from promokit.check.frontend import parse_text
from promokit.cli.lint import read_catalogue
from promokit.language.diagnostics import Diagnostic, render_all
from promokit.lint.linter import lint

CORPUS = Path(__file__).resolve().parents[1] / "golden" / "lint"
CASES = sorted(CORPUS.glob("L*.promo"))
TODAY = dt.date(2026, 6, 1)
DOC = Path(__file__).resolve().parents[2] / "docs" / "lint.md"


def lint_case(path: Path) -> tuple[str, list[Diagnostic]]:
    checked = parse_text(path.read_text(encoding="utf-8"), path.name)
    cat_path = path.with_name(path.stem + ".catalogue.json")
    catalogue = read_catalogue(str(cat_path)) if cat_path.exists() else None
    found = sorted(
        [*checked.warnings, *lint(checked.ast, catalogue=catalogue, today=TODAY)], key=Diagnostic.sort_key
    )
    return render_all(found, checked.sources) + "\n", found


def codes_documented() -> list[str]:
    return sorted(set(re.findall(r"^## (L\d{3})\b", DOC.read_text(encoding="utf-8"), re.MULTILINE)))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_lint_case_renders_exactly_its_expected_diagnostics(path: Path) -> None:
    text, found = lint_case(path)
    expected_path = path.with_suffix(".expected")
    if os.environ.get("PROMOKIT_UPDATE_GOLDEN"):
        expected_path.write_text(text, encoding="utf-8")
    assert text == expected_path.read_text(encoding="utf-8")
    code = path.stem[:4]
    if path.stem.endswith("_clean"):
        assert code not in {d.code for d in found}, f"{path.name} must not trigger {code}"
    else:
        assert code in {d.code for d in found}, f"{path.name} must trigger {code}"


def test_every_documented_lint_code_has_a_triggering_and_a_clean_case() -> None:
    documented = codes_documented()
    assert documented, "docs/lint.md documents no codes"
    stems = {p.stem for p in CASES}
    for code in documented:
        assert f"{code}_clean" in stems, f"{code} has no clean counterpart"
        assert any(s.startswith(code + "_") and s != f"{code}_clean" for s in stems), f"{code} has no trigger"
