"""Chinese input habits the parser accepts, by rewriting them before lexing.

Operators type rules with a Chinese input method on, and write amounts the way a shop
sign does. Where the meaning is unambiguous the text is rewritten to the notation the
grammar reads (docs/language.md#input-habits), and `promokit fmt` writes the rewritten
form back:

- full-width punctuation `：` `＞` `＜` `＝` `！` `．` becomes `:` `>` `<` `=` `!` `.`
  (`％` `，` `（` `）` are grammar terminals already; full-width digits are digits);
- a currency sign before an amount (`¥100`, `￥100`) and `元` after one (`满100元减20元`)
  are dropped, except where `元` is part of the notation (`10元任选3件`, `每1元积1分`,
  `100积分抵1元`, `运费5元`);
- thousands separators in an amount (`1,299.00`) are dropped;
- dates written `2026/11/11` or `2026年11月11日` become `2026-11-11`.

Every rewrite keeps the text's length (dropped characters become spaces, digits move
right over the separators they replace), so every offset, line and column of the
original stays valid: diagnostics point into the file as written. Strings and comments
are never touched.
"""

from __future__ import annotations

import re

from .source import code_chars

__all__ = ["FULL_WIDTH", "normalise"]

#: full-width punctuation -> the ASCII character the grammar reads
FULL_WIDTH = {"：": ":", "＞": ">", "＜": "<", "＝": "=", "！": "!", "．": "."}

_SEPARATED = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])")
_SLASH_DATE = re.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)")
_ZH_DATE = re.compile(r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})[日号]")
_YUAN = re.compile(r"(?<=\d)元(?!任选|积)")
_SIGN = re.compile(r"[¥￥](?=\d)")
_REDEEM_YUAN = re.compile(r"抵\s*\d+(?:\.\d+)?$")
_SHIPPING_YUAN = re.compile(r"运费\s*\d+(?:\.\d+)?$")  # 运费5元: a fixed shipping price, 元 is notation
#: anything any rewrite below could apply to; most lines and most files have none
_CANDIDATE = re.compile(r"[：＞＜＝！．¥￥元年]|\d,\d{3}|\d/\d")


def _masked(line: str) -> str:
    """`line` with strings and the comment blanked (same length), so patterns skip them."""
    keep = dict(code_chars(line))
    out = []
    for i, ch in enumerate(line):
        if i in keep and ch == "#":
            out.append(" " * (len(line) - i))
            break
        out.append(ch if i in keep else " ")
    return "".join(out)[: len(line)]


def _line(line: str) -> str:
    if not _CANDIDATE.search(line):
        return line
    masked = _masked(line)
    chars = list(line)

    def put(start: int, text: str) -> None:
        chars[start : start + len(text)] = text

    for i, ch in enumerate(masked):
        if ch in FULL_WIDTH:
            chars[i] = FULL_WIDTH[ch]
    for m in _SIGN.finditer(masked):
        chars[m.start()] = " "
    for m in _YUAN.finditer(masked):
        before = masked[: m.start()]
        if not _REDEEM_YUAN.search(before) and not _SHIPPING_YUAN.search(before):
            chars[m.start()] = " "
    for m in _SEPARATED.finditer(masked):
        if _is_amount(masked, m):
            digits = m.group(0).replace(",", "")
            put(m.start(), digits.rjust(len(m.group(0))))
    for pattern in (_SLASH_DATE, _ZH_DATE):
        for m in pattern.finditer(masked):
            year, month, day = m.groups()
            put(m.start(), f"{year}-{month}-{day}".ljust(len(m.group(0))))
    return "".join(chars)


def _is_amount(masked: str, m: re.Match[str]) -> bool:
    """`1,299` is an amount (not the list `1, 299`) with cents, a currency or a Chinese word next to it."""
    before = masked[: m.start()].rstrip()
    after = masked[m.end() :]
    return (
        "." in m.group(0)
        or after.startswith("元")
        or (bool(before) and (before[-1] in "¥￥" or ord(before[-1]) >= 0x2E80))
        or before.endswith(("price", "budget", "spend", "over", "up to", "at most"))
    )


def normalise(text: str) -> str:
    """`text` with the habits above rewritten; same length, same line breaks."""
    if not _CANDIDATE.search(text):
        return text  # most files: nothing to do
    return "".join(_line(line) for line in text.splitlines(keepends=True))
