"""Read-only views of a ledger for pricing: what `RuleSet.price` may read, and retries.

Pricing needs one thing of a ledger: `usage(keys)`. `UsageReader` is that contract, so a
pricing call can also read a snapshot taken by an async ledger (`Snapshot`) or a ledger
seen as if one order's own hold were given back (`WithoutOrder`).

`WithoutOrder` makes a checkout retry-safe (docs/quickstart.md#retries-cancel-and-refunds): a retried request
for an order that already holds a reservation must price exactly as the first attempt did,
so the order's own claims are not counted against it (otherwise its own hold of the last
flash unit or of a single-use code would leave the promotion out, the retry would price
differently and the ledger would refuse it as a different cart).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from .base import OrderState


@runtime_checkable
class UsageReader(Protocol):
    """The read side pricing uses: used + held amount per key (0 for unknown keys)."""

    def usage(self, keys: Sequence[str]) -> Mapping[str, int]: ...


@runtime_checkable
class OrderReader(Protocol):
    """A ledger that can also say what one order holds (`WithoutOrder` needs both reads)."""

    def usage(self, keys: Sequence[str]) -> Mapping[str, int]: ...

    def state(self, order_id: str) -> OrderState | None: ...


def own_amounts(state: OrderState | None) -> dict[str, int]:
    """Per key, what the order still counts in the ledger's totals (used + held).

    A reserved or committed order counts its claims; a refunded one its claims minus
    what refunds gave back; a released or expired one nothing (its hold went back).
    """
    if state is None or state.status not in ("reserved", "committed", "refunded"):
        return {}
    back = {c.key: c.amount for c in state.returned}
    return {c.key: c.amount - back.get(c.key, 0) for c in state.claims if c.amount > back.get(c.key, 0)}


def subtract(usage: Mapping[str, int], own: Mapping[str, int]) -> dict[str, int]:
    """`usage` with one order's own amounts taken out (never below 0)."""
    return {k: max(0, n - own.get(k, 0)) for k, n in usage.items()}


class WithoutOrder:
    """`ledger` as if `order_id`'s own hold were released (two reads: the order, then usage)."""

    def __init__(self, ledger: OrderReader, order_id: str) -> None:
        self.ledger, self.order_id = ledger, order_id

    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        own = own_amounts(self.ledger.state(self.order_id))
        return subtract(self.ledger.usage(keys), own)


class Snapshot:
    """Usage read beforehand (by an async ledger): keys it does not know count 0."""

    def __init__(self, usage: Mapping[str, int]) -> None:
        self._usage = dict(usage)

    def usage(self, keys: Sequence[str]) -> Mapping[str, int]:
        return {k: self._usage.get(k, 0) for k in keys}
