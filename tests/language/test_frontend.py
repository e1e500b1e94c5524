"""`promokit.check.frontend`: files and directories in, a checked rule set or every problem out."""

from __future__ import annotations

from pathlib import Path

import pytest

from promokit.check.frontend import parse_file_ast, parse_paths, parse_text
from promokit.language.diagnostics import RuleError


def test_a_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.promo").write_text("promotion from-z {\n  9折\n}\n", encoding="utf-8")
    (tmp_path / "a.promo").write_text("promotion from-a {\n  8折\n}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not rules", encoding="utf-8")
    checked = parse_paths([tmp_path])
    assert [p.id for p in checked.ast.promotions] == ["from-a", "from-z"]
    assert sorted(Path(name).name for name in checked.sources) == ["a.promo", "z.promo"]


def test_a_missing_path_is_a_rule_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as caught:
        parse_paths([tmp_path / "missing.promo"])
    assert caught.value.diagnostics[0].code == "S900"
    assert "missing.promo" in caught.value.diagnostics[0].message


def test_errors_of_every_file_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "one.promo").write_text("promotion a {\n  满100减\n}\n", encoding="utf-8")
    (tmp_path / "two.promo").write_text("promotion b {\n  stock 1\n}\n", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        parse_paths([tmp_path])
    assert [(Path(d.span.file).name, d.code) for d in caught.value.diagnostics] == [
        ("one.promo", "S001"),
        ("two.promo", "S032"),
    ]


def test_a_rule_error_is_a_value_error_whose_text_shows_the_line() -> None:
    with pytest.raises(ValueError) as caught:
        parse_text("promotion a {\n  满100减\n}\n", "x.promo")
    assert "x.promo:2:8: error[S001]" in str(caught.value)
    assert "   2 |   满100减" in str(caught.value)


def test_parse_file_ast_keeps_the_declarations_that_parsed() -> None:
    rule_file, diagnostics = parse_file_ast(
        "promotion a {\n  满100减\n}\npromotion b {\n  9折\n}\n", "x.promo"
    )
    assert rule_file is not None
    assert [p.id for p in rule_file.promotions] == ["b"]
    assert [d.code for d in diagnostics] == ["S001"]


def test_warnings_come_back_with_the_checked_rules() -> None:
    checked = parse_text("promotion a {\n  9折\n  exclusive group solo\n}\n")
    assert checked.ast.promotions[0].id == "a"
    assert all(not w.is_error for w in checked.warnings)
