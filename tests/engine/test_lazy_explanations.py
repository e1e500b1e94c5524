"""By how much a promotion lost is measured on demand (docs/semantics.md#best-deal).

`price` names the rival of a promotion that cannot apply with the chosen deal without one
more evaluation per such promotion; `explain`, `promokit explain` and the `promokit price`
table measure the difference. Reason codes and `lost_to` are the same either way.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from promokit.cli import price as price_command
from promokit.cli._common import load_request, load_rules

ROOT = Path(__file__).resolve().parents[2] / "examples" / "fresh-market"
REQUEST = ROOT / "requests" / "new-year-weekend.json"


def _run_price(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    price_command.add_arguments(parser)
    return int(price_command.run(parser.parse_args(list(argv))))


def test_price_names_the_rival_and_explain_measures_by_how_much() -> None:
    rules = load_rules(str(ROOT))
    request = load_request(str(REQUEST), None)
    priced = {n.promotion: n for n in rules.price(request).not_applied}["meat-every"]
    explained = {n.promotion: n for n in rules.explain(request).result.not_applied}["meat-every"]
    assert (
        (priced.reason, priced.lost_to)
        == (explained.reason, explained.lost_to)
        == ("excluded", "store-tiers")
    )
    assert (
        priced.detail
        == "lost to store-tiers: they cannot apply together (`promokit explain` shows by how much)"
    )
    assert explained.detail == (
        "lost to store-tiers: the chosen deal saves ¥45.00 more than the best one with meat-every"
    )


def test_the_price_table_measures_and_the_json_does_not(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_price(str(ROOT), str(REQUEST)) == 0
    assert "saves ¥45.00 more than the best one with meat-every" in capsys.readouterr().out
    assert _run_price(str(ROOT), str(REQUEST), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    detail = {n["promotion"]: n["detail"] for n in data["not_applied"]}["meat-every"]
    assert "explain" in detail and "45.00" not in detail
