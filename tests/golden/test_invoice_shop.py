"""Golden prices for examples/invoice-shop (价格含税, 13% and 9% lines; docs/semantics.md#tax).

Each `expected/NAME.json` was checked by hand: in `mixed-rates`, 满200减20 over what the lines
have left after 茶叶9折 (203.40 / 54.50 / 65.40, gross) is 12.58 / 3.37 / 4.05, and each line's
tax is gross × r / (1 + r) of what it pays (190.82 × 0.13 / 1.13 = 21.95). Regenerate only with
`PROMOKIT_UPDATE_GOLDEN=1` and read the diff before keeping it.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from promokit.check.frontend import parse_paths
from promokit.engine.ruleset import RuleSet
from promokit.models import CheckoutRequest

ROOT = Path(__file__).resolve().parents[2] / "examples" / "invoice-shop"
REQUESTS = sorted((ROOT / "requests").glob("*.json"))
UPDATE = os.environ.get("PROMOKIT_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet(parse_paths([ROOT / "rules"]))


def test_every_request_has_an_expected_result() -> None:
    assert sorted(p.stem for p in (ROOT / "expected").glob("*.json")) == [p.stem for p in REQUESTS]
    assert {"mixed-rates", "small-order"} <= {p.stem for p in REQUESTS}


@pytest.mark.parametrize("request_path", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_request_prices_to_its_golden_result(rules: RuleSet, request_path: Path) -> None:
    request = CheckoutRequest.model_validate_json(request_path.read_text(encoding="utf-8"))
    result = rules.price(request)
    assert result.tax is not None and result.tax.gross == result.total
    assert result.tax.tax == sum((x.tax or Decimal(0) for x in result.lines), result.tax.shipping_tax)
    actual = result.model_dump(mode="json", exclude={"hints", "not_applied", "rules_version"})
    golden = ROOT / "expected" / request_path.name
    if UPDATE:
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))
