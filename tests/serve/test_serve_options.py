"""`promokit serve --host ... --requests DIR`, as a real process: where it listens, which Host
headers it answers, and which sample requests it offers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("starlette", reason="starlette is not installed (extra serve)")
pytest.importorskip("uvicorn", reason="uvicorn is not installed (extra serve)")

HOST = "127.0.0.2"  # a loopback address other than the default 127.0.0.1
RULES = 'currency CNY\npromotion fruit "水果9折" {\n  on category "fruit"\n  10% off\n}\n'
SAMPLE = {
    "at": "2026-11-22T10:00:00+08:00",
    "lines": [{"id": "a", "sku": "APPLE", "category": "fruit", "unit_price": "10.00", "quantity": 1}],
}


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _get(address: str, port: int, path: str, host_header: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(f"http://{address}:{port}{path}")
    if host_header is not None:
        request.add_header("Host", host_header)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    work = tmp_path_factory.mktemp("serve-options")
    (work / "rules").mkdir()
    (work / "rules" / "shop.promo").write_text(RULES, encoding="utf-8")
    (work / "rules" / "requests").mkdir()  # the default folder: --requests must replace it
    (work / "rules" / "requests" / "default-sample.json").write_text(json.dumps(SAMPLE), encoding="utf-8")
    (work / "carts").mkdir()
    (work / "carts" / "apple.json").write_text(json.dumps(SAMPLE), encoding="utf-8")
    port = _free_port(HOST)
    argv = [
        "serve",
        str(work / "rules"),
        "--host",
        HOST,
        "--port",
        str(port),
        "--requests",
        str(work / "carts"),
    ]
    process = subprocess.Popen([sys.executable, "-m", "promokit", *argv], stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    banner = process.stderr.readline()
    for _ in range(600):
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"promokit serve exited: {banner}{process.stderr.read()}")
            time.sleep(0.1)
    yield port, banner
    process.terminate()
    process.wait(timeout=30)


def test_host_is_where_it_listens_and_what_the_banner_says(server: tuple[int, str]) -> None:
    port, banner = server
    assert banner.startswith(f"promokit playground: http://{HOST}:{port}/")
    with pytest.raises(OSError):  # not on the default address
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_host_is_an_accepted_host_header_and_others_are_refused(server: tuple[int, str]) -> None:
    port, _ = server
    assert _get(HOST, port, "/api/files")[0] == 200  # Host: 127.0.0.2:PORT
    assert _get(HOST, port, "/api/files", host_header="localhost")[0] == 200
    assert _get(HOST, port, "/api/files", host_header="evil.example")[0] == 400


def test_requests_names_the_folder_of_sample_carts(server: tuple[int, str]) -> None:
    port, _ = server
    status, body = _get(HOST, port, "/api/files")
    assert status == 200 and body["samples"] == ["apple.json"]  # not RULES/requests
    assert body["rules"] == ["shop.promo"]
    status, body = _get(HOST, port, "/api/sample?name=apple.json")
    assert status == 200 and body["request"]["lines"][0]["sku"] == "APPLE"
