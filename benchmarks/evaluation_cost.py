"""The cost of one evaluation of a combination (`engine.evaluate.evaluate`), apart from the search.

Run:  python benchmarks/evaluation_cost.py {comp,cart} [--replay]

Prices the workloads of `benchmarks/pricing.py` once while recording every combination the
search evaluates (12 competing promotions on 10 8-line carts: `comp`; the 20-line cart with
1,000 promotions, three times: `cart`), then, with `--replay`, evaluates each recorded
combination again on a fresh cart per price call (the per-request memo starts empty, as in
`price`), once. The replay's cost is the difference between a run with `--replay` and one
without; CPU time varies ±40% on a shared machine, so count instructions instead:

    valgrind --tool=cachegrind --cache-sim=no python benchmarks/evaluation_cost.py comp
    valgrind --tool=cachegrind --cache-sim=no python benchmarks/evaluation_cost.py comp --replay

(set PYTHONHASHSEED=0 for runs that compare exactly), and divide the difference of the two
"I refs" by the number of evaluations printed.
"""

from __future__ import annotations

import argparse
import decimal
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pricing as P  # noqa: E402
from promokit.engine import evaluate as E  # noqa: E402
from promokit.engine.actions.eligibility import prepare  # noqa: E402
from promokit.money import PRICING_CONTEXT  # noqa: E402


def recorded(cases: Sequence[tuple[Any, Any]]) -> list[tuple[Any, list[list[Any]]]]:
    """Per price call: a fresh cart and the combinations `price` evaluated, in order."""
    real = E.evaluate
    log: list[list[str]] = []

    def spy(cart: Any, promotions: Any) -> Any:
        log.append([p.id for p in promotions])
        return real(cart, promotions)

    users = [m for m in list(sys.modules.values()) if getattr(m, "evaluate", None) is real]
    work = []
    for rules, request in cases:
        for m in users:
            m.evaluate = spy
        log.clear()
        rules.price(request)
        for m in users:
            m.evaluate = real
        with decimal.localcontext(PRICING_CONTEXT):
            cart = prepare(rules._compiled, request).cart
        work.append((cart, [[cart.promotions[i] for i in ids] for ids in log]))
    return work


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("workload", choices=["comp", "cart"])
    parser.add_argument("--replay", action="store_true", help="evaluate every recorded combination again")
    args = parser.parse_args(argv)
    if args.workload == "comp":
        rules = P.competing_rules()
        rng = random.Random(20261124)
        cases = [(rules, P.competing_cart(rng)) for _ in range(10)]
    else:
        rng = random.Random(20261124)
        request = P.cart(rng)
        cases = [(P.build(1000, rng), request)] * 3
    work = recorded(cases)
    if args.replay:
        with decimal.localcontext(PRICING_CONTEXT):
            for cart, combinations in work:
                for promotions in combinations:
                    E.evaluate(cart, promotions)
    print("evaluations", sum(len(c) for _, c in work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
