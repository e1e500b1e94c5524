"""`promokit replay`: the fresh-market requests between two versions of its rules, and bad input.

tests/golden/replay/fresh-market-next changes two things (see the head of its everyday.promo):
store-tiers 满199减30 -> 满199减40, and fruit-80 8折 -> 85折. Worked by hand from the golden
results in examples/fresh-market/expected (every amount below is new minus old):

- flash-sale-morning: reaches the 199 tier: store-tiers 30.00 -> 40.00; discount 64.00 -> 74.00,
  total 213.60 -> 203.60, points (1 per yuan of goods) 213 -> 203. Cost +10.00.
- vip-seafood-coupon: fruit 15% of 38.40 + 59.80 = 5.76 + 8.97 = 14.73 (was 19.64), and the 199
  tier 40.00; discount 96.19 - 4.91 + 10.00 = 101.28, total 423.72, points 423. Cost +5.09.
- member-wednesday: strawberry 29.90 x 15% = 4.485 -> 4.49 (half-up; was 5.98); discount
  15.16 -> 13.67, total 88.24 -> 89.73, points (goods 81.73) 80 -> 81. Cost -1.49.
- new-customer-first-order: apple 1.92 + banana 1.95 = 3.87 (was 5.16); discount 27.16 -> 25.87,
  total 66.04 -> 67.33, points 58 -> 59. Cost -1.29.
- weekday-basket (the interaction): subtotal 114.10. Old best: bread 6.00 + yogurt 6.90 + 满99减10
  = 22.90 (fruit 8折 5.12 + broccoli 4.00 + yogurt 6.90 = 16.02 leaves 98.08, below 99). New: fruit
  85折 3.84 + broccoli 4.00 + yogurt 6.90 = 14.74 leaves 99.36, which reaches 满99减10: 24.74 beats
  22.90. A *smaller* fruit discount makes this order cost 1.84 more. Total 99.20 -> 97.36, points
  91 -> 89.
- the other six requests (three, the two A/B snack carts and the invite) do not change. Total cost difference: 10.00 + 5.09 + 1.84 - 1.49 - 1.29 = 14.15.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from promokit.cli import replay

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OLD = EXAMPLES / "fresh-market"
# Not under examples/: all examples lint as one rule set, and this copy repeats its ids.
NEW = Path(__file__).resolve().parent / "replay" / "fresh-market-next"
REQUESTS = OLD / "requests"

#: request -> (cost difference, old total, new total, old points, new points)
EXPECTED = {
    "flash-sale-morning": ("10.00", "213.60", "203.60", 213, 203),
    "vip-seafood-coupon": ("5.09", "428.81", "423.72", 428, 423),
    "weekday-basket": ("1.84", "99.20", "97.36", 91, 89),
    "member-wednesday": ("-1.49", "88.24", "89.73", 80, 81),
    "new-customer-first-order": ("-1.29", "66.04", "67.33", 58, 59),
}


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    replay.add_arguments(parser)
    return replay.run(parser.parse_args(argv))


def test_next_differs_from_fresh_market_only_in_everyday() -> None:
    """The copy does not drift: every other rule file is byte-identical to the example's."""
    old = {str(p.relative_to(OLD)): p.read_bytes() for p in OLD.rglob("*.promo")}
    new = {str(p.relative_to(NEW)): p.read_bytes() for p in NEW.rglob("*.promo")}
    assert old.keys() == new.keys()
    assert [name for name in sorted(old) if old[name] != new[name]] == ["everyday.promo"]


def test_fresh_market_replay_matches_the_hand_computed_differences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run([str(OLD), str(NEW), str(REQUESTS), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    changed = [r for r in data["requests"] if r["changed"]]
    got = {
        Path(r["request"]).stem: (
            r["cost_difference"],
            r["old_total"],
            r["new_total"],
            r["old_points"],
            r["new_points"],
        )
        for r in changed
    }
    assert got == EXPECTED
    # Biggest movers first.
    assert [Path(r["request"]).stem for r in changed] == list(EXPECTED)
    weekday = next(r for r in changed if "weekday" in r["request"])
    assert weekday["promotions"] == [
        {"promotion": "bread-2nd-half", "old": "6.00", "new": None},
        {"promotion": "broccoli-special", "old": None, "new": "4.00"},
        {"promotion": "fruit-80", "old": None, "new": "3.84"},
    ]
    totals = data["totals"]
    assert (totals["requests"], totals["changed"], totals["errors"]) == (11, 5, 0)
    assert totals["cost_difference"] == "14.15"
    assert (totals["old_discount"], totals["new_discount"]) == ("424.19", "438.34")
    assert totals["promotions"] == {
        "bread-2nd-half": 1,
        "broccoli-special": 1,
        "fruit-80": 4,
        "store-tiers": 2,
    }


def test_same_rules_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(OLD), str(OLD), str(REQUESTS)]) == 0
    assert "11 request(s), 0 changed" in capsys.readouterr().out


def test_csv_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "replay.html"
    assert run([str(OLD), str(NEW), str(REQUESTS), "--csv", "--html", str(page)]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 11 and sum(r["changed"] == "True" for r in rows) == 5
    assert rows[0]["cost_difference"] == "10.00" and rows[0]["promotions"] == "store-tiers 30.00->40.00"
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text and "<rect" in text and "cost difference +14.15" in text
    assert "weekday-basket.json" in text and "<script" not in text


def test_json_lines_and_bad_inputs_are_reported_and_the_rest_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weekday = (REQUESTS / "weekday-basket.json").read_text(encoding="utf-8")
    lines = tmp_path / "day.jsonl"
    lines.write_text(
        json.dumps(json.loads(weekday)) + "\n\n" + '{"lines": []}\n' + "{oops\n", encoding="utf-8"
    )
    result = tmp_path / "result.json"
    shutil.copy(OLD / "expected" / "weekday-basket.json", result)  # a result, not a request
    code = run([str(OLD), str(NEW), str(lines), str(result), str(tmp_path / "missing.json"), "--json"])
    assert code == 2  # bad input wins over "differences"
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [r["request"] for r in data["requests"]] == [f"{lines}:1"]  # the good line was replayed
    assert data["requests"][0]["cost_difference"] == "1.84"
    assert data["totals"]["errors"] == 4
    err = captured.err
    assert f"{lines}:3: not a request" in err and "at: Field required" in err
    assert f"{lines}:4:1:2: invalid JSON" in err
    assert f"{result}: not a request" in err
    assert "missing.json: no such file or directory" in err
    assert "Traceback" not in err


def test_rule_errors_are_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.promo"
    bad.write_text("promotion p {\n  满100减\n}\n", encoding="utf-8")
    assert run([str(OLD), str(bad), str(REQUESTS)]) == 2
    err = capsys.readouterr().err
    assert "bad.promo:2:" in err and "^" in err


def test_a_request_in_another_currency_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads((REQUESTS / "weekday-basket.json").read_text(encoding="utf-8"))
    data["currency"] = "USD"
    path = tmp_path / "usd.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run([str(OLD), str(NEW), str(path)]) == 2
    assert "usd.json: cannot be priced: the request is in USD" in capsys.readouterr().err


def test_progress_bar_on_a_terminal_for_long_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    one = json.dumps(json.loads((REQUESTS / "weekday-basket.json").read_text(encoding="utf-8")))
    many = tmp_path / "many.jsonl"
    many.write_text((one + "\n") * 25, encoding="utf-8")
    monkeypatch.setattr(replay.sys.stderr, "isatty", lambda: True)
    assert run([str(OLD), str(OLD), str(many)]) == 0
    err = capsys.readouterr().err
    assert "replay [" in err and "25/25" in err
    monkeypatch.setattr(replay.sys.stderr, "isatty", lambda: False)
    assert run([str(OLD), str(OLD), str(many)]) == 0
    assert capsys.readouterr().err == ""  # not a terminal: no bar


def test_html_escapes_request_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = tmp_path / "<b>odd&.json"
    shutil.copy(REQUESTS / "weekday-basket.json", odd)
    page = tmp_path / "r.html"
    assert run([str(OLD), str(NEW), str(odd), "--html", str(page)]) == 1
    capsys.readouterr()
    text = page.read_text(encoding="utf-8")
    assert "&lt;b&gt;odd&amp;.json" in text and "<b>odd" not in text
