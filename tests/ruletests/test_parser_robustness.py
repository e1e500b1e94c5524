"""Whatever the text, the parser answers with diagnostics, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from promokit.ruletests import parse_cart_items, parse_text

VALID = """\
catalogue fresh {
  APPLE category fruit price 12.50
}
defaults {
  at 2026-10-02 10:00 Asia/Shanghai
}
case "a" {
  customer level 3 segments "vip" attr "x" 1.5
  cart APPLE x 8, PEAR x 1 price 3 id p
  stock of flash-eggs left 0
  customer used autumn-fruit 1 time today
  expect total 80.00
  expect not applied member-day because window by x
  expect line APPLE price 10
  expect gift BAG x 2 from y
  expect hint "add" for z
}
"""

WORDS = VALID.replace("\n", " \n ").split(" ") + [
    "{",
    "}",
    ",",
    '"',
    "#",
    "1.5",
    "-1",
    "2026-02-30",
    "\t",
    "x",
]


@settings(max_examples=150)
@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_any_sequence_of_known_words_parses_or_is_diagnosed(words: list[str]) -> None:
    test_file, diagnostics = parse_text(" ".join(words), "f.promotest")
    assert test_file is not None or diagnostics


@settings(max_examples=150)
@given(st.integers(0, len(VALID)), st.integers(0, 20), st.text(max_size=5))
def test_a_valid_file_with_a_slice_replaced_never_raises(at: int, cut: int, insert: str) -> None:
    text = VALID[:at] + insert + VALID[at + cut :]
    test_file, diagnostics = parse_text(text, "f.promotest")
    for d in diagnostics:
        assert d.span.line >= 1 and d.span.col >= 1


@settings(max_examples=100)
@given(st.text(max_size=40))
def test_cart_text_of_any_shape_never_raises(text: str) -> None:
    parse_cart_items(text)
