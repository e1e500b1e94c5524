"""The live rule set and the ledger, shared by every request (and thread) of this process.

`promokit.watch` loads the rules now (a rule error stops the process at startup, with every
diagnostic) and reloads them in a background thread when a `.promo` file changes; a reload
that does not check is logged and the previous rules keep serving, so an operator's typo
never takes checkout down (docs/production.md#live-rules).
"""

from __future__ import annotations

import threading
from pathlib import Path

import promokit
from django.conf import settings
from promokit import Ledger, LiveRules

_lock = threading.Lock()
_live: LiveRules | None = None
_ledger: Ledger | None = None


def use(folder: Path) -> LiveRules:
    """Start following `folder` (at startup; tests point it at a copy)."""
    global _live
    with _lock:
        if _live is not None:
            _live.close()
        _live = promokit.watch(folder, interval=settings.PROMOKIT_RELOAD_SECONDS)
        return _live


def live() -> LiveRules:
    return _live if _live is not None else use(Path(settings.PROMOKIT_RULES))


def ledger() -> Ledger:
    """One ledger per process; promokit's ledgers are thread-safe."""
    global _ledger
    with _lock:
        if _ledger is None:
            _ledger = promokit.open_ledger(settings.PROMOKIT_LEDGER_URL)
        return _ledger


def reset_ledger() -> None:
    global _ledger
    with _lock:
        if _ledger is not None:
            _ledger.close()
        _ledger = None
