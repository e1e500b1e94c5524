"""The Redis ledger fails closed (issue 15, item 4), against a redis-server this test starts.

Dropping every client connection, stopping the server and restarting it empty would disturb
everyone else on the shared 6379 server, so each test here runs its own `redis-server` on a
free loopback port, without persistence, and stops it afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from promokit.cli.main import main
from promokit.ledgers import Claim, LedgerError, open_ledger
from promokit.ledgers.aio import open_async_ledger

from .conftest import require_services

redis = pytest.importorskip("redis")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class OwnRedis:
    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0?namespace=failclosed"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)
        for _ in range(500):  # bounded by attempts, not by a clock
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError("redis-server exited at start") from None
                threading.Event().wait(0.01)
        else:
            raise RuntimeError("redis-server did not answer")
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def client(self) -> Any:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed: cannot start a private Redis for fail-closed tests"
        if require_services():
            pytest.fail(message + " [PROMOKIT_REQUIRE_SERVICES=1]")
        pytest.skip(message)
    server = OwnRedis(tmp_path, _free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def stock(n: int = 1) -> list[Claim]:
    return [Claim("stock:eggs", n, 100, "eggs")]


def test_a_thousand_dropped_connections_leave_the_pool_usable(own_redis: OwnRedis) -> None:
    ledger = open_ledger(own_redis.url)
    ledger.init()  # type: ignore[attr-defined]
    killer = own_redis.client()
    for _ in range(1000):
        ledger.usage(["stock:eggs"])
        killer.client_kill_filter(_type="normal", skipme=True)
    assert ledger.reserve("after-drops", stock(), ttl=60).ok
    assert ledger.usage(["stock:eggs"]) == {"stock:eggs": 1}
    ledger.close()


def test_a_thousand_short_lived_threads_leave_the_pool_usable(own_redis: OwnRedis) -> None:
    ledger = open_ledger(own_redis.url)
    ledger.init()  # type: ignore[attr-defined]
    failures: list[BaseException] = []

    def once() -> None:
        try:
            ledger.usage(["stock:eggs"])
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    for batch in range(20):
        threads = [threading.Thread(target=once) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == [], f"batch {batch}: {failures[:1]!r}"
    assert ledger.reserve("after-threads", stock(), ttl=60).ok
    ledger.close()


def test_a_redis_that_lost_its_data_refuses_to_reserve(own_redis: OwnRedis) -> None:
    ledger = open_ledger(own_redis.url)
    ledger.init()  # type: ignore[attr-defined]
    assert ledger.reserve("o1", stock(100), ttl=60).ok
    ledger.commit("o1")
    assert not ledger.reserve("o2", stock(1), ttl=60).ok  # sold out

    own_redis.stop()
    own_redis.start()  # no persistence: the namespace is gone

    with pytest.raises(LedgerError, match="was reset"):
        ledger.reserve("o2", stock(1), ttl=60)
    with pytest.raises(LedgerError, match="was reset"):
        ledger.usage(["stock:eggs"])
    with pytest.raises(LedgerError, match="was reset"):
        ledger.state("o1")
    fresh = open_ledger(own_redis.url)  # a process started after the loss refuses too
    with pytest.raises(LedgerError, match="not initialised"):
        fresh.reserve("o3", stock(1), ttl=60)
    fresh.close()


def test_a_namespace_flushed_behind_the_ledger_refuses_too(own_redis: OwnRedis) -> None:
    ledger = open_ledger(own_redis.url)
    ledger.init()  # type: ignore[attr-defined]
    assert ledger.reserve("o1", stock(5), ttl=60).ok
    own_redis.client().flushall()  # what `maxmemory` eviction or an operator's FLUSHALL does
    with pytest.raises(LedgerError, match="was reset"):
        ledger.reserve("o2", stock(1), ttl=60)


def test_init_is_idempotent_and_a_new_ledger_needs_it(own_redis: OwnRedis) -> None:
    ledger = open_ledger(own_redis.url)
    with pytest.raises(LedgerError, match="ledger init"):
        ledger.usage(["stock:eggs"])
    other = open_ledger(own_redis.url)
    other.init()  # type: ignore[attr-defined]
    other.init()  # type: ignore[attr-defined]
    assert other.reserve("o1", stock(), ttl=60).ok
    assert ledger.usage(["stock:eggs"]) == {"stock:eggs": 1}  # opened before init: adopts the marker


def test_a_redis_that_went_down_raises_ledger_error_not_a_driver_error(own_redis: OwnRedis) -> None:
    ledger = open_ledger(own_redis.url)
    ledger.init()  # type: ignore[attr-defined]
    assert ledger.reserve("o1", stock(), ttl=60).ok
    own_redis.stop()
    for call in (
        lambda: ledger.usage(["stock:eggs"]),
        lambda: ledger.reserve("o2", stock(), ttl=60),
        lambda: ledger.commit("o1"),
    ):
        with pytest.raises(LedgerError, match="Redis call failed"):
            call()
    with contextlib.suppress(LedgerError):  # closing may report the dead server, but only as LedgerError
        ledger.close()


def test_promokit_ledger_init_writes_the_marker(
    own_redis: OwnRedis, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ledger", "init", own_redis.url]) == 0
    assert "ledger ready" in capsys.readouterr().out
    ledger = open_ledger(own_redis.url)
    assert ledger.reserve("o1", stock(), ttl=60).ok


def test_the_async_adapter_fails_closed_too(own_redis: OwnRedis) -> None:
    async def scenario() -> None:
        ledger: Any = await open_async_ledger(own_redis.url)
        with pytest.raises(LedgerError, match="not initialised"):
            await ledger.usage(["stock:eggs"])
        await ledger.init()
        assert (await ledger.reserve("o1", stock(100), ttl=60)).ok
        await ledger.commit("o1")
        own_redis.stop()
        own_redis.start()
        with pytest.raises(LedgerError, match="was reset"):
            await ledger.reserve("o2", stock(1), ttl=60)
        await ledger.close()

    asyncio.run(scenario())
