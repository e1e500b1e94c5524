"""`promokit serve` as a real process over HTTP: what it refuses (paths, sizes, hosts) and saving.

The page itself is tested in a real Chromium by tests/browser/playground.test.js (`.ci/run`).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (extra serve)")
pytest.importorskip("uvicorn", reason="uvicorn is not installed (extra serve)")

from promokit.serve.app import MAX_BODY_BYTES  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Playground:
    def __init__(self, port: int, rules: Path) -> None:
        self.port, self.rules = port, rules

    def call(
        self, path: str, body: Any = None, *, raw: bytes | None = None, host: str | None = None
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data)
        if host is not None:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _decode(exc.read())


def _decode(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Playground]:
    work = tmp_path_factory.mktemp("playground")
    rules = work / "fresh-market"
    shutil.copytree(ROOT / "examples" / "fresh-market", rules)
    (work / "secret.promo").write_text("promotion secret {\n  8折\n}\n", encoding="utf-8")
    (rules / "link.promo").symlink_to(work / "secret.promo")  # a way out of the folder
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "promokit", "serve", str(rules), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    banner = process.stderr.readline()  # printed before listening; then poll until it answers
    server = Playground(port, rules)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"promokit serve exited: {banner}{process.stderr.read()}")
            __import__("time").sleep(0.1)
    assert banner.startswith(f"promokit playground: http://127.0.0.1:{port}/")
    yield server
    process.terminate()
    process.wait(timeout=30)


def test_it_lists_only_the_folders_files(playground: Playground) -> None:
    status, body = playground.call("/api/files")
    assert status == 200
    expected = sorted(p.relative_to(playground.rules).as_posix() for p in playground.rules.rglob("*.promo"))
    expected.remove("link.promo")  # a symlink out of the folder is not the folder's file
    assert body["rules"] == expected and "campaigns.promo" in expected
    assert "weekday-basket.json" in body["samples"]


@pytest.mark.parametrize(
    "name",
    ["../secret.promo", "/etc/passwd", "link.promo", "..%2Fsecret.promo", "requests/../../secret.promo"],
)
def test_path_traversal_is_refused(playground: Playground, name: str) -> None:
    status, body = playground.call(f"/api/file?name={name}")
    assert status == 400 and "no rule file named" in body["error"]
    status, body = playground.call("/api/save", {"name": name, "text": "promotion x {\n  8折\n}\n"})
    assert status == 400
    assert (
        (playground.rules.parent / "secret.promo").read_text(encoding="utf-8").startswith("promotion secret")
    )
    assert not (playground.rules.parent / "x.promo").exists()


def _raw_post(port: int, head: str, body: bytes) -> str:
    """Send a request by hand (the server may answer and close before the body is sent)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
        conn.sendall(head.encode())
        try:
            conn.sendall(body)
        except OSError:
            pass  # refused early: the answer is already waiting
        return conn.recv(65536).decode("utf-8", "replace")


def test_request_size_is_limited(playground: Playground) -> None:
    declared = (
        f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n"
    )
    assert _raw_post(playground.port, declared, b"{").startswith("HTTP/1.1 413")
    # chunked, no declared length: counted while streaming
    chunk = b"#" * (MAX_BODY_BYTES + 10)
    chunked = "POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n"
    assert _raw_post(playground.port, chunked, body).startswith("HTTP/1.1 413")


def test_another_host_header_is_refused(playground: Playground) -> None:
    status, _ = playground.call("/api/files", host="evil.example")
    assert status == 400


def test_bad_bodies_are_answers_not_crashes(playground: Playground) -> None:
    assert playground.call("/api/check", raw=b"{not json")[0] == 400
    assert playground.call("/api/check", [1, 2])[0] == 400
    assert playground.call("/api/check", {"name": "campaigns.promo", "text": 5})[0] == 400
    status, body = playground.call(
        "/api/price", {"name": "campaigns.promo", "text": "", "request": {"lines": 3}}
    )
    assert status == 422 and body["details"]
    status, body = playground.call("/api/check", {"name": "campaigns.promo", "text": "\x00promotion {{{"})
    assert status == 200 and body["diagnostics"]


def test_save_writes_only_a_rule_set_that_checks(playground: Playground) -> None:
    path = playground.rules / "everyday.promo"
    original = path.read_text(encoding="utf-8")
    broken = original + "\npromotion broken {\n  for nobody\n  8折\n}\n"
    status, body = playground.call("/api/save", {"name": "everyday.promo", "text": broken})
    assert status == 422 and body["saved"] is False
    assert [d["code"] for d in body["diagnostics"]] == ["E010"]
    assert path.read_text(encoding="utf-8") == original
    fixed = original + "\npromotion fixed {\n  8折\n}\n"
    status, body = playground.call("/api/save", {"name": "everyday.promo", "text": fixed})
    assert (status, body["saved"]) == (200, True)
    assert path.read_text(encoding="utf-8") == fixed


def test_price_uses_the_edited_text(playground: Playground) -> None:
    request = json.loads((ROOT / "examples/fresh-market/requests/new-customer-first-order.json").read_text())
    text = (playground.rules / "campaigns.promo").read_text(encoding="utf-8")
    _, before = playground.call("/api/price", {"name": "campaigns.promo", "text": text, "request": request})
    edited = text.replace("满39减20", "满39减30")
    _, after = playground.call("/api/price", {"name": "campaigns.promo", "text": edited, "request": request})
    from decimal import Decimal

    assert Decimal(before["result"]["total"]) - Decimal(after["result"]["total"]) == Decimal("10.00")
    assert (playground.rules / "campaigns.promo").read_text(encoding="utf-8") == text  # not saved
