"""The cost of campaign statistics per reservation (docs/performance.md#campaign-statistics-the-cost-per-reservation).

    python benchmarks/campaign_stats.py [--rounds 6] [--chunk 150]

Reserves the fresh-market order `requests/vip-seafood-coupon.json` (8 promotions applied) on two
SQLite ledgers in alternating chunks inside one process (so background load hits both sides
alike): one opened as usual, one with `campaign_stats=False` (docs/ledgers.md#campaign-statistics-off),
each with the claims `checkout.reserve` takes on it (`claims_for(..., campaign_stats=ledger.campaign_stats)`),
and prints both rates and their ratio. Bounded by --rounds x --chunk.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import promokit
from promokit.checkout import claims_for
from promokit.checkout.reserve import campaign_setting
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
    with tempfile.TemporaryDirectory() as tmp:
        ledgers = {
            "without": promokit.open_ledger(f"sqlite:///{tmp}/a.db", campaign_stats=False),
            "with": promokit.open_ledger(f"sqlite:///{tmp}/b.db"),
        }
        sides = {
            name: (claims_for(rules, result, campaign_stats=campaign_setting(ledger)), ledger)
            for name, ledger in ledgers.items()
        }
        print(
            f"{len(result.applied)} promotions applied; "
            f"{len(sides['without'][0])} counters without, {len(sides['with'][0])} with"
        )
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
