"""Campaign statistics (`promokit stats`, `campaign_stats`) against every real ledger.

Every figure below is worked by hand from the rules and carts of the test
(docs/programs.md#campaign-statistics): committed orders only, refunds subtracted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from promokit import checkout
from promokit.cli import stats as stats_cli
from promokit.ledgers import Ledger, UnknownPromotion, campaign_stats, open_ledger
from promokit.ledgers.catalog import counters
from promokit.loader import loads
from promokit.models import CheckoutRequest, PricingResult

from .conftest import Store

RULES = """
timezone Asia/Shanghai
promotion tiers-a "满60减8" {
  on category "snacks"
  满60减8
  experiment snack-tiers variant A 50%
  budget 100
}
promotion tiers-b "满70减12" {
  on category "snacks"
  满70减12
  experiment snack-tiers variant B 50%
}
coupon c10 "券" {
  codes "SAVE-*"
  on category "tea"
  满50减10
}
"""
RULESET = loads(RULES)
# bucket("snack-tiers", c-2001) = 4192 -> A, c-2003 = 6158 -> B, c-2005 = 3449 -> A.


def request(
    customer: str | None, day: str, lines: list[tuple[str, str, str, int]], coupons: tuple[str, ...] = ()
) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": f"{day}T15:00:00+08:00",
            "customer": {"id": customer} if customer else {},
            "lines": [
                {"id": lid, "sku": lid.upper(), "category": cat, "unit_price": price, "quantity": q}
                for lid, cat, price, q in lines
            ],
            "coupons": list(coupons),
        }
    )


def place(ledger: Ledger, order_id: str, req: CheckoutRequest, *, commit: bool = True) -> PricingResult:
    result = RULESET.price(req, ledger=ledger)
    assert checkout.reserve(RULESET, req, result, order_id=order_id, ledger=ledger).ok
    if commit:
        checkout.commit(ledger, order_id)
    return result


def shop(ledger: Ledger) -> None:
    nuts = ("nuts", "snacks", "35.00", 2)  # 70.00
    # 11-24: c-2001 (A) 70 - 8 = 62; c-2003 (B) 70 - 12 = 58; c-2001 again (A) 62.
    place(ledger, "o1", request("c-2001", "2026-11-24", [nuts]))
    place(ledger, "o2", request("c-2003", "2026-11-24", [nuts]))
    place(ledger, "o3", request("c-2001", "2026-11-24", [nuts]))
    # 11-25: c-2005 (A) 62 plus tea 60 with coupon SAVE-1: tea 60 - 10 = 50; sales 112, refund the tea later.
    tea = ("tea", "tea", "30.00", 2)
    r4 = place(ledger, "o4", request("c-2005", "2026-11-25", [nuts, tea], ("SAVE-1",)))
    checkout.refund(RULESET, r4, {"tea": 2}, order_id="o4", refund_id="r4", ledger=ledger)
    # Anonymous (A): 62, counted in orders and sales, not in participants.
    place(ledger, "o5", request(None, "2026-11-25", [nuts]))
    # A reservation never committed is not counted.
    place(ledger, "o6", request("c-2003", "2026-11-25", [nuts]), commit=False)


def test_per_promotion(store: Store) -> None:
    ledger = store.open()
    shop(ledger)
    rows = {r.promotion: r for r in campaign_stats(ledger, budgets={"tiers-a": Decimal(100)})}
    a, b, c = rows["tiers-a"], rows["tiers-b"], rows["c10"]
    # A: o1, o3, o4, o5 -> 4 orders, participants c-2001 and c-2005, 8 units.
    # Sales 62 + 62 + (112 - 50 refunded tea) + 62 = 248; discount 4 x 8 = 32; AOV 62.00.
    assert (a.participants, a.orders, a.units) == (2, 4, 8)
    assert (a.sales, a.discount, a.average_order_value) == (
        Decimal("248.00"),
        Decimal("32.00"),
        Decimal("62.00"),
    )
    assert (a.budget_used, a.budget_left) == (Decimal("32.00"), Decimal("68.00"))
    # B: only o2 is committed (o6 is a live reservation).
    assert (b.participants, b.orders, b.sales, b.discount) == (1, 1, Decimal("58.00"), Decimal("12.00"))
    assert b.budget_used is None and b.budget_left is None  # tiers-b has no budget
    # Every line the coupon discounted came back: its order, sales, discount and redemption with it.
    assert (c.orders, c.participants, c.sales, c.discount) == (0, 0, Decimal("0.00"), Decimal("0.00"))
    assert c.redemptions == {}


def test_per_day_since_and_variant(store: Store) -> None:
    ledger = store.open()
    shop(ledger)
    days = campaign_stats(ledger, ["tiers-a"], by="day")
    assert [(r.day.isoformat() if r.day else None, r.orders, r.participants, r.sales) for r in days] == [
        ("2026-11-24", 2, 1, Decimal("124.00")),
        ("2026-11-25", 2, 1, Decimal("124.00")),
    ]
    (late,) = campaign_stats(ledger, ["tiers-a"], since=dt.date(2026, 11, 25))
    assert (late.orders, late.participants, late.sales) == (2, 1, Decimal("124.00"))
    variants = campaign_stats(ledger, by="variant")
    assert [(r.experiment, r.variant, r.promotion, r.orders, r.participants) for r in variants] == [
        ("snack-tiers", "A", "tiers-a", 4, 2),
        ("snack-tiers", "B", "tiers-b", 1, 1),
    ]


def test_coupon_redemptions_are_counted_per_code(store: Store) -> None:
    ledger = store.open()
    tea = ("tea", "tea", "30.00", 2)
    place(ledger, "t1", request("c-1", "2026-11-24", [tea], ("save-1",)))
    place(ledger, "t2", request("c-2", "2026-11-24", [tea], ("SAVE-2",)))
    place(ledger, "t3", request("c-3", "2026-11-24", [tea], ("SAVE-1",)))
    (c,) = campaign_stats(ledger, ["c10"])
    assert c.redemptions == {"save-1": 2, "save-2": 1}
    assert (c.orders, c.participants, c.sales) == (3, 3, Decimal("150.00"))


def test_an_unknown_promotion_is_named_not_zero(store: Store) -> None:
    ledger = store.open()
    place(ledger, "o1", request("c-2001", "2026-11-24", [("nuts", "snacks", "35.00", 2)]))
    with pytest.raises(UnknownPromotion) as info:
        campaign_stats(ledger, ["tiers-a", "nope"])
    assert "no statistics for promotion(s) nope" in str(info.value) and "known: tiers-a" in str(info.value)


def test_listing_matches_prefixes_literally(store: Store) -> None:
    """Keys hold `%` (percent-encoding) and `_`, wildcards to LIKE and `*`/`?` to Redis globs."""
    ledger = store.open()
    twins = loads(
        'timezone Asia/Shanghai\npromotion a_b {\n  on category "snacks"\n  满60减1\n  stackable with aXb\n}\n'
        'promotion aXb {\n  on category "snacks"\n  满60减2\n}\n'
    )
    req = request("c*1%", "2026-11-24", [("nuts", "snacks", "35.00", 2)])
    result = twins.price(req)
    assert {a.promotion for a in result.applied} == {"a_b", "aXb"}
    assert checkout.reserve(twins, req, result, order_id="w1", ledger=ledger).ok
    checkout.commit(ledger, "w1")
    mine = counters(ledger, "stats:a_b:")
    assert mine and all(k.startswith("stats:a_b:") for k in mine)
    assert list(counters(ledger, "stats:a_b:customer:c%2A1%25")) == [
        "stats:a_b:customer:c%2A1%25:day:2026-11-24"
    ]
    assert counters(ledger, "stats:a_b:customer:c%25") == {}  # `%` is literal, not "anything"
    assert counters(ledger, "stats:a_b:customer:c*") == {}  # `*` is literal: the key holds %2A


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    stats_cli.add_arguments(parser)
    return stats_cli.run(parser.parse_args(argv))


def test_cli(shared_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    store = shared_store  # the CLI opens its own client, as from another process
    ledger = store.open()
    shop(ledger)
    assert _cli([store.url, "tiers-a", "tiers-b", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["promotion"], r["orders"], r["sales"], r["average_order_value"]) for r in rows] == [
        ("tiers-a", 4, "248.00", "62.00"),
        ("tiers-b", 1, "58.00", "58.00"),
    ]
    assert _cli([store.url, "tiers-b", "--by", "day", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("tiers-b,2026-11-24,,,1,1,2,58.00,58.00,12.00")
    assert _cli([store.url, "ghost"]) == 2
    assert "no statistics for promotion(s) ghost" in capsys.readouterr().err
    assert _cli([store.url, "--since", "yesterday"]) == 2
    assert "--since must be a date" in capsys.readouterr().err
    assert _cli([store.url, "--by", "variant"]) == 0
    text = capsys.readouterr().out
    assert "snack-tiers  A" in text and "snack-tiers  B" in text


def test_cli_plot_and_budget_left(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """matplotlib is in the `test` extra, so this runs wherever the suite runs."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    shop(open_ledger(url))
    for by in ("day", "variant"):
        png = tmp_path / f"stats-{by}.png"
        assert _cli([url, "--by", by, "--plot", str(png)]) == 0
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    rules = tmp_path / "rules.promo"
    rules.write_text(RULES, encoding="utf-8")
    capsys.readouterr()
    assert _cli([url, "tiers-a", "--rules", str(rules), "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["budget_used"], row["budget_left"]) == ("32.00", "68.00")


def test_cli_plot_without_matplotlib(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    shop(open_ledger(url))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the `plot` extra were not installed
    assert _cli([url, "--plot", str(tmp_path / "x.png")]) == 2
    assert "--plot needs matplotlib: pip install 'promokit[plot]'" in capsys.readouterr().err


def test_cli_currency_reads_the_minor_units_in_that_currency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ledger stores minor units (fen): `--currency` says how many make a unit."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    shop(open_ledger(url))
    capsys.readouterr()
    figures = {}
    for code in ("CNY", "USD", "JPY"):
        assert _cli([url, "tiers-a", "--currency", code, "--json"]) == 0
        (row,) = json.loads(capsys.readouterr().out)
        figures[code] = (row["sales"], row["discount"], row["average_order_value"])
    assert figures["CNY"] == figures["USD"] == ("248.00", "32.00", "62.00")
    assert figures["JPY"] == ("24800", "3200", "6200")  # no minor unit: 24800 fen read as yen
    assert _cli([url, "tiers-a", "--currency", "JPY"]) == 0  # the table too
    assert capsys.readouterr().out.splitlines()[1].split()[4:7] == ["24800", "6200", "3200"]
    assert _cli([url, "tiers-a", "--currency", "XYZ"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("promokit stats: unknown currency 'XYZ'; known: CNY,") and "JPY" in err
    rules = tmp_path / "rules.promo"  # --rules gives the currency: --currency is not used
    rules.write_text("currency JPY\n" + RULES, encoding="utf-8")
    assert _cli([url, "tiers-a", "--rules", str(rules), "--currency", "USD", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["sales"] == "24800"
