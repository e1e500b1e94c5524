"""`promokit check` and `promokit fmt`: output and exit codes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from promokit.cli import check, fmt

GOOD = "promotion autumn {\n  满100减20\n}\n"
MESSY = "promotion autumn {\n满 100 减 20\n   limit 1 per customer  # once\n priority 2\n}\n"
BAD = "promotion autumn {\n  满100减\n}\n"


def _args(module: object, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)  # type: ignore[attr-defined]
    return parser.parse_args(argv)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_exits_0_on_clean_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "good.promo", GOOD)
    assert check.run(_args(check, [str(path)])) == 0
    assert "0 errors, 0 warnings in 1 file" in capsys.readouterr().err


def test_check_exits_1_and_shows_the_line_and_caret_on_rule_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "bad.promo", BAD)
    assert check.run(_args(check, [str(tmp_path)])) == 1
    err = capsys.readouterr().err
    assert f"{path}:2:8: error[S001]: expected an amount such as 100 or 99.90" in err
    assert "   2 |   满100减\n     |          ^" in err


def test_check_exits_2_on_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check.run(_args(check, [str(tmp_path / "nope.promo")])) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_check_reports_invalid_utf8_as_a_rule_error_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "latin1.promo").write_bytes(b"promotion a {\n  9\xd5\xdb\n}\n")
    assert check.run(_args(check, [str(tmp_path)])) == 1
    assert "latin1.promo:2:4: error[S002]" in capsys.readouterr().err


def test_fmt_rewrites_files_in_place_keeping_comments(tmp_path: Path) -> None:
    path = _write(tmp_path, "messy.promo", MESSY)
    assert fmt.run(_args(fmt, [str(path)])) == 0
    # layout only: clauses stay in their order and notation (issue 12)
    assert path.read_text(encoding="utf-8") == (
        "promotion autumn {\n  满 100 减 20\n  limit 1 per customer  # once\n  priority 2\n}\n"
    )
    assert fmt.run(_args(fmt, ["--check", str(path)])) == 0


def test_fmt_check_lists_files_that_would_change_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messy = _write(tmp_path, "messy.promo", MESSY)
    _write(tmp_path, "good.promo", GOOD.replace("autumn", "spring"))
    assert fmt.run(_args(fmt, ["--check", str(tmp_path)])) == 1
    assert capsys.readouterr().out.splitlines() == [str(messy)]
    assert messy.read_text(encoding="utf-8") == MESSY


def test_fmt_can_force_a_notation(tmp_path: Path) -> None:
    path = _write(tmp_path, "good.promo", GOOD)
    assert fmt.run(_args(fmt, ["--notation", "en", str(path)])) == 0
    assert "spend 100 get 20 off" in path.read_text(encoding="utf-8")
    assert fmt.run(_args(fmt, ["--notation", "zh", str(path)])) == 0
    assert path.read_text(encoding="utf-8") == GOOD


def test_fmt_refuses_to_rewrite_a_file_with_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "bad.promo", BAD)
    assert fmt.run(_args(fmt, [str(path)])) == 1
    assert path.read_text(encoding="utf-8") == BAD
    assert "not rewriting" in capsys.readouterr().err


def test_fmt_notation_refuses_a_value_no_notation_can_print(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`满3件100折` parses but fails check (E030); in English it would be unreadable."""
    text = "promotion a {\n  满3件100折\n}\n"
    path = _write(tmp_path, "bad.promo", text)
    assert fmt.run(_args(fmt, ["--notation", "en", str(path)])) == 1
    assert path.read_text(encoding="utf-8") == text
    err = capsys.readouterr().err
    assert f"{path}:2:6: error[E030]" in err and "not rewriting" in err


def test_fmt_exits_2_on_a_missing_file(tmp_path: Path) -> None:
    assert fmt.run(_args(fmt, [str(tmp_path / "nope.promo")])) == 2


def test_check_json_prints_every_diagnostic_as_an_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    path = _write(tmp_path, "bad.promo", BAD)
    assert check.run(_args(check, [str(path), "--json"])) == 1
    out, err = capsys.readouterr()
    [item] = json.loads(out)
    assert item["file"] == str(path) and (item["line"], item["column"]) == (2, 8)
    assert set(item["end"]) == {"line", "column"}
    assert (item["severity"], item["code"]) == ("error", "S001")
    assert item["message"].startswith("expected an amount") and item["help"]
    assert "error[" not in err and "1 error" in err  # the summary stays on stderr


def test_check_json_on_a_clean_file_is_an_empty_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "good.promo", GOOD)
    assert check.run(_args(check, [str(path), "--json"])) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_check_format_github_annotates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "bad.promo", BAD)
    assert check.run(_args(check, [str(path), "--format", "github"])) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"::error file={path},line=2,col=8,endLine=")
    assert ",title=S001::expected an amount" in out
    assert "%0Ahelp: " in out


KEPT = (
    "# header\n"
    "timezone Asia/Shanghai\n"
    "\n"
    "promotion pts {\n"
    "  每1元积1分 积分2倍\n"
    "}\n"
    "\n"
    "\n"
    "promotion z95 {\n"
    "  every sat, sun\n"
    "  95折\n"
    "  limit 1 per customer\n"
    "}\n"
    "promotion half {\n"
    "  第二件半价\n"
    "}\n"
    "promotion z85 {\n"
    "  85折\n"
    "  exclusive group g\n"
    "}\n"
)


def test_fmt_keeps_notation_spelling_order_and_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "kept.promo", KEPT)
    assert fmt.run(_args(fmt, ["--check", str(path)])) == 1  # two blank lines become one
    assert fmt.run(_args(fmt, [str(path)])) == 0
    assert path.read_text(encoding="utf-8") == KEPT.replace("}\n\n\n", "}\n\n")


def test_fmt_normalises_the_input_habits_it_accepts(tmp_path: Path) -> None:
    text = "promotion a {\n  每天20：00-22：00\n  满100元减20元\n}\npromotion b {\n  for level ＞＝ 3\n  特价 ¥1,299.00\n}\n"
    path = _write(tmp_path, "habits.promo", text)
    assert fmt.run(_args(fmt, [str(path)])) == 0
    assert path.read_text(encoding="utf-8") == (
        "promotion a {\n  每天20:00-22:00\n  满100 减20\n}\npromotion b {\n  for level >= 3\n  特价 1299.00\n}\n"
    )


def test_fmt_never_rewrites_a_file_that_fails_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "promotion a {\n      for gld\n  9折\n}\n"
    path = _write(tmp_path, "sem.promo", text)
    assert fmt.run(_args(fmt, [str(path)])) == 1
    assert path.read_text(encoding="utf-8") == text
    err = capsys.readouterr().err
    assert "error[E010]: unknown segment 'gld'" in err and "not rewriting" in err


def test_fmt_resolves_names_from_sibling_files(tmp_path: Path) -> None:
    _write(tmp_path, "settings.promo", "segment gold = level >= 3\n")
    path = _write(tmp_path, "a.promo", "promotion a {\n      for gold\n  9折\n}\n")
    assert fmt.run(_args(fmt, [str(path)])) == 0
    assert path.read_text(encoding="utf-8") == "promotion a {\n  for gold\n  9折\n}\n"


def test_fmt_check_passes_on_the_projects_own_examples() -> None:
    root = Path(__file__).resolve().parents[2] / "examples"
    assert fmt.run(_args(fmt, ["--check", str(root)])) == 0
