"""Words for syntax errors: what the parser found and what it expected.

Lark reports terminal names (`NUMBER`, `ZH_MINUS`, `$END`); operators should never see
them. This module is the table from terminal names to words, plus the groupings that
keep messages short ("a clause such as `during`, `on`, `for` or `limit`" instead of
forty keywords).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["describe_expected", "describe_found", "help_for", "keyword_words"]

_WORDS: dict[str, str] = {
    "NUMBER": "a number such as 3 or 99.90",
    "STRING": 'a quoted string such as "fruit"',
    "NAME": "a name such as autumn-sale",
    "TZ_NAME": "a time zone such as Asia/Shanghai",
    "DATE": "a date such as 2026-10-01",
    "TIME": "a time of day such as 20:00",
    "ORDINAL": "an ordinal such as 2nd",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMMA": "`,`",
    "EQ": "`=`",
    "EQEQ": "`==`",
    "NE": "`!=`",
    "LE": "`<=`",
    "GE": "`>=`",
    "LT": "`<`",
    "GT": "`>`",
    "PERCENT": "`%`",
    "DASH": "`-`",
    "TIMES": "`x` (a quantity such as x2)",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "HALF_UP": "`half-up`",
    "HALF_EVEN": "`half-even`",
    "ZH_TO": "`至`",
    "ZH_EVERY_WEEK": "`每周`",
    "ZH_WEEKDAY": "a weekday such as 三 (每周三)",
    "ZH_EVERY_MONTH": "`每月`",
    "ZH_DAY_OF_MONTH": "`号`",
    "ZH_EVERY_DAY": "`每天`",
    "ZH_NEW_CUSTOMER": "`新客`",
    "ZH_SINGLE_USE": "`一次性`",
    "ZH_FULL": "`满`",
    "ZH_MINUS": "`减`",
    "ZH_EVERY_FULL": "`每满`",
    "ZH_CAP": "`封顶`",
    "ZH_ZHE": "`折`",
    "ZH_HALF_PRICE": "`半价`",
    "ZH_EACH_MINUS": "`每件减`",
    "ZH_SPECIAL": "`特价`",
    "ZH_FLASH": "`秒杀`",
    "ZH_PER_PERSON_LIMIT": "`每人限`",
    "ZH_UNITS": "`件`",
    "ZH_STOCK": "`库存`",
    "ZH_GROUP": "`人团`",
    "ZH_BUY": "`买`",
    "ZH_GIFT": "`赠`",
    "ZH_STREAK": "`连续`",
    "ZH_DAYS": "`天`",
    "ZH_CHEAPEST": "`低价优先`",
    "ZH_DEAREST": "`高价优先`",
    "ZH_NTH": "`第`",
    "ZH_NUMERAL": "a numeral such as 二",
    "ZH_YUAN_ANY": "`元任选`",
    "ZH_REPEAT": "`可叠加`",
    "ZH_AT_MOST": "`最多`",
    "ZH_TIMES": "`次`",
    "ZH_FREE_SHIPPING": "`包邮`",
    "ZH_SHIPPING_MINUS": "`运费减`",
    "ZH_EVERY": "`每`",
    "ZH_YUAN_EARN": "`元积`",
    "ZH_POINT_UNIT": "`分`",
    "ZH_POINTS": "`积分`",
    "ZH_FOLD": "`倍`",
    "ZH_POINTS_FOR": "`积分抵`",
    "ZH_YUAN": "`元`",
    "ZH_AT_MOST_FOR": "`最多抵`",
    "ZH_LIMIT": "`每人限`",
    "ZH_BUDGET": "`预算`",
    "ZH_AT_MOST_MINUS": "`最多减`",
    "ZH_EXCLUSIVE": "`互斥`",
    "ZH_EXCLUSIVE_GROUP": "`互斥组`",
    "ZH_THRESHOLD_ORIGINAL": "`门槛按原价`",
    "ZH_PRICES_INCLUDE_TAX": "`价格含税`",
    "ZH_PRICES_EXCLUDE_TAX": "`价格不含税`",
    # composed offers (grammar.lark, "composed offers" block)
    "ZH_CONDITION": "`条件`",
    "ZH_DA": "`打`",
    "ZH_INSTANT_MINUS": "`立减`",
    "ZH_FREE": "`免费`",
    "ZH_KINDS": "`种`",
    "ZH_PER_LINE_LIMIT": "`每行限`",
    "ZH_STACK_GROUP": "`叠加组`",
    "ZH_EXPERIMENT": "`实验`",
    "ZH_VARIANT": "`分组`",
    "ZH_INVITE_REWARD": "`邀请奖励`",
    "ZH_VOUCHER": "`券`",
    "ZH_INVITE_LIMIT": "`每位邀请人限`",
    # shipping benefits and `shipping methods` (docs/language.md#shipping)
    "ZH_SHIPPING": "`运费`",
    "ZH_SHIPPING_FULL": "`运费满`",
    "ZH_ONLY": "`限`",
    "ZH_SHIPPING_METHODS": "`配送方式`",
}

#: Where a number is money, the message says so (the operator typed 满100减 and stopped).
_MONEY_BEFORE = (
    "减", "满", "特价", "秒杀", "封顶", "团", "预算", "spend", "get", "price", "over", "to",
    "budget", "most", "cap", "shipping", "every", "for",
)  # fmt: skip

_DECLARATIONS = {
    "PROMOTION",
    "COUPON",
    "SEGMENT",
    "SCOPE",
    "POINTS",
    "MALL",
    "TIMEZONE",
    "CURRENCY",
    "ROUNDING",
    "ORDER",
    "PRICES",
    "ZH_PRICES_INCLUDE_TAX",
    "ZH_PRICES_EXCLUDE_TAX",
    "SHIPPING",  # shipping methods
    "ZH_SHIPPING_METHODS",
}
#: What may start a line inside `points ID on EVENT { ... }` (docs/points.md).
_POINTS_CLAUSES = {
    "EARN", "STREAK", "POINTS", "TIMEZONE", "DURING", "EVERY", "HOURS", "FOR", "LIMIT", "BUDGET",
    "ZH_EVERY_WEEK", "ZH_EVERY_MONTH", "ZH_EVERY_DAY", "ZH_LIMIT", "ZH_BUDGET", "ZH_GIFT", "ZH_STREAK",
    "ZH_POINTS",
}  # fmt: skip
_CLAUSES = {
    "PRIORITY", "KIND", "TIMEZONE", "DURING", "EVERY", "HOURS", "ON", "FOR", "CHANNEL", "CODES",
    "SINGLE", "LIMIT", "STOCK", "BUDGET", "AT", "EXCLUSIVE", "STACKABLE", "THRESHOLD", "SPEND",
    "NUMBER", "PRICE", "FLASH", "GROUP", "BUY", "ORDINAL", "FREE", "SHIPPING", "EARN", "POINTS",
    "REDEEM", "ZH_EVERY_WEEK", "ZH_EVERY_MONTH", "ZH_EVERY_DAY", "ZH_SINGLE_USE", "ZH_FULL",
    "ZH_EVERY_FULL", "ZH_HALF_PRICE", "ZH_EACH_MINUS", "ZH_SPECIAL", "ZH_FLASH", "ZH_BUY", "ZH_NTH",
    "ZH_FREE_SHIPPING", "ZH_SHIPPING_MINUS", "ZH_EVERY", "ZH_POINTS", "ZH_LIMIT", "ZH_STOCK",
    "ZH_BUDGET", "ZH_AT_MOST_MINUS", "ZH_EXCLUSIVE", "ZH_EXCLUSIVE_GROUP", "ZH_THRESHOLD_ORIGINAL",
    "EXPERIMENT", "ZH_EXPERIMENT", "INVITE", "ZH_INVITE_REWARD", "ZH_INVITE_LIMIT", "ZH_SHIPPING",
    "ZH_SHIPPING_FULL",
}  # fmt: skip
_CONDITIONS = {
    "NOT", "LPAR", "LEVEL", "ORDERS", "SPENT", "POINTS", "REGION", "CHANNEL", "REGISTERED", "ATTR",
    "STRING", "NEW", "ZH_NEW_CUSTOMER", "NAME",
}  # fmt: skip
_SELECTORS = {"ALL", "SKU", "CATEGORY", "BRAND", "TAG", "NAME"}
_WEEKDAYS = {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}
_COMPARISONS = {"EQEQ", "NE", "LE", "GE", "LT", "GT"}
_LAYERS = {"ITEM", "ORDER", "COUPON", "SHIPPING", "POINTS"}

#: (trigger terminal(s) that must all be expected, terminals the phrase covers, phrase)
_GROUPS: tuple[tuple[frozenset[str], set[str], str], ...] = (
    (
        frozenset({"PROMOTION", "SEGMENT"}),
        _DECLARATIONS,
        "a declaration (`promotion`, `coupon`, `segment`, `scope`, `points`, `mall`) or a setting "
        "(`timezone`, `currency`, `rounding`, `order cap`)",
    ),
    (
        frozenset({"STREAK", "EARN"}),
        _POINTS_CLAUSES,
        "a points clause such as `earn 5 points`, `streak 7 days earn 20 points`, `points x 2`, "
        "`for`, `limit` or `during`",
    ),
    (
        frozenset({"DURING", "PRIORITY"}),
        _CLAUSES,
        "a clause such as `during`, `on`, `for` or `limit`, or an action such as `满100减20` or `20% off`",
    ),
    (
        frozenset({"LEVEL", "NOT"}),
        _CONDITIONS,
        "a condition such as `level >= 3`, `new customer` or a segment name",
    ),
    (
        frozenset({"SKU", "CATEGORY"}),
        _SELECTORS,
        'a selection such as `all`, `sku "A1"`, `category "fruit"` or a scope name',
    ),
    (frozenset({"MONDAY"}), _WEEKDAYS, "a weekday such as `monday` or `wed`"),
    (frozenset({"EQEQ", "GE"}), _COMPARISONS, "a comparison such as `>=` or `==`"),
    (frozenset({"ITEM", "SHIPPING"}), _LAYERS, "a layer (`item`, `order`, `coupon`, `shipping`, `points`)"),
    (
        frozenset({"HALF_UP", "DOWN"}),
        {"HALF_UP", "HALF_EVEN", "DOWN", "UP"},
        "a rounding mode (`half-up`, `half-even`, `down`, `up`)",
    ),
)

_MAX_SHOWN = 6


#: Where a name is a delivery method: after a shipping benefit's `on` / `限`, after `shipping methods`.
_METHOD_BEFORE = ("限", "methods", "配送方式")


def _word(name: str, before: str) -> str:
    if name == "NUMBER" and before.rstrip().endswith(_MONEY_BEFORE):
        return "an amount such as 100 or 99.90"
    if name == "NAME" and _after_shipping(before):
        return "a delivery method such as express or standard"
    if name in _WORDS:
        return _WORDS[name]
    if name.isupper() and name.isidentifier():
        return f"`{name.lower().replace('_', '-')}`"
    return "something else"


def _order(name: str) -> tuple[int, str]:
    # Literals first, keywords next, then punctuation and line ends: most helpful first.
    rank = {
        "NUMBER": 0,
        "STRING": 0,
        "NAME": 0,
        "DATE": 0,
        "TIME": 0,
        "TZ_NAME": 0,
        "_NL": 1,
        "$END": 1,
        "RBRACE": 1,
    }
    if name in rank:
        return rank[name], name
    return (2 if name[:1].isalpha() and name not in _WORDS or name.startswith("ZH_") else 3), name


def keyword_words(expected: Iterable[str]) -> list[str]:
    """The English keywords among `expected` (for did-you-mean on a misspelt keyword)."""
    names = set(expected)
    if names & _WEEKDAYS:
        names |= _WEEKDAYS
    words = []
    for name in names:
        if name.isupper() and name not in _WORDS and not name.startswith("ZH_") and name != "ORDINAL":
            words.append(name.lower().replace("_", "-"))
    return sorted(words)


def describe_expected(expected: Iterable[str], before: str = "") -> str:
    """'an amount such as 100 or 99.90', 'a clause such as ... or `}`' — never terminal names."""
    remaining = {name for name in expected if name not in ("WS", "COMMENT")}
    phrases: list[str] = []
    for trigger, covered, phrase in _GROUPS:
        if trigger <= remaining:
            phrases.append(phrase)
            remaining -= covered
    words = [_word(name, before) for name in sorted(remaining, key=_order)]
    words = list(dict.fromkeys(phrases + words))
    if len(words) > _MAX_SHOWN:
        words = words[: _MAX_SHOWN - 1] + ["something else"]
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _after_shipping(before: str) -> bool:
    """`free shipping over 99 on `, `满99包邮限`, `shipping methods `: a delivery method comes next."""
    text = before.rstrip()
    line = text.rpartition("\n")[2]
    if text.endswith(_METHOD_BEFORE):
        return True
    shipping = "shipping" in line or "包邮" in line or "运费" in line
    listed = text.endswith((",", "，", "、")) and (" on " in line or "限" in line)
    return shipping and (text.endswith(" on") or listed)


def describe_found(kind: str, value: str) -> str:
    """The unexpected token in words: 'the end of the line', 'the number 100', '`during`'."""
    shown = value if len(value) <= 40 else value[:37] + "..."
    if kind == "_NL":
        return "the end of the line"
    if kind == "$END":
        return "the end of the file"
    if kind == "NUMBER":
        return f"the number {shown}"
    if kind == "STRING":
        return f"the string {shown}"
    if kind in ("NAME", "TZ_NAME"):
        return f"the name '{shown}'"
    if kind == "DATE":
        return f"the date {shown}"
    if kind == "TIME":
        return f"the time {shown}"
    return f"`{shown}`"


def help_for(expected: Iterable[str], found: str) -> str | None:
    """A hint for a few common mistakes (our table of labelled examples)."""
    names = set(expected)
    if found == "NAME" and "STRING" in names and "NAME" not in names:
        return 'write SKUs, categories, brands, tags and codes in double quotes, e.g. sku "A1"'
    if found == "STRING" and names == {"NAME"}:
        return "ids and names are written without quotes, e.g. promotion autumn-sale"
    if found == "NUMBER" and "ZH_ZHE" in names:
        return "a discount in 折 is written 8折 or 8.5折; in English, 20% off"
    if "RBRACE" in names and found == "$END":
        return "close the block with `}`"
    if names & {"ZH_MINUS", "ZH_GIFT", "ZH_FREE_SHIPPING"} and found in ("_NL", "$END"):
        return '满 needs what it gives: 满100减20, 满199赠 "SKU", 满99包邮'
    if "NUMBER" in names and found in ("_NL", "$END") and len(names) <= 3:
        return "write the number as digits, e.g. 100 or 99.90"
    if found == "_NL" and "LBRACE" in names:
        return "the `{` goes on the same line as the promotion id"
    return None
