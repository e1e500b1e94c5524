"""Hypothesis strategies for promokit: rule-file ASTs, carts, requests and small rule sets.

One import point shared by every test area (as attrs does with `tests/strategies.py`), split
into modules by subject to stay readable. Import it as `from strategies import rule_files`
(pytest puts `tests/` on `sys.path` because `tests/conftest.py` lives there without an
`__init__.py`).

What a correct checker must accept is generated on purpose, so that a checker error on a
generated value is a bug in one of the two and worth reading:
- names are `prefix-suffix` identifiers (ASCII, or a CJK word + ASCII suffix), never keywords;
- tiers strictly increase (thresholds and amounts off), every amount off is below its threshold;
- percentages lie in (0, 100) and are expressible in their notation: `8.5折` has one decimal
  as written, so a ZH percentage off is a whole number; EN allows one decimal (`12.5% off`);
- amounts have at most the currency's decimals (2 for CNY, 0 for JPY);
- date ranges are ordered and, when combined with recurring conditions, long enough that the
  window is never empty; at most one time condition of each kind per promotion;
- segment, scope and `stackable with` references point at declared names (segments and
  stackable references only point backwards, so there are no cycles);
- coupons have codes in their own namespace (`C<i>...`), so no code or pattern is shared;
- constructs a notation may not express (the dearest-units choice in ZH) are only generated
  in EN.

Spans are NO_SPAN everywhere: round trips compare with `ast.strip_spans`.

What is here:
- `rule_files()`: one valid `.promo` file as an AST, every construct of the language
  (every action in both notations, windows, scopes with except and named scopes, audiences
  nested with and/or/not, limits, stock, budget, cap, coupons, groups, stackable, settings);
- `small_rule_sets()`: <= 6 promotions over item/order/coupon/shipping/points layers with
  broad scopes, exclusive groups and stackable pairs, for pricing and the best-deal brute force;
- `requests()` / `carts()` (= `lines()`) / `customers()` / `instants()`: checkout requests over
  `CATALOGUE`; `pricing_cases()` and `full_pricing_cases()`: rules plus a request that
  sometimes enters the rules' coupon codes (and, for full files, shops inside a window);
- `compile_rules(*files)`: a `RuleSet` through the real checker; `describe(file, request)`:
  the rules as `.promo` text for `hypothesis.note`, so failures read like the product.
"""

from __future__ import annotations

from ._base import CATALOGUE, amounts, names, percents, texts
from .actions import actions, every_offs, limits, percent_offs, tiers
from .budget import examples
from .carts import carts, customers, instants, lines, requests
from .conditions import (
    compares,
    conditions,
    daily_hours,
    durings,
    in_lists,
    month_days,
    scopes,
    time_conditions,
    time_ranges,
    weekdays,
)
from .files import promotions, rule_files, settings_nodes
from .pricing import compile_rules, coupon_codes, describe, full_pricing_cases, pricing_cases, small_rule_sets

__all__ = [
    "examples",
    "CATALOGUE",
    "actions",
    "amounts",
    "carts",
    "compares",
    "compile_rules",
    "conditions",
    "coupon_codes",
    "customers",
    "daily_hours",
    "describe",
    "durings",
    "every_offs",
    "full_pricing_cases",
    "in_lists",
    "instants",
    "limits",
    "lines",
    "month_days",
    "names",
    "percent_offs",
    "percents",
    "pricing_cases",
    "promotions",
    "requests",
    "rule_files",
    "scopes",
    "settings_nodes",
    "small_rule_sets",
    "texts",
    "tiers",
    "time_conditions",
    "time_ranges",
    "weekdays",
]
