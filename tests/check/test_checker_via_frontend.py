"""Checker through the real front end: files on disk, several files, spans from parsed text."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit.check.frontend import parse_paths, parse_text
from promokit.language.diagnostics import RuleError


def errors_of(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(RuleError) as exc:
        parse_text(text, "t.promo")
    return [(d.code, d.span.line, d.span.col) for d in exc.value.diagnostics]


def test_settings_conflicting_between_files_point_at_the_later_file(tmp_path: Path) -> None:
    (tmp_path / "a.promo").write_text("currency CNY\n", encoding="utf-8")
    (tmp_path / "b.promo").write_text(
        '# prices\ncurrency USD\npromotion p "P" {\n  9折\n}\n', encoding="utf-8"
    )
    with pytest.raises(RuleError) as exc:
        parse_paths([tmp_path])
    (diag,) = exc.value.diagnostics
    assert diag.code == "E004" and diag.span.file.endswith("b.promo") and diag.span.line == 2
    assert "a.promo:1:1" in diag.message


def test_merged_settings_come_from_any_file(tmp_path: Path) -> None:
    (tmp_path / "a.promo").write_text("timezone Asia/Shanghai\nrounding down\n", encoding="utf-8")
    (tmp_path / "b.promo").write_text('currency USD\npromotion p "P" {\n  9折\n}\n', encoding="utf-8")
    rules = parse_paths([tmp_path]).ast
    assert (rules.timezone, rules.currency, rules.rounding.value) == ("Asia/Shanghai", "USD", "down")


def test_duplicate_ids_across_files_name_the_first_location(tmp_path: Path) -> None:
    (tmp_path / "a.promo").write_text('promotion p "P" {\n  9折\n}\n', encoding="utf-8")
    (tmp_path / "b.promo").write_text('\n\npromotion p "Q" {\n  8折\n}\n', encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        parse_paths([tmp_path])
    (diag,) = exc.value.diagnostics
    assert diag.code == "E001" and diag.span.line == 3 and diag.span.col == 11
    assert diag.help is not None and "a.promo:1:11" in diag.help


def test_one_bad_promotion_reports_each_problem_at_its_own_node() -> None:
    text = """promotion p "P" {
  during 2026-05-01 to 2026-04-01
  timezone UTC
  hours 10:00-10:00
  for level >= "gold"
  满200减20, 满100减10
  limit 0 per customer
}
"""
    assert errors_of(text) == [
        ("E040", 2, 10),
        ("E041", 4, 9),
        ("E070", 5, 17),  # at the bad value (check/narrow.py)
        ("E020", 6, 12),
        ("E021", 6, 12),
        ("E031", 7, 9),
    ]


def test_zhe_notation_outside_its_range_is_reported_in_zhe() -> None:
    with pytest.raises(RuleError) as exc:
        parse_text('promotion p "P" {\n  0折\n}\n', "t.promo")
    assert exc.value.diagnostics[0].message.startswith("0折 would make the items free")


def test_warnings_do_not_stop_a_rule_set_from_loading() -> None:
    checked = parse_text('timezone UTC\npromotion p "P" {\n  every month on 31\n  9折\n}\n', "t.promo")
    assert [d.code for d in checked.warnings] == ["W001"]
