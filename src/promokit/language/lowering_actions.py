"""Lowering of the action line of a promotion (满100减20, 8折, buy 2 get 1 free, ...).

English and operator (中文) forms of one action lower to the same node; only its
`notation` field remembers how it was written, so the formatter can print it back.
"""

from __future__ import annotations

from decimal import Decimal

from lark import Token, Tree

from . import ast
from .lowering_base import Invalid, Lowerer

__all__ = ["lower_action", "zhe_to_percent"]

EN, ZH = ast.Notation.EN, ast.Notation.ZH
_NUMERALS = {"二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_UNITS = {
    "CHEAPEST": ast.UnitChoice.CHEAPEST,
    "ZH_CHEAPEST": ast.UnitChoice.CHEAPEST,
    "DEAREST": ast.UnitChoice.DEAREST,
    "ZH_DEAREST": ast.UnitChoice.DEAREST,
}


def zhe_to_percent(text: str) -> Decimal:
    """`8` -> 20 (% off), `8.5` -> 15, and a two-digit whole `95` means 9.5折 -> 5."""
    zhe = Decimal(text)
    if "." not in text and len(text) == 2:
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


def lower_action(low: Lowerer, tree: Tree[Token]) -> ast.Action:
    span = low.span(tree)
    kind = str(tree.data)
    keyed = _after(low, tree)
    zh = any(isinstance(c, Token) and c.type.startswith("ZH_") for c in tree.children)
    notation = ZH if zh else EN

    def amount(key: str) -> Decimal:
        return low.decimal(keyed[key])

    def optional(key: str) -> Decimal | None:
        return low.decimal(keyed[key]) if key in keyed else None

    def count(key: str, what: str) -> int:
        return low.integer(keyed[key], what)

    if kind == "tiers":
        tiers = []
        for tier in low.children_trees(tree):
            first, second = low.tokens(tier, "NUMBER")
            tiers.append(ast.Tier(threshold=low.decimal(first), off=low.decimal(second), span=low.span(tier)))
        tier_zh = low.children_trees(tree)[0].data == "tier_zh"
        return ast.Tiers(tiers=tuple(tiers), notation=ZH if tier_zh else EN, span=span)
    if kind == "every_off":
        if zh:
            return ast.EveryOff(
                step=amount("ZH_EVERY_FULL"),
                off=amount("ZH_MINUS"),
                cap=optional("ZH_CAP"),
                notation=ZH,
                span=span,
            )
        return ast.EveryOff(
            step=amount("EVERY"), off=amount("GET"), cap=optional("TO"), notation=EN, span=span
        )
    if kind in ("percent_off_en", "percent_off_zh"):
        percent = _percent(low, low.children_trees(tree)[0])
        if kind == "percent_off_zh":
            return ast.PercentOff(
                percent=percent, cap=optional("ZH_CAP"), min_spend=optional("ZH_FULL"), span=span
            )
        return ast.PercentOff(percent=percent, cap=optional("TO"), min_spend=optional("OVER"), span=span)
    if kind == "amount_off_each":
        return ast.AmountOffEach(
            amount=amount("ZH_EACH_MINUS" if zh else "first"), notation=notation, span=span
        )
    if kind == "special_price":
        return ast.SpecialPrice(price=amount("ZH_SPECIAL" if zh else "PRICE"), notation=notation, span=span)
    if kind == "flash_price":
        if zh:
            per = count("ZH_PER_PERSON_LIMIT", "a unit limit") if "ZH_PER_PERSON_LIMIT" in keyed else None
            stock = count("ZH_STOCK", "stock") if "ZH_STOCK" in keyed else None
            return ast.FlashPrice(
                price=amount("ZH_FLASH"), per_customer=per, stock=stock, notation=ZH, span=span
            )
        per = count("LIMIT", "a unit limit") if "LIMIT" in keyed else None
        stock = count("STOCK", "stock") if "STOCK" in keyed else None
        return ast.FlashPrice(price=amount("PRICE"), per_customer=per, stock=stock, notation=EN, span=span)
    if kind == "group_price":
        if zh:
            return ast.GroupPrice(
                price=amount("ZH_GROUP"), min_size=count("first", "a group size"), notation=ZH, span=span
            )
        return ast.GroupPrice(
            price=amount("PRICE"), min_size=count("FOR", "a group size"), notation=EN, span=span
        )
    if kind == "buy_get_free":
        buy = count("ZH_BUY" if zh else "BUY", "a quantity to buy")
        free = count("ZH_GIFT" if zh else "GET", "a quantity given free")
        return ast.BuyGetFree(buy=buy, free=free, units=_units(low, tree), notation=notation, span=span)
    if kind == "nth_unit_off":
        percent = _percent(
            low, next(c for c in low.children_trees(tree) if c.data in ("nth_percent", "nth_zh_percent"))
        )
        if zh:
            nth_tree = low.subtree(tree, "nth_number")
            token = low.first_token(nth_tree)
            nth = (
                _NUMERALS[str(token)] if token.type == "ZH_NUMERAL" else low.integer(token, "a unit position")
            )
        else:
            nth = int("".join(ch for ch in str(low.token(tree, "ORDINAL")) if ch.isdigit()))
        return ast.NthUnitOff(nth=nth, percent=percent, units=_units(low, tree), notation=notation, span=span)
    if kind == "bundle":
        if zh:
            return ast.Bundle(
                count=count("ZH_YUAN_ANY", "a unit count"), price=amount("first"), notation=ZH, span=span
            )
        return ast.Bundle(count=count("first", "a unit count"), price=amount("FOR"), notation=EN, span=span)
    if kind == "gift_on_buy":
        buy = count("ZH_BUY" if zh else "BUY", "a quantity to buy")
        repeat = bool(low.tokens(tree, "ZH_REPEAT" if zh else "REPEAT"))
        most_key = "ZH_AT_MOST" if zh else "TO"
        most = count(most_key, "a number of times") if most_key in keyed else None
        sku = low.string(low.token(tree, "STRING"))
        return ast.GiftOnBuy(
            buy=buy,
            gift_sku=sku,
            quantity=_gift_count(low, tree),
            repeat=repeat,
            max_times=most,
            notation=notation,
            span=span,
        )
    if kind == "gift_on_spend":
        threshold = amount("ZH_FULL" if zh else "SPEND")
        sku = low.string(low.token(tree, "STRING"))
        return ast.GiftOnSpend(
            threshold=threshold, gift_sku=sku, quantity=_gift_count(low, tree), notation=notation, span=span
        )
    if kind in ("free_shipping_en", "free_shipping_zh"):
        return ast.ShippingOff(
            threshold=optional("ZH_FULL" if zh else "OVER"), off=None, notation=notation, span=span
        )
    if kind in ("shipping_off_en", "shipping_off_zh"):
        off = amount("ZH_SHIPPING_MINUS" if zh else "SHIPPING")
        return ast.ShippingOff(
            threshold=optional("ZH_FULL" if zh else "OVER"), off=off, notation=notation, span=span
        )
    if kind == "earn_en":
        return ast.PointsEarn(
            points=amount("EARN"), per=amount("PER"), multiplier=_one(optional("TIMES")), span=span
        )
    if kind == "earn_zh":
        return ast.PointsEarn(
            points=amount("ZH_YUAN_EARN"),
            per=amount("ZH_EVERY"),
            multiplier=_one(optional("ZH_POINTS")),
            span=span,
        )
    if kind == "earn_multiplier_en":
        return ast.PointsEarn(multiplier=amount("TIMES"), span=span)
    if kind == "earn_multiplier_zh":
        return ast.PointsEarn(multiplier=amount("ZH_POINTS"), span=span)
    if kind == "points_redeem":
        if zh:
            return ast.PointsRedeem(
                points=amount("first"),
                per=amount("ZH_POINTS_FOR"),
                max_percent=optional("ZH_AT_MOST_FOR"),
                span=span,
            )
        return ast.PointsRedeem(
            points=amount("REDEEM"), per=amount("PER"), max_percent=optional("TO"), span=span
        )
    raise Invalid  # pragma: no cover - every action rule of the grammar is handled above
