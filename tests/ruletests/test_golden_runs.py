"""Rule test runs with problems found against the rules, and their exact report (golden files).

Each directory under `golden_runs/` holds `.promotest` files (and rules); `promokit test DIR`
run from `golden_runs/` must print `DIR.expected` byte for byte: unknown promotion ids
(T003), missing rules (T007), unreadable catalogues (T008), invalid requests (T010), ledger
state that does not fit (T012), pricing that fails (T013), and the cases that still run.
Regenerate with `PROMOKIT_UPDATE_GOLDEN=1` and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from promokit.cli.main import main

RUNS = Path(__file__).parent / "golden_runs"
CASES = sorted(p.name for p in RUNS.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", CASES)
def test_a_run_with_problems_prints_its_golden_report(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(RUNS)
    assert main(["test", name]) == 1
    out = capsys.readouterr().out
    expected = RUNS / f"{name}.expected"
    if os.environ.get("PROMOKIT_UPDATE_GOLDEN") == "1":
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8")
