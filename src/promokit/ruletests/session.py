"""A whole run: find `.promotest` files, parse them, load their rules once, run every case.

Order of work (so that problems are reported before anything runs):
1. discover files (directories recursively, sorted);
2. parse every file (syntax, skus, catalogues: T diagnostics);
3. load every rule set the cases need (a RuleError stops the run: no case runs);
4. run the cases of every clean file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..language.diagnostics import Diagnostic, RuleError
from ..language.source import Source
from .model import TestFile
from .outcome import CaseOutcome
from .parser import parse_path
from .runner import RulesCache, rule_paths, run_case

SUFFIX = ".promotest"


def discover(paths: Sequence[str | Path]) -> tuple[list[Path], list[str]]:
    """`.promotest` files under `paths` (sorted per directory) and the paths that do not exist."""
    found: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            missing.append(str(raw))
    unique = list(dict.fromkeys(found))
    return unique, missing


@dataclass
class FileRun:
    """One test file: its parse problems (then no case ran) and its case outcomes."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    cases: list[CaseOutcome] = field(default_factory=list)
    test_file: TestFile | None = None


@dataclass
class RunReport:
    files: list[FileRun]
    rule_errors: list[RuleError] = field(default_factory=list)

    @property
    def outcomes(self) -> list[CaseOutcome]:
        return [c for f in self.files for c in f.cases]

    def count(self, status: str) -> int:
        return sum(1 for c in self.outcomes if c.status == status)

    @property
    def file_errors(self) -> int:
        return sum(1 for f in self.files if f.diagnostics)

    @property
    def ok(self) -> bool:
        return not self.rule_errors and not self.file_errors and all(c.passed for c in self.outcomes)


def load_file(path: Path) -> FileRun:
    test_file, diagnostics, source = parse_path(path)
    run = FileRun(str(path), list(diagnostics), test_file=test_file)
    if source is not None:
        run.sources[source.name] = source
    if test_file is not None:
        # An imported catalogue file's problems carry its own name; render them with its text.
        for d in diagnostics:
            if d.span.file not in run.sources:
                try:
                    run.sources[d.span.file] = Source(
                        d.span.file, Path(d.span.file).read_text(encoding="utf-8")
                    )
                except (OSError, UnicodeDecodeError):
                    pass
    return run


def prepare(files: Sequence[Path], cache: RulesCache) -> tuple[list[FileRun], list[RuleError]]:
    """Parse every file and load every rule set its cases use."""
    runs = [load_file(p) for p in files]
    rule_errors: list[RuleError] = []
    seen: set[int] = set()
    for run in runs:
        if run.test_file is None or run.diagnostics:
            continue
        for case in run.test_file.cases:
            paths, problem = rule_paths(run.test_file, case)
            if problem is not None:
                run.diagnostics.append(problem)
                continue
            rules = cache.get(paths)
            if isinstance(rules, RuleError) and id(rules) not in seen:
                seen.add(id(rules))
                rule_errors.append(rules)
    return runs, rule_errors


def run_paths(paths: Sequence[str | Path], *, cache: RulesCache | None = None) -> RunReport:
    """Run every case under `paths`. Nothing runs if any rule set has errors."""
    cache = cache or RulesCache()
    files, _missing = discover(paths)
    runs, rule_errors = prepare(files, cache)
    report = RunReport(runs, rule_errors)
    if rule_errors:
        return report
    for run in runs:
        if run.test_file is None or run.diagnostics:
            continue
        for case in run.test_file.cases:
            paths_for_case, _ = rule_paths(run.test_file, case)
            rules = cache.get(paths_for_case)
            assert not isinstance(rules, RuleError)  # checked in prepare()
            run.cases.append(run_case(run.test_file, case, rules))
    return report
