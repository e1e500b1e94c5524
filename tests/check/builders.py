"""Small builders for checker/linter tests: ASTs written directly, each node on its own line.

Spans are distinct per node (`at(line)`) so a test can assert a diagnostic points at the
offending node rather than at the promotion as a whole.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from promokit.check.checker import check
from promokit.language.ast import (
    ALL_ITEMS,
    Action,
    Name,
    Percent,
    PercentOff,
    Promotion,
    RuleFile,
    Settings,
    Tier,
    Tiers,
)
from promokit.language.diagnostics import Diagnostic
from promokit.language.source import Span


def at(line: int, col: int = 1, width: int = 1, file: str = "a.promo") -> Span:
    return Span(file, line, col, line, col + width, 0, 0)


def d(text: str) -> Decimal:
    return Decimal(text)


def tiers(*pairs: tuple[str, str], line: int = 5) -> Tiers:
    return Tiers(
        tiers=tuple(Tier(d(t), d(o), span=at(line, 3 + 10 * i)) for i, (t, o) in enumerate(pairs)),
        span=at(line, 3),
    )


def pct(off: str, line: int = 5) -> PercentOff:
    return PercentOff(Percent(d(off), span=at(line, 3)), span=at(line, 3))


def promo(
    pid: str = "p", action: Action | None = None, line: int = 1, file: str = "a.promo", **kw: Any
) -> Promotion:
    kw.setdefault("scope", ALL_ITEMS)
    return Promotion(
        id=pid,
        title=None,
        action=action if action is not None else tiers(("100", "20")),
        span=at(line, 1, 9, file),
        id_span=at(line, 11, len(pid), file),
        **kw,
    )


def name(text: str, line: int = 2, col: int = 3) -> Name:
    return Name(text, span=at(line, col, len(text)))


def rule_file(
    *promotions: Promotion, name: str = "a.promo", settings: Settings | None = None, **kw: Any
) -> RuleFile:
    return RuleFile(
        name=name, settings=settings or Settings(), promotions=promotions, span=at(1, 1, 1, name), **kw
    )


def diags(*files: RuleFile) -> list[Diagnostic]:
    # The built files set no `timezone`; W020 (a recurring window read in UTC) is tested on
    # its own in test_silent_warnings.py and would only add noise to every window test here.
    return [d for d in check(files)[1] if d.code != "W020"]


def codes(*files: RuleFile) -> list[str]:
    return [x.code for x in diags(*files)]


def only(code: str, *files: RuleFile) -> Diagnostic:
    found = [x for x in diags(*files) if x.code == code]
    assert len(found) == 1, f"expected exactly one {code}, got {diags(*files)}"
    return found[0]
