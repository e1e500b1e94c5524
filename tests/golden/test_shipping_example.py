"""Golden prices for examples/shipping: shipping lines and per-method benefits (docs/semantics.md#shipping).

Each `expected/NAME.json` is the whole result but the hints' wording and the rules version;
the arithmetic is worked in the comments below. Regenerate only with `PROMOKIT_UPDATE_GOLDEN=1`
and read the diff before keeping it.

- two-shipments: goods 120.00 reach 满99 (standard 8.00 -> 0.00) but not 199 (express keeps
  25.00; hint: add 79.00); the standard fee 8.00 is below 运费满30. Total 120 + 25 = 145.00.
- express-over-199: goods 219.00 reach 199: express 44.00 at half price = 22.00. Total 241.00.
- pickup-and-heavy: standard 32.00 >= 30 -> 10 off = 22.00 (goods 48.00 miss 满99); pickup
  5.00 at the fixed price 1.00. Shipping 23.00, total 71.00.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import promokit
from promokit.models import CheckoutRequest, PricingResult

ROOT = Path(__file__).resolve().parents[2] / "examples" / "shipping"
REQUESTS = sorted((ROOT / "requests").glob("*.json"))
UPDATE = os.environ.get("PROMOKIT_UPDATE_GOLDEN") == "1"
TOTALS = {"two-shipments": "145.00", "express-over-199": "241.00", "pickup-and-heavy": "71.00"}


def project(result: PricingResult) -> dict[str, Any]:
    data = result.model_dump(mode="json")
    data["hints"] = [h["message"] for h in data["hints"]]
    del data["rules_version"]
    return data


def test_every_request_has_an_expected_result() -> None:
    assert sorted(p.stem for p in (ROOT / "expected").glob("*.json")) == sorted(TOTALS)
    assert [p.stem for p in REQUESTS] == sorted(TOTALS)


@pytest.mark.parametrize("request_path", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_request_prices_to_its_golden_result(request_path: Path) -> None:
    rules = promokit.load(ROOT)
    result = rules.price(CheckoutRequest.model_validate_json(request_path.read_bytes()))
    assert result.total == Decimal(TOTALS[request_path.stem])
    assert result.shipping == sum((s.total for s in result.shipping_lines), Decimal(0))
    actual = project(result)
    golden = ROOT / "expected" / request_path.name
    if UPDATE:
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert actual == json.loads(golden.read_text(encoding="utf-8"))
