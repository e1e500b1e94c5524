"""The ledger contract suite (test_contract.py), run unchanged against the ASYNC adapters.

Every contract test that takes the `store` fixture is collected again here, with a `store`
whose clients are `open_async_ledger(...)` ledgers driven through `Blocking`: each call is
awaited on one event loop running in a background thread. Threads in a test (the
contention tests) therefore submit concurrent tasks to the async adapter, as an asyncio
service would. Redis and PostgreSQL run for real; SQLite and memory through their async
wrappers.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from promokit.ledgers._core import Clock
from promokit.ledgers.aio import AsyncLedger, open_async_ledger

from . import test_contract
from .conftest import Store, make_store

_loop = asyncio.new_event_loop()
threading.Thread(target=_loop.run_forever, name="async-ledger-tests", daemon=True).start()


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run_coroutine_threadsafe(coro, _loop).result()


class Blocking:
    """A sync face on an async ledger (tests only): every coroutine call is awaited on `_loop`."""

    def __init__(self, ledger: AsyncLedger) -> None:
        self.ledger = ledger
        self.url = ledger.url

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.ledger, name)
        if not inspect.iscoroutinefunction(attr):
            return attr
        return lambda *args, **kwargs: run(attr(*args, **kwargs))


@dataclass
class AsyncStore(Store):
    opened: list[Blocking] = field(default_factory=list)

    def open(self, clock: Clock | None = None) -> Any:
        if self.kind == "memory" and self.opened:
            return self.opened[0]  # a memory ledger is its own store
        client = Blocking(run(open_async_ledger(self.url, clock=clock)))
        self.opened.append(client)
        return client


@pytest.fixture(params=["memory", "sqlite", "redis", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s, cleanup = make_store(request.param, tmp_path)
    async_store = AsyncStore(s.kind, s.url)
    yield async_store
    for client in async_store.opened:
        client.close()
    cleanup()


for _name, _test in vars(test_contract).items():
    if _name.startswith("test_") and "store" in inspect.signature(_test).parameters:
        globals()[_name] = _test


def test_the_suite_above_covers_the_contract() -> None:
    collected = [
        n for n in globals() if n.startswith("test_") and n != "test_the_suite_above_covers_the_contract"
    ]
    assert len(collected) >= 20


def test_async_urls_fail_as_sync_ones_do() -> None:
    from promokit.ledgers import LedgerError

    with pytest.raises(LedgerError, match="unknown ledger URL scheme ftp://"):
        run(open_async_ledger("ftp://x"))
    with pytest.raises(LedgerError, match=r"redis://127.0.0.1:1/0: cannot reach Redis"):
        run(open_async_ledger("redis://user:pw@127.0.0.1:1/0"))
    with pytest.raises(LedgerError, match="cannot"):
        run(open_async_ledger("postgresql://nobody@127.0.0.1:1/none"))


@pytest.mark.parametrize("kind", ["redis", "postgres"])
def test_an_async_ledger_survives_a_server_restart_of_its_connections(kind: str, tmp_path: Path) -> None:
    """As test_contract's dropped-connection test: the server forgets scripts and drops clients."""
    store, cleanup = make_store(kind, tmp_path)
    sync: Any = store.open()
    try:

        async def scenario() -> None:
            ledger: Any = await open_async_ledger(store.url)
            claim = test_contract.stock(1)
            assert (await ledger.reserve("o1", [claim], 60)).ok
            if kind == "redis":  # only our own connection: other clients of the server are left alone
                sync._client.script_flush()
                sync._client.client_kill_filter(_id=await ledger._client.client_id())
            else:
                for conn in ledger._idle:  # end every pooled session, as a restart would
                    sync._conn().execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
            assert (await ledger.reserve("o2", [claim], 60)).ok
            assert (await ledger.usage(["stock:p"]))["stock:p"] == 2
            await ledger.close()

        run(scenario())
    finally:
        sync.close()
        cleanup()
