"""The diagnostics registry (`language/diagnostic_codes.py`) is complete, documented and shown.

- every code the source emits is registered, and every registered code is emitted;
- every code is described in the docs file its row names, under an anchor that exists;
- every code has a golden example: a golden file under tests/ that shows `[CODE]`, except
  the few listed in NO_GOLDEN with the reason and the test that covers them instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from promokit.language.diagnostic_codes import CODES, by_code

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "promokit"
_CODE = re.compile(r"""["']([ESWLT]\d{3})["']""")

#: codes a golden file cannot show, and where they are tested instead
NO_GOLDEN = {
    "S009": "a file over the size limit (2 MB by default): tests/language/test_bad_input.py",
    "S900": "a path that does not exist: a usage error, one line, exit 2: tests/language/test_frontend.py",
    "S999": "an internal error while lowering (a bug): tests/language/test_bad_input.py",
}


def _emitted() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name != "diagnostic_codes.py":
            found |= set(_CODE.findall(path.read_text(encoding="utf-8")))
    return found


def _golden_text() -> str:
    parts = [
        p.read_text(encoding="utf-8", errors="replace")
        for folder in (
            "tests/golden",
            "tests/ruletests/golden",
            "tests/ruletests/golden_runs",
            "tests/engine",
        )
        for p in (ROOT / folder).rglob("*.expected")
    ]
    return "\n".join(parts)


def _slug(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(doc: Path) -> set[str]:
    text = doc.read_text(encoding="utf-8")
    headings = {_slug(m.group(1)) for m in re.finditer(r"^#+\s+(.*)$", text, re.M)}
    return headings | set(re.findall(r'<a id="([^"]+)"', text))


def test_codes_are_unique_and_sorted() -> None:
    names = [c.code for c in CODES]
    assert names == sorted(set(names))
    assert len(by_code()) == len(CODES)


def test_every_emitted_code_is_registered_and_every_registered_code_is_emitted() -> None:
    registered = {c.code for c in CODES}
    emitted = _emitted()
    assert sorted(emitted - registered) == [], "add these codes to language/diagnostic_codes.py"
    assert sorted(registered - emitted) == [], "these registered codes are never reported"


@pytest.mark.parametrize("code", CODES, ids=lambda c: c.code)
def test_every_code_is_documented_at_its_anchor(code) -> None:  # type: ignore[no-untyped-def]
    file, _, anchor = code.docs.partition("#")
    doc = ROOT / file
    assert doc.is_file(), code.docs
    assert code.code in doc.read_text(encoding="utf-8"), f"{code.code} is not described in {file}"
    assert anchor in _anchors(doc), f"no heading for #{anchor} in {file}"
    assert code.severity == ("warning" if code.code[0] in "WL" else "error")
    assert code.title


@pytest.mark.parametrize("code", CODES, ids=lambda c: c.code)
def test_every_code_has_a_golden_example(code) -> None:  # type: ignore[no-untyped-def]
    if code.code in NO_GOLDEN:
        return
    assert f"[{code.code}]" in GOLDEN, f"no golden file shows {code.code}: add a case to a golden corpus"


def test_exemptions_are_few_and_real() -> None:
    assert set(NO_GOLDEN) <= {c.code for c in CODES}
    assert len(NO_GOLDEN) <= 3
    for code in NO_GOLDEN:
        assert f"[{code}]" not in GOLDEN, f"{code} has a golden example now: drop its exemption"


GOLDEN = _golden_text()
