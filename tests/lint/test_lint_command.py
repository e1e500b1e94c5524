"""`promokit lint`: output, exit codes, --strict, --catalogue, --today."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from promokit.cli import lint as command

ROOT = Path(__file__).resolve().parents[2]

OVER = 'promotion old "旧" {\n  during 2025-10-01 to 2025-10-07\n  满100减20\n}\n'
SPECIAL = 'promotion milk "奶" {\n  on sku "MILK"\n  特价 11.90\n}\n'


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return command.run(parser.parse_args(list(argv)))


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_warnings_print_in_diagnostic_format_and_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "a.promo", OVER)
    assert run(path, "--today", "2026-06-01") == 0
    out, err = capsys.readouterr()
    # diagnostics on stderr like every command (issue 12); stdout stays for --json/--format
    assert out == ""
    assert err.startswith(f"{path}:2:3: warning[L005]: 'old' is over")
    assert "   2 |   during 2025-10-01 to 2025-10-07" in err
    assert "1 warning(s) in 1 file(s)" in err


def test_strict_turns_warnings_into_errors_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "a.promo", OVER)
    assert run(path, "--today", "2026-06-01", "--strict") == 1
    assert "error[L005]" in capsys.readouterr().err


def test_a_clean_rule_set_exits_0_with_no_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a.promo", OVER)
    assert run(path, "--today", "2025-09-01", "--strict") == 0
    out, err = capsys.readouterr()
    assert out == "" and "no lint warnings" in err


def test_rule_errors_are_printed_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a.promo", 'promotion a "A" {\n  for gld\n  9折\n}\n')
    assert run(path) == 1
    assert "error[E010]: unknown segment 'gld'" in capsys.readouterr().err


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert run(str(tmp_path / "nope.promo")) == 2


@pytest.mark.parametrize(
    "catalogue",
    [
        '{"MILK": "9.90"}',
        '{"MILK": 9.90}',
        '[{"sku": "MILK", "price": "9.90"}]',
        "sku,price\nMILK,9.90\n",
        "MILK,9.90\n",
    ],
)
def test_catalogue_formats_enable_the_price_lints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], catalogue: str
) -> None:
    path = write(tmp_path, "a.promo", SPECIAL)
    cat = write(tmp_path, "cat.txt", catalogue)
    assert run(path, "--catalogue", cat) == 0
    assert "warning[L002]" in capsys.readouterr().err


@pytest.mark.parametrize("catalogue", ["{oops", '{"MILK": "abc"}', "MILK\n", '["MILK"]'])
def test_a_bad_catalogue_is_a_usage_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], catalogue: str
) -> None:
    path = write(tmp_path, "a.promo", SPECIAL)
    cat = write(tmp_path, "cat.json", catalogue)
    assert run(path, "--catalogue", cat) == 2
    assert "promokit lint:" in capsys.readouterr().err


def test_a_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.promo", OVER)
    with pytest.raises(SystemExit) as exc:
        run(path, "--today", "June 1st")
    assert exc.value.code == 2


def _warning_codes(out: str) -> list[str]:
    return sorted({line.split("[")[1].split("]")[0] for line in out.splitlines() if ": warning[" in line})


def test_the_fresh_market_example_lints_to_its_two_documented_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(str(ROOT / "examples" / "fresh-market"), "--today", "2026-06-01") == 0
    assert _warning_codes(capsys.readouterr().err) == ["L011", "L012"]


def test_all_examples_lint_only_to_warnings_documented_as_intended(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(str(ROOT / "examples"), "--today", "2026-06-01") == 0
    codes = _warning_codes(capsys.readouterr().err)
    doc = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    intended = doc[doc.index("Intended warnings in `examples/`") : doc.index("## L001")]
    undocumented = [c for c in codes if f"({c})" not in intended]
    assert undocumented == [], f"lint warnings in examples/ not documented as intended: {undocumented}"


def test_json_prints_one_object_per_diagnostic_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "a.promo", OVER)
    assert run(path, "--today", "2026-06-01", "--json") == 0
    out, err = capsys.readouterr()
    [item] = json.loads(out)
    assert item == {
        "file": path,
        "line": 2,
        "column": 3,
        "end": {"line": item["end"]["line"], "column": item["end"]["column"]},
        "severity": "warning",
        "code": "L005",
        "message": item["message"],
        "help": item["help"],
    }
    assert item["message"].startswith("'old' is over") and "warning[" not in err


def test_format_github_prints_workflow_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "a.promo", OVER)
    assert run(path, "--today", "2026-06-01", "--format", "github") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"::warning file={path},line=2,col=3,") and ",title=L005::'old' is over" in out
