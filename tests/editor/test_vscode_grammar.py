"""editors/vscode: the TextMate grammars know every keyword of the grammars, the manifest is whole.

The grammars are tokenized over every example by `vscode-textmate` in a Node test
(editors/vscode/test/grammar.test.js, run by `.ci/run`); this test needs no Node.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from promokit.editor.vocabulary import promo_keywords, promo_operator_words, promotest_keywords

VSCODE = Path(__file__).resolve().parents[2] / "editors" / "vscode"


def _alternatives(grammar: dict[str, object], scope: str) -> set[str]:
    for rule in grammar["patterns"]:  # type: ignore[attr-defined]
        if rule.get("name") == scope:
            body = re.search(r"\(\?:(.*?)\)", rule["match"]).group(1)  # type: ignore[union-attr]
            return {w.replace("\\", "") for w in body.split("|")}
    raise AssertionError(f"no {scope} rule")


def test_the_promo_grammar_knows_every_keyword_and_operator_word() -> None:
    grammar = json.loads((VSCODE / "syntaxes" / "promo.tmLanguage.json").read_text(encoding="utf-8"))
    assert _alternatives(grammar, "keyword.control.promo") == set(promo_keywords())
    assert _alternatives(grammar, "keyword.operator.word.promo") == set(promo_operator_words())


def test_the_promotest_grammar_knows_every_keyword() -> None:
    grammar = json.loads((VSCODE / "syntaxes" / "promotest.tmLanguage.json").read_text(encoding="utf-8"))
    assert _alternatives(grammar, "keyword.control.promotest") == set(promotest_keywords())


def test_the_manifest_wires_languages_grammars_and_the_server() -> None:
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    languages = {lang["id"]: lang for lang in manifest["contributes"]["languages"]}
    assert languages["promo"]["extensions"] == [".promo"]
    assert languages["promotest"]["extensions"] == [".promotest"]
    for entry in manifest["contributes"]["grammars"]:
        assert (VSCODE / entry["path"]).is_file()
    for lang in languages.values():
        assert (VSCODE / lang["configuration"]).is_file()
    command = manifest["contributes"]["configuration"]["properties"]["promokit.command"]["default"]
    assert command == ["promokit", "lsp"]
    assert "promokit.command" in (VSCODE / "extension.js").read_text(encoding="utf-8")
    assert (VSCODE / "package-lock.json").is_file()
