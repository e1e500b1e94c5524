"""Lowering of the action line of a promotion (满100减20, 8折, buy 2 get 1 free, ...).

English and operator (中文) forms of one action lower to the same node; only its
`notation` field remembers how it was written, so the formatter can print it back.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from lark import Token, Tree

from . import ast
from .lowering_base import Invalid, Lowerer

__all__ = ["RULES", "lower_action", "zhe_to_percent"]

EN, ZH = ast.Notation.EN, ast.Notation.ZH
_NUMERALS = {"二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_UNITS = {
    "CHEAPEST": ast.UnitChoice.CHEAPEST,
    "ZH_CHEAPEST": ast.UnitChoice.CHEAPEST,
    "DEAREST": ast.UnitChoice.DEAREST,
    "ZH_DEAREST": ast.UnitChoice.DEAREST,
}


def zhe_to_percent(text: str) -> Decimal:
    """`8` -> 20 (% off), `8.5` -> 15, and a two-digit whole `95` means 9.5折 -> 5.

    `10折` is ten tenths (nothing off, which the checker refuses as E030), never 1.0折: an
    operator who means 90% off writes `1折`, and reading `10` as a decimal would turn a
    slip into a 90% discount.
    """
    zhe = Decimal(text)
    if "." not in text and len(text) == 2 and text != "10":
        zhe = zhe / 10
    return Decimal(100) - zhe * 10


def _one(value: Decimal | None) -> Decimal:
    return Decimal(1) if value is None else value


def _after(low: Lowerer, tree: Tree[Token]) -> dict[str, Token]:
    """Each NUMBER/STRING keyed by the keyword just before it (`first` for a leading one)."""
    keyed: dict[str, Token] = {}
    previous = "first"
    for child in tree.children:
        if not isinstance(child, Token):
            continue
        if child.type in ("NUMBER", "STRING"):
            keyed.setdefault(previous, child)
        else:
            previous = child.type
    return keyed


def _units(low: Lowerer, tree: Tree[Token]) -> ast.UnitChoice:
    choice = [c for c in low.children_trees(tree) if c.data == "unit_choice"]
    return _UNITS[low.first_token(choice[0]).type] if choice else ast.UnitChoice.CHEAPEST


def _percent(low: Lowerer, tree: Tree[Token]) -> ast.Percent:
    span = low.span(tree)
    if tree.data in ("percent", "nth_percent"):
        return ast.Percent(off=low.decimal(low.token(tree, "NUMBER")), notation=EN, span=span)
    numbers = low.tokens(tree, "NUMBER")
    off = zhe_to_percent(str(numbers[0])) if numbers else Decimal(50)
    return ast.Percent(off=off, notation=ZH, span=span)


def _gift_count(low: Lowerer, tree: Tree[Token]) -> int:
    count = low.subtree(tree, "gift_count")
    numbers = low.tokens(count, "NUMBER")
    return low.integer(numbers[0], "a gift quantity") if numbers else 1


class _Action:
    """One action subtree: its tokens keyed by the keyword before them, its notation, its span."""

    __slots__ = ("keyed", "low", "notation", "span", "tree", "zh")

    def __init__(self, low: Lowerer, tree: Tree[Token]) -> None:
        self.low, self.tree = low, tree
        self.span = low.span(tree)
        self.keyed = _after(low, tree)
        self.zh = any(isinstance(c, Token) and c.type.startswith("ZH_") for c in tree.children)
        self.notation = ZH if self.zh else EN

    def amount(self, key: str) -> Decimal:
        return self.low.decimal(self.keyed[key])

    def optional(self, key: str) -> Decimal | None:
        return self.low.decimal(self.keyed[key]) if key in self.keyed else None

    def count(self, key: str, what: str) -> int:
        return self.low.integer(self.keyed[key], what)

    def optional_count(self, key: str, what: str) -> int | None:
        return self.count(key, what) if key in self.keyed else None


def _tiers(a: _Action) -> ast.Action:
    low = a.low
    tiers = []
    for tier in low.children_trees(a.tree):
        first, second = low.tokens(tier, "NUMBER")
        tiers.append(ast.Tier(threshold=low.decimal(first), off=low.decimal(second), span=low.span(tier)))
    tier_zh = low.children_trees(a.tree)[0].data == "tier_zh"
    return ast.Tiers(tiers=tuple(tiers), notation=ZH if tier_zh else EN, span=a.span)


def _every_off(a: _Action) -> ast.Action:
    if a.zh:
        return ast.EveryOff(
            step=a.amount("ZH_EVERY_FULL"),
            off=a.amount("ZH_MINUS"),
            cap=a.optional("ZH_CAP"),
            notation=ZH,
            span=a.span,
        )
    return ast.EveryOff(
        step=a.amount("EVERY"), off=a.amount("GET"), cap=a.optional("TO"), notation=EN, span=a.span
    )


def _percent_off_en(a: _Action) -> ast.Action:
    percent = _percent(a.low, a.low.children_trees(a.tree)[0])
    return ast.PercentOff(percent=percent, cap=a.optional("TO"), min_spend=a.optional("OVER"), span=a.span)


def _percent_off_zh(a: _Action) -> ast.Action:
    percent = _percent(a.low, a.low.children_trees(a.tree)[0])
    return ast.PercentOff(
        percent=percent, cap=a.optional("ZH_CAP"), min_spend=a.optional("ZH_FULL"), span=a.span
    )


def _amount_off_each(a: _Action) -> ast.Action:
    return ast.AmountOffEach(
        amount=a.amount("ZH_EACH_MINUS" if a.zh else "first"), notation=a.notation, span=a.span
    )


def _special_price(a: _Action) -> ast.Action:
    return ast.SpecialPrice(
        price=a.amount("ZH_SPECIAL" if a.zh else "PRICE"), notation=a.notation, span=a.span
    )


def _flash_price(a: _Action) -> ast.Action:
    limit, stock, price = (
        ("ZH_PER_PERSON_LIMIT", "ZH_STOCK", "ZH_FLASH") if a.zh else ("LIMIT", "STOCK", "PRICE")
    )
    return ast.FlashPrice(
        price=a.amount(price),
        per_customer=a.optional_count(limit, "a unit limit"),
        stock=a.optional_count(stock, "stock"),
        notation=a.notation,
        span=a.span,
    )


def _group_price(a: _Action) -> ast.Action:
    price, size = ("ZH_GROUP", "first") if a.zh else ("PRICE", "FOR")
    return ast.GroupPrice(
        price=a.amount(price), min_size=a.count(size, "a group size"), notation=a.notation, span=a.span
    )


def _buy_get_free(a: _Action) -> ast.Action:
    buy = a.count("ZH_BUY" if a.zh else "BUY", "a quantity to buy")
    free = a.count("ZH_GIFT" if a.zh else "GET", "a quantity given free")
    return ast.BuyGetFree(buy=buy, free=free, units=_units(a.low, a.tree), notation=a.notation, span=a.span)


def _nth_unit_off(a: _Action) -> ast.Action:
    low, tree = a.low, a.tree
    percent = _percent(
        low, next(c for c in low.children_trees(tree) if c.data in ("nth_percent", "nth_zh_percent"))
    )
    return ast.NthUnitOff(
        nth=_nth(a), percent=percent, units=_units(low, tree), notation=a.notation, span=a.span
    )


def _nth(a: _Action) -> int:
    low, tree = a.low, a.tree
    if a.zh:
        token = low.first_token(low.subtree(tree, "nth_number"))
        return _NUMERALS[str(token)] if token.type == "ZH_NUMERAL" else low.integer(token, "a unit position")
    return int("".join(ch for ch in str(low.token(tree, "ORDINAL")) if ch.isdigit()))


def _nth_unit_price(a: _Action) -> ast.Action:
    price = a.amount("ZH_UNITS" if a.zh else "PRICE")
    return ast.NthUnitPrice(
        nth=_nth(a), price=price, units=_units(a.low, a.tree), notation=a.notation, span=a.span
    )


def _bundle(a: _Action) -> ast.Action:
    count, price = ("ZH_YUAN_ANY", "first") if a.zh else ("first", "FOR")
    return ast.Bundle(
        count=a.count(count, "a unit count"), price=a.amount(price), notation=a.notation, span=a.span
    )


def _gift_on_buy(a: _Action) -> ast.Action:
    most_key = "ZH_AT_MOST" if a.zh else "TO"
    return ast.GiftOnBuy(
        buy=a.count("ZH_BUY" if a.zh else "BUY", "a quantity to buy"),
        gift_sku=a.low.string(a.low.token(a.tree, "STRING")),
        quantity=_gift_count(a.low, a.tree),
        repeat=bool(a.low.tokens(a.tree, "ZH_REPEAT" if a.zh else "REPEAT")),
        max_times=a.optional_count(most_key, "a number of times"),
        notation=a.notation,
        span=a.span,
    )


def _gift_on_spend(a: _Action) -> ast.Action:
    return ast.GiftOnSpend(
        threshold=a.amount("ZH_FULL" if a.zh else "SPEND"),
        gift_sku=a.low.string(a.low.token(a.tree, "STRING")),
        quantity=_gift_count(a.low, a.tree),
        notation=a.notation,
        span=a.span,
    )


def _shipping_node(
    a: _Action, off: Decimal | None = None, percent: ast.Percent | None = None, price: Decimal | None = None
) -> ast.Action:
    """The parts every shipping form shares: its threshold (on the goods or on the shipping
    fee) and the delivery methods it is limited to (docs/language.md#shipping)."""
    low = a.low
    threshold, basis = None, ast.ShippingBasis.GOODS
    methods: list[Token] = []
    for sub in low.children_trees(a.tree):
        if sub.data in ("ship_over_goods", "ship_over_shipping"):
            threshold = low.decimal(low.token(sub, "NUMBER"))
            if sub.data == "ship_over_shipping":
                basis = ast.ShippingBasis.SHIPPING
        elif sub.data in ("ship_methods", "ship_methods_zh"):
            methods = low.tokens(sub, "NAME")
    return ast.ShippingOff(
        threshold=threshold,
        basis=basis,
        methods=tuple(str(m) for m in methods),
        method_spans=tuple(low.span(m) for m in methods),
        notation=a.notation,
        off=off,
        percent=percent,
        price=price,
        span=a.span,
    )


def _free_shipping(a: _Action) -> ast.Action:
    return _shipping_node(a)


def _shipping_off(a: _Action) -> ast.Action:
    return _shipping_node(a, off=a.amount("ZH_SHIPPING_MINUS" if a.zh else "SHIPPING"))


def _shipping_percent(a: _Action) -> ast.Action:
    which = "ship_zh_percent" if a.zh else "ship_percent"
    tree = a.low.subtree(a.tree, which)
    span = a.low.span(tree)
    numbers = a.low.tokens(tree, "NUMBER")
    if a.zh:
        off = zhe_to_percent(str(numbers[0])) if numbers else Decimal(50)
    else:
        off = a.low.decimal(numbers[0])
    return _shipping_node(a, percent=ast.Percent(off=off, notation=a.notation, span=span))


def _shipping_price(a: _Action) -> ast.Action:
    return _shipping_node(a, price=a.amount("ZH_SHIPPING" if a.zh else "FOR"))


def _earn_en(a: _Action) -> ast.Action:
    return ast.PointsEarn(
        points=a.amount("EARN"), per=a.amount("PER"), multiplier=_one(a.optional("TIMES")), span=a.span
    )


def _earn_zh(a: _Action) -> ast.Action:
    return ast.PointsEarn(
        points=a.amount("ZH_YUAN_EARN"),
        per=a.amount("ZH_EVERY"),
        multiplier=_one(a.optional("ZH_POINTS")),
        span=a.span,
    )


def _earn_multiplier_en(a: _Action) -> ast.Action:
    return ast.PointsEarn(multiplier=a.amount("TIMES"), span=a.span)


def _earn_multiplier_zh(a: _Action) -> ast.Action:
    return ast.PointsEarn(multiplier=a.amount("ZH_POINTS"), span=a.span)


def _points_redeem(a: _Action) -> ast.Action:
    if a.zh:
        return ast.PointsRedeem(
            points=a.amount("first"),
            per=a.amount("ZH_POINTS_FOR"),
            max_percent=a.optional("ZH_AT_MOST_FOR"),
            span=a.span,
        )
    return ast.PointsRedeem(
        points=a.amount("REDEEM"), per=a.amount("PER"), max_percent=a.optional("TO"), span=a.span
    )


#: grammar rule (or alias) of an action -> its lowering; composed offers: lowering_compose.ACTION_RULES
RULES: dict[str, Callable[[_Action], ast.Action]] = {
    "tiers": _tiers,
    "every_off": _every_off,
    "percent_off_en": _percent_off_en,
    "percent_off_zh": _percent_off_zh,
    "amount_off_each": _amount_off_each,
    "special_price": _special_price,
    "flash_price": _flash_price,
    "group_price": _group_price,
    "buy_get_free": _buy_get_free,
    "nth_unit_off": _nth_unit_off,
    "nth_unit_price": _nth_unit_price,
    "bundle": _bundle,
    "gift_on_buy": _gift_on_buy,
    "gift_on_spend": _gift_on_spend,
    "free_shipping_en": _free_shipping,
    "free_shipping_zh": _free_shipping,
    "shipping_off_en": _shipping_off,
    "shipping_off_zh": _shipping_off,
    "shipping_percent_en": _shipping_percent,
    "shipping_percent_zh": _shipping_percent,
    "shipping_price_en": _shipping_price,
    "shipping_price_zh": _shipping_price,
    "earn_en": _earn_en,
    "earn_zh": _earn_zh,
    "earn_multiplier_en": _earn_multiplier_en,
    "earn_multiplier_zh": _earn_multiplier_zh,
    "points_redeem": _points_redeem,
}


def lower_action(low: Lowerer, tree: Tree[Token]) -> ast.Action:
    """Lower an action subtree by its grammar rule's name (one function per rule in `RULES`)."""
    rule = RULES.get(str(tree.data))
    if rule is None:  # pragma: no cover - every action rule of the grammar has an entry
        raise Invalid
    return rule(_Action(low, tree))
