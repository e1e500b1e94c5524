"""The cost of campaign statistics per reservation (docs/performance.md#campaign-statistics-the-cost-per-reservation).

    python benchmarks/campaign_stats.py [--rounds 6] [--chunk 150]

Reserves the fresh-market order `requests/vip-seafood-coupon.json` (8 promotions applied) on two
SQLite ledgers in alternating chunks inside one process, once with the claims of
`checkout.claims_for` and once without the per-day campaign counters (so background load hits
both sides alike), and prints both rates and their ratio. Bounded by --rounds x --chunk.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import promokit
from promokit.checkout import claims_for
from promokit.ledgers import campaign_keys
from promokit.models import CheckoutRequest

ROOT = Path(__file__).resolve().parents[1] / "examples" / "fresh-market"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--chunk", type=int, default=150)
    args = parser.parse_args()
    rules = promokit.load(ROOT)
    text = (ROOT / "requests" / "vip-seafood-coupon.json").read_text(encoding="utf-8")
    result = rules.price(CheckoutRequest.model_validate_json(text))
    with_stats = claims_for(rules, result)
    without = [c for c in with_stats if (k := campaign_keys.parse(c.key)) is None or k.day is None]
    print(
        f"{len(result.applied)} promotions applied; {len(without)} counters without, {len(with_stats)} with"
    )
    with tempfile.TemporaryDirectory() as tmp:
        sides = {
            "without": (without, promokit.open_ledger(f"sqlite:///{tmp}/a.db")),
            "with": (with_stats, promokit.open_ledger(f"sqlite:///{tmp}/b.db")),
        }
        spent = {name: 0.0 for name in sides}
        for r in range(args.rounds):
            for name, (claims, ledger) in sides.items():
                start = time.perf_counter()
                for i in range(args.chunk):
                    ledger.reserve(f"o{r}-{i}", claims, 900)
                spent[name] += time.perf_counter() - start
        n = args.rounds * args.chunk
        rates = {name: n / s for name, s in spent.items()}
        for name, rate in rates.items():
            print(f"{name:>7} campaign statistics: {rate:,.0f} reservations/s")
        print(f"ratio {rates['with'] / rates['without']:.2f}x")


if __name__ == "__main__":
    main()
