"""Bad test files and their exact rendered diagnostics (golden files).

Each `golden/NAME.input` is parsed as `NAME.promotest`; its diagnostics, rendered as
`promokit test` prints them, must equal `golden/NAME.expected` byte for byte. After an
intended change, regenerate with `PROMOKIT_UPDATE_GOLDEN=1 pytest tests/ruletests` and read
the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from promokit.language.diagnostics import render_all
from promokit.language.source import Source
from promokit.ruletests import parse_text

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.input"))


@pytest.mark.parametrize("name", CASES)
def test_bad_test_file_renders_its_golden_diagnostics(name: str) -> None:
    text = (GOLDEN / f"{name}.input").read_text(encoding="utf-8")
    file_name = f"{name}.promotest"
    _, diagnostics = parse_text(text, file_name)
    assert diagnostics, "a golden input must have problems"
    rendered = render_all(diagnostics, {file_name: Source(file_name, text)})
    expected_path = GOLDEN / f"{name}.expected"
    if os.environ.get("PROMOKIT_UPDATE_GOLDEN"):
        expected_path.write_text(rendered + "\n", encoding="utf-8")
    assert rendered + "\n" == expected_path.read_text(encoding="utf-8")


def test_every_golden_input_has_an_expected_file() -> None:
    assert CASES, "no golden inputs found"
    for name in CASES:
        assert (GOLDEN / f"{name}.expected").exists(), name
