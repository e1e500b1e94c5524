"""A worker killed with SIGKILL between reserve and commit: its units come back after the TTL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from promokit.ledgers import Claim

from .conftest import Store

CHILD = """
import sys, time
from promokit.ledgers import Claim, open_ledger
ledger = open_ledger(sys.argv[1])
out = ledger.reserve("doomed", [Claim("stock:flash", 3, 3, "flash")], ttl=1.5)
print("held" if out.ok else "failed", flush=True)
time.sleep(60)
"""


def test_units_of_a_killed_worker_return_after_the_ttl(shared_store: Store) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, shared_store.url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    ledger = shared_store.open()
    killed_at = time.time()
    assert ledger.usage(["stock:flash"])["stock:flash"] == 3  # still held: the TTL has not passed
    assert not ledger.reserve("next", [Claim("stock:flash", 1, 3, "flash")], ttl=60).ok
    time.sleep(max(0.0, killed_at + 1.7 - time.time()))
    assert ledger.usage(["stock:flash"])["stock:flash"] == 0
    state = ledger.state("doomed")
    assert state is not None and state.status == "expired"
    assert ledger.reserve("next", [Claim("stock:flash", 3, 3, "flash")], ttl=60).ok
