"""Logs under the `promokit` logger hierarchy, nothing printed; OpenTelemetry spans and metrics
when the `otel` extra is installed, and nothing imported without it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import Any

import pytest

import promokit
from promokit import checkout, telemetry
from promokit.models import CheckoutRequest

WARNED = """\
timezone Asia/Shanghai
currency CNY
promotion p1 "满减" {
  every month on 8, 8
  on category "fruit"
  满100减20, 满200减50
}
promotion eggs "秒杀" {
  on sku "EGG"
  flash price 1.00 stock 1
}
"""

REQUEST = CheckoutRequest.model_validate(
    {
        "at": "2026-11-08T10:00:00+08:00",
        "customer": {"id": "c1"},
        "lines": [
            {"id": "l1", "sku": "APPLE", "category": "fruit", "unit_price": "120.00", "quantity": 1},
            {"id": "l2", "sku": "EGG", "unit_price": "5.00", "quantity": 1},
        ],
    }
)


def test_loading_logs_the_version_and_every_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="promokit"):
        rules = promokit.loads(WARNED, name="w.promo")
    assert rules.warnings
    messages = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert ("promokit.load", logging.INFO) in {(n, lv) for n, lv, _ in messages}
    assert any(rules.version in m for _, _, m in messages)
    assert sum(1 for n, lv, _ in messages if n == "promokit.load" and lv == logging.WARNING) == len(
        rules.warnings
    )


def test_a_slow_price_and_a_ledger_error_are_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = promokit.loads(WARNED, name="w.promo")
    monkeypatch.setattr(telemetry, "SLOW_PRICE_SECONDS", 0.0)
    ledger = promokit.open_ledger("memory://")
    with caplog.at_level(logging.WARNING, logger="promokit"):
        rules.price(REQUEST)
        with pytest.raises(promokit.LedgerError):
            checkout.commit(ledger, "never-reserved")
    assert any(r.name == "promokit.price" and "slow price" in r.getMessage() for r in caplog.records)
    assert any(r.name == "promokit.ledger" and "never-reserved" in r.getMessage() for r in caplog.records)


_SCRIPT = r"""
import sys

class NoOtel:  # behave as if the otel extra were not installed
    def find_spec(self, name, path=None, target=None):
        if name == "opentelemetry" or name.startswith("opentelemetry."):
            raise ImportError("blocked: " + name)
        return None

sys.meta_path.insert(0, NoOtel())
import promokit
from promokit import checkout
from promokit.models import CheckoutRequest
rules = promokit.loads(sys.argv[1], name="w.promo")
ledger = promokit.open_ledger("memory://")
request = CheckoutRequest.model_validate_json(sys.argv[2])
result = rules.price(request, ledger=ledger, order_id="o")
assert checkout.reserve(rules, request, result, order_id="o", ledger=ledger).ok
try:
    checkout.commit(ledger, "unknown")
except promokit.LedgerError:
    pass
assert not [m for m in sys.modules if m.startswith("opentelemetry")], "otel was imported"
"""


def test_without_the_extra_nothing_is_imported_and_nothing_is_printed() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, WARNED, REQUEST.model_dump_json()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""  # warnings, errors: logged, never printed


@pytest.fixture(scope="module")
def otel() -> Any:
    """The SDK with in-memory exporters as the global providers (once per process)."""
    try:
        from opentelemetry import metrics, trace
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    except ImportError as exc:
        if os.environ.get("PROMOKIT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"opentelemetry-sdk missing (install the `test` extra): {exc}")
        pytest.skip(f"opentelemetry-sdk not installed (the `test` extra has it): {exc}")
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    trace.set_tracer_provider(tracer_provider)
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
    return spans, reader


def _metrics(reader: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    data = reader.get_metrics_data()
    for rm in data.resource_metrics if data else ():
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                out.setdefault(m.name, []).extend(m.data.data_points)
    return out


def test_spans_and_metrics_are_emitted_with_the_extra(otel: Any) -> None:
    spans, reader = otel
    rules = promokit.loads(WARNED, name="w.promo")
    ledger = promokit.open_ledger("memory://")
    result = rules.price(REQUEST, ledger=ledger)
    assert checkout.reserve(rules, REQUEST, result, order_id="A", ledger=ledger).ok
    lost = checkout.reserve(
        rules,
        REQUEST.model_validate({**REQUEST.model_dump(), "customer": {"id": "c2"}}),
        result,
        order_id="B",
        ledger=ledger,
    )
    assert not lost.ok
    with pytest.raises(checkout.CartChanged):
        checkout.reserve(rules, REQUEST, lost.result, order_id="A", ledger=ledger)
    priced = [s for s in spans.get_finished_spans() if s.name == "promokit.price"]
    assert priced, "no promokit.price span"
    attributes = dict(priced[0].attributes)
    assert attributes["promokit.rules_version"] == rules.version
    assert attributes["promokit.promotions_evaluated"] == 2
    assert attributes["promokit.selection_mode"] and attributes["promokit.ledger"] is True
    found = _metrics(reader)
    assert {
        telemetry.PRICE_SECONDS,
        telemetry.PROMOTIONS_EVALUATED,
        telemetry.LEDGER_ROUND_TRIPS,
        telemetry.LEDGER_CONFLICTS,
    } <= set(found)
    conflicts = {dict(p.attributes)["promokit.conflict"]: p.value for p in found[telemetry.LEDGER_CONFLICTS]}
    assert conflicts == {"lost_race": 1, "cart_changed": 1}
    rules.price(REQUEST, ledger=ledger, order_id="A")  # a retry also reads the order: two round trips
    trips = {
        dict(p.attributes)["promokit.operation"]: p.value
        for p in _metrics(reader)[telemetry.LEDGER_ROUND_TRIPS]
    }
    assert trips["state"] >= 1 and trips["usage"] >= 3 and trips["reserve"] == 3
