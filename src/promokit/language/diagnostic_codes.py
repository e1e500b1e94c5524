"""Every diagnostic code promokit reports, in one table (code, severity, title, docs).

Codes are stable interfaces: tools match on them (`check --json`, `--format github`,
`.promotest` files). The letter says who reports it: `S` the front end (syntax, `language/`),
`E`/`W` the checker (`check/`), `L` the linter (`lint/`), `T` rule test files
(`ruletests/`). `severity` is the default one (`lint --strict` turns warnings into errors).

`tests/unit/test_diagnostic_codes.py` keeps this table honest: every code the source emits
is here, every code here is emitted, documented at its `docs` anchor, and shown in a golden
example. Adding a code means adding a row here, a line in the docs and a golden case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CODES", "Code", "by_code"]


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Literal["error", "warning"]
    title: str
    docs: str  # `docs/FILE.md#anchor` where the code is described


CODES: tuple[Code, ...] = (
    Code(
        "E001",
        "error",
        "duplicate promotion or coupon id (across files; points at the second, names the first)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("E002", "error", "duplicate segment / scope name", "docs/lint.md#checker-codes-promokit-check"),
    Code("E003", "error", "duplicate segment / scope name", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E004",
        "error",
        "a setting (timezone, currency, rounding, order cap) that differs between files",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E005",
        "error",
        "unknown currency (upper-case hint, known list)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E006",
        "error",
        "unknown time zone (did-you-mean, case hint)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E010", "error", "unknown segment / scope (did-you-mean)", "docs/lint.md#checker-codes-promokit-check"
    ),
    Code(
        "E011", "error", "unknown segment / scope (did-you-mean)", "docs/lint.md#checker-codes-promokit-check"
    ),
    Code(
        "E012",
        "error",
        "segment / scope defined in terms of itself (the cycle is shown)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E013",
        "error",
        "segment / scope defined in terms of itself (the cycle is shown)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E014",
        "error",
        "unknown promotion in `stackable with` (did-you-mean)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("E015", "error", "a promotion stackable with itself", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E016",
        "error",
        "a segment or scope defined through a chain of more than 50 others (each link nests once when compiled)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E020",
        "error",
        "tier thresholds / rewards not strictly increasing",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E021",
        "error",
        "tier thresholds / rewards not strictly increasing",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E030",
        "error",
        "a percentage outside (0, 100), or a 折 outside (0, 10) — described in 折 when written in 折",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E031",
        "error",
        "a count below 1 (buy, free, gift quantity, repeat cap, limits, stock, flash limits)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("E032", "error", "Nth unit below 2", "docs/lint.md#checker-codes-promokit-check"),
    Code("E033", "error", "bundle size below 2", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E034",
        "error",
        "an amount that must be positive (prices, thresholds, rewards, caps, budgets, points)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E035",
        "error",
        "more decimals than the currency's minor unit (9.999 in CNY, 99.50 in JPY)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("E036", "error", "group-buy size below 2", "docs/lint.md#checker-codes-promokit-check"),
    Code("E037", "error", "empty gift sku", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E038", "error", "points redemption cap outside (0, 100]", "docs/lint.md#checker-codes-promokit-check"
    ),
    Code("E039", "error", "a scope selector naming nothing", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E040",
        "error",
        "a date range that ends before it starts (a date-only end means through that day)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("E041", "error", "an empty hour range (10:00-10:00)", "docs/lint.md#checker-codes-promokit-check"),
    Code("E042", "error", "a day of month outside 1..31", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E043",
        "error",
        "a window that can never open: `every` lines with no day in common, `hours` lines with no time in common, `during` lines that do not meet, a date range containing none of the required weekdays or days of month (day 31 in November)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E044",
        "error",
        "a date outside 1900-01-01 … 9998-12-31 (windows are shifted across time zones)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E050",
        "error",
        "a `kind` that does not fit the action (kind shipping on 满减; kind coupon on a promotion)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("E051", "error", "a coupon without codes", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E052",
        "error",
        "codes on a promotion that is not a coupon",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E053",
        "error",
        "the same exact code in two coupons (case-insensitive)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("E054", "error", "an empty code", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E055",
        "error",
        "a code no shopper can type: over 64 characters, or an invisible or control character (docs/semantics.md#coupon-codes)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E056",
        "error",
        "two points redemptions that can apply to the same order (neither `exclusive`, nor both in one exclusive group): each would spend the same balance",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E057",
        "error",
        "a number promokit cannot compute with: an amount above 10^13 or with more than 18 significant digits, a count above 10^12",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E060",
        "error",
        "stackable with a promotion that is `exclusive`",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E061",
        "error",
        "two promotions in the same exclusive group declared stackable",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E062",
        "error",
        "an `exclusive` promotion that declares `stackable with`",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E070",
        "error",
        'a condition comparing a fact with the wrong type (`level >= "gold"`)',
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E071",
        "error",
        'ordering a fact that has no order (`region < "m"`)',
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E080",
        "error",
        "a count below 1 in a composed offer (`when buy 0`, `赠0件`, `满0件8折`)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E081",
        "error",
        "a `when` condition that can never hold: its scope excludes everything it includes, or names fewer skus than the different skus it counts",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E082",
        "error",
        "a unit limit or `cheapest first`/`dearest first` on a benefit that takes no units (shipping, points)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E083",
        "error",
        "a stacking group (`stack group NAME` / `叠加组`) with one member",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E084",
        "error",
        'a category path with an empty segment (`category "fresh//fruit"`)',
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E085",
        "error",
        "tiers of a tiered offer whose thresholds do not increase (`满3件8折，满2件9折`)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E090",
        "error",
        "two points rules (`points ID on EVENT`) with the same id (docs/points.md)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E091",
        "error",
        "a points rule value out of range: fewer than 1 point, a multiplier not above 0 or above 100, a streak under 2 days, a budget that is not whole points",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E092",
        "error",
        "a limit an event cannot have (per order, units) on a points rule or mall item",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("E093", "error", "two mall items with the same id", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "E094",
        "error",
        "a mall item whose goods are not named by sku",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E100",
        "error",
        "an A/B variant weight not above 0% and at most 100% in steps of 0.01% (docs/programs.md)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E101",
        "error",
        "an experiment name reused with different variants (one variant, two weights)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E102",
        "error",
        "an experiment whose variant weights do not sum to 100%",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E103",
        "error",
        "an invite reward that cannot be granted (coupon pattern without one `*`, points not whole, credit not positive)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "E104",
        "error",
        "an invite limit without a reward, of 0, or repeated",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "L001",
        "warning",
        "a discount can exceed what it is measured on",
        "docs/lint.md#l001--a-discount-can-exceed-what-it-is-measured-on",
    ),
    Code(
        "L002",
        "warning",
        "a price that is not below the list price",
        "docs/lint.md#l002--a-price-that-is-not-below-the-list-price",
    ),
    Code(
        "L003",
        "warning",
        "a tier that can never be chosen",
        "docs/lint.md#l003--a-tier-that-can-never-be-chosen",
    ),
    Code(
        "L004",
        "warning",
        "overlapping promotions that silently stack",
        "docs/lint.md#l004--overlapping-promotions-that-silently-stack",
    ),
    Code("L005", "warning", "a window already over", "docs/lint.md#l005--a-window-already-over"),
    Code("L006", "warning", "a window that never occurs", "docs/lint.md#l006--a-window-that-never-occurs"),
    Code(
        "L007",
        "warning",
        "a recurring window without a time zone in a multi-zone rule set",
        "docs/lint.md#l007--a-recurring-window-without-a-time-zone-in-a-multi-zone-rule-set",
    ),
    Code(
        "L008",
        "warning",
        "a coupon no code reaches alone",
        "docs/lint.md#l008--a-coupon-no-code-reaches-alone",
    ),
    Code(
        "L009",
        "warning",
        "a segment or scope declared and never used",
        "docs/lint.md#l009--a-segment-or-scope-declared-and-never-used",
    ),
    Code("L010", "warning", "a limit that can never bind", "docs/lint.md#l010--a-limit-that-can-never-bind"),
    Code(
        "L011",
        "warning",
        "a high discount rate for one promotion group",
        "docs/lint.md#l011--a-high-discount-rate-for-one-promotion-group",
    ),
    Code(
        "L012",
        "warning",
        "a high discount rate for the whole rule set",
        "docs/lint.md#l012--a-high-discount-rate-for-the-whole-rule-set",
    ),
    Code("S001", "error", "syntax error: what was expected, what was found", "docs/language.md#diagnostics"),
    Code("S002", "error", "not valid UTF-8 (points at the bad byte)", "docs/language.md#diagnostics"),
    Code("S003", "error", "unterminated string", "docs/language.md#diagnostics"),
    Code("S004", "error", "control character (NUL, ...)", "docs/language.md#diagnostics"),
    Code("S005", "error", "unexpected character", "docs/language.md#diagnostics"),
    Code("S006", "error", "a block `{` never closed", "docs/language.md#diagnostics"),
    Code("S009", "error", "file over the size limit", "docs/language.md#diagnostics"),
    Code("S010", "error", "parentheses nested over the limit", "docs/language.md#diagnostics"),
    Code(
        "S011", "error", "condition nested over the limit (`not not not ...`)", "docs/language.md#diagnostics"
    ),
    Code("S020", "error", "a fraction where a whole number is needed", "docs/language.md#diagnostics"),
    Code("S021", "error", "invalid date (`2026-02-30`)", "docs/language.md#diagnostics"),
    Code(
        "S022",
        "error",
        "invalid time (`25:00`; `24:00` other than ending hours)",
        "docs/language.md#diagnostics",
    ),
    Code("S023", "error", "unknown escape in a string", "docs/language.md#diagnostics"),
    Code("S024", "error", 'a quoted value without its kind (`on "apple"`)', "docs/language.md#diagnostics"),
    Code("S030", "error", "a setting given twice in one file", "docs/language.md#diagnostics"),
    Code("S031", "error", "a clause given twice, or a second action", "docs/language.md#diagnostics"),
    Code("S032", "error", "a promotion without an action", "docs/language.md#diagnostics"),
    Code("S033", "error", "`single use` without `codes`", "docs/language.md#diagnostics"),
    Code("S900", "error", "a path that does not exist or cannot be read", "docs/language.md#diagnostics"),
    Code(
        "S999",
        "error",
        "an internal error while lowering one declaration (a bug: please report it; the rest of the file is still checked)",
        "docs/language.md#diagnostics",
    ),
    Code(
        "T001",
        "error",
        "syntax: an unexpected word or character, an unclosed block",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T002",
        "error",
        "an unknown sku (not in the catalogues and no price on the line), an `expect line` for a line not in the cart",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T003",
        "error",
        "an unknown promotion id (in an expectation or ledger state), with did-you-mean",
        "docs/testing.md#problems-in-test-files",
    ),
    Code("T004", "error", "an unknown reason", "docs/testing.md#problems-in-test-files"),
    Code(
        "T005",
        "error",
        "an unknown catalogue, or an imported file without it",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T006",
        "error",
        "a bad value: a fractional quantity, a date that does not exist, an unknown time zone",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T007",
        "error",
        "rules not found: a `rules` path that does not exist, or no `.promo` beside the test file",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T008",
        "error",
        "a test or catalogue file that cannot be read, or an import cycle",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T009",
        "error",
        "duplicates: two cases with one name, a sku twice in a catalogue, a catalogue declared twice",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T010",
        "error",
        "the request is not valid (e.g. a price with more decimals than the currency has)",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T011",
        "error",
        "a case without an instant or with an empty cart",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T012",
        "error",
        "ledger state that does not fit the promotion (stock of a promotion without stock, more left than the stock, a code no coupon accepts)",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T013",
        "error",
        "pricing failed for this case (the request does not fit the rules, or a promokit bug)",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "T014",
        "error",
        "an `expect shipping NAME` that names no shipping line of the case",
        "docs/testing.md#problems-in-test-files",
    ),
    Code(
        "W001",
        "warning",
        "days 29–31 of the month, which some months lack",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W002",
        "warning",
        "a weekday / day of month / hour range listed twice",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W003",
        "warning",
        "a weekday / day of month / hour range listed twice",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code("W005", "warning", "a code listed twice in one coupon", "docs/lint.md#checker-codes-promokit-check"),
    Code(
        "W006",
        "warning",
        "an exclusive group with a single member (did-you-mean another group)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W007",
        "warning",
        "`exclusive` together with an `exclusive group`",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W009",
        "warning",
        "a scope that excludes everything it includes",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W010",
        "warning",
        "a coupon pattern that also matches another coupon's exact code",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W011",
        "warning",
        "an every-X cap below one step's reward",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W013",
        "warning",
        "two limits of the same kind (the smaller binds)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W020",
        "warning",
        "a recurring window (`every`, `hours`, `每天`) in a rule set without `timezone`: read in UTC (docs/language.md#warnings)",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W021",
        "warning",
        "a category, brand, tag or SKU name with spaces at its ends or full-width characters: matches nothing",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W022",
        "warning",
        "a scope that can match nothing once its named scopes are resolved",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W030",
        "warning",
        "a shipping benefit limited to a delivery method that `shipping methods` does not list: matches nothing",
        "docs/lint.md#checker-codes-promokit-check",
    ),
    Code(
        "W040",
        "warning",
        "a rules directory with no `.promo` file in it: it loads as no promotions",
        "docs/production.md#an-empty-rules-folder",
    ),
    Code(
        "W041",
        "warning",
        "a `.promo` link whose target does not exist: skipped",
        "docs/production.md#an-empty-rules-folder",
    ),
)


def by_code() -> dict[str, Code]:
    return {c.code: c for c in CODES}
