"""Campaign statistics off (`open_ledger(url, campaign_stats=False)`, `?campaign_stats=off`):
fewer counters per reservation, the limits and all-time figures unchanged, and refunds that
work whichever setting the order was reserved under (docs/ledgers.md#campaign-statistics-off)."""

from __future__ import annotations

import asyncio

import pytest

from promokit import checkout
from promokit.checkout.aio import acommit, arefund, areserve
from promokit.ledgers import LedgerError, campaign_stats, open_async_ledger, open_ledger, stats
from promokit.ledgers import campaign_keys as ck
from promokit.ledgers.catalog import counters
from promokit.ledgers.urls import campaign_option

from .conftest import Store
from .test_campaign_stats import RULESET, place, request

NUTS = ("nuts", "snacks", "35.00", 2)


def campaign_keys_of(claims: object) -> list[str]:
    return [
        c.key
        for c in claims
        if (k := ck.parse(c.key)) is not None and not (k.day is None and k.kind in ck.DAILY)
    ]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "given", "clean", "on"),
    [
        ("sqlite:///a.db?campaign_stats=off", None, "sqlite:///a.db", False),
        (
            "sqlite:////abs/a.db?busy_timeout_ms=5&campaign_stats=OFF",
            None,
            "sqlite:////abs/a.db?busy_timeout_ms=5",
            False,
        ),
        ("redis://h:6379/0?campaign_stats=on&namespace=x", None, "redis://h:6379/0?namespace=x", True),
        (
            "postgresql://u@h/db?options=-c%20a%3Db&campaign_stats=no",
            None,
            "postgresql://u@h/db?options=-c%20a%3Db",
            False,
        ),
        ("memory://", None, "memory://", True),
        ("memory://", False, "memory://", False),
        ("memory://?campaign_stats=off", True, "memory://", True),  # the argument wins
    ],
)
def test_the_url_option_is_read_and_removed(url: str, given: bool | None, clean: str, on: bool) -> None:
    assert campaign_option(url, given) == (clean, on)


@pytest.mark.parametrize(
    ("url", "given", "message"),
    [
        ("memory://?campaign_stats=maybe", None, "campaign_stats must be on or off, got 'maybe'"),
        ("memory://?campaign_stats=off&campaign_stats=on", None, "given 2 times"),
        ("memory://", "no", "campaign_stats must be True or False"),
    ],
)
def test_a_bad_option_is_a_ledger_error(url: str, given: object, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        open_ledger(url, campaign_stats=given)  # type: ignore[arg-type]


def test_open_ledger_sets_the_option_and_the_url_hides_it(tmp_path: object) -> None:
    ledger = open_ledger("memory://?campaign_stats=off")
    assert ledger.campaign_stats is False and "campaign_stats" not in ledger.url  # type: ignore[attr-defined]
    assert open_ledger("memory://").campaign_stats is True  # type: ignore[attr-defined]
    assert open_ledger("memory://", campaign_stats=False).campaign_stats is False  # type: ignore[attr-defined]


def test_claims_without_campaign_statistics_keep_every_limit_and_all_time_figure() -> None:
    req = request("c-2005", "2026-11-25", [NUTS, ("tea", "tea", "30.00", 2)], ("SAVE-1",))
    result = RULESET.price(req)
    full = checkout.claims_for(RULESET, result)
    lean = checkout.claims_for(RULESET, result, campaign_stats=False)
    assert campaign_keys_of(full) and not campaign_keys_of(lean)
    assert [c for c in full if c.key not in campaign_keys_of(full)] == lean
    assert any(c.limit is not None for c in lean)  # the budget stays


def test_a_ledger_with_statistics_off_counts_limits_and_all_time_only(store: Store) -> None:
    ledger = open_ledger(store.url, campaign_stats=False)
    try:
        place(ledger, "o1", request("c-2001", "2026-11-24", [NUTS]))
        state = ledger.state("o1")
        assert state is not None and not campaign_keys_of(state.claims)
        row = stats(ledger, "tiers-a")
        assert (row.orders, row.units) == (1, 2)  # all-time figures: still counted
        assert counters(ledger, "stats:tiers-a:customer:") == {}
        assert campaign_stats(ledger, ["tiers-a"], by="day") == []  # no per-day figures
    finally:
        if store.kind != "memory":
            ledger.close()


@pytest.mark.parametrize("reserved_with", [True, False])
def test_a_refund_works_whichever_setting_the_order_was_reserved_under(
    store: Store, reserved_with: bool
) -> None:
    """The setting may change between a reservation and its refund (a redeploy)."""
    first = open_ledger(store.url, campaign_stats=reserved_with)
    result = place(first, "o1", request("c-2001", "2026-11-24", [NUTS]))
    later = first if store.kind == "memory" else open_ledger(store.url, campaign_stats=not reserved_with)
    if store.kind == "memory":
        first.campaign_stats = not reserved_with  # type: ignore[attr-defined]
    state = checkout.refund(RULESET, result, {"nuts": 2}, order_id="o1", refund_id="r1", ledger=later)
    assert state.status == "refunded"
    assert {c.key: c.amount for c in state.returned} == {c.key: c.amount for c in state.claims}
    assert all(b.used == 0 and b.held == 0 for b in later.balances([c.key for c in state.claims]).values())
    for ledger in {id(first): first, id(later): later}.values():
        if store.kind != "memory":
            ledger.close()


def test_async_ledgers_take_the_option_too(tmp_path: object) -> None:
    async def run() -> list[str]:
        ledger = await open_async_ledger("memory://?campaign_stats=off")
        assert ledger.campaign_stats is False  # type: ignore[attr-defined]
        req = request("c-2001", "2026-11-24", [NUTS])
        result = RULESET.price(req)
        r = await areserve(RULESET, req, result, order_id="a1", ledger=ledger)
        assert r.ok
        await acommit(ledger, "a1")
        ledger.campaign_stats = True  # type: ignore[attr-defined]  # changed before the refund
        state = await arefund(RULESET, result, {"nuts": 2}, order_id="a1", refund_id="r1", ledger=ledger)
        assert state.status == "refunded" and len(state.returned) == len(state.claims)
        return campaign_keys_of(r.claims)

    assert asyncio.run(run()) == []
