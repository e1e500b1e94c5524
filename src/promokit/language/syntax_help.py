"""Precise wording for syntax errors an operator typing Chinese rules makes (issue 12).

`parser._diagnose` asks here first; when nothing specific applies, `fallback_help` gives
every syntax error a help line anyway. Cases:

- a minus sign where an amount or a count is expected (`budget -50000`): amounts, counts
  and budgets are positive, so the message says so and the help shows the line without `-`;
- an id that starts with a digit (`promotion 11.11 大促 {`): what an id may hold, and the
  line with a valid id and the words moved into the title;
- a declaration without its keyword (`autumn "秋季" {`): did you mean `promotion autumn ...`;
- a full-width character the grammar does not read (`；` `＋`): the character is named,
  with its ASCII form, and the corrected line is shown;
- a `,` inside a number that is not a thousands separator (`1,29.00`): the line without it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fallback_help", "full_width_help", "specific"]

_AMOUNT_TERMINALS = frozenset({"NUMBER"})
#: ASCII characters that mean something in a rule file; a full-width form of another is removed
_GRAMMAR_PUNCTUATION = set(':<>=!.%,()-~{}"#')


def _shown(line: str) -> str:
    return "`" + " ".join(line.split()) + "`"


def specific(
    line: str, col: int, token_type: str, token_value: str, expected: set[str]
) -> tuple[str | None, str | None]:
    """(message, help) for a known mistake at `col` (0-based) of `line`; (None, None) otherwise."""
    stripped = line.strip()
    if token_type == "DASH" and expected & _AMOUNT_TERMINALS:
        word = stripped.split()[0] if stripped.split() else "the value"
        fixed = line[:col] + line[col + 1 :]
        what = "a budget" if word in ("budget", "预算") else "an amount or a count"
        return (
            f"{what} must be positive: found a minus sign `-`",
            f"write {_shown(fixed)}",
        )
    if token_type == "NUMBER" and "NAME" in expected and stripped.startswith(("promotion", "coupon")):
        words = stripped.split()
        keyword = words[0]
        rest = " ".join(w for w in words[1:] if w != "{")
        plain = re.sub(r"[^\w-]+", "-", token_value).strip("-")
        suggestion = f'{keyword} sale-{plain} "{rest.strip(chr(34))}" {{'
        return (
            f"an id cannot start with a digit, found the number {token_value}",
            "an id starts with a letter and holds letters, digits and `-`; put the words "
            f"customers see in the title: `{suggestion}`",
        )
    if (
        token_type in ("NAME", "TZ_NAME")
        and col == len(line) - len(line.lstrip())
        and not line.lstrip().startswith("#")
    ):
        rest = line.strip()
        if "{" in rest or '"' in rest:
            return None, f"did you mean `promotion {rest}`? (declarations start with `promotion` or `coupon`)"
        if "=" in rest:
            return None, f"did you mean `segment {rest}` or `scope {rest}`?"
    if token_type == "COMMA" and col > 0 and line[col - 1].isdigit() and line[col + 1 : col + 2].isdigit():
        fixed = line[:col] + line[col + 1 :]
        return None, f"`,` in a number is a thousands separator every three digits; write {_shown(fixed)}"
    return None, None


def full_width_help(line: str, col: int, char: str) -> str | None:
    """'；' is full-width: name it, give its ASCII form and the corrected line."""
    if unicodedata.east_asian_width(char) != "F" and char not in "　。；":
        return None
    ascii_form = unicodedata.normalize("NFKC", char).strip() or " "
    if char == "。":
        ascii_form = "."
    name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
    keep = ascii_form in _GRAMMAR_PUNCTUATION or ascii_form.isalnum()
    fixed = line[:col] + (ascii_form if keep else "") + line[col + 1 :]
    action = f"write '{ascii_form}'" if keep else "remove it"
    return f"'{char}' is a full-width character ({name}): {action}: {_shown(fixed)}"


def fallback_help(found_end: bool, expected_words: str) -> str:
    """A help line for a syntax error no table knows: what to write where."""
    if found_end:
        return f"the clause is incomplete: add {expected_words} at the end of the line"
    return f"remove or replace what is marked: at this point the rule needs {expected_words}"
