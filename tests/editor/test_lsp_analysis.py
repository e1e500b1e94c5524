"""The answers behind the language server and the playground, without any editor library."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from promokit.editor import analysis
from promokit.editor.hovers import ACTIONS, WORDS

ROOT = Path(__file__).resolve().parents[2]
DOCS = " ".join((ROOT / "docs" / "language.md").read_text(encoding="utf-8").split())

SETTINGS = 'timezone Asia/Shanghai\nsegment gold = level >= 3\nscope fresh = category "fruit"\n'
PROMOS = (
    'promotion fruit "水果8折" {\n'
    "  priority 5\n"
    "  on fresh\n"
    "  for gold\n"
    "  8折\n"
    "  exclusive group order-deals\n"
    "}\n"
    "\n"
    "promotion tiers {\n"
    "  满100减20, 满200减50\n"
    "  exclusive group order-deals\n"
    "}\n"
)
DOCS_SET = {"settings.promo": SETTINGS, "deals.promo": PROMOS}


@pytest.mark.parametrize(
    "phrase", sorted({t for t in WORDS.values()} | {n for _, n in ACTIONS.values() if n})
)
def test_hover_wording_is_the_docs_wording(phrase: str) -> None:
    assert " ".join(phrase.split()) in DOCS


@pytest.mark.parametrize("label", sorted({label for label, _ in ACTIONS.values()}))
def test_action_names_are_rows_of_the_notation_table(label: str) -> None:
    assert f"| {label} |" in DOCS


def test_a_clean_rule_set_across_files_has_no_diagnostics() -> None:
    assert analysis.diagnose("deals.promo", DOCS_SET, with_lint=True) == []


def test_an_error_is_reported_at_its_line_in_its_file() -> None:
    broken = dict(DOCS_SET, **{"deals.promo": PROMOS.replace("for gold", "for golden")})
    found = analysis.diagnose("deals.promo", broken)
    assert [(d.code, d.span.line, d.span.col) for d in found] == [("E010", 4, 7)]
    assert "gold" in (d := found[0]).message + (d.help or "")
    assert analysis.diagnose("settings.promo", broken) == []


def test_a_syntax_error_elsewhere_does_not_make_names_unknown_here() -> None:
    broken = dict(DOCS_SET, **{"settings.promo": SETTINGS + "promotion x {\n  满100减\n}\n"})
    assert [d.code for d in analysis.diagnose("settings.promo", broken)] == ["S001"]
    assert analysis.diagnose("deals.promo", broken) == []


def test_definition_of_segment_scope_group_and_promotion() -> None:
    view = analysis.RuleSetView.of(DOCS_SET)
    gold = analysis.definition(view, "deals.promo", 3, 8)
    assert gold == analysis.Definition("settings.promo", 1, 8, 12, "segment")
    fresh = analysis.definition(view, "deals.promo", 2, 6)
    assert fresh == analysis.Definition("settings.promo", 2, 6, 11, "scope")
    group = analysis.definition(view, "deals.promo", 10, 20)
    assert group == analysis.Definition("deals.promo", 5, 18, 29, "group")
    assert analysis.definition(view, "deals.promo", 4, 2) is None  # 8折 is not a name


def test_hover_explains_actions_clauses_and_names() -> None:
    view = analysis.RuleSetView.of(DOCS_SET)
    action = analysis.hover(view, "deals.promo", 4, 2)
    assert action is not None and "percentage off" in action and "`20% off`" in action and "`8折`" in action
    tiers = analysis.hover(view, "deals.promo", 9, 3)
    assert tiers is not None and "spend 100 get 20 off, spend 200 get 50 off" in tiers
    priority = analysis.hover(view, "deals.promo", 1, 4)
    assert priority == "**priority** — breaks ties between equally good deals (higher first); default 0"
    segment = analysis.hover(view, "deals.promo", 3, 9)
    assert segment is not None and "segment gold = level >= 3" in segment


def test_completion_offers_keywords_operators_and_names() -> None:
    view = analysis.RuleSetView.of(DOCS_SET)
    labels = {label for label, _ in analysis.complete(view, "deals.promo", 2, 2)}
    assert {"during", "满", "gold", "fresh", "fruit", "order-deals"} <= labels
    after_g = dict(analysis.complete(view, "deals.promo", 3, 7))  # `for g|`
    assert after_g.get("gold") == "segment" and all(label.startswith("g") for label in after_g)


def test_formatting_is_promokit_fmt_and_leaves_broken_files_alone() -> None:
    assert analysis.format_document("a.promo", "promotion a {\n      8折\n}\n") == "promotion a {\n  8折\n}\n"
    assert analysis.format_document("a.promo", "promotion a {\n  满100减\n}\n") is None


def _mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.4 and chars:
            del chars[min(at, len(chars) - 1)]
        elif op < 0.8:
            chars.insert(at, rng.choice('{}()"#,\n 满减折x0123456789\x00é\u202e'))
        else:
            chars[at:at] = chars[rng.randrange(len(chars)) :][:20]
    return "".join(chars)


def _corpus() -> list[tuple[str, str]]:
    files = sorted((ROOT / "tests" / "golden" / "errors").glob("*.promo"))
    return [(p.name, p.read_bytes().decode("utf-8", "replace")) for p in files]


def test_every_answer_survives_the_fuzz_corpus_and_mutated_examples() -> None:
    rng = random.Random(14)
    examples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").rglob("*.promo"))]
    texts = _corpus() + [(f"m{i}.promo", _mutate(rng.choice(examples), rng)) for i in range(150)]
    assert len(texts) > 150
    for name, text in texts:
        docs = {name: text}
        found = analysis.diagnose(name, docs, with_lint=True)
        assert all(d.code != "S999" for d in found), (name, found)
        view = analysis.RuleSetView.of(docs)
        lines = text.split("\n")
        for _ in range(5):
            line = rng.randrange(len(lines) + 1)
            column = rng.randrange(len(lines[line]) + 2) if line < len(lines) else 0
            analysis.hover(view, name, line, column)
            analysis.definition(view, name, line, column)
            analysis.complete(view, name, line, column)
        analysis.format_document(name, text)


def test_bad_documents_get_diagnostics_not_exceptions() -> None:
    for text in ["", "\x00", "promotion {", "}" * 1000, "(" * 5000, 'segment a = "' + "x" * 10000]:
        found = analysis.diagnose("x.promo", {"x.promo": text})
        assert all(re.fullmatch(r"[SEWL]\d{3}", d.code) for d in found)
