"""Logs, and OpenTelemetry spans and metrics when the `otel` extra is installed.

Logging: everything goes to the `promokit` logger hierarchy, never to stdout/stderr (the
application configures handlers). Children, one per concern:

| logger | what |
|---|---|
| `promokit.load` | a rule set loaded (INFO, with its version), each load warning (WARNING) |
| `promokit.watch` | a live reload (INFO), a broken edit that kept the old rules (ERROR) |
| `promokit.ledger` | ledger errors and cart conflicts during checkout (WARNING/ERROR) |
| `promokit.price` | a slow price (WARNING, over `PROMOKIT_SLOW_PRICE_MS`, default 250 ms) |
| `promokit.archive` | a rule version stored in an archive (INFO) |

OpenTelemetry: when `opentelemetry-api` is importable, `price` runs in a span
`promokit.price` and records metrics (names below); checkout calls count ledger round trips
and conflicts. Whether it is importable is decided once, at the first priced cart; without
the extra nothing is imported and each call costs one cached look-up (docs/production.md#logs-metrics-and-traces).
"""

from __future__ import annotations

import logging
import os
import time
from types import TracebackType
from typing import Any

log = logging.getLogger("promokit")
log.addHandler(logging.NullHandler())  # a library never prints: no "last resort" stderr output
load_log = logging.getLogger("promokit.load")
watch_log = logging.getLogger("promokit.watch")
ledger_log = logging.getLogger("promokit.ledger")
price_log = logging.getLogger("promokit.price")
archive_log = logging.getLogger("promokit.archive")

#: Metric names (OpenTelemetry), one place so docs and tests agree.
PRICE_SECONDS = "promokit.price.duration"
PROMOTIONS_EVALUATED = "promokit.price.promotions_evaluated"
LEDGER_ROUND_TRIPS = "promokit.ledger.round_trips"
LEDGER_CONFLICTS = "promokit.ledger.conflicts"


def _slow_seconds() -> float:
    try:
        return float(os.environ.get("PROMOKIT_SLOW_PRICE_MS", "250")) / 1000
    except ValueError:
        return 0.25


SLOW_PRICE_SECONDS = _slow_seconds()


class _Otel:
    """The tracer and instruments, created once through the API's proxies (a provider set
    later by the application still receives them)."""

    def __init__(self) -> None:
        from opentelemetry import metrics, trace

        self.trace = trace
        self.tracer = trace.get_tracer("promokit")
        meter = metrics.get_meter("promokit")
        self.price_seconds = meter.create_histogram(
            PRICE_SECONDS, unit="s", description="time to price a cart"
        )
        self.evaluated = meter.create_counter(
            PROMOTIONS_EVALUATED, description="promotions that passed the pre-checks and were evaluated"
        )
        self.round_trips = meter.create_counter(LEDGER_ROUND_TRIPS, description="ledger calls, by operation")
        self.conflicts = meter.create_counter(
            LEDGER_CONFLICTS, description="reservations refused: lost races and changed carts"
        )


_otel: _Otel | None = None
_checked = False


def otel() -> _Otel | None:
    """The instruments, or None when opentelemetry is not installed (checked once)."""
    global _otel, _checked
    if not _checked:
        _checked = True
        try:
            _otel = _Otel()
        except ImportError:
            _otel = None
    return _otel


class PriceProbe:
    """Around one `price`/`explain`: a span when otel is on, a slow-price log always.

    The engine fills in `evaluated` and `mode`; `version` names the rules.
    """

    __slots__ = ("evaluated", "ledger", "mode", "name", "reads_order", "started", "version", "_span", "_otel")

    def __init__(self, name: str, version: str, *, ledger: bool, reads_order: bool = False) -> None:
        # `reads_order`: a retry's view of the ledger (ledgers/views.py) also reads the order
        self.name, self.version, self.ledger, self.reads_order = name, version, ledger, reads_order
        self.evaluated = 0
        self.mode = ""
        self._otel = otel()
        self._span: Any = None
        self.started = 0.0

    def __enter__(self) -> PriceProbe:
        if self._otel is not None:
            self._span = self._otel.tracer.start_as_current_span(self.name)
            self._span.__enter__()
        self.started = time.perf_counter()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        elapsed = time.perf_counter() - self.started
        if elapsed > SLOW_PRICE_SECONDS and kind is None:
            price_log.warning(
                "slow price: %.0f ms (%d promotions evaluated, selection %s, rules %s)",
                elapsed * 1000,
                self.evaluated,
                self.mode,
                self.version,
            )
        o = self._otel
        if o is None:
            return
        attributes = {"promokit.rules_version": self.version, "promokit.selection_mode": self.mode}
        o.price_seconds.record(elapsed, attributes)
        o.evaluated.add(self.evaluated, attributes)
        if self.ledger:
            o.round_trips.add(1, {"promokit.operation": "usage"})
        if self.reads_order:
            o.round_trips.add(1, {"promokit.operation": "state"})
        span = o.trace.get_current_span()
        span.set_attribute("promokit.rules_version", self.version)
        span.set_attribute("promokit.promotions_evaluated", self.evaluated)
        span.set_attribute("promokit.selection_mode", self.mode)
        span.set_attribute("promokit.ledger", self.ledger)
        self._span.__exit__(kind, exc, tb)


def ledger_call(operation: str) -> None:
    """Count one ledger round trip made by the checkout flow."""
    o = otel()
    if o is not None:
        o.round_trips.add(1, {"promokit.operation": operation})


def ledger_conflict(kind: str) -> None:
    """Count a refused reservation: `lost_race` or `cart_changed`."""
    o = otel()
    if o is not None:
        o.conflicts.add(1, {"promokit.conflict": kind})
