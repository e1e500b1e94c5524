"""How the server-side ledgers' replies read: one decoder per reply, for sync and async adapters.

The Redis script (redis_lua.py) and the plpgsql functions (postgres_sql.py) answer with the
same tags (`ok`, `failed`, `conflict`, `existing`, `state`, `unknown`, `bad`, `problem`);
the sync adapters (redis.py, postgres.py) and the async ones (redis_async.py,
postgres_async.py) send the same calls and decode the replies here, so the four cannot
drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from ._core import decode, reply_error
from .base import Balance, Claim, LedgerConflict, LedgerError, OrderState, ReserveOutcome, Status

_LIVE = ("reserved", "committed", "refunded")


def reserve_outcome(url: str, order_id: str, wanted: Sequence[Claim], reply: Sequence[Any]) -> ReserveOutcome:
    """A reserve reply: `ok`, `failed` + claim indexes, `conflict`, or `existing` + status."""
    tag = reply[0]
    if tag == "ok":
        return ReserveOutcome(order_id, True, (), "reserved")
    if tag == "failed":
        return ReserveOutcome(order_id, False, tuple(wanted[int(i)] for i in reply[1:]), None)
    if tag == "conflict":
        raise LedgerConflict(f"{url}: order {order_id!r} was reserved with different claims")
    if tag == "existing":
        status = cast(Status, reply[1])
        return ReserveOutcome(order_id, status in _LIVE, (), status)
    raise LedgerError(f"{url}: unexpected reply {list(reply)!r}")


def balances(wanted: Sequence[str], flat: Sequence[Any]) -> dict[str, Balance]:
    """`flat` is used, held, used, held, ... in the order of `wanted`."""
    return {k: Balance(int(flat[2 * i]), int(flat[2 * i + 1])) for i, k in enumerate(wanted)}


def _state(
    order_id: str, status: str, claims_text: str, expires: float | None, returned: dict[str, Any]
) -> OrderState:
    claims = decode(claims_text)
    by_key = {c.key: c for c in claims}
    back = tuple(
        Claim(k, int(a), by_key[k].limit, by_key[k].promotion) for k, a in sorted(returned.items()) if int(a)
    )
    return OrderState(order_id, cast(Status, status), claims, expires, back)


def redis_state(order_id: str, raw: str) -> OrderState:
    """The order JSON the Lua script stores (s, c, e, r)."""
    o = json.loads(raw)
    return _state(order_id, o["s"], o["c"], float(o["e"]) if o["e"] != "" else None, o["r"])


def postgres_state(order_id: str, reply: Sequence[Any]) -> OrderState:
    """`pk_state`'s row: ['state', status, claims, expires_at, returned json]."""
    _, status, claims_text, expires, returned_text = reply
    return _state(
        order_id, status, claims_text, None if expires is None else float(expires), json.loads(returned_text)
    )


def redis_answer(url: str, order_id: str, reply: Sequence[Any], verb: str) -> OrderState:
    if reply[0] == "state":
        return redis_state(order_id, reply[1])
    raise reply_error(url, order_id, verb, reply[0], reply[1] if len(reply) > 1 else None)


def postgres_answer(url: str, order_id: str, reply: Sequence[Any], verb: str) -> OrderState:
    if reply[0] == "state":
        return postgres_state(order_id, reply)
    raise reply_error(url, order_id, verb, reply[0], reply[1] if len(reply) > 1 else None)


def reset_error(url: str, seen: str | None, found: str) -> LedgerError:
    """The Redis script's `reset` reply (or no marker at all): the namespace lost its data.

    `seen` is the epoch the client opened with (None: there was none), `found` the marker
    Redis holds now ("" when it has none). docs/ledgers.md#running-in-production.
    """
    if seen is None and not found:
        return LedgerError(
            f"{url}: the ledger is not initialised (no epoch marker in Redis): run "
            "`promokit ledger init URL` once for a new ledger. If it held data before, Redis "
            "lost it (restart without persistence, eviction): restore it first "
            "(docs/ledgers.md#running-in-production)"
        )
    return LedgerError(
        f"{url}: the ledger was reset: its epoch marker is "
        + ("gone" if not found else "a different one")
        + ", so Redis lost or replaced its data (restart without persistence, eviction, flush). "
        "Refusing to count from zero; restore the data, then run `promokit ledger init URL` "
        "(docs/ledgers.md#running-in-production)"
    )
