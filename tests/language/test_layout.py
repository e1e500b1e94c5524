"""`fmt` keeps what was written (language/layout.py, issue 12).

The examples are their own canonical form; messing up their layout (indentation, spaces
between words, tabs, ideographic spaces, extra blank lines, trailing blanks) and formatting
again gives the example back, byte for byte. What was written — notation, spelling, order,
comments — is never changed.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.language.formatter import format_source
from promokit.language.layout import format_as_written
from promokit.language.parser import parse_source
from promokit.language.source import Source

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").rglob("*.promo"))


def _fmt(text: str, name: str = "t.promo") -> str:
    formatted, diagnostics = format_source(Source(name, text))
    assert formatted is not None, diagnostics
    return formatted


def _mess(text: str, rng: random.Random) -> str:
    out = []
    for line in text.split("\n"):
        if not line.strip():
            out.append(rng.choice(["", " ", "\n", "\t\n  "]))  # a blank line may become a run of them
            continue
        if '"' in line or "#" in line:
            out.append(rng.choice(["", "  ", "\t"]) + line.strip())
            continue
        words = line.split()
        seps = [rng.choice([" ", "  ", "\t", "\u3000 "]) for _ in words]
        indent = rng.choice(["", " ", "    ", "\t", "      "])
        out.append(indent + "".join(w + s for w, s in zip(words, seps, strict=True)))
    return "\n".join(out)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_is_already_laid_out(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _fmt(text, path.name) == text


@settings(max_examples=60, deadline=None)
@given(index=st.integers(0, len(EXAMPLES) - 1), rnd=st.randoms(use_true_random=False))
def test_a_messed_up_layout_formats_back_to_the_example(index: int, rnd: random.Random) -> None:
    path = EXAMPLES[index]
    text = path.read_text(encoding="utf-8")
    assert _fmt(_mess(text, rnd), path.name) == text


@pytest.mark.parametrize(
    "kept",
    [
        "95折",
        "半价",
        "第二件半价",
        "85折",
        "每1元积1分 积分2倍",
        "100积分抵1元 最多抵20%",
        "9.5折",
        "满 100 减 20",
    ],
)
def test_notation_and_spelling_stay(kept: str) -> None:
    text = f"promotion p {{\n  limit 1 per customer\n  {kept}\n}}\n"
    assert _fmt(text) == text


def test_a_block_on_one_line_falls_back_to_the_canonical_printer() -> None:
    source = Source("t.promo", "promotion a { 8折 }\n")
    rule_file, _ = parse_source(source)
    assert rule_file is not None and format_as_written(source, rule_file) is None
    assert _fmt(source.text) == "promotion a {\n  8折\n}\n"


def test_a_continued_list_is_indented_one_more_level() -> None:
    text = "promotion a {\n满100减20,\n满200减50\n}\n"
    assert _fmt(text) == "promotion a {\n  满100减20,\n    满200减50\n}\n"
