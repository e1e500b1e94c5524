"""Live rules: `promokit.watch(path)` reloads a rule file or directory when it changes.

    live = promokit.watch("rules/", interval=1.0)       # raises RuleError if it cannot load now
    result = live.price(request, ledger=LEDGER)           # the last good rule set prices
    live.errors                                           # the last RuleError, or None
    live.reload()                                         # reload now (rules pushed by a deploy)
    live.close()                                          # or: with promokit.watch(...) as live:

A background thread polls the files every `interval` seconds (no new dependency): it hashes
the `.promo` files the path expands to (the same expansion as `load`), and when the hash
changes it loads the files again. A rule set that loads replaces the current one with one
reference assignment, so a price already running finishes on the rules it started with and
no caller ever sees a half-loaded rule set; one that fails to load is logged
(`promokit.watch`, ERROR), kept in `.errors`, and the old rules keep serving. A reload that
finds no rule file at all (a wiped folder) is logged (WARNING) and the old rules keep serving.
docs/production.md#live-rules has the deployment notes.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from .archive import store
from .check.frontend import promo_files
from .engine.ruleset import Explanation, RuleSet
from .errors import PromokitError
from .language.diagnostics import RuleError
from .loader import load_paths
from .models import CheckoutRequest, PricingResult
from .telemetry import watch_log

__all__ = ["LiveRules", "watch"]


def _fingerprint(path: Path) -> str:
    """A hash of every rule file's name and bytes (unreadable files hash as such, so that
    making one readable again is a change too)."""
    files, missing = promo_files([path])
    digest = hashlib.sha256()
    digest.update(f"missing={len(missing)}\n".encode())
    for file in files:
        digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(file.read_bytes())
        except OSError as exc:
            digest.update(f"<unreadable: {exc.errno}>".encode())
        digest.update(b"\0")
    return digest.hexdigest()


class LiveRules:
    """A rule set that follows its files. Thread-safe: read `.current` (or call `.price`)
    from any thread; reloads are serialised."""

    def __init__(self, path: str | Path, *, interval: float = 1.0, archive: str | Path | None = None) -> None:
        if isinstance(interval, bool) or not isinstance(interval, int | float) or not 0 < interval <= 86400:
            raise PromokitError(f"interval must be a number of seconds > 0, got {interval!r}")
        self.path = Path(path)
        self.interval = float(interval)
        self._archive = archive
        self._lock = threading.Lock()
        self._seen = _fingerprint(self.path)
        self._current: RuleSet = self._load()  # raises, as `load` does: no rules, no service
        self._errors: RuleError | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"promokit-watch:{self.path}", daemon=True)
        self._thread.start()

    def _load(self) -> RuleSet:
        rules = load_paths([self.path])
        if self._archive is not None:
            store(rules, self._archive)
        return rules

    # ------------------------------------------------------------------ the rules
    @property
    def current(self) -> RuleSet:
        """The last rule set that loaded without errors."""
        return self._current

    @property
    def errors(self) -> RuleError | None:
        """Why the last reload failed (None once a reload succeeds)."""
        return self._errors

    @property
    def version(self) -> str:
        return self._current.version

    def price(self, request: CheckoutRequest, **options: Any) -> PricingResult:
        """`current.price(request, ...)`: one rule set prices the whole call."""
        return self._current.price(request, **options)

    def explain(self, request: CheckoutRequest, **options: Any) -> Explanation:
        """`current.explain(request, ...)`."""
        return self._current.explain(request, **options)

    # ------------------------------------------------------------------ reloading
    def reload(self) -> bool:
        """Load the files now, changed or not. True when a new version now serves; False when
        they load as the same version, fail to load (then `.errors` says why), or are no rule
        file at all where there were some (W040: logged, the old rules keep serving)."""
        with self._lock:
            self._seen = _fingerprint(self.path)
            return self._swap()

    def _poll(self) -> None:
        with self._lock:
            seen = _fingerprint(self.path)
            if seen == self._seen:
                return
            self._seen = seen
            self._swap()

    def _swap(self) -> bool:
        old = self._current
        try:
            rules = load_paths([self.path])
            if old.sources and not rules.sources:
                # a wiped or unmounted folder (W040) must not withdraw every promotion:
                # docs/production.md#an-empty-rules-folder
                watch_log.warning(
                    "%s: no rule file found (W040), still serving version %s with %d promotions",
                    self.path,
                    old.version,
                    len(old.ast.promotions),
                )
                return False
            if self._archive is not None:
                store(rules, self._archive)
        except RuleError as exc:
            self._errors = exc
            watch_log.error(
                "%s: broken rules kept out, still serving version %s:\n%s", self.path, old.version, exc
            )
            return False
        except Exception as exc:  # an archive that cannot be written: keep serving, say why
            watch_log.error("%s: reload failed, still serving version %s: %s", self.path, old.version, exc)
            raise
        self._errors = None
        if rules.version == old.version:
            return False
        self._current = rules  # one reference assignment: the swap is atomic
        watch_log.info("%s: reloaded, version %s -> %s", self.path, old.version, rules.version)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._poll()
            except Exception:  # never let the watcher die: log and poll again next time
                watch_log.exception("%s: reload failed", self.path)

    # ------------------------------------------------------------------ lifetime
    def close(self) -> None:
        """Stop watching (the current rules stay usable)."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()

    def __enter__(self) -> LiveRules:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._stop.is_set() else f"every {self.interval:g}s"
        return f"<LiveRules {self.path} version={self._current.version} {state}>"


def watch(path: str | Path, *, interval: float = 1.0, archive: str | Path | None = None) -> LiveRules:
    """Load `path` now (raising `RuleError` as `load` does) and follow its changes.

    `interval`: seconds between polls; an edit is served within about that long.
    `archive`: store every version that loads, as `load(..., archive=...)` does.
    """
    return LiveRules(path, interval=interval, archive=archive)
