"""Coupon codes: the one normalisation and the one matcher (docs/semantics.md#coupon-codes).

A code typed by a shopper is untrusted input, so nothing here uses `re` on it and the work
is bounded:

- `normalize_code` is what pricing, reservation and ledger keys all see: Unicode NFKC
  (full-width `ＳＡＶＥ１０` becomes `SAVE10`), surrounding whitespace removed. A code that is
  empty, longer than `MAX_CODE_LENGTH`, or holds an invisible or control character
  (zero-width space, a lone surrogate) is refused with a `RequestError` naming why.
- `code_key` is the case-insensitive form codes are compared and counted by (case-folded).
- `glob_match` matches a `*`/`?` pattern without backtracking: the pattern is split at `*`
  into pieces, the first must match the start, the last the end, and each middle piece is
  placed at its leftmost fit after the previous one (leftmost placement is always safe for
  `*`, so no choice is ever revisited). Work is at most len(code) x len(pattern) character
  comparisons, both bounded by `MAX_CODE_LENGTH`.
"""

from __future__ import annotations

import unicodedata

from .errors import RequestError

__all__ = ["MAX_CODE_LENGTH", "code_key", "glob_match", "normalize_code", "rule_code_key"]

#: The longest code accepted, after normalisation (request model, reservation, rule files).
MAX_CODE_LENGTH = 64

#: Unicode categories refused inside a code: controls, format characters (zero-width
#: spaces and joiners, bidi marks), surrogates, private use, unassigned, line separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def normalize_code(code: str) -> str:
    """The canonical form of a code (NFKC, trimmed); RequestError (a ValueError) if unusable."""
    if not isinstance(code, str):
        raise RequestError(f"a coupon code must be a string, got {type(code).__name__}")
    if len(code) > 4 * MAX_CODE_LENGTH:  # refuse before normalising megabytes of text
        raise RequestError(f"coupon code is too long ({len(code)} characters; at most {MAX_CODE_LENGTH})")
    if any(unicodedata.category(ch) == "Cs" for ch in code):
        raise RequestError("coupon code contains an invalid character (a lone surrogate)")
    text = unicodedata.normalize("NFKC", code).strip()
    if not text:
        raise RequestError("coupon code is empty")
    if len(text) > MAX_CODE_LENGTH:
        raise RequestError(f"coupon code is too long ({len(text)} characters; at most {MAX_CODE_LENGTH})")
    for ch in text:
        if unicodedata.category(ch) in _INVISIBLE:
            raise RequestError(
                f"coupon code contains an invisible or control character (U+{ord(ch):04X}); "
                "type the code again"
            )
    return text


def code_key(code: str) -> str:
    """The case-insensitive comparison form of an already normalised code."""
    return code.casefold()


def rule_code_key(text: str) -> str:
    """The comparison form of a code or pattern written in a rule file (never raises: the
    checker reports unusable ones, E055)."""
    return code_key(unicodedata.normalize("NFKC", text).strip())


def glob_match(pattern: str, text: str) -> bool:
    """Whether `text` matches `pattern` (`*` any run, `?` one character), case as given.

    Callers compare `code_key` forms. Linear in `text` for a given pattern (module doc).
    """
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return len(text) == len(pattern) and _fits(pattern, text, 0)
    first, last, middle = pieces[0], pieces[-1], pieces[1:-1]
    if len(first) + len(last) > len(text):
        return False
    if not _fits(first, text, 0) or not _fits(last, text, len(text) - len(last)):
        return False
    at, end = len(first), len(text) - len(last)
    for piece in middle:
        found = _find(piece, text, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _fits(piece: str, text: str, at: int) -> bool:
    """`piece` (with `?` for any one character) matches `text` starting at `at`."""
    for offset, ch in enumerate(piece):
        if ch != "?" and text[at + offset] != ch:
            return False
    return True


def _find(piece: str, text: str, start: int, end: int) -> int:
    """The leftmost position >= start where `piece` fits entirely before `end`, or -1."""
    for at in range(start, end - len(piece) + 1):
        if _fits(piece, text, at):
            return at
    return -1
