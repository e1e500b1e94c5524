"""Ledger fixtures: one `store` per adapter, isolated per test.

Service URLs come from PROMOKIT_TEST_REDIS_URL / PROMOKIT_TEST_POSTGRES_URL (defaults:
the local servers; Redis db 15 and a `promokit_test` database created on demand).
Each test gets its own Redis namespace / PostgreSQL schema, removed afterwards.
An unreachable server skips its tests with the reason, or fails them when
PROMOKIT_REQUIRE_SERVICES=1 (CI), so a missing service can never pass silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from promokit.ledgers import Ledger, LedgerError, open_ledger
from promokit.ledgers._core import Clock

REDIS_URL = os.environ.get("PROMOKIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get("PROMOKIT_TEST_POSTGRES_URL", "")
POSTGRES_DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
ADAPTERS = ["memory", "sqlite", "redis", "postgres"]
SHARED = ["sqlite", "redis", "postgres"]  # usable from several processes


def require_services() -> bool:
    return os.environ.get("PROMOKIT_REQUIRE_SERVICES") == "1"


def _unavailable(what: str, why: str) -> None:
    message = f"{what} unreachable ({why}); set its PROMOKIT_TEST_* URL or start the server"
    if require_services():
        pytest.fail(message + " [PROMOKIT_REQUIRE_SERVICES=1]")
    pytest.skip(message)


_checked: dict[str, str | None] = {}


def postgres_base_url() -> str:
    """The test database URL; by default creates `promokit_test` on the local server once."""
    if POSTGRES_URL:
        return POSTGRES_URL
    url = POSTGRES_DEFAULT_SERVER.rsplit("/", 1)[0] + "/promokit_test"
    if "pg_created" not in _checked:
        try:
            import psycopg
        except ImportError:  # the `postgres` extra is not installed: skip, do not error
            _unavailable(
                "PostgreSQL", "the psycopg client is not installed (pip install 'promokit[postgres]')"
            )
        try:
            with psycopg.connect(POSTGRES_DEFAULT_SERVER, autocommit=True, connect_timeout=3) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'promokit_test'").fetchone():
                    try:
                        conn.execute("CREATE DATABASE promokit_test")
                    except psycopg.errors.DuplicateDatabase:
                        pass
            _checked["pg_created"] = None
        except psycopg.Error as exc:
            _checked["pg_created"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if _checked["pg_created"] is not None:
        _unavailable(f"PostgreSQL at {POSTGRES_DEFAULT_SERVER}", _checked["pg_created"])
    return url


def with_query(url: str, name: str, value: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


@dataclass
class Store:
    """One isolated ledger store. `open()` gives a new client on it (same data)."""

    kind: str
    url: str
    _shared: Ledger | None = None

    def open(self, clock: Clock | None = None) -> Ledger:
        if self.kind == "memory":
            # A memory ledger is its own store: every "client" is the one instance.
            if self._shared is None:
                self._shared = open_ledger(self.url, clock=clock)
            return self._shared
        return open_ledger(self.url, clock=clock)


def make_store(kind: str, tmp: Path) -> tuple[Store, Callable[[], None]]:
    token = uuid.uuid4().hex[:12]
    if kind == "memory":
        return Store(kind, "memory://"), lambda: None
    if kind == "sqlite":
        return Store(kind, f"sqlite:///{tmp / 'ledger.db'}"), lambda: None
    if kind == "redis":
        url = with_query(REDIS_URL, "namespace", f"test-{token}")
        try:
            ledger: Any = open_ledger(url)
            ledger.init()  # the epoch marker every Redis call checks (docs/ledgers.md#running-in-production)
        except LedgerError as exc:
            _unavailable(f"Redis at {REDIS_URL}", str(exc))

        def clean_redis() -> None:
            ledger.flush()
            ledger.close()

        return Store(kind, url), clean_redis
    if kind == "postgres":
        url = with_query(postgres_base_url(), "schema", f"t_{token}")
        try:
            pg: Any = open_ledger(url)
        except LedgerError as exc:
            _unavailable("PostgreSQL", str(exc))

        def clean_postgres() -> None:
            pg.drop()
            pg.close()

        return Store(kind, url), clean_postgres
    raise ValueError(kind)


@pytest.fixture(params=ADAPTERS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s, cleanup = make_store(request.param, tmp_path)
    yield s
    cleanup()


@pytest.fixture(params=SHARED)
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s, cleanup = make_store(request.param, tmp_path)
    yield s
    cleanup()


class FakeClock:
    """An injectable clock: tests move time instead of sleeping."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
