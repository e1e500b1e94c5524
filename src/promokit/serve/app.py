"""The playground's ASGI app (Starlette): one page, a JSON API, nothing outside the rules folder.

    GET  /                      the page (static/index.html)
    GET  /api/files             the rule files and sample requests
    GET  /api/file?name=        a rule file's text         GET /api/sample?name=  a sample request
    POST /api/check             {name, text}: diagnostics and highlighted HTML for the editor
    POST /api/price             {name, text, request}: the cart priced with the edited rule set
    POST /api/save              {name, text}: written only when the rule set checks

Edits live in the browser until saved: check and price use the edited text in place of the
file on disk. Request bodies are limited to `MAX_BODY_BYTES`; a Host header other than the
address served is refused (a web page elsewhere cannot reach the playground by DNS tricks).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from pydantic import ValidationError
from pygments import highlight
from pygments.formatters import HtmlFormatter
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..check.checker import check
from ..check.frontend import CheckedRules
from ..editor.analysis import diagnose
from ..editor.pygments_lexer import PromoLexer
from ..engine.ruleset import RuleSet
from ..errors import PromokitError
from ..language.diagnostics import Diagnostic, RuleError
from ..language.parser import parse_source
from ..language.source import Source
from ..models import CheckoutRequest
from .files import MAX_FILE_BYTES, PlaygroundError, Workspace

__all__ = ["MAX_BODY_BYTES", "create_app"]

#: A rule file plus a cart, with room to spare; anything larger is refused with 413.
MAX_BODY_BYTES = MAX_FILE_BYTES + 1_000_000
_STATIC = {"playground.js": "text/javascript", "playground.css": "text/css"}


class _TooLarge(Exception):
    pass


async def _json(request: Request) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _TooLarge
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlaygroundError(f"the request body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise PlaygroundError("the request body must be a JSON object")
    return data


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise PlaygroundError(f"{key!r} must be a string")
    return value


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    span = d.span
    return {
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "help": d.help,
        "line": span.line,
        "col": span.col,
        "end_line": span.end_line,
        "end_col": span.end_col,
    }


def _highlighted(text: str, lines: list[int]) -> str:
    formatter = HtmlFormatter(nowrap=True, hl_lines=lines)
    return highlight(text, PromoLexer(stripnl=False, ensurenl=False), formatter)


def _ruleset(documents: Mapping[str, str]) -> RuleSet:
    """Compile the edited rule set from texts (the caller checked it has no errors)."""
    files = []
    sources = {name: Source(name, text) for name, text in documents.items()}
    problems: list[Diagnostic] = []
    for source in sources.values():
        rule_file, found = parse_source(source)
        problems.extend(found)
        if rule_file is not None:
            files.append(rule_file)
    ruleset, checked = check(files)
    problems.extend(checked)
    if any(d.is_error for d in problems):
        raise RuleError(problems, sources)
    return RuleSet(CheckedRules(ast=ruleset, warnings=tuple(problems), sources=sources))


def create_app(workspace: Workspace, *, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> Starlette:
    """The playground over `workspace`; `hosts` are the Host header values it answers to."""

    def edited(data: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
        name, text = _text(data, "name"), _text(data, "text")
        documents = workspace.documents()
        if name not in documents:
            raise PlaygroundError(f"no rule file named {name!r} in this playground")
        documents[name] = text
        return name, documents

    async def page(request: Request) -> Response:
        html = resources.files("promokit.serve").joinpath("static/index.html").read_text(encoding="utf-8")
        css = HtmlFormatter(style="default").get_style_defs(".code")  # type: ignore[no-untyped-call]
        return HTMLResponse(html.replace("/*PYGMENTS*/", css))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return JSONResponse({"error": "not found"}, status_code=404)
        body = resources.files("promokit.serve").joinpath(f"static/{name}").read_bytes()
        return Response(body, media_type=_STATIC[name])

    async def files(request: Request) -> Response:
        return JSONResponse({"rules": list(workspace.rule_files()), "samples": list(workspace.samples())})

    async def file(request: Request) -> Response:
        name = request.query_params.get("name", "")
        return JSONResponse({"name": name, "text": workspace.read_rules(name)})

    async def sample(request: Request) -> Response:
        name = request.query_params.get("name", "")
        return JSONResponse({"name": name, "request": workspace.read_sample(name)})

    async def check_text(request: Request) -> Response:
        name, documents = edited(await _json(request))
        found = diagnose(name, documents)
        lines = sorted({d.span.line for d in found if d.is_error})
        return JSONResponse(
            {
                "diagnostics": [_diagnostic(d) for d in found],
                "html": _highlighted(documents[name], lines),
            }
        )

    async def price(request: Request) -> Response:
        data = await _json(request)
        name, documents = edited(data)
        found = diagnose(name, documents)
        if any(d.is_error for d in found):
            return JSONResponse({"diagnostics": [_diagnostic(d) for d in found]}, status_code=422)
        try:
            cart = CheckoutRequest.model_validate(data.get("request"))
            result = _ruleset(documents).price(cart)
        except ValidationError as exc:
            errors = [f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in exc.errors()]
            return JSONResponse(
                {"error": "the cart is not a valid request", "details": errors}, status_code=422
            )
        except RuleError as exc:  # another file of the rule set does not check
            return JSONResponse({"diagnostics": [_diagnostic(d) for d in exc.diagnostics]}, status_code=422)
        return JSONResponse({"result": result.model_dump(mode="json")})

    async def save(request: Request) -> Response:
        name, documents = edited(await _json(request))
        found = diagnose(name, documents)
        errors = [d for d in found if d.is_error]
        if errors:
            return JSONResponse(
                {"saved": False, "diagnostics": [_diagnostic(d) for d in found]}, status_code=422
            )
        workspace.write_rules(name, documents[name])
        return JSONResponse({"saved": True, "name": name})

    async def refused(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=400)

    async def too_large(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": f"request body over {MAX_BODY_BYTES} bytes"}, status_code=413)

    routes = [
        Route("/", page),
        Route("/static/{name}", static),
        Route("/api/files", files),
        Route("/api/file", file),
        Route("/api/sample", sample),
        Route("/api/check", check_text, methods=["POST"]),
        Route("/api/price", price, methods=["POST"]),
        Route("/api/save", save, methods=["POST"]),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))],
        exception_handlers={PromokitError: refused, _TooLarge: too_large},
    )
