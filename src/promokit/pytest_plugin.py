"""pytest plugin: `.promotest` rule test files run as pytest items, beside the backend's tests.

Registered through the `pytest11` entry point (`promokit = "promokit.pytest_plugin"`), so a
project that installs promokit collects every `*.promotest` file under its test paths:

    $ pytest
    tests/rules/fresh-market.promotest ........F.                   [100%]

Each case is one item named after the case; a failure shows the expectations that did not
hold (expected vs actual) and the explanation of the price. A malformed test file is a
collection error with its diagnostics; rule errors fail every case that uses those rules.
Fixtures: `promokit_ledger` (a fresh in-memory ledger per test).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .language.diagnostics import RuleError, render_all
from .ledgers import open_ledger
from .ledgers.base import Ledger
from .ruletests.model import Case, TestFile
from .ruletests.outcome import CaseOutcome
from .ruletests.report import failure_text
from .ruletests.runner import RulesCache, rule_paths, run_case
from .ruletests.session import SUFFIX, load_file

_CACHE = pytest.StashKey[RulesCache]()


class PromotestFailure(Exception):
    """A case failed or could not run; `text` is what pytest shows."""

    def __init__(self, text: str, outcome: CaseOutcome | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.outcome = outcome


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_CACHE] = RulesCache()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX):
        return PromotestFile.from_parent(parent, path=file_path)
    return None


class PromotestFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        run = load_file(self.path)
        if run.test_file is None or run.diagnostics:
            raise self.CollectError(render_all(run.diagnostics, run.sources))
        for case in run.test_file.cases:
            # "::" separates node ids; keep case names from forging one.
            name = case.name.replace("::", ": :")
            yield PromotestItem.from_parent(self, name=name, test_file=run.test_file, case=case)


class PromotestItem(pytest.Item):
    def __init__(self, *, test_file: TestFile, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test_file = test_file
        self.case = case

    def runtest(self) -> None:
        paths, problem = rule_paths(self.test_file, self.case)
        if problem is not None:
            raise PromotestFailure(render_all([problem], {self.test_file.path: self.test_file.source}))
        cache = self.config.stash.get(_CACHE, None) or RulesCache()
        rules = cache.get(paths)
        if isinstance(rules, RuleError):
            raise PromotestFailure("the rules have errors; the case cannot run\n" + str(rules))
        outcome = run_case(self.test_file, self.case, rules)
        if not outcome.passed:
            raise PromotestFailure(failure_text(outcome), outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        if isinstance(excinfo.value, PromotestFailure):
            return (
                f"{self.test_file.path}:{self.case.span.line}: case {self.case.name!r}\n{excinfo.value.text}"
            )
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.span.line - 1, f"promotest case: {self.case.name}"


@pytest.fixture
def promokit_ledger() -> Iterator[Ledger]:
    """A fresh in-memory ledger, closed after the test."""
    ledger = open_ledger("memory://")
    try:
        yield ledger
    finally:
        ledger.close()
