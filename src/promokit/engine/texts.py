"""Customer-facing texts: reasons and hints rendered in the shop's language.

The engine's own words (`NotApplied.detail`, `Hint.message`) are English and name rules by
their ids; they are for the people who write rules. What a shop shows its customers is
`text`, built here only from the structured fields of the result (reason code, amounts,
promotion and scope titles, gift SKU, units) with one catalogue per locale, so a new
locale is one more dictionary and never a change to the engine (docs/semantics.md#texts).

A promotion is named by its title when the rule gives one (`"秋季水果满减"`), else by
its id; a named scope by its title (`scope promo-goods "促销商品" = ...`), else by its name.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ..compile.compiler import CompiledRules
from ..errors import RequestError
from ..language.ast import Layer, ShippingBasis, ShippingOff, ThresholdBase
from ..models import Applied, CheckoutRequest, Hint, NotApplied, PricingResult
from ..money import format_money
from ..results import replaced

__all__ = ["LOCALES", "UnknownLocale", "check_locale", "labels", "render_texts"]

#: reason code -> template, per locale. Fields: {title} {code} {shortfall} {lost_to} {base_note}
_REASONS: dict[str, dict[str, str]] = {
    "en": {
        "window": "{title} is not on at this time",
        "audience": "{title} is for other customers",
        "channel": "{title} is not available on this channel",
        "scope": "nothing in the cart is part of {title}",
        "threshold": "{title}: {shortfall} more to go{base_note}",
        "threshold_units": "{title}: not enough items yet",
        "threshold_shipping": "{title}: the shipping fee is below its threshold",
        "group_size": "{title}: the group is not big enough yet",
        "limit": "{title}: the usage limit is reached",
        "stock": "{title} is sold out",
        "budget": "{title} has run out",
        "coupon_missing": "{title} needs a coupon code",
        "coupon_unknown": "the code {code} is not valid",
        "coupon_expired": "the code {code} is not valid at this time",
        "coupon_used": "the code {code} has already been used",
        "coupon_not_combinable": "{title} cannot be combined with the other coupon",
        "excluded": "{title} does not combine with {lost_to}, which saves you more",
        "excluded_plain": "{title} does not combine with a better deal in this cart",
        "no_saving": "{title} saves nothing on these items",
        "order_cap": "{title}: the order's discount limit is reached",
        "base_note": " (counted after {names})",
        "base_note_original": " (counted at original prices)",
        "and": ", ",
        "quote": "{}",
    },
    "zh-CN": {
        "window": "「{title}」不在活动时间内",
        "audience": "「{title}」仅限指定用户参加",
        "channel": "「{title}」不适用于当前渠道",
        "scope": "购物车中没有「{title}」的活动商品",
        "threshold": "「{title}」还差{shortfall}{base_note}",
        "threshold_units": "「{title}」件数未达到要求",
        "threshold_shipping": "「{title}」运费未达到要求",
        "group_size": "「{title}」成团人数不足",
        "limit": "「{title}」已达到参与次数上限",
        "stock": "「{title}」已售罄",
        "budget": "「{title}」活动名额已满",
        "coupon_missing": "「{title}」需要输入优惠券码",
        "coupon_unknown": "优惠券码 {code} 无效",
        "coupon_expired": "优惠券码 {code} 不在有效期内",
        "coupon_used": "优惠券码 {code} 已使用",
        "coupon_not_combinable": "「{title}」不能与其他优惠券同时使用",
        "excluded": "「{title}」不与{lost_to}同享，已为您选择更优惠的组合",
        "excluded_plain": "「{title}」不与更优惠的组合同享",
        "no_saving": "「{title}」对这些商品没有优惠",
        "order_cap": "已达到每单优惠上限，「{title}」未再优惠",
        "base_note": "（按{names}后的金额计算）",
        "base_note_original": "（按原价计算）",
        "and": "、",
        "quote": "「{}」",
    },
}

#: hint templates per locale. Fields: {shortfall} {units} {scope} {title} {unlocks} {gift} {quantity}
_HINTS: dict[str, dict[str, str]] = {
    "en": {
        "spend": "add {shortfall}{scope} to get {benefit}",
        "units": "add {units} more {unit_word}{scope} to get {benefit}",
        "scope": " of {scope}",
        "unit": "item",
        "units_word": "items",
        "off": "{title}: save {unlocks} more",
        "gift": "{quantity} x {gift} free with {title}",
        "deal": "{title}",
    },
    "zh-CN": {
        "spend": "再买{shortfall}{scope}，{benefit}",
        "units": "再买{units}件{scope}，{benefit}",
        "scope": "{scope}",
        "unit": "",
        "units_word": "",
        "off": "「{title}」可再省{unlocks}",
        "gift": "即可获赠{gift}×{quantity}（「{title}」）",
        "deal": "即可享受「{title}」",
    },
}

#: The locales `RuleSet.price(..., locale=...)` accepts.
LOCALES: tuple[str, ...] = tuple(_REASONS)

_LAYER_ORDER = {layer.value: n for n, layer in enumerate(Layer)}


class UnknownLocale(RequestError):
    """A locale with no catalogue; the message lists the known ones."""


def check_locale(locale: str) -> str:
    if locale not in _REASONS:
        raise UnknownLocale(f"unknown locale {locale!r}; known: {', '.join(LOCALES)}")
    return locale


def render_texts(
    result: PricingResult, request: CheckoutRequest, rules: CompiledRules, locale: str
) -> PricingResult:
    """`result` (of `request`) with `text` set on every reason and hint, in `locale`."""
    check_locale(locale)
    cur = rules.currency

    def money(x: Decimal) -> str:
        return format_money(x, cur)

    def title(pid: str) -> str:
        p = rules.by_id.get(pid)
        return p.title if p is not None and p.title else pid

    words = _REASONS[locale]
    reasons = tuple(
        replaced(n, {"text": _reason(n, rules, request, result.applied, words, title, money)})
        for n in result.not_applied
    )
    hints = tuple(
        h.model_copy(
            update={
                "scope_title": rules.scope_titles.get(h.scope or "", h.scope_title),
                "text": _hint(h, _HINTS[locale], title, money, rules.scope_titles),
            }
        )
        for h in result.hints
    )
    return result.model_copy(update={"not_applied": reasons, "hints": hints})


def _reason(
    n: NotApplied,
    rules: CompiledRules,
    request: CheckoutRequest,
    applied: tuple[Applied, ...],
    words: dict[str, str],
    title: Callable[[str], str],
    money: Callable[[Decimal], str],
) -> str:
    key: str = n.reason
    fields = {"title": title(n.promotion) if n.promotion else "", "code": n.code or "", "base_note": ""}
    if key == "threshold":
        if n.shortfall is None:
            key = "threshold_shipping" if _on_shipping_fee(rules, n.promotion) else "threshold_units"
        else:
            fields["shortfall"] = money(n.shortfall)
            fields["base_note"] = _base_note(n.promotion, rules, request, applied, words, title)
    if key == "excluded":
        if n.lost_to:
            fields["lost_to"] = words["quote"].format(title(n.lost_to))
        else:
            key = "excluded_plain"
    return words[key].format(**fields)


def _on_shipping_fee(rules: CompiledRules, pid: str) -> bool:
    """A shipping benefit whose threshold is on the shipping fee (`运费满20`), not on goods."""
    p = rules.by_id.get(pid)
    return p is not None and isinstance(p.action, ShippingOff) and p.action.basis is ShippingBasis.SHIPPING


def _base_note(
    pid: str,
    rules: CompiledRules,
    request: CheckoutRequest,
    applied: tuple[Applied, ...],
    words: dict[str, str],
    title: Callable[[str], str],
) -> str:
    """Which discounts a threshold was measured after: those of earlier layers on its lines."""
    p = rules.by_id.get(pid)
    if p is None:
        return ""
    if p.promotion.threshold_base is ThresholdBase.ORIGINAL:
        return words["base_note_original"]
    mine = _LAYER_ORDER[p.layer.value]
    earlier = [a for a in applied if _LAYER_ORDER.get(a.layer, 99) < mine and a.amount > 0]
    touched = {line_id for a in earlier for line_id in a.lines}  # only these lines can matter
    mine_lines = {
        ln.id for ln in request.lines if ln.id in touched and ln.quantity > 0 and p.scope.matches(ln)
    }
    before = [a.promotion for a in earlier if mine_lines.intersection(a.lines)]
    if not before:
        return ""
    names = words["and"].join(words["quote"].format(title(b)) for b in before)
    return words["base_note"].format(names=names)


def _hint(
    h: Hint,
    words: dict[str, str],
    title: Callable[[str], str],
    money: Callable[[Decimal], str],
    scope_titles: dict[str, str],
) -> str:
    name = title(h.promotion)
    if h.gift_sku is not None:
        benefit = words["gift"].format(title=name, gift=h.gift_sku, quantity=h.gift_quantity or 1)
    elif h.unlocks is not None:
        benefit = words["off"].format(title=name, unlocks=money(h.unlocks))
    else:
        benefit = words["deal"].format(title=name)
    where = scope_titles.get(h.scope or "") or h.scope
    scope = words["scope"].format(scope=where) if where else ""
    if h.kind == "units":
        units = h.units or 0
        unit_word = words["unit"] if units == 1 else words["units_word"]
        return words["units"].format(units=units, unit_word=unit_word, scope=scope, benefit=benefit)
    return words["spend"].format(shortfall=money(h.shortfall or Decimal(0)), scope=scope, benefit=benefit)


#: Words of the `promokit price --locale` table, per locale.
_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "lines": "Lines",
        "line": "line",
        "sku": "sku",
        "qty": "qty",
        "unit": "unit",
        "subtotal": "subtotal",
        "discount": "discount",
        "total": "total",
        "gifts": "Gifts",
        "totals": "Totals",
        "shipping": "shipping",
        "shipping lines": "Shipping",
        "method": "method",
        "fee": "fee",
        "was": "was",
        "points redeemed": "points redeemed",
        "points earned": "points earned",
        "applied": "Applied",
        "not applied": "Not applied",
        "hints": "Hints",
        "from": "from",
        "code": "code",
        "points": "points",
        "tax section": "Tax",
        "rate": "rate",
        "net": "net",
        "tax": "tax",
        "gross": "gross",
        "all lines": "by rate",
        "to pay": "to pay",
        "prices include tax": "prices include tax",
        "prices exclude tax": "prices exclude tax",
    },
    "zh-CN": {
        "lines": "商品",
        "line": "行",
        "sku": "商品编码",
        "qty": "数量",
        "unit": "单价",
        "subtotal": "小计",
        "discount": "优惠",
        "total": "实付",
        "gifts": "赠品",
        "totals": "合计",
        "shipping": "运费",
        "shipping lines": "配送",
        "method": "配送方式",
        "fee": "运费",
        "was": "原价",
        "points redeemed": "积分抵扣",
        "points earned": "获得积分",
        "applied": "已享优惠",
        "not applied": "未享优惠",
        "hints": "凑单提示",
        "from": "来自",
        "code": "券码",
        "points": "积分",
        "tax section": "税额",
        "rate": "税率",
        "net": "不含税金额",
        "tax": "税额",
        "gross": "价税合计",
        "all lines": "按税率",
        "to pay": "应付",
        "prices include tax": "价格含税",
        "prices exclude tax": "价格不含税",
    },
}


def labels(locale: str) -> dict[str, str]:
    """The table words of `locale` (`promokit price --locale`)."""
    return _LABELS[check_locale(locale)]
