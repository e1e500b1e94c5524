"""A rules folder with no rule file (W040) or a dangling `.promo` link (W041): warned about,
and `watch` keeps serving the old rules when a reload finds no rule file
(docs/production.md#an-empty-rules-folder)."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from types import ModuleType

import pytest

import promokit
from promokit.check.frontend import parse_paths
from promokit.cli import check, lint, price
from promokit.models import CheckoutRequest

RULES = """currency CNY
promotion fruit "水果9折" {
  on category "fruit"
  10% off
}
"""

REQUEST = {
    "at": "2026-11-22T10:00:00+08:00",
    "lines": [{"id": "l1", "sku": "APPLE", "category": "fruit", "unit_price": "100.00", "quantity": 1}],
}


def call(module: ModuleType, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(list(argv))))


def codes(diagnostics: object) -> list[str]:
    return [d.code for d in diagnostics]  # type: ignore[attr-defined]


def test_an_empty_directory_loads_no_promotions_with_a_warning_naming_it(tmp_path: Path) -> None:
    rules = promokit.load(tmp_path)  # a warning, not a RuleError (docs say why)
    assert rules.ast.promotions == ()
    (w040,) = rules.warnings
    assert w040.code == "W040" and w040.severity == "warning"
    assert str(tmp_path) in w040.message and w040.span.file == str(tmp_path)
    assert w040.help


def test_a_directory_whose_only_file_is_a_dangling_link_warns_twice(tmp_path: Path) -> None:
    (tmp_path / "shop.promo").symlink_to(tmp_path / "gone.promo")
    rules = promokit.load(tmp_path)
    assert rules.ast.promotions == ()
    assert sorted(codes(rules.warnings)) == ["W040", "W041"]
    (w041,) = [w for w in rules.warnings if w.code == "W041"]
    assert w041.span.file == str(tmp_path / "shop.promo") and "gone.promo" in w041.message


def test_a_dangling_link_next_to_real_rules_is_a_warning_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "shop.promo").write_text(RULES, encoding="utf-8")
    (tmp_path / "autumn.promo").symlink_to(tmp_path / "withdrawn.promo")
    checked = parse_paths([tmp_path])
    assert [p.id for p in checked.ast.promotions] == ["fruit"]
    assert codes(checked.warnings) == ["W041"]


def test_path_warnings_come_with_the_errors_of_a_broken_rule_set(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "bad.promo").write_text("promotion p {", encoding="utf-8")
    with pytest.raises(promokit.RuleError) as caught:
        parse_paths([tmp_path / "a", tmp_path / "b"])
    assert "W040" in codes(caught.value.diagnostics) and any(d.is_error for d in caught.value.diagnostics)


def test_a_folder_with_rule_files_is_quiet_and_cached_loads_stay_quiet(tmp_path: Path) -> None:
    (tmp_path / "shop.promo").write_text(RULES, encoding="utf-8")
    assert parse_paths([tmp_path]).warnings == ()
    assert parse_paths([tmp_path]).warnings == ()  # the second load may come from the cache


def test_the_loader_logs_the_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="promokit.load"):
        promokit.load(tmp_path)
    assert any("W040" in r.getMessage() for r in caplog.records)


def test_check_shows_w040_for_an_empty_directory_among_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.promo").write_text(RULES, encoding="utf-8")
    (tmp_path / "extra").mkdir()
    assert call(check, str(tmp_path / "rules"), str(tmp_path / "extra")) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path / 'extra'}:1:1: warning[W040]" in err and "0 errors, 1 warning" in err


def test_check_of_only_empty_directories_shows_w040_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(check, str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "warning[W040]" in err and "no .promo files found" in err
    assert call(check, "--json", str(tmp_path)) == 2
    (shown,) = json.loads(capsys.readouterr().out)
    assert shown["code"] == "W040" and shown["file"] == str(tmp_path)


def test_price_prints_w040_on_stderr_and_still_prices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(REQUEST), encoding="utf-8")
    (tmp_path / "rules").mkdir()
    assert call(price, "--json", str(tmp_path / "rules"), str(request)) == 0
    out, err = capsys.readouterr()
    assert "warning[W040]" in err and json.loads(out)["discount"] == "0.00"
    (tmp_path / "rules" / "shop.promo").write_text(RULES, encoding="utf-8")
    assert call(price, "--json", str(tmp_path / "rules"), str(request)) == 0
    assert capsys.readouterr().err == ""


def test_watch_keeps_serving_when_the_folder_is_wiped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shop = tmp_path / "shop.promo"
    shop.write_text(RULES, encoding="utf-8")
    request = CheckoutRequest.model_validate(REQUEST)
    with promokit.watch(tmp_path, interval=3600) as live:
        version = live.version
        shop.unlink()
        with caplog.at_level(logging.WARNING, logger="promokit.watch"):
            assert live.reload() is False
        assert live.version == version and live.price(request).total == 90
        assert live.errors is None
        assert any("no rule file found (W040)" in r.getMessage() for r in caplog.records)
        (tmp_path / "shop.promo").symlink_to(tmp_path / "gone.promo")  # a dangling link: no rule file
        assert live.reload() is False and live.version == version
        (tmp_path / "shop.promo").unlink()
        shop.write_text(RULES.replace("10% off", "20% off"), encoding="utf-8")
        assert live.reload() is True and live.price(request).total == 80


def test_watch_of_a_folder_that_starts_empty_serves_once_files_arrive(tmp_path: Path) -> None:
    with promokit.watch(tmp_path, interval=3600) as live:
        assert live.current.ast.promotions == () and "W040" in codes(live.current.warnings)
        (tmp_path / "shop.promo").write_text(RULES, encoding="utf-8")
        assert live.reload() is True and live.current.ast.promotions[0].id == "fruit"


def test_a_settings_only_file_withdraws_every_promotion_on_purpose(tmp_path: Path) -> None:
    shop = tmp_path / "shop.promo"
    shop.write_text(RULES, encoding="utf-8")
    with promokit.watch(tmp_path, interval=3600) as live:
        shop.write_text("currency CNY\n", encoding="utf-8")
        assert live.reload() is True and live.current.ast.promotions == ()


def test_lint_strict_fails_on_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert call(lint, "--strict", str(tmp_path)) == 1
    assert "error[W040]" in capsys.readouterr().err
