"""A/B experiments: which variant a customer sees, by a stable hash (docs/programs.md#ab-variants).

bucket = the first 8 bytes of SHA-256("experiment\\ncustomer id") as an integer, modulo 10 000.
Variants own consecutive ranges of buckets in the order of their names (A before B), each as
wide as its weight in hundredths of a percent. The hash depends on nothing but the two
strings, so every process and machine puts a customer in the same variant, and experiments
are independent of each other (the experiment name is part of the hash). Changing the
weights moves a boundary between neighbouring ranges: with two variants exactly the
customers that must move do (A 50% -> 60% moves the 10% of B nearest to A's range, no one
else); with more, only the customers a moved boundary crosses.

An anonymous cart (no customer id) cannot be bucketed stably; it sees the first variant by
name (`A`), the documented default.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..language.ast import Variant

#: Buckets per experiment: weights resolve to 0.01%.
BUCKETS = 10_000


def bucket(experiment: str, customer_id: str) -> int:
    """The customer's bucket in [0, BUCKETS) for `experiment`: the same everywhere, always."""
    digest = hashlib.sha256(f"{experiment}\n{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


@dataclass(frozen=True, slots=True)
class Experiment:
    name: str
    variants: tuple[tuple[str, Decimal], ...]  # (variant, weight %) in name order

    def variant_for(self, customer_id: str | None) -> str:
        """The variant a customer is in; anonymous carts get the first variant by name."""
        if customer_id is None:
            return self.variants[0][0]
        b = bucket(self.name, customer_id)
        upper = 0
        for name, weight in self.variants:
            upper += int(weight * BUCKETS / 100)
            if b < upper:
                return name
        return self.variants[-1][0]  # unreachable when the weights sum to 100 (checked: E082)


def experiments(variants: Iterable[Variant]) -> dict[str, Experiment]:
    """The experiments of a checked rule set from its promotions' variant clauses."""
    found: dict[str, dict[str, Decimal]] = {}
    for v in variants:
        found.setdefault(v.experiment, {})[v.name] = v.weight
    return {name: Experiment(name, tuple(sorted(vs.items()))) for name, vs in sorted(found.items())}
