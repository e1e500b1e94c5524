"""`promokit lsp`: a language server for `.promo` files over stdio (pygls, extra `lsp`).

Features: diagnostics as you type (syntax and checker; lint warnings too on open and save),
formatting (`promokit fmt`), hover (what a clause or action means, in the docs' words; a
name's declaration), go-to-definition for segments, scopes, promotions and exclusive groups,
and completion of keywords, operator words and declared names.

A document is checked with the other `.promo` files of its folder, read from disk unless they
are open in the editor. The answers come from `analysis.py`; this module only translates
positions (the protocol counts UTF-16 code units, promokit counts characters) and messages.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from .._version import __version__
from ..language.diagnostics import Diagnostic
from . import analysis

__all__ = ["build_server"]

#: Folder siblings larger than this are not read (a rule set is small; this bounds a stray folder).
MAX_SIBLING_BYTES = 2_000_000
MAX_SIBLINGS = 200

_KINDS = {
    "keyword": types.CompletionItemKind.Keyword,
    "operator": types.CompletionItemKind.Operator,
    "segment": types.CompletionItemKind.Variable,
    "scope": types.CompletionItemKind.Variable,
    "promotion": types.CompletionItemKind.Function,
    "coupon": types.CompletionItemKind.Function,
    "group": types.CompletionItemKind.EnumMember,
}


def _path(uri: str) -> Path | None:
    parts = urlsplit(uri)
    return Path(unquote(parts.path)) if parts.scheme == "file" else None


def _documents(server: LanguageServer, uri: str) -> dict[str, str]:
    """The rule set of `uri`: the document itself, then the other .promo files of its folder."""
    docs = {uri: server.workspace.get_text_document(uri).source}
    path = _path(uri)
    if path is None:
        return docs
    open_docs = {u: d.source for u, d in server.workspace.text_documents.items()}
    try:
        siblings = sorted(path.parent.glob("*.promo"))[:MAX_SIBLINGS]
    except OSError:
        return docs
    for sibling in siblings:
        sibling_uri = sibling.as_uri()
        if sibling_uri in docs:
            continue
        if sibling_uri in open_docs:
            docs[sibling_uri] = open_docs[sibling_uri]
            continue
        try:
            if sibling.stat().st_size <= MAX_SIBLING_BYTES:
                docs[sibling_uri] = sibling.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # an unreadable sibling is its own editor's problem
    return docs


def _range(doc: TextDocument, line: int, col: int, end_line: int, end_col: int) -> types.Range:
    lines = doc.lines
    server_range = types.Range(
        start=types.Position(line=line, character=col), end=types.Position(line=end_line, character=end_col)
    )
    try:
        return doc.position_codec.range_to_client_units(lines, server_range)
    except Exception:  # a span past the end of a changed document: show it at its line start
        return types.Range(
            start=types.Position(line=line, character=0), end=types.Position(line=line, character=0)
        )


def _to_lsp(doc: TextDocument, diagnostic: Diagnostic) -> types.Diagnostic:
    span = diagnostic.span
    message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
    end_line, end_col = max(span.end_line, span.line), span.end_col
    if (end_line, end_col) <= (span.line, span.col):
        end_col = span.col + 1
    return types.Diagnostic(
        range=_range(doc, span.line - 1, span.col - 1, end_line - 1, end_col - 1),
        message=message,
        severity=types.DiagnosticSeverity.Error if diagnostic.is_error else types.DiagnosticSeverity.Warning,
        code=diagnostic.code,
        source="promokit",
    )


def _position(doc: TextDocument, position: types.Position) -> tuple[int, int]:
    server = doc.position_codec.position_from_client_units(doc.lines, position)
    return server.line, server.character


def build_server() -> LanguageServer:
    """A fresh server with every feature registered (one per process, or per test)."""
    server = LanguageServer("promokit", __version__)

    def publish(uri: str, *, with_lint: bool) -> None:
        if not uri.endswith(".promo"):
            return
        doc = server.workspace.get_text_document(uri)
        found = analysis.diagnose(uri, _documents(server, uri), with_lint=with_lint)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[_to_lsp(doc, d) for d in found])
        )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri, with_lint=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        publish(params.text_document.uri, with_lint=False)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        publish(params.text_document.uri, with_lint=True)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        doc = server.workspace.get_text_document(params.text_document.uri)
        formatted = analysis.format_document(doc.uri, doc.source)
        if formatted is None or formatted == doc.source:
            return []
        end = types.Position(line=len(doc.lines), character=0)
        return [
            types.TextEdit(
                range=types.Range(start=types.Position(line=0, character=0), end=end), new_text=formatted
            )
        ]

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        doc = server.workspace.get_text_document(uri)
        line, column = _position(doc, params.position)
        text = analysis.hover(analysis.RuleSetView.of(_documents(server, uri)), uri, line, column)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(params: types.DefinitionParams) -> types.Location | None:
        uri = params.text_document.uri
        doc = server.workspace.get_text_document(uri)
        line, column = _position(doc, params.position)
        found = analysis.definition(analysis.RuleSetView.of(_documents(server, uri)), uri, line, column)
        if found is None:
            return None
        target = server.workspace.get_text_document(found.file)
        return types.Location(
            uri=found.file, range=_range(target, found.line, found.start, found.line, found.end)
        )

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" "]))
    def completion(params: types.CompletionParams) -> types.CompletionList:
        uri = params.text_document.uri
        doc = server.workspace.get_text_document(uri)
        line, column = _position(doc, params.position)
        items = analysis.complete(analysis.RuleSetView.of(_documents(server, uri)), uri, line, column)
        return types.CompletionList(
            is_incomplete=False,
            items=[
                types.CompletionItem(label=label, kind=_KINDS.get(kind), detail=kind) for label, kind in items
            ],
        )

    return server


def serve_stdio() -> None:
    """Run a server on stdin/stdout until the client exits."""
    build_server().start_io()
