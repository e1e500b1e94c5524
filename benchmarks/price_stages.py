"""What one `RuleSet.price` call costs, stage by stage, on the pricing benchmark's 20-line cart.

Run:  python benchmarks/price_stages.py [--promotions 1000] [--json]

The cart and rule set are built as `benchmarks/pricing.py` builds them (seed 20261124, the cart
first). Each stage of `RuleSet._priced` is timed on its own, in CPU time of this process (best
of 7 runs of many calls): the pre-checks (`prepare`), the best-deal search on a freshly prepared
cart (its memo empty, as inside `price`), the result model (`build_result`), texts and hint
filtering (`finish`), points merge and tax, the telemetry probe, and the small checks before.
The stages add up to about the whole call; the rest is the call's own glue.
"""

from __future__ import annotations

import argparse
import decimal
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pricing import build, cart, hot_tables, make_floor  # noqa: E402
from promokit.engine import points_balance, points_lines  # noqa: E402
from promokit.engine.actions.eligibility import prepare  # noqa: E402
from promokit.engine.explain import build_result  # noqa: E402
from promokit.engine.finish import finish, without_zero_lines  # noqa: E402
from promokit.engine.selection import select  # noqa: E402
from promokit.engine.tax import apply_tax  # noqa: E402
from promokit.engine.texts import check_locale  # noqa: E402
from promokit.money import PRICING_CONTEXT  # noqa: E402
from promokit.telemetry import PriceProbe  # noqa: E402


def cpu_us(fn: Callable[[], object], budget: float = 0.1, repeat: int = 7) -> float:
    """Best of `repeat` runs of as many calls as fit in about `budget` seconds; µs per call."""
    start = time.process_time()
    fn()
    number = max(1, int(budget / max(time.process_time() - start, 1e-7)))
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            fn()
        best = min(best, (time.process_time() - start) / number)
    return best * 1e6


def stages(promotions: int) -> dict[str, float]:
    rng = random.Random(20261124)
    request = cart(rng)
    rules = build(promotions, rng)
    compiled = rules._compiled
    floor = make_floor(*hot_tables(rules))
    rows: dict[str, float] = {
        "price (the whole call)": cpu_us(lambda: rules.price(request)),
        "hand-written floor": cpu_us(lambda: floor(request)),
    }
    with decimal.localcontext(PRICING_CONTEXT):
        engine_request = without_zero_lines(request)
        rows["prepare: index, pre-checks, Cart"] = pre = cpu_us(lambda: prepare(compiled, engine_request))

        def prepare_and_select() -> None:
            prepared = prepare(compiled, engine_request)
            select(prepared.cart, prepared.candidates, "best")

        rows["select: the best-deal search"] = cpu_us(prepare_and_select) - pre
        prepared = prepare(compiled, engine_request)
        selection = select(prepared.cart, prepared.candidates, "best")
        rows["build_result: the result models"] = cpu_us(
            lambda: build_result(compiled, prepared.cart, selection, prepared.misses, prepared.unknown_codes)
        )
        result = build_result(compiled, prepared.cart, selection, prepared.misses, prepared.unknown_codes)
        rows["finish: texts, refused hints"] = cpu_us(lambda: finish(result, request, compiled, "en"))
        finished = finish(result, request, compiled, "en")
        rows["points merge and tax"] = cpu_us(
            lambda: apply_tax(points_lines.merge(request, finished, ()), request, compiled)
        )

    def probe() -> None:
        with PriceProbe("promokit.price", rules.version, ledger=False):
            pass

    def before() -> None:
        rules._check_currency(request)
        check_locale("en")
        points_balance.with_account(request, None, None)
        points_lines.split(request)

    rows["PriceProbe"] = cpu_us(probe)
    rows["currency, locale, points split"] = cpu_us(before)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--promotions", type=int, default=1000, help="rule set size (default 1,000)")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON object")
    args = parser.parse_args(argv)
    rows = stages(args.promotions)
    whole = rows["price (the whole call)"]
    print(f"{'stage':<36} {'µs':>8} {'of price':>9}")
    for name, us in rows.items():
        print(f"{name:<36} {us:>8.0f} {us / whole:>9.1%}")
    if args.json:
        print(json.dumps({k: round(v, 1) for k, v in rows.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
