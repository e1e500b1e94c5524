"""Fixtures for the rule test suite; the stand-in rule set lives in ruletest_fakes.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ruletest_fakes import FakeRules

# golden_runs/ holds rule tests with deliberate problems; test_golden_runs.py runs them and
# compares the report, so the pytest plugin must not collect them as cases of this suite.
collect_ignore_glob = ["golden_runs/*"]


@pytest.fixture
def fake_rules() -> FakeRules:
    return FakeRules()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a file under tmp_path (creating directories) and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
