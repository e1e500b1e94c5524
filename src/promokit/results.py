"""Result models: what `RuleSet.price` returns (re-exported by `promokit.models`).

Money serialises as a decimal string. Fields added for later features (points goods, shipping
lines, tax) are left out of the JSON while empty, so a result without them serialises exactly
as it did before they existed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from .fields import Money


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")


_M = TypeVar("_M", bound=_Model)
#: Per result model: every field in declaration order with its default (required: a marker),
#: and the names that must be given.
_TEMPLATES: dict[type[_Model], tuple[dict[str, Any], frozenset[str]]] = {}
_REQUIRED = object()


def trusted(cls: type[_M], values: dict[str, Any], /) -> _M:
    """`cls(**values)` without validating again values the engine already made valid.

    A `price` call builds about 80 result models from amounts it computed and rounded
    itself; validating them again (two Python validators per money field) was about a fifth
    of building the result (counted in instructions, docs/performance.md). The instance is the one validation would give — same fields in the same order,
    same fields set, so the same equality and JSON — provided each value already has the
    type validation gives it: `Decimal` money, tuples for sequences, model instances for
    nested models, plain `str` for literals (tests/engine/test_trusted_results.py). An
    unknown or missing field falls back to validation, which raises as usual. `values` is a
    dict, not keywords: packing keywords cost a third of the call.
    """
    found = _TEMPLATES.get(cls)
    if found is None:
        fields = cls.model_fields
        template = {n: _REQUIRED if f.is_required() else f.default for n, f in fields.items()}
        required = frozenset(n for n, f in fields.items() if f.is_required())
        if any(f.default_factory is not None for f in fields.values()):
            template = {}  # a default made per instance: always validate
        found = _TEMPLATES[cls] = (template, required)
    template, required = found
    data = template.copy()
    data.update(values)  # keeps the declaration order: the JSON's key order
    if not template or len(data) != len(template) or not values.keys() >= required:
        return cls(**values)
    model = _new(cls)
    _set(model, "__dict__", data)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def replaced(model: _M, update: dict[str, Any], /) -> _M:
    """`model.model_copy(update=update)` (no validation either), without pydantic's generic
    copy: texts are set on every not-applied record, hundreds when many promotions overlap."""
    data = model.__dict__.copy()
    data.update(update)
    copy = _new(type(model))
    _set(copy, "__dict__", data)
    _set(copy, "__pydantic_fields_set__", model.__pydantic_fields_set__ | update.keys())
    _set(
        copy,
        "__pydantic_extra__",
        None if model.__pydantic_extra__ is None else dict(model.__pydantic_extra__),
    )
    _set(
        copy,
        "__pydantic_private__",
        None if model.__pydantic_private__ is None else dict(model.__pydantic_private__),
    )
    return copy


# The models are frozen (their own __setattr__ refuses) and define no __new__.
_new, _set = object.__new__, object.__setattr__


# --------------------------------------------------------------------------- result

Reason = Literal[
    "window",  # outside its time window
    "audience",  # the customer does not match
    "channel",  # the request's channel is not one of the promotion's
    "scope",  # no line in the promotion's scope
    "threshold",  # spend or quantity below the threshold (see shortfall)
    "group_size",  # group buy not big enough
    "limit",  # a usage limit is used up
    "stock",  # promotion stock is used up
    "budget",  # remaining budget cannot cover the discount
    "coupon_missing",  # a coupon promotion whose code was not entered
    "coupon_unknown",  # an entered code matches no coupon
    "coupon_expired",  # the code's coupon is outside its window
    "coupon_used",  # single-use code already used, or per-customer limit reached
    "coupon_not_combinable",  # another coupon in the cart excludes it
    "excluded",  # lost to a better or exclusive promotion (see lost_to)
    "no_saving",  # applies but saves nothing (e.g. special price above list price)
    "order_cap",  # the rule set's per-order cap left nothing for it
]


class Adjustment(_Model):
    """What one promotion took off one line."""

    promotion: str
    units: int = Field(description="units of the line the promotion discounted")
    amount: Money


def _omit_empty(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Points-program fields (docs/points.md) and shipping lines (docs/semantics.md#shipping)
    are left out while empty, so a result without points goods, expiring points or a list of
    shipping lines serialises exactly as it did before they existed."""
    for name in names:
        if name in data and not data[name]:
            del data[name]
    return data


def _omit_none(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Tax fields (docs/semantics.md#tax) are left out when the result carries no tax, so a
    result without tax serialises exactly as it did before tax existed."""
    for name in names:
        if name in data and data[name] is None:
            del data[name]
    return data


_LINE_TAX_FIELDS = ("tax_rate", "net", "tax", "gross")


class LineResult(_Model):
    """One cart line after pricing: what it cost, what it pays, and every adjustment on it.

    `tax_rate`, `net`, `tax`, `gross` (after every discount) are set when the result has
    `tax` (docs/semantics.md#tax); `gross == net + tax`.
    """

    id: str
    sku: str
    quantity: int
    unit_price: Money
    subtotal: Money
    discount: Money
    total: Money
    adjustments: tuple[Adjustment, ...] = ()
    points: int = Field(default=0, description="points the line costs (points_price x quantity)")
    tax_rate: Money | None = None
    net: Money | None = Field(default=None, description="after discounts, without tax")
    tax: Money | None = Field(default=None, description="the line's tax, rounded per line")
    gross: Money | None = Field(default=None, description="after discounts, tax included: net + tax")

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_none(_omit_empty(handler(self), ("points",)), _LINE_TAX_FIELDS)


class ShippingLineResult(_Model):
    """One shipping line after pricing: its amount, the benefits on it and what it costs now."""

    id: str
    method: str
    amount: Money = Field(description="the shipping fee before benefits")
    discount: Money
    total: Money = Field(description="the shipping fee after benefits")
    adjustments: tuple[Adjustment, ...] = ()
    lines: tuple[str, ...] | None = Field(default=None, description="the cart lines it carries; null: all")
    tax_rate: Money | None = None
    net: Money | None = Field(default=None, description="after benefits, without tax (docs/semantics.md#tax)")
    tax: Money | None = Field(default=None, description="the shipping line's tax, rounded per line")
    gross: Money | None = Field(default=None, description="after benefits, tax included: net + tax")

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_none(handler(self), _LINE_TAX_FIELDS)


class Gift(_Model):
    """A gift line (priced at zero) and the promotion that granted it."""

    sku: str
    quantity: int
    promotion: str


class Applied(_Model):
    """A promotion that applied: how much it saved, on which lines, in which layer."""

    promotion: str
    title: str | None
    layer: str
    amount: Money
    lines: tuple[str, ...] = ()
    units: int = 0
    code: str | None = None
    points: int = 0
    variant: str | None = Field(default=None, description="the A/B variant applied (docs/programs.md)")


class NotApplied(_Model):
    """A promotion (or an unknown code) that did not apply, with its reason code and detail."""

    promotion: str
    title: str | None = None
    reason: Reason
    detail: str
    shortfall: Money | None = None
    lost_to: str | None = None
    code: str | None = None
    text: str = Field(default="", description="the reason for the customer, in the locale asked for")


HintKind = Literal["spend", "units"]


class Hint(_Model):
    """ "Add ¥12.00 of fruit to get ¥20 off": what the customer could still unlock.

    `message` is the engine's English wording (with internal names); `text` is the same
    promise for the customer, in the locale asked for, built from the structured fields.
    """

    promotion: str
    message: str
    shortfall: Money | None = None
    units: int | None = None
    unlocks: Money | None = None
    kind: HintKind = "spend"
    title: str | None = None
    scope: str | None = Field(default=None, description="the named scope to add from, if any")
    scope_title: str | None = None
    gift_sku: str | None = None
    gift_quantity: int | None = None
    text: str = ""


class PointsExpiry(_Model):
    """`points` of the customer's balance expire at `expires_at` (shown before they do)."""

    points: int
    expires_at: AwareDatetime


class TaxByRate(_Model):
    """The goods lines and shipping taxed at one `rate`, summed: one row of a 发票 / VAT invoice."""

    rate: Money
    net: Money
    tax: Money
    gross: Money


class TaxSummary(_Model):
    """Tax of the whole order (docs/semantics.md#tax-totals): `gross` is what the customer pays.

    Sums of the line and shipping figures; `gross == net + tax`; `by_rate` sums to the totals.
    """

    prices_include_tax: bool
    net: Money
    tax: Money
    gross: Money
    shipping_rate: Money | None = Field(
        default=None, description="the rate of a single-amount shipping (shipping lines carry their own)"
    )
    shipping_net: Money = Decimal(0)
    shipping_tax: Money = Decimal(0)
    shipping_gross: Money = Decimal(0)
    by_rate: tuple[TaxByRate, ...] = ()

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_none(handler(self), ("shipping_rate",))


class PricingResult(_Model):
    """The priced cart. `total == subtotal - discount + shipping`, line discounts sum to `discount`.

    Amounts are in the rule set's price basis (gross, or net under `prices exclude tax`);
    `tax`, when present, gives net, tax and gross, and `tax.gross` is what the customer pays.
    """

    currency: str
    at: AwareDatetime
    customer_id: str | None = None
    subtotal: Money
    discount: Money
    shipping_original: Money = Decimal(0)
    shipping_discount: Money = Decimal(0)
    shipping: Money
    total: Money
    points_earned: int = 0
    points_redeemed: int = 0
    points_priced: int = Field(default=0, description="points the points-priced lines cost")
    points_expiring: tuple[PointsExpiry, ...] = Field(
        default=(),
        description="the customer's points expiring soon (pricing with a ledger that keeps points)",
    )
    lines: tuple[LineResult, ...]
    shipping_lines: tuple[ShippingLineResult, ...] = Field(
        default=(),
        description="each shipping line (docs/semantics.md#shipping); left out when the request "
        "gave shipping as one amount",
    )
    gifts: tuple[Gift, ...] = ()
    applied: tuple[Applied, ...] = ()
    not_applied: tuple[NotApplied, ...] = ()
    hints: tuple[Hint, ...] = ()
    selection: Literal["none", "exact", "heuristic", "greedy"] = "none"
    rules_version: str
    tax: TaxSummary | None = Field(
        default=None,
        description="net, tax and gross of the order; absent when prices include tax and every rate is 0",
    )

    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _omit_none(
            _omit_empty(handler(self), ("points_priced", "points_expiring", "shipping_lines")), ("tax",)
        )
