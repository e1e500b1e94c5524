"""Hover texts: what a clause or an action means, in the words of docs/language.md.

Every phrase here is copied from docs/language.md, and `tests/editor/test_lsp_analysis.py`
checks that it still appears there word for word, so the editor and the docs never disagree.
"""

from __future__ import annotations

#: action class (language/ast.py) -> (the row of the notation table, a note from the docs)
ACTIONS: dict[str, tuple[str, str]] = {
    "Tiers": ("full-reduction tiers", "the highest reached tier applies, alone; thresholds are inclusive."),
    "EveryOff": ("every X off Y", ""),
    "PercentOff": (
        "percentage off",
        "counts tenths paid: `8折` = pay 80% = 20% off; `8.5折` = 15% off. A two-digit whole\n"
        "  number means a decimal, as operators write it: `95折` = `9.5折` = 5% off — except `10折`,\n"
        "  which is ten tenths (nothing off) and is refused (E030): 90% off is written `1折`. `半价` = 50% off.",
    ),
    "AmountOffEach": ("fixed off each unit", ""),
    "SpecialPrice": ("special price", ""),
    "FlashPrice": ("flash sale", ""),
    "GroupPrice": ("group buy", ""),
    "BuyGetFree": (
        "buy N get M free",
        "discount the cheapest units unless `dearest` (`高价优先`)\n  is given",
    ),
    "NthUnitOff": ("Nth unit off", "discount the cheapest units unless `dearest` (`高价优先`)\n  is given"),
    "NthUnitPrice": ("Nth unit at a price", "a unit already cheaper keeps its own price."),
    "Bundle": ("N for P", ""),
    "GiftOnBuy": ("gift on quantity", "`x K` is the gift quantity (default 1; `×2` and `x2` also work)"),
    "GiftOnSpend": ("gift on spend", "`x K` is the gift quantity (default 1; `×2` and `x2` also work)"),
    "ShippingOff": (
        "free shipping",
        "A shipping benefit is free shipping, an amount off, a percentage off or a fixed price, on every\n"
        "  shipping line of the request or only on those of the delivery methods it names.",
    ),
    "PointsEarn": ("points earned", ""),
    "PointsRedeem": ("points redeemed", ""),
}

_TIME = (
    "All time conditions of a promotion must hold together (AND); the items listed on one line\n"
    "are alternatives (OR)."
)
_LIMITS = "`uses` may be written for clarity: `limit 2 uses per customer`."

#: first word of a clause or declaration -> the docs' wording (clause table, settings table, sections)
WORDS: dict[str, str] = {
    "priority": "breaks ties between equally good deals (higher first); default 0",
    "kind": "force the layer: `item`, `order`, `coupon`, `shipping`, `points` (normally inferred from the action)",
    "timezone": "overrides the rule-set zone for this promotion's windows",
    "during": _TIME,
    "every": _TIME,
    "hours": _TIME,
    "每周": _TIME,
    "每月": _TIME,
    "每天": _TIME,
    "on": "An item is in scope when it matches any included selector and no excluded one.",
    "except": "An item is in scope when it matches any included selector and no excluded one.",
    "for": "which customers; default everyone",
    "channel": "only for requests from these channels",
    "codes": "exact codes and patterns (* any run, ? one character), case-insensitive",
    "single": "each code once, ever",
    "一次性": "each code once, ever",
    "limit": _LIMITS,
    "stock": "stock (promotion units)",
    "库存": "stock (promotion units)",
    "budget": "money budget",
    "预算": "money budget",
    "at": "cap per order",
    "最多减": "cap per order",
    "exclusive": "exclusive with everything",
    "互斥": "exclusive with everything",
    "互斥组": "exclusive group",
    "stackable": "stackable with",
    "threshold": "threshold base",
    "门槛按原价": "threshold base",
    "segment": "Named, reusable conditions and item selections, declared once at the top level and used by\nname anywhere in the rule set",
    "scope": "Named, reusable conditions and item selections, declared once at the top level and used by\nname anywhere in the rule set",
    "promotion": "Every promotion has **exactly one action** line.",
    "coupon": "a promotion that needs a code (see Coupons)",
    "currency": "`currency CNY`",
    "rounding": "`rounding half-up` (`half-up`, `half-even`, `down`, `up`)",
    "order": "all promotions together take at most 200 off one order",
    "prices": "`prices include tax` / `价格含税` (the default: unit prices are gross) or `prices exclude tax` / "
    "`价格不含税` (unit prices are net); docs/semantics.md#tax",
    "价格含税": "unit prices include tax (the default); docs/semantics.md#tax",
    "价格不含税": "unit prices exclude tax: tax is added on top; docs/semantics.md#tax",
    "配送方式": "the delivery methods requests use",
    "new": "`new customer` / `新客` (no previous orders)",
    "新客": "`new customer` / `新客` (no previous orders)",
}


def action_hover(kind: str, english: str, chinese: str) -> str:
    """Markdown for an action line: its name in the docs, both notations, the docs' note."""
    label, note = ACTIONS.get(kind, ("action", ""))
    lines = [f"**{label}**", "", f"- English: `{english}`"]
    if chinese != english:
        lines.append(f"- 中文: `{chinese}`")
    if note:
        lines += ["", " ".join(note.split())]
    lines += ["", "docs/language.md#actions"]
    return "\n".join(lines)


def word_hover(word: str) -> str | None:
    """Markdown for a clause's first word, or None when the docs say nothing specific."""
    text = WORDS.get(word)
    if text is None:
        return None
    return f"**{word}** — {' '.join(text.split())}"
