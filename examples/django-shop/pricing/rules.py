"""The rule set and the ledger, shared by every request of this process.

Live reload: promokit has no file watcher, so `current()` compares the rule files'
modification times (one `stat` per file, cheap next to pricing) and reloads when one changed.
A reload that does not check keeps serving the previous rules and logs every diagnostic:
an operator's typo never takes checkout down.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import promokit
from django.conf import settings
from promokit import Ledger, RuleError, RuleSet

log = logging.getLogger(__name__)
_lock = threading.Lock()
_state: dict[str, object] = {}


def _stamp(folder: Path) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in folder.rglob("*.promo")))


def current() -> RuleSet:
    folder = Path(settings.PROMOKIT_RULES)
    stamp = _stamp(folder)
    with _lock:
        if _state.get("stamp") != stamp:
            try:
                _state["rules"] = promokit.load(folder)
                log.info("promokit rules loaded from %s", folder)
            except RuleError as exc:
                if "rules" not in _state:
                    raise  # at startup there is nothing to fall back on
                log.error("promokit rules not reloaded, keeping the previous ones:\n%s", exc)
            _state["stamp"] = stamp
        rules = _state["rules"]
    assert isinstance(rules, RuleSet)
    return rules


def ledger() -> Ledger:
    with _lock:
        if "ledger" not in _state:
            _state["ledger"] = promokit.open_ledger(settings.PROMOKIT_LEDGER_URL)
        found = _state["ledger"]
    assert isinstance(found, Ledger)
    return found
