"""Golden prices for examples/fresh-market: every request prices to its expected result.

Each `expected/NAME.json` was checked by hand against docs/semantics.md (the arithmetic of every
line, apportionment and threshold is worked in docs/cookbook.md and the comments of the
review); regenerate only with `PROMOKIT_UPDATE_GOLDEN=1` and read the diff before keeping it.

What is compared: the money (subtotal, discount, shipping, total, every line with its
adjustments), gifts, points, the applied promotions, and for every promotion not applied
its reason code and the promotion it lost to. The wording of not-applied details and hints
is covered by the explain golden files, not here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from promokit.check.frontend import parse_paths
from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest, PricingResult

ROOT = Path(__file__).resolve().parents[2] / "examples" / "fresh-market"
REQUESTS = sorted((ROOT / "requests").glob("*.json"))
UPDATE = os.environ.get("PROMOKIT_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet(parse_paths([ROOT]))


def project(result: PricingResult) -> dict[str, Any]:
    """The parts of a result the golden files pin down (JSON-ready, money as strings)."""
    data = result.model_dump(mode="json")
    data["not_applied"] = [
        {"promotion": n["promotion"], "reason": n["reason"], "lost_to": n["lost_to"]}
        for n in data["not_applied"]
    ]
    del data["hints"]
    del data["rules_version"]
    for applied in data["applied"]:  # `variant` only where an A/B variant applied (docs/programs.md)
        if applied.get("variant") is None:
            applied.pop("variant", None)
    return data


def test_every_request_has_an_expected_result() -> None:
    expected = sorted(p.stem for p in (ROOT / "expected").glob("*.json"))
    assert expected == [p.stem for p in REQUESTS]
    assert "weekday-basket" in expected  # the README quick start prices it


@pytest.mark.parametrize("request_path", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_request_prices_to_its_golden_result(rules: RuleSet, request_path: Path) -> None:
    request = CheckoutRequest.model_validate_json(request_path.read_text(encoding="utf-8"))
    result = rules.price(request)
    # The invariants hold whatever the golden says.
    assert result.total == result.subtotal - result.discount + result.shipping
    assert sum((line.discount for line in result.lines), result.subtotal * 0) == result.discount
    actual = project(result)
    golden = ROOT / "expected" / request_path.name
    if UPDATE:
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("request_path", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_line_order_does_not_change_the_price(rules: RuleSet, request_path: Path) -> None:
    data = json.loads(request_path.read_text(encoding="utf-8"))
    forward = rules.price(CheckoutRequest.model_validate(data))
    data["lines"] = list(reversed(data["lines"]))
    backward = rules.price(CheckoutRequest.model_validate(data))
    # Lines come back in the request's order; everything else is identical.
    assert backward.lines == tuple(reversed(forward.lines))
    assert forward.model_copy(update={"lines": ()}) == backward.model_copy(update={"lines": ()})
