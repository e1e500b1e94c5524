"""Golden customer texts: `promokit price --locale zh-CN` (and `en`) on the fresh-market requests.

Each `expected-texts/NAME.<locale>.txt` is the table a shop would show, in its language,
with promotion and scope titles instead of ids (issue 12). They were read line by line;
regenerate only with `PROMOKIT_UPDATE_GOLDEN=1` and read the diff before keeping it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from promokit.cli.main import main

ROOT = Path(__file__).resolve().parents[2] / "examples" / "fresh-market"
REQUESTS = sorted((ROOT / "requests").glob("*.json"))
UPDATE = os.environ.get("PROMOKIT_UPDATE_GOLDEN") == "1"
LOCALES = ("zh-CN", "en")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("request_path", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_price_texts_match_the_golden_file(
    request_path: Path, locale: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["price", str(ROOT), str(request_path), "--locale", locale])
    out = capsys.readouterr().out
    assert code == 0
    golden = ROOT / "expected-texts" / f"{request_path.stem}.{locale}.txt"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_chinese_texts_name_titles_not_ids(capsys: pytest.CaptureFixture[str]) -> None:
    main(["price", str(ROOT), str(ROOT / "requests" / "weekday-basket.json"), "--locale", "zh-CN"])
    out = capsys.readouterr().out
    assert "促销商品" in out and "promo-goods" not in out
    assert "全场满减" in out and "store-tiers" not in out
