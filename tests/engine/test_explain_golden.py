"""`promokit explain` on the fresh-market example requests, compared with golden files.

Golden files change only on purpose: run with PROMOKIT_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from promokit.cli.price import load_request, load_rules
from promokit.engine.explain_text import render_explanation

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "fresh-market"
GOLDEN = Path(__file__).parent / "golden"
REQUESTS = sorted((EXAMPLE / "requests").glob("*.json")) if EXAMPLE.exists() else []


@pytest.mark.parametrize("request_path", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_explain_output_matches_its_golden_file(request_path: Path) -> None:
    rules = load_rules(str(EXAMPLE))
    text = render_explanation(rules.explain(load_request(str(request_path)))) + "\n"
    golden = GOLDEN / f"explain-{request_path.stem}.txt"
    if os.environ.get("PROMOKIT_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with PROMOKIT_UPDATE_GOLDEN=1 and read it"
    assert text == golden.read_text(encoding="utf-8")


def test_there_are_example_requests_to_explain() -> None:
    assert len(REQUESTS) >= 5
