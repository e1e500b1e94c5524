"""`promokit lsp` for real: a subprocess driven by pygls's own client over stdio."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="pygls is not installed (extra lsp)")

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = 'timezone Asia/Shanghai\nsegment gold = level >= 3\nscope fresh = category "fruit"\n'
DEALS = 'promotion fruit "水果8折" {\n  priority 5\n  on fresh\n  for gold\n  8折\n}\n'


class Session:
    """A started server, its client, and the diagnostics it published per document."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published: dict[str, asyncio.Queue[list[types.Diagnostic]]] = {}
        self.version = 1

    def queue(self, uri: str) -> asyncio.Queue[list[types.Diagnostic]]:
        return self.published.setdefault(uri, asyncio.Queue())

    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        return await asyncio.wait_for(self.queue(uri).get(), timeout=120)

    async def open(self, uri: str, text: str) -> list[types.Diagnostic]:
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="promo", version=1, text=text)
            )
        )
        return await self.diagnostics(uri)

    async def change(self, uri: str, text: str) -> list[types.Diagnostic]:
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return await self.diagnostics(uri)

    def where(self, uri: str, line: int, character: int) -> dict[str, Any]:
        return {
            "text_document": types.TextDocumentIdentifier(uri=uri),
            "position": types.Position(line=line, character=character),
        }


def run_session(root: Path, body: Callable[[Session], Awaitable[None]]) -> None:
    async def main() -> None:
        client = LanguageClient("promokit-tests", "1")
        session = Session(client)

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            session.queue(params.uri).put_nowait(list(params.diagnostics))

        await client.start_io(sys.executable, "-m", "promokit", "lsp")
        try:
            result = await client.initialize_async(
                types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root.as_uri())
            )
            caps = result.capabilities
            assert caps.hover_provider and caps.definition_provider and caps.document_formatting_provider
            assert caps.completion_provider is not None
            client.initialized(types.InitializedParams())
            await body(session)
        finally:
            # shut the server down even when an assertion failed, or stop() waits for it forever
            try:
                await asyncio.wait_for(client.shutdown_async(None), timeout=30)
                client.exit(None)
            finally:
                await client.stop()

    asyncio.run(main())


@pytest.fixture
def rule_set(tmp_path: Path) -> Path:
    (tmp_path / "settings.promo").write_text(SETTINGS, encoding="utf-8")
    (tmp_path / "deals.promo").write_text(DEALS, encoding="utf-8")
    return tmp_path


def test_diagnostics_follow_typing(rule_set: Path) -> None:
    uri = (rule_set / "deals.promo").as_uri()

    async def body(s: Session) -> None:
        assert await s.open(uri, DEALS) == []  # `gold` and `fresh` come from settings.promo on disk
        found = await s.change(uri, DEALS.replace("for gold", "for golden"))
        assert [(d.code, d.range.start.line, d.range.start.character) for d in found] == [("E010", 3, 6)]
        assert found[0].severity == types.DiagnosticSeverity.Error and "gold" in found[0].message
        found = await s.change(uri, DEALS.replace("8折", "满100减"))
        assert [(d.code, d.range.start.line) for d in found] == [("S001", 4)]
        assert await s.change(uri, DEALS) == []

    run_session(rule_set, body)


def test_columns_are_utf16_code_units(rule_set: Path) -> None:
    uri = (rule_set / "deals.promo").as_uri()
    text = DEALS.replace('"水果8折"', '"🍎水果"').replace("for gold", "for golden")

    async def body(s: Session) -> None:
        await s.open(uri, text.replace("  for golden\n", '  channel "🍎" \n  for golden\n'))
        found = await s.change(uri, text.replace("  for golden", "  for golden # 🍎"))
        assert [(d.code, d.range.start.character, d.range.end.character) for d in found] == [("E010", 6, 12)]

    run_session(rule_set, body)


def test_formatting_hover_definition_and_completion(rule_set: Path) -> None:
    uri = (rule_set / "deals.promo").as_uri()
    messy = DEALS.replace("  priority 5", "      priority   5")

    async def body(s: Session) -> None:
        await s.open(uri, messy)
        edits = await s.client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                options=types.FormattingOptions(tab_size=2, insert_spaces=True),
            )
        )
        assert edits is not None and len(edits) == 1 and edits[0].new_text == DEALS

        hover = await s.client.text_document_hover_async(types.HoverParams(**s.where(uri, 4, 3)))
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert "percentage off" in hover.contents.value and "`20% off`" in hover.contents.value

        target = await s.client.text_document_definition_async(types.DefinitionParams(**s.where(uri, 3, 8)))
        assert isinstance(target, types.Location)
        assert target.uri == (rule_set / "settings.promo").as_uri()
        assert (target.range.start.line, target.range.start.character, target.range.end.character) == (
            1,
            8,
            12,
        )

        completion = await s.client.text_document_completion_async(
            types.CompletionParams(**s.where(uri, 3, 7))
        )
        assert isinstance(completion, types.CompletionList)
        labels = {item.label for item in completion.items}
        assert "gold" in labels and all(label.startswith("g") for label in labels)

    run_session(rule_set, body)


def test_the_server_survives_the_fuzz_corpus(tmp_path: Path) -> None:
    corpus = sorted((ROOT / "tests" / "golden" / "errors").glob("*.promo"))
    assert len(corpus) > 40

    async def body(s: Session) -> None:
        for path in corpus:
            uri = (tmp_path / path.name).as_uri()
            data = path.read_bytes()
            found = await s.open(uri, data.decode("utf-8", "replace"))
            # every corpus file has an error; one that is not UTF-8 reaches an editor already decoded
            if path.name != "syntax_invalid_utf8.promo":
                assert found, f"{path.name} should have a diagnostic"
            await s.client.text_document_hover_async(types.HoverParams(**s.where(uri, 1, 3)))
            await s.client.text_document_completion_async(types.CompletionParams(**s.where(uri, 0, 0)))
            await s.client.text_document_formatting_async(
                types.DocumentFormattingParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    options=types.FormattingOptions(tab_size=2, insert_spaces=True),
                )
            )
        # still alive and answering after the whole corpus
        assert await s.open((tmp_path / "ok.promo").as_uri(), "promotion ok {\n  8折\n}\n") == []

    run_session(tmp_path, body)
