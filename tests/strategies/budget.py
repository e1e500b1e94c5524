"""How many examples the heaviest properties draw.

The README's test command runs them at a size that keeps the whole suite near five minutes on a
quiet machine; `.ci/run` then runs the property suites again with `PROMOKIT_THOROUGH=1`, at
the full counts (the brute-force best-deal property at 1,000 rule sets, the pricing invariants
at 2,000 requests). Hypothesis draws new examples on every run, so the quick size still widens
the net over time.
"""

from __future__ import annotations

import os

THOROUGH = os.environ.get("PROMOKIT_THOROUGH") == "1"


def examples(quick: int, thorough: int) -> int:
    """`thorough` under `PROMOKIT_THOROUGH=1`, else `quick`."""
    return thorough if THOROUGH else quick
