"""Correct declarations are parsed `parser.BATCH` at a time; the result must be exactly what
parsing them one by one gives (AST with spans, and diagnostics), with or without errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit.language import parser
from promokit.language.source import Source

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").rglob("*.promo"))
GOLDEN_ERRORS = sorted((Path(__file__).resolve().parents[1] / "golden" / "errors").glob("*.promo"))


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    source = Source("t.promo", text)
    monkeypatch.setattr(parser, "BATCH", 3)
    batched = parser.parse_source(source)
    monkeypatch.setattr(parser, "BATCH", 1)
    return batched, parser.parse_source(source)


@pytest.mark.parametrize("path", EXAMPLES + GOLDEN_ERRORS, ids=lambda p: p.name)
def test_batches_give_the_same_ast_and_diagnostics_as_one_by_one(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batched, single = both_ways(path.read_text(encoding="utf-8", errors="replace"), monkeypatch)
    assert batched == single


def test_an_error_in_a_batch_still_reports_every_broken_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    good = 'promotion ok-{n} {{\n  on category "c{n}"\n  8折\n}}\n'
    text = "".join(good.format(n=n) for n in range(4))
    text += "promotion bad-1 {\n  满100减\n}\n" + good.format(n=5) + "promotion bad-2 {\n  8折 封顶\n}\n"
    (rule_file, diagnostics), single = both_ways(text, monkeypatch)
    assert (rule_file, diagnostics) == single
    assert rule_file is not None
    assert [p.id for p in rule_file.promotions] == ["ok-0", "ok-1", "ok-2", "ok-3", "ok-5"]
    assert [d.span.line for d in diagnostics] == [18, 25]  # the two broken clauses
