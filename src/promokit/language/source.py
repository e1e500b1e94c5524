"""Source text and spans: where something is in a rule file.

Every AST node and every diagnostic carries a `Span`, so that a message can name
`file:line:col` and show the offending line with a caret under the whole span.
Lines and columns are 1-based, as compilers and editors expect; columns count
Unicode code points, not bytes (a Chinese character is one column).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Source:
    """One rule file: its display name (usually a path) and its text."""

    name: str
    text: str
    _line_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        # str.find in a loop, not a Python loop over every character: 10x faster on big files.
        starts = [0]
        find = self.text.find
        at = find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = find("\n", at + 1)
        object.__setattr__(self, "_line_starts", tuple(starts))

    def line_text(self, line: int) -> str:
        """The text of 1-based `line`, without its line break ('' past the end)."""
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        text = self.text[start:] if end < 0 else self.text[start:end]
        return text.rstrip("\r")

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, of a 0-based character offset."""
        offset = max(0, min(offset, len(self.text)))
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self._line_starts[lo] + 1

    def span(self, start: int, end: int) -> Span:
        """The span covering character offsets [start, end)."""
        line, col = self.position(start)
        end_line, end_col = self.position(max(start, end))
        return Span(self.name, line, col, end_line, end_col, start, max(start, end))


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file. `end_col` is exclusive; offsets are 0-based."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


#: A span for nodes built in code rather than parsed (tests, generated rule sets).
NO_SPAN = Span("<generated>", 1, 1, 1, 1, 0, 0)


def code_chars(line: str) -> Iterator[tuple[int, str]]:
    """(index, character) of every character of `line` outside string literals.

    Strings are `"..."` (with backslash escapes) and `“...”`. Used wherever a line must be
    scanned without parsing it: finding `#` comments, counting braces.
    """
    quote = ""
    escaped = False
    for i, ch in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch == '"':
            quote = '"'
        elif ch == "“":
            quote = "”"
        else:
            yield i, ch
