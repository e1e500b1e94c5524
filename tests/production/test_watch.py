"""`promokit.watch`: live rules picked up on change, broken edits kept out, atomic swaps."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import pytest

import promokit
from promokit.models import CheckoutRequest

RULES = """
currency CNY
promotion fruit "水果9折" {
  on category "fruit"
  PERCENT% off
}
"""

REQUEST = CheckoutRequest.model_validate(
    {
        "at": "2026-11-22T10:00:00+08:00",
        "lines": [{"id": "l1", "sku": "APPLE", "category": "fruit", "unit_price": "100.00", "quantity": 1}],
    }
)


def write(path: Path, percent: int) -> None:
    """Write atomically (temp file + rename), as a deployment should."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(RULES.replace("PERCENT", str(percent)), encoding="utf-8")
    os.replace(tmp, path)


def wait_for(condition: Any, steps: int = 400) -> bool:
    """A bounded wait on loopback: polls the condition, never asserts on elapsed time."""
    done = threading.Event()
    for _ in range(steps):
        if condition():
            return True
        done.wait(0.025)
    return bool(condition())


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    write(tmp_path / "shop.promo", 10)
    return tmp_path


def test_an_edit_is_served_while_four_threads_keep_pricing(rules_dir: Path) -> None:
    with promokit.watch(rules_dir, interval=0.05) as live:
        first = live.version
        assert live.price(REQUEST).total == 90
        errors: list[BaseException] = []
        totals: set[object] = set()
        stop = threading.Event()

        def shop() -> None:
            while not stop.is_set():
                try:
                    result = live.price(REQUEST)
                    totals.add((result.rules_version, result.total))
                except BaseException as exc:  # noqa: BLE001 - any error fails the test
                    errors.append(exc)

        threads = [threading.Thread(target=shop) for _ in range(4)]
        for t in threads:
            t.start()
        assert wait_for(lambda: len(totals) > 0)  # the shop is pricing on the old rules
        write(rules_dir / "shop.promo", 20)
        served = wait_for(lambda: live.version != first)
        wait_for(lambda: any(total == 80 for _, total in frozenset(totals)))  # a copy: threads add
        stop.set()
        for t in threads:
            t.join()
    assert served and errors == [] and live.errors is None
    # every price came from one whole rule set: the old one or the new one, never a mix
    assert totals == {(first, 90), (live.version, 80)}


def test_a_broken_edit_keeps_serving_the_old_rules_and_reports_the_error(
    rules_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with promokit.watch(rules_dir, interval=3600) as live:  # reloads only when asked
        good = live.current
        (rules_dir / "shop.promo").write_text("promotion broken {", encoding="utf-8")
        with caplog.at_level(logging.ERROR, logger="promokit.watch"):
            assert live.reload() is False
        assert live.current is good and live.price(REQUEST).total == 90
        assert isinstance(live.errors, promokit.RuleError)
        assert any("still serving version" in r.getMessage() for r in caplog.records)
        write(rules_dir / "shop.promo", 30)
        assert live.reload() is True and live.errors is None
        assert live.price(REQUEST).total == 70


def test_the_poller_picks_up_a_broken_edit_then_its_fix(rules_dir: Path) -> None:
    with promokit.watch(rules_dir, interval=0.05) as live:
        first = live.version
        (rules_dir / "shop.promo").write_text("promotion broken {", encoding="utf-8")
        assert wait_for(lambda: live.errors is not None)
        assert live.version == first
        write(rules_dir / "shop.promo", 25)
        assert wait_for(lambda: live.version != first)
        assert live.errors is None and live.price(REQUEST).total == 75


def test_a_new_file_in_the_directory_is_a_change(rules_dir: Path) -> None:
    with promokit.watch(rules_dir, interval=3600) as live:
        assert live.reload() is False  # nothing changed: same version
        (rules_dir / "more.promo").write_text(
            'promotion extra "满50减5" {\n  on category "fruit"\n  spend 50 get 5 off\n}\n', encoding="utf-8"
        )
        assert live.reload() is True
        assert {a.promotion for a in live.price(REQUEST).applied} == {"fruit", "extra"}


def test_watching_a_missing_path_or_broken_rules_raises_as_load_does(tmp_path: Path) -> None:
    with pytest.raises(promokit.RuleError, match="no such file or directory"):
        promokit.watch(tmp_path / "missing")
    (tmp_path / "bad.promo").write_text("promotion broken {", encoding="utf-8")
    with pytest.raises(promokit.RuleError):
        promokit.watch(tmp_path)
    with pytest.raises(promokit.PromokitError, match="interval"):
        promokit.watch(tmp_path, interval=0)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc/self/mem")
def test_an_unreadable_file_is_a_broken_edit(rules_dir: Path) -> None:
    # A file whose read fails (an I/O error): /proc/self/mem cannot be read from offset 0, even
    # by root, for whom a chmod would change nothing (CI runs as root).
    with promokit.watch(rules_dir, interval=3600) as live:
        shop = rules_dir / "shop.promo"
        kept = shop.read_text(encoding="utf-8")
        shop.unlink()
        shop.symlink_to("/proc/self/mem")
        try:
            assert live.reload() is False
            assert live.errors is not None and "cannot read" in str(live.errors)
            assert live.price(REQUEST).total == 90
        finally:
            shop.unlink()
            shop.write_text(kept, encoding="utf-8")


def test_close_stops_the_thread_and_the_rules_stay_usable(rules_dir: Path) -> None:
    live = promokit.watch(rules_dir, interval=0.05)
    live.close()
    assert not live._thread.is_alive()
    assert live.price(REQUEST).total == 90 and "closed" in repr(live)


def test_a_file_that_is_not_utf8_is_a_broken_edit(rules_dir: Path) -> None:
    with promokit.watch(rules_dir, interval=3600) as live:
        (rules_dir / "shop.promo").write_bytes(b"currency CNY\n\xff\xfe promotion")
        assert live.reload() is False and live.errors is not None
        assert live.price(REQUEST).total == 90
