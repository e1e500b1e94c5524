"""`promokit ledger ...` and the service-availability policy of this suite."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from promokit.cli import ledger as command
from promokit.ledgers import Claim, LedgerError, open_ledger


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return command.run(parser.parse_args(list(argv)))


def test_ledger_commands_init_sweep_and_show_stats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    assert run("init", url) == 0
    capsys.readouterr()
    open_ledger(url).reserve(
        "o1",
        [Claim("stats:eggs:orders", 1, None, "eggs"), Claim("stats:eggs:units", 3, None, "eggs")],
        ttl=600,
    )
    assert run("stats", url, "eggs", "--json") == 0
    assert '"orders": 1, "reserved_orders": 1, "units": 3' in capsys.readouterr().out
    long_ago = open_ledger(url, clock=lambda: 0.0)  # a reservation whose TTL ran out in 1970
    long_ago.reserve("o2", [Claim("stats:eggs:orders", 1, None, "eggs")], ttl=5)
    assert run("sweep", url) == 0
    assert "released 1 expired" in capsys.readouterr().out
    assert run("stats", url, "eggs") == 0
    assert "eggs: 1 order(s) (1 still reserved), 3 unit(s)" in capsys.readouterr().out


def test_ledger_commands_report_bad_urls_without_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("sweep", "ftp://alice:hunter2@example.com/x") == 2
    err = capsys.readouterr().err
    assert "unknown ledger URL scheme" in err and "hunter2" not in err


@pytest.mark.parametrize("required, expected", [("", "1 skipped"), ("1", "1 error")])
def test_unreachable_services_skip_or_fail_when_required(required: str, expected: str) -> None:
    env = dict(
        os.environ, PROMOKIT_TEST_REDIS_URL="redis://127.0.0.1:1/0", PROMOKIT_REQUIRE_SERVICES=required
    )
    here = Path(__file__).parent
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(here / "test_contract.py"),
            "-k",
            "redis and a_limit_of_zero",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=here.parent.parent,
    )
    assert expected in proc.stdout, proc.stdout[-2000:]
    assert proc.returncode == (1 if required else 0)  # an error in setup fails the run
    assert "Redis at redis://127.0.0.1:1/0 unreachable" in proc.stdout


def test_redis_commit_can_require_a_replica_acknowledgement(tmp_path: Path) -> None:
    from .conftest import make_store

    store, cleanup = make_store("redis", tmp_path)
    try:
        ledger = open_ledger(store.url + "&wait_replicas=1")
        ledger.reserve("o1", [Claim("k", 1, None, "p")], ttl=60)
        replicas = int(ledger._client.info("replication")["connected_slaves"])  # type: ignore[attr-defined]
        if replicas == 0:  # the test server has no replica: the commit must say so, not pretend
            with pytest.raises(LedgerError, match="0 replica"):
                ledger.commit("o1")
        else:
            assert ledger.commit("o1").status == "committed"
        state = ledger.state("o1")
        assert state is not None and state.status == "committed"  # the primary has it either way
    finally:
        cleanup()


def test_ledger_purge_forgets_old_finished_orders_and_keeps_counters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    past = open_ledger(url, clock=lambda: 1_000_000.0)  # finished long before the 30-day window
    past.reserve("old", [Claim("stock:eggs", 2, 10, "eggs")], ttl=60)
    past.commit("old")
    now = open_ledger(url)
    now.reserve("new", [Claim("stock:eggs", 1, 10, "eggs")], ttl=60)
    now.commit("new")
    assert run("purge", url, "--older-than", "30d") == 0
    assert "purged 1 finished order(s) older than 30d" in capsys.readouterr().out
    assert now.state("old") is None and now.state("new") is not None
    assert now.usage(["stock:eggs"])["stock:eggs"] == 3
    assert run("purge", url, "--older-than", "12h") == 0
    assert "purged 0 finished order(s)" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["30", "30x", "-1d", "d", "1e999d", ""])
def test_ledger_purge_refuses_a_window_without_a_valid_unit(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("purge", f"sqlite:///{tmp_path / 'shop.db'}", f"--older-than={value}") == 2
    assert "--older-than" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, seconds", [("45s", 45), ("90m", 5400), ("12h", 43200), ("30d", 2592000), ("1.5d", 129600)]
)
def test_purge_windows_accept_second_minute_hour_and_day_units(text: str, seconds: float) -> None:
    assert command.parse_duration(text) == seconds
