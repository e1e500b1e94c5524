"""Ledgers: race-safe counters for stock, usage limits, budgets and coupon codes.

    ledger = open_ledger("sqlite:///ledger.db")      # or memory://, redis://, postgresql://

See base.py for the contract, keys.py for what is counted and docs/ledgers.md for
choosing an adapter. Redis and PostgreSQL clients are imported only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._core import Clock, redact
from .aio import AsyncLedger, open_async_ledger
from .base import Balance, Claim, Ledger, LedgerConflict, LedgerError, OrderState, ReserveOutcome, Status
from .invites import InviteRewards, invite_rewards
from .memory import MemoryLedger
from .points import InsufficientPoints, PointsBook, PointsEvent, PointsOrder
from .points_account import Movement, PointsAccount, PointsLot
from .points_policy import ExpiryPolicy, PointsError
from .sqlite import SQLiteLedger
from .stats import CampaignStats, PromotionStats, UnknownPromotion, campaign_stats, stats
from .urls import campaign_option, unknown_scheme, url_scheme

if TYPE_CHECKING:  # imported when used: the clients are optional extras
    from .postgres import PostgresLedger
    from .redis import RedisLedger

SCHEMES = ("memory", "sqlite", "redis", "rediss", "postgresql", "postgres")

__all__ = [
    "AsyncLedger",
    "Balance",
    "CampaignStats",
    "Claim",
    "ExpiryPolicy",
    "InsufficientPoints",
    "InviteRewards",
    "Ledger",
    "LedgerConflict",
    "LedgerError",
    "Movement",
    "OrderState",
    "PointsAccount",
    "PointsBook",
    "PointsError",
    "PointsEvent",
    "PointsLot",
    "PointsOrder",
    "PromotionStats",
    "ReserveOutcome",
    "Status",
    "UnknownPromotion",
    "campaign_stats",
    "invite_rewards",
    "open_async_ledger",
    "open_ledger",
    "stats",
]


def open_ledger(url: str, *, clock: Clock | None = None, campaign_stats: bool | None = None) -> Ledger:
    """Open a ledger by URL. `clock` (unix seconds) replaces the wall clock, for tests.

    `campaign_stats=False` (or the URL option `?campaign_stats=off`; the argument wins when
    both are given): reservations through `promokit.checkout` claim no campaign-statistics
    counters — fewer counters per order, faster reservations, and no per-day figures,
    participants, codes or variants in `campaign_stats()` (docs/ledgers.md#campaign-statistics-off).
    Raises LedgerError naming the URL (without credentials) for an unknown scheme,
    an unreachable server, a missing optional client package or a wrong schema version.
    """
    scheme = url_scheme(url)
    url, stats_on = campaign_option(url, campaign_stats)
    ledger = _open(url, scheme, clock)
    ledger.campaign_stats = stats_on
    return ledger


def _open(
    url: str, scheme: str, clock: Clock | None
) -> MemoryLedger | SQLiteLedger | RedisLedger | PostgresLedger:
    if scheme == "memory":
        return MemoryLedger(redact(url), clock=clock)
    if scheme == "sqlite":
        return SQLiteLedger(url, clock=clock)
    if scheme in ("redis", "rediss"):
        from .redis import RedisLedger

        return RedisLedger(url, clock=clock)
    if scheme in ("postgresql", "postgres"):
        from .postgres import PostgresLedger

        return PostgresLedger(url, clock=clock)
    raise unknown_scheme(url, scheme)
