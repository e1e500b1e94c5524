"""The docs site's sources: the code index lists every code, `promo` blocks lex cleanly, nav is complete.

`mkdocs build --strict` itself runs in `.ci/run` (extra `docs`); these checks need no mkdocs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "promokit").rglob("*.py"):
        found |= set(re.findall(r'"([SEWL]\d{3})"', path.read_text(encoding="utf-8")))
    return found


def test_the_code_index_lists_every_code_promokit_can_report() -> None:
    index = (DOCS / "codes.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| \[?([SEWL]\d{3})", index, flags=re.M))
    listed |= set(re.findall(r"^\| [SEWL]\d{3} / ([SEWL]\d{3})", index, flags=re.M))
    in_source = _codes_in_source()
    assert len(in_source) > 50
    assert in_source - listed == set(), "codes reported by promokit but missing from docs/codes.md"
    retired = set(re.findall(r"^\| ([SEWL]\d{3}) \| retired", index, flags=re.M))
    assert listed - in_source == retired, (
        "codes in docs/codes.md that promokit never reports (nor marks retired)"
    )


def test_every_page_is_in_the_site_navigation() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    missing = sorted(p for p in pages if p not in config)
    assert missing == [], "add these pages to the nav in mkdocs.yml"


def test_promo_blocks_in_the_docs_lex_without_errors() -> None:
    pytest.importorskip("pygments", reason="Pygments is not installed (extras docs, lsp, serve)")
    from pygments.token import Error

    from promokit.editor.pygments_lexer import PromoLexer, PromotestLexer

    blocks = 0
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for lang, body in re.findall(r"^```(promo|promotest)\n(.*?)^```", text, flags=re.M | re.S):
            lexer = PromoLexer() if lang == "promo" else PromotestLexer()
            errors = [v for t, v in lexer.get_tokens(body) if t in Error]
            assert errors == [], f"{page.name}: {body[:60]!r}"
            blocks += 1
    assert blocks >= 40
