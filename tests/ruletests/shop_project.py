"""A tiny shop project (rules + rule tests) written into a temporary directory by the tests.

Every expected number is worked out by hand from docs/semantics.md:
- 8 apples at 12.50 = 100.00 reaches 满100减20 exactly (thresholds are inclusive): 80.00.
- 7 apples = 87.50 is 12.50 short of 100: autumn-fruit not applied (threshold), hint names 12.50.
- eggs: flash price 1.00, 2 per customer, stock 500. Stock 0 left: 2 x 2.50 = 5.00.
  One already bought: 1 unit at 1.00 + 2 units at 2.50 = 6.00 (units over the limit pay full price).
- member-day (Wednesdays, level >= 3, 9折) on 4 apples = 50.00: 5.00 off, 45.00; 2026-10-07 is a
  Wednesday, 2026-10-02 a Friday (so member-day is out of its window then).
"""

from __future__ import annotations

from pathlib import Path

RULES = """\
timezone Asia/Shanghai

promotion autumn-fruit "秋季水果满减" {
  on category "fruit"
  满100减20
}

promotion member-day "会员日" {
  every wednesday
  for level >= 3
  9折
}

promotion flash-eggs "秒杀鸡蛋" {
  on sku "EGGS"
  flash price 1.00 limit 2 per customer stock 500
}
"""

PASSING = """\
catalogue fresh {
  APPLE  category fruit  price 12.50
  EGGS   category eggs   price 2.50
}

defaults {
  at 2026-10-02 10:00
}

case "满100减20 at exactly 100" {
  cart APPLE x 8
  expect total 80.00
  expect applied autumn-fruit 20
  expect not applied member-day because window
}

case "one apple short of the threshold" {
  cart APPLE x 7
  expect total 87.50
  expect not applied autumn-fruit because threshold
  expect hint "12.50"
}

case "flash eggs sold out" {
  cart EGGS x 2
  stock of flash-eggs 0
  expect not applied flash-eggs because stock
  expect total 5.00
}

case "flash eggs over the per-customer limit" {
  cart EGGS x 3
  customer bought flash-eggs 1 units
  expect line EGGS total 6.00
}

case "member day on a wednesday" {
  at 2026-10-07 10:00
  customer level 3
  cart APPLE x 4
  expect applied member-day 5.00
  expect total 45.00
}
"""

FAILING = """\
case "deliberately wrong total" {
  at 2026-10-02 10:00
  cart APPLE x 8 price 12.50 category fruit
  expect total 100
}
"""


def write_project(root: Path, *, failing: bool = False) -> Path:
    """rules.promo and shop.promotest (plus a failing file if asked) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "rules.promo").write_text(RULES, encoding="utf-8")
    (root / "shop.promotest").write_text(PASSING, encoding="utf-8")
    if failing:
        (root / "wrong.promotest").write_text(FAILING, encoding="utf-8")
    return root
