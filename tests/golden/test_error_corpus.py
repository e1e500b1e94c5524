"""The golden error corpus: every `tests/golden/errors/NAME.promo` with its exact diagnostics.

Each case must produce at least one error, and its rendered diagnostics (with source lines
and carets, as `promokit check` prints them) must equal `NAME.expected` byte for byte.
Syntax cases are `syntax_*` (S codes, the front end), semantic ones `semantic_*` (E codes,
the checker). Two kinds never fail: `warning_*` cases must produce warnings and no error
(rules that would otherwise stay silent), `accepted_*` cases no error at all (input habits
that are read as the operator meant, docs/language.md#input-habits). After a deliberate message change, regenerate with
`PROMOKIT_UPDATE_GOLDEN=1 pytest tests/golden/test_error_corpus.py` and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from promokit.check.frontend import parse_paths, parse_text
from promokit.language.diagnostics import Diagnostic, RuleError, render_all
from promokit.language.parser import decode_source
from promokit.language.source import Source

CORPUS = Path(__file__).resolve().parent / "errors"
# a case is one file, or a directory of files checked as one rule set (cross-file problems)
CASES = sorted([*CORPUS.glob("*.promo"), *(p for p in CORPUS.iterdir() if p.is_dir())])


def render(path: Path) -> tuple[str, list[Diagnostic]]:
    """The diagnostics of one case, rendered as `promokit check` shows them."""
    if path.is_dir():
        return _render_rule_set(path)
    data = path.read_bytes()
    source, problems = decode_source(data, path.name)
    if source is None:
        shown = {path.name: Source(path.name, data.decode("utf-8", "replace"))}
        return render_all(problems, shown) + "\n", problems
    try:
        checked = parse_text(source.text, path.name)
    except RuleError as exc:
        return render_all(exc.diagnostics, exc.sources) + "\n", list(exc.diagnostics)
    return render_all(checked.warnings, checked.sources) + "\n", list(checked.warnings)


def _render_rule_set(folder: Path) -> tuple[str, list[Diagnostic]]:
    here = Path.cwd()
    os.chdir(CORPUS)  # names relative to the corpus, as in the expected file
    try:
        checked = parse_paths([folder.name])
    except RuleError as exc:
        return render_all(exc.diagnostics, exc.sources) + "\n", list(exc.diagnostics)
    finally:
        os.chdir(here)
    return render_all(checked.warnings, checked.sources) + "\n", list(checked.warnings)


def _expected(path: Path) -> Path:
    return path.with_suffix(".expected") if path.is_file() else path.parent / f"{path.name}.expected"


def test_the_corpus_has_at_least_forty_cases_of_which_twenty_five_are_syntax_errors() -> None:
    assert len(CASES) >= 40
    assert len([p for p in CASES if p.name.startswith("syntax_")]) >= 25


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_case_renders_exactly_its_expected_diagnostics(path: Path) -> None:
    text, diagnostics = render(path)
    if path.name.startswith("warning_"):
        assert diagnostics and not any(d.is_error for d in diagnostics), f"{path.name}: warnings only"
    elif path.name.startswith("accepted_"):
        assert not any(d.is_error for d in diagnostics), f"{path.name} is not accepted"
    else:
        assert any(d.is_error for d in diagnostics), f"{path.name} has no error"
    expected = _expected(path)
    if os.environ.get("PROMOKIT_UPDATE_GOLDEN") == "1":
        expected.write_text(text, encoding="utf-8")
    assert expected.exists(), f"missing {expected.name}: run with PROMOKIT_UPDATE_GOLDEN=1 and read it"
    assert text == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [p for p in CASES if p.name.startswith("syntax_")], ids=lambda p: p.stem)
def test_syntax_cases_fail_in_the_front_end(path: Path) -> None:
    _, diagnostics = render(path)
    assert all(d.code.startswith("S") for d in diagnostics if d.is_error)


@pytest.mark.parametrize("path", [p for p in CASES if p.name.startswith("syntax_")], ids=lambda p: p.stem)
def test_every_syntax_error_has_a_help_line(path: Path) -> None:
    _, diagnostics = render(path)
    assert all(d.help for d in diagnostics if d.is_error), [d.code for d in diagnostics if not d.help]
