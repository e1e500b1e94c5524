"""Pricing benchmark: promokit vs a full scan, vs a hand-written floor, growth, best vs greedy.

Run:  python benchmarks/pricing.py [--quick]

What it measures, all in one run (ratios, since single timings vary ±40% on a shared box;
every time is the CPU time of this process, best of several runs):
1. Rule sets of 10 / 100 / 1,000 / 10,000 promotions over a catalogue of 40,000 SKUs in 400
   categories and 200 brands. Each rule set holds the same 20 "hot" promotions a 20-line cart
   touches (category percentages, special prices, two storewide tier promotions in one
   exclusive group, free shipping, points) plus filler promotions on other SKUs, categories
   and brands. Pricing the cart with explanations on (promokit always explains).
2. promokit vs a scan-every-promotion baseline: the same engine with its index replaced by
   one that returns every promotion (so every promotion's window, audience and scope are
   checked for the cart).
3. promokit vs the floor: a hand-written loop over a category/SKU dict doing the same
   arithmetic (per-line percentages and special prices rounded per line, best item deal
   per line, tiers on the rest, largest-remainder apportionment), no explanations.
4. Growth: the cost at 10,000 promotions over the cost at 100 (the cart touches the same 20).
5. Best-deal search vs `strategy="greedy"` on 8-line carts with 12 competing promotions.
6. Overlapping offers (an Oscar-like workload, seeded, generated here): 50 categories, 500
   SKUs, N = 10 / 100 / 1,000 offers over random sets of 1-3 categories, a third each
   "spend X in scope get Y off" (满X减Y), "N折 on the scope's items" and "buy 2 get 1
   free", about half `exclusive`; 20-line carts of 1-3 units per line. Best vs greedy time
   and saving per N, and a check that best saves at least as much as greedy on every cart.

Targets (docs/performance.md): scan/promokit >= 15 at 1,000; promokit/floor <= 3;
10,000/100 <= 1.5; best/greedy <= 5; overlapping: best >= greedy on every cart, best <= 2x
greedy at 100 offers and <= 3x at 1,000, best at 1,000 <= 10x best at 100.

`--overlap-only [--seed S] [--carts N]` runs only the overlapping workload. `--json` prints,
as the last line, one JSON object with the ratios and the overlapping
workload's figures (keys: promokit_over_floor, scan_over_promokit, search_over_greedy,
overlap_best_ms, overlap_greedy_ms, overlap_never_worse, ...).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import decimal
import json
import random
import sys
import time
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from promokit.check.frontend import parse_text  # noqa: E402
from promokit.compile.index import PromotionIndex  # noqa: E402
from promokit.compile.predicates import EVERYTHING  # noqa: E402
from promokit.engine.ruleset import RuleSet  # noqa: E402
from promokit.language.ast import PercentOff, SpecialPrice  # noqa: E402
from promokit.models import CheckoutRequest, PricingResult  # noqa: E402

CATEGORIES = [f"cat{i:03d}" for i in range(400)]
BRANDS = [f"brand{i:03d}" for i in range(200)]
CART_CATEGORIES = CATEGORIES[:12]  # the 20-line cart's lines fall in these
CENT = Decimal("0.01")
AT = "2026-11-24T19:00:00+08:00"


# --------------------------------------------------------------------------- rule sets


def hot_rules(contested: bool = False) -> list[str]:
    """The 20 promotions the benchmark cart can touch (identical in every rule set).

    Each cart line falls under at most one item-level promotion, unless `contested`: then
    the special prices sit on SKUs whose category also has a percentage (6 contested lines).
    """
    pct = [10, 15, 20, 5, 12, 8, 25, 30]
    rules = [
        f'promotion hot-pct-{i} "cat {c} {o}% off" {{\n  on category "{c}"\n  {o}% off\n}}'
        for i, (c, o) in enumerate(zip(CART_CATEGORIES[:8], pct, strict=True))
    ]
    special_skus = [0, 1, 2, 3, 4, 5] if contested else [8, 9, 10, 11]
    prices = ["3.50", "9.90", "1.00", "12.00", "7.77", "4.20"]
    rules += [
        f'promotion hot-sp-{n} "special" {{\n  on sku "SKU{n:05d}"\n  price {p}\n}}'
        for n, p in zip(special_skus, prices, strict=False)
    ]
    rules.append(
        'promotion hot-tiers "store tiers" {\n  spend 99 get 10 off, spend 199 get 30 off, spend 299 get 60 off\n'
        "  exclusive group storewide\n}"
    )
    rules.append(
        'promotion hot-every "every 100" {\n  every 100 get 12 off up to 48\n  exclusive group storewide\n}'
    )
    rules.append('promotion hot-ship "free shipping" {\n  free shipping over 99\n}')
    rules.append('promotion hot-points "points" {\n  earn 1 point per 1\n}')
    rules.append('promotion hot-gift "gift" {\n  spend 299 get gift "OIL" x 1\n}')
    rules.append('promotion hot-bag "bag" {\n  on category "cat001"\n  buy 2 get gift "BAG" x 1\n}')
    rules.append('promotion hot-vip "vip only" {\n  for level >= 3\n  20% off\n}')
    return rules[:20]


def filler_rules(count: int, rng: random.Random) -> list[str]:
    """Promotions on SKUs, categories and brands the cart never contains."""
    out = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            scope = f'sku "SKU{20000 + i:05d}"'
        elif kind == 1:
            scope = f'category "{CATEGORIES[12 + i % 388]}"'
        elif kind == 2:
            scope = f'brand "{BRANDS[50 + i % 150]}"'
        else:
            scope = f'sku "SKU{20000 + i:05d}", "SKU{30000 + i % 9999:05d}"'
        action = rng.choice(
            ["15% off", "price 9.90", "spend 100 get 10 off", "buy 2 get 1 free", "5 off each"]
        )
        window = rng.choice(
            ["", "\n  every wednesday", "\n  during 2026-12-01 to 2026-12-31", "\n  hours 20:00-22:00"]
        )
        out.append(f'promotion fill-{i} "filler {i}" {{\n  on {scope}{window}\n  {action}\n}}')
    return out


def build(total: int, rng: random.Random, contested: bool = False) -> RuleSet:
    hot = hot_rules(contested)
    body = hot + filler_rules(max(0, total - len(hot)), rng)
    text = "timezone Asia/Shanghai\ncurrency CNY\n\n" + "\n\n".join(body) + "\n"
    return RuleSet(parse_text(text, name=f"bench-{total}.promo"))


def scanning(rules: RuleSet) -> RuleSet:
    """The same rule set with an index that returns every promotion for every cart."""
    scan = copy.copy(rules)
    compiled = rules._compiled
    everything = PromotionIndex([(p, EVERYTHING) for p in compiled.promotions])
    scan._compiled = dataclasses.replace(compiled, index=everything)  # the naive scan, for the ratio
    return scan


def cart(rng: random.Random, lines: int = 20) -> CheckoutRequest:
    """A 20-line cart: SKU0..SKU19 in the 12 cart categories and 20 brands."""
    data = [
        {
            "id": f"l{i:02d}",
            "sku": f"SKU{i:05d}",
            "category": CART_CATEGORIES[i % len(CART_CATEGORIES)],
            "brand": BRANDS[i % 20],
            "unit_price": str(Decimal(rng.randint(150, 8000)) / 100),
            "quantity": rng.randint(1, 4),
        }
        for i in range(lines)
    ]
    return CheckoutRequest.model_validate(
        {"at": AT, "lines": data, "shipping": "8.00", "customer": {"orders": 3}}
    )


# --------------------------------------------------------------------------- the floor


def make_floor(
    cat_pct: dict[str, Decimal], sku_price: dict[str, Decimal]
) -> Callable[[CheckoutRequest], Decimal]:
    """A hand-written indexed loop doing the arithmetic promokit does for the hot promotions."""
    tiers = [(Decimal(299), Decimal(60)), (Decimal(199), Decimal(30)), (Decimal(99), Decimal(10))]

    def price(request: CheckoutRequest) -> Decimal:
        with decimal.localcontext() as ctx:
            ctx.traps[decimal.FloatOperation] = True
            remaining = []
            item_discount = Decimal(0)
            for line in request.lines:
                subtotal = line.unit_price * line.quantity
                best = Decimal(0)
                pct = cat_pct.get(line.category or "")
                if pct is not None:
                    best = (subtotal * pct / 100).quantize(CENT, rounding=ROUND_HALF_UP)
                special = sku_price.get(line.sku)
                if special is not None and special < line.unit_price:
                    best = max(best, (line.unit_price - special) * line.quantity)
                item_discount += best
                remaining.append(subtotal - best)
            base = sum(remaining, Decimal(0))
            off_tiers = next((off for threshold, off in tiers if base >= threshold), Decimal(0))
            off_every = min(Decimal(int(base / 100)) * 12, Decimal(48))
            off = max(off_tiers, off_every)
            # largest-remainder apportionment of the order discount over the lines
            cents = int(off / CENT)
            shares = [Decimal(cents) * r / base for r in remaining] if base else [Decimal(0)] * len(remaining)
            floors = [int(s.to_integral_value(rounding=ROUND_DOWN)) for s in shares]
            left = cents - sum(floors)
            for i in sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))[:left]:
                floors[i] += 1
            goods = base - off
            shipping = Decimal(0) if goods >= 99 else request.shipping
            return goods + shipping

    return price


# --------------------------------------------------------------------------- timing


def best_time(
    fn: Callable[[], object],
    repeat: int,
    budget: float = 0.15,
    clock: Callable[[], float] = time.process_time,
) -> float:
    """Best of `repeat` runs, each of as many calls as fit in about `budget` seconds; s per call.

    CPU time of this process by default: on a machine shared with other work, wall time
    mostly measures the other processes (ratios of wall times moved by 2x between runs)."""
    start = clock()
    fn()
    once = max(clock() - start, 1e-7)
    number = max(1, int(budget / once))
    times = []
    for _ in range(repeat):
        start = clock()
        for _ in range(number):
            fn()
        times.append((clock() - start) / number)
    return min(times)


def competing_rules() -> RuleSet:
    """12 promotions competing on an 8-line cart: overlapping item deals and order deals."""
    text = """timezone Asia/Shanghai
promotion c01 "fruit 20%" {\n  on category "fruit"\n  20% off\n}
promotion c02 "fresh 10%" {\n  on category "fruit", "veg"\n  10% off\n}
promotion c03 "apple special" {\n  on sku "APPLE"\n  price 9.90\n}
promotion c04 "veg 15%" {\n  on category "veg"\n  15% off\n}
promotion c05 "dairy b2g1" {\n  on category "dairy"\n  buy 2 get 1 free\n}
promotion c06 "dairy 2nd half" {\n  on category "dairy"\n  2nd unit 50% off\n}
promotion c07 "snacks 3 for 10" {\n  on category "snacks"\n  3 for 10\n}
promotion c08 "snacks 25%" {\n  on category "snacks"\n  25% off\n}
promotion c09 "tiers" {\n  spend 99 get 10 off, spend 199 get 30 off\n  exclusive group order\n}
promotion c10 "every 50" {\n  every 50 get 6 off\n  exclusive group order\n}
promotion c11 "fresh tiers" {\n  on category "fruit", "veg"\n  spend 60 get 12 off\n}
promotion c12 "free shipping" {\n  free shipping over 150\n}
"""
    return RuleSet(parse_text(text, name="competing.promo"))


def competing_cart(rng: random.Random) -> CheckoutRequest:
    skus = [
        ("APPLE", "fruit"), ("PEAR", "fruit"), ("KALE", "veg"), ("TOMATO", "veg"),
        ("MILK", "dairy"), ("YOGURT", "dairy"), ("CHIPS", "snacks"), ("NUTS", "snacks"),
    ]  # fmt: skip
    data = [
        {"id": sku.lower(), "sku": sku, "category": cat, "unit_price": str(Decimal(rng.randint(300, 2500)) / 100),
         "quantity": rng.randint(1, 4)}
        for sku, cat in skus
    ]  # fmt: skip
    return CheckoutRequest.model_validate({"at": AT, "lines": data, "shipping": "10.00"})


def hot_tables(rules: RuleSet) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The category percentages and SKU special prices of the hot promotions, for the floor."""
    pct: dict[str, Decimal] = {}
    special: dict[str, Decimal] = {}
    for p in rules._compiled.promotions:
        action = p.promotion.action
        if p.id.startswith("hot-pct") and isinstance(action, PercentOff):
            pct[p.promotion.scope.include[0].values[0]] = action.percent.off
        elif p.id.startswith("hot-sp") and isinstance(action, SpecialPrice):
            special[p.promotion.scope.include[0].values[0]] = action.price
    return pct, special


# --------------------------------------------------------------------------- overlapping offers

OVERLAP_CATEGORIES = [f"oc{i:02d}" for i in range(50)]


def overlap_rules(count: int, rng: random.Random) -> RuleSet:
    """`count` offers over random sets of 1-3 of 50 categories; about half are `exclusive`."""
    body = []
    for i in range(count):
        scope = ", ".join(f'"{c}"' for c in rng.sample(OVERLAP_CATEGORIES, rng.randint(1, 3)))
        kind = i % 3
        if kind == 0:
            spend = rng.randint(5, 40) * 10
            action = f"满{spend}减{rng.randint(spend // 20, spend // 5)}"
        elif kind == 1:
            action = f"{rng.choice([7, 75, 8, 85, 9, 95])}折"
        else:
            action = "buy 2 get 1 free"
        exclusive = "\n  exclusive" if rng.random() < 0.5 else ""
        body.append(f"promotion ov-{i:04d} {{\n  on category {scope}\n  {action}{exclusive}\n}}")
    text = "timezone Asia/Shanghai\ncurrency CNY\n\n" + "\n\n".join(body) + "\n"
    return RuleSet(parse_text(text, name=f"overlap-{count}.promo"))


def overlap_cart(rng: random.Random) -> CheckoutRequest:
    """20 lines of 1-3 units, drawn from 500 SKUs (SKU k in category k mod 50)."""
    data = [
        {
            "id": f"l{n:02d}",
            "sku": f"OSKU{k:03d}",
            "category": OVERLAP_CATEGORIES[k % 50],
            "unit_price": str(Decimal(rng.randint(300, 30000)) / 100),
            "quantity": rng.randint(1, 3),
        }
        for n, k in enumerate(rng.sample(range(500), 20))
    ]
    return CheckoutRequest.model_validate({"at": AT, "lines": data})


def result_saving(result: PricingResult) -> Decimal:
    return result.subtotal + result.shipping_original - result.total


def overlapping(sizes: list[int], carts: int, rng: random.Random) -> dict[str, object]:
    """Best vs greedy per cart at each size: mean ms, savings, whether best >= greedy on every cart.

    Timed in CPU time of this process (best of 3), like everything here."""
    best_ms: dict[str, float] = {}
    greedy_ms: dict[str, float] = {}
    never_worse = True
    print(
        f"{'offers':>7} {'best ms':>8} {'greedy ms':>10} {'best/greedy':>12} {'best saves':>11} {'greedy saves':>13}  modes"
    )
    for size in sizes:
        rules = overlap_rules(size, rng)
        requests = [overlap_cart(rng) for _ in range(carts)]
        tb = tg = 0.0
        saved_b = saved_g = Decimal(0)
        modes: dict[str, int] = {}
        for request in requests:
            tb += best_time(lambda r=request, rs=rules: rs.price(r), 3, 0.05)  # type: ignore[misc]
            tg += best_time(lambda r=request, rs=rules: rs.price(r, strategy="greedy"), 3, 0.05)  # type: ignore[misc]
            best, greedy = rules.price(request), rules.price(request, strategy="greedy")
            modes[best.selection] = modes.get(best.selection, 0) + 1
            saved_b += result_saving(best)
            saved_g += result_saving(greedy)
            if result_saving(best) < result_saving(greedy):
                never_worse = False
                print(f"  best saves less than greedy: {result_saving(best)} < {result_saving(greedy)}")
        best_ms[str(size)] = round(tb / carts * 1e3, 3)
        greedy_ms[str(size)] = round(tg / carts * 1e3, 3)
        mode_words = ", ".join(f"{k} {v}" for k, v in sorted(modes.items()))
        print(
            f"{size:>7,} {tb / carts * 1e3:>8.1f} {tg / carts * 1e3:>10.1f} {tb / tg:>12.2f} {saved_b:>11} {saved_g:>13}  {mode_words}"
        )
    return {
        "overlap_best_ms": best_ms,
        "overlap_greedy_ms": greedy_ms,
        "overlap_never_worse": never_worse,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats and sizes up to 1,000 (a rough look)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object, last line")
    parser.add_argument(
        "--overlap-only",
        action="store_true",
        help="only the overlapping-offers workload (with --seed, --carts)",
    )
    parser.add_argument("--seed", type=int, default=20261201, help="seed of the overlapping-offers workload")
    parser.add_argument("--carts", type=int, help="carts per size in the overlapping-offers workload")
    args = parser.parse_args(argv)
    overlap_carts = args.carts or (5 if args.quick else 10)
    if args.overlap_only:
        figures = overlapping([10, 100, 1000], overlap_carts, random.Random(args.seed))
        if args.json:
            print(json.dumps(figures, sort_keys=True))
        return 0
    repeat = 3 if args.quick else 5
    sizes = [10, 100, 1000] if args.quick else [10, 100, 1000, 10000]
    rng = random.Random(20261124)
    request = cart(rng)
    print(
        f"python {sys.version.split()[0]}; 20-line cart touching 20 promotions; explanations on; best of {repeat}"
    )
    print()
    header = f"{'promotions':>10} {'load s':>7} {'promokit µs':>12} {'scan µs':>9} {'scan/pk':>8} {'floor µs':>9} {'pk/floor':>9}"
    print(header)
    cost: dict[int, float] = {}
    figures: dict[str, object] = {}
    for size in sizes:
        t0 = time.perf_counter()
        rules = build(size, rng)
        load = time.perf_counter() - t0
        scan = scanning(rules)
        result = rules.price(request)
        assert scan.price(request).total == result.total  # the same answer without the index
        floor = make_floor(*hot_tables(rules))
        pk = best_time(lambda r=rules: r.price(request), repeat)  # type: ignore[misc]
        sc = best_time(lambda s=scan: s.price(request), repeat)  # type: ignore[misc]
        fl = best_time(lambda f=floor: f(request), repeat)  # type: ignore[misc]
        cost[size] = pk
        if size == 1000:
            figures["promokit_over_floor"] = round(pk / fl, 2)
            figures["scan_over_promokit"] = round(sc / pk, 2)
        print(
            f"{size:>10,} {load:>7.2f} {pk * 1e6:>12.0f} {sc * 1e6:>9.0f} {sc / pk:>8.1f} {fl * 1e6:>9.0f} {pk / fl:>9.1f}"
        )
        if size == sizes[0]:
            print(f"{'':>10} same arithmetic: floor total {floor(request)}, promokit total {result.total}")
    print()
    top = sizes[-1]
    print(f"growth 100 -> {top:,} promotions (same 20 touched): {cost[top] / cost[100]:.2f}x")

    contested = build(100, rng, contested=True)
    t_contested = best_time(lambda: contested.price(request), 1, budget=0.5)
    t_greedy = best_time(lambda: contested.price(request, strategy="greedy"), 1, budget=0.5)
    print(
        f"same cart, 6 of its lines under both a category % and a special price: "
        f"{t_contested * 1e6:.0f} µs (greedy {t_greedy * 1e6:.0f} µs, "
        f"selection={contested.price(request).selection})"
    )

    competing = competing_rules()
    carts = [competing_cart(rng) for _ in range(10 if args.quick else 20)]
    best_s = greedy_s = Decimal(0)
    best_t = greedy_t = 0.0
    cheaper = 0
    modes: set[str] = set()
    for c in carts:
        best_t += best_time(lambda c=c: competing.price(c), 1, budget=0.2)  # type: ignore[misc]
        greedy_t += best_time(lambda c=c: competing.price(c, strategy="greedy"), 1, budget=0.2)  # type: ignore[misc]
        best, greedy = competing.price(c), competing.price(c, strategy="greedy")
        modes.add(best.selection)
        best_s += best.subtotal - best.total + best.shipping_original
        greedy_s += greedy.subtotal - greedy.total + greedy.shipping_original
        cheaper += best.total < greedy.total
    print(
        f"best-deal search vs greedy, 12 competing promotions, {len(carts)} 8-line carts: "
        f"{best_t / len(carts) * 1e6:.0f} µs vs {greedy_t / len(carts) * 1e6:.0f} µs = {best_t / greedy_t:.2f}x; "
        f"search cheaper on {cheaper}/{len(carts)} carts, saving {best_s} vs {greedy_s} in all "
        f"(selection: {', '.join(sorted(modes))})"
    )
    figures["search_over_greedy"] = round(best_t / greedy_t, 2)
    figures["growth_10000_over_100"] = round(cost[top] / cost[100], 2)
    print()
    print("overlapping offers (20-line carts; about half the offers exclusive; CPU ms per cart, best of 3):")
    figures.update(overlapping([10, 100, 1000], overlap_carts, random.Random(args.seed)))
    best_ms = figures["overlap_best_ms"]
    greedy_ms = figures["overlap_greedy_ms"]
    assert isinstance(best_ms, dict) and isinstance(greedy_ms, dict)
    figures["overlap_best_over_greedy"] = {n: round(best_ms[n] / greedy_ms[n], 2) for n in best_ms}
    figures["overlap_1000_over_100"] = round(best_ms["1000"] / best_ms["100"], 2)
    print()
    print(
        "rerun: python benchmarks/pricing.py"
        + (" --quick" if args.quick else "")
        + (" --json" if args.json else "")
    )
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
