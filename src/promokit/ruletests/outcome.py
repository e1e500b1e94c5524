"""What running one rule-test case produced: its checks, result and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..language.diagnostics import Diagnostic
from ..language.source import Source
from ..models import CheckoutRequest, PricingResult
from .model import Case, Expectation

__all__ = ["CaseOutcome", "Check", "Status"]

Status = Literal["passed", "failed", "error"]


@dataclass(frozen=True, slots=True)
class Check:
    """One expectation compared with the result."""

    expectation: Expectation
    statement: str  # the `expect ...` line as written
    ok: bool
    expected: str
    actual: str


@dataclass(frozen=True)
class CaseOutcome:
    """What happened to one case: passed, failed (see `failures`) or error (see `diagnostics`)."""

    path: str
    case: Case
    status: Status
    checks: tuple[Check, ...] = ()
    result: PricingResult | None = None
    request: CheckoutRequest | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    sources: dict[str, Source] = field(default_factory=dict)
    explanation: str = ""  # why the result is what it is, for failure reports

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    @property
    def passed(self) -> bool:
        return self.status == "passed"
