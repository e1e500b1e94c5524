"""The field types of request models: strict money, counts, instants and tax rates.

Money in a request is a `Decimal` from a JSON integer or strict ASCII decimal text; floats are
refused so that no binary rounding ever reaches a price (docs/semantics.md#money-input). Tax
rates are decimal text in [0, 1) (docs/semantics.md#tax). `promokit.models` re-exports these.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, WithJsonSchema

#: Documented request limits (docs/semantics.md). Larger carts are refused, not truncated.
MAX_LINES = 500
MAX_QUANTITY = 10_000
MAX_UNIT_PRICE = Decimal("100000000")  # 10^8 in the major unit
#: A line's further `categories`: how many; and each category path: how deep, how long.
MAX_CATEGORIES = 20
MAX_CATEGORY_DEPTH = 10
MAX_CATEGORY_PATH = 200


#: The longest decimal text accepted (digits, sign and point): far beyond any real amount,
#: short enough that no input makes Decimal parsing or arithmetic expensive.
MAX_DECIMAL_TEXT = 40

#: Instants promokit can place in any time zone and shift by a day without leaving the calendar.
MIN_AT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
MAX_AT = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)


def _refuse_float(value: Any) -> Any:
    """Money input: a Decimal, an int, or ASCII decimal text (docs/semantics.md#money-input)."""
    if isinstance(value, float):
        raise ValueError('money must be a decimal string or an integer, not a float (e.g. "12.50")')
    if isinstance(value, bool):
        raise ValueError('money must be a decimal string or an integer, not true/false (e.g. "12.50")')
    return value


def _strict_text(value: Any) -> Any:
    if isinstance(value, str):
        _check_decimal_text(value)
    return value


def _check_decimal_text(text: str) -> None:
    """Strict: ASCII digits, one optional sign, an optional point with digits on both sides.

    Python's Decimal also reads "１２", "٣", "1_000", " 12.50 " and "1e3"; a price is never
    written like that, so such text is more likely a bug upstream than a price.
    """
    body = text[1:] if text[:1] in ("-", "+") else text
    whole, point, fraction = body.partition(".")
    digits = (
        whole.isascii() and whole.isdigit() and (not point or (fraction.isascii() and fraction.isdigit()))
    )
    if not digits or len(text) > MAX_DECIMAL_TEXT:
        shown = text if len(text) <= MAX_DECIMAL_TEXT else text[:MAX_DECIMAL_TEXT] + "..."
        raise ValueError(
            f"{shown!r} is not a decimal number: write ASCII digits with an optional point, "
            'e.g. "12.50" (no spaces, underscores, exponents or other scripts\' digits)'
        )


def _at_in_range(value: dt.datetime) -> dt.datetime:
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError:
        utc = None
    if utc is None or not MIN_AT <= utc <= MAX_AT:
        raise ValueError("at must be between 1900-01-01 and 9998-12-31 (UTC)")
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


#: JSON Schema of money (`promokit schema`): standard keywords only, so any JSON Schema validator
#: can check a request before it is sent. The patterns describe the canonical form ("12.50"); the
#: validator also accepts integers, which the schema states, and refuses floats, which it does not
#: list. Results always serialise money as a decimal string.
MONEY_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
#: 0 .. MAX_UNIT_PRICE written out as a pattern: up to eight integer digits, or exactly 10^8.
NON_NEGATIVE_MONEY_PATTERN = r"^0*([0-9]{1,8}(\.[0-9]+)?|100000000(\.0+)?)$"
MONEY_DOC = (
    'money as a decimal string ("12.50") or an integer; floats are refused, including 12.0 and 1e2, '
    "which JSON Schema itself counts as integers"
)


def _money_schema(pattern: str, integer: dict[str, Any]) -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "string", "pattern": pattern, "maxLength": MAX_DECIMAL_TEXT},
            {"type": "integer", **integer},
        ],
        "description": MONEY_DOC,
    }


Money = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    AfterValidator(_finite),
    WithJsonSchema(_money_schema(MONEY_PATTERN, {}), mode="validation"),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN}, mode="serialization"),
]
#: A count in a request: a JSON integer only (not true, "3" or 3.0).
Count = Annotated[int, Field(strict=True)]
Instant = Annotated[AwareDatetime, AfterValidator(_at_in_range)]
#: Money in a request: also strict decimal text (results keep accepting what they print).
NonNegativeMoney = Annotated[
    Money,
    BeforeValidator(_strict_text),
    Field(ge=0, le=MAX_UNIT_PRICE),
    WithJsonSchema(
        _money_schema(NON_NEGATIVE_MONEY_PATTERN, {"minimum": 0, "maximum": int(MAX_UNIT_PRICE)}),
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": NON_NEGATIVE_MONEY_PATTERN}, mode="serialization"),
]
AttributeValue = str | int | bool | Decimal

#: The most decimals a tax rate may have ("0.08875" has five): enough for any real rate.
TAX_RATE_DECIMALS = 6
TAX_RATE_PATTERN = r"^0+(\.[0-9]{1,6})?$"


def _refuse_float_rate(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError('a tax rate is decimal text such as "0.13", not true/false')
    if isinstance(value, float):
        raise ValueError(f'a tax rate is decimal text such as "0.13", not a float ({value!r})')
    return value


def _tax_rate_places(value: Decimal) -> Decimal:
    if -value.as_tuple().exponent > TAX_RATE_DECIMALS:  # type: ignore[operator]
        raise ValueError(f"tax rate {value} has more than {TAX_RATE_DECIMALS} decimals")
    return value.copy_abs() if value == 0 else value  # "-0" is 0


#: A tax rate in a request (docs/semantics.md#tax): decimal text in [0, 1), at most six decimals.
TaxRate = Annotated[
    Money,
    BeforeValidator(_strict_text),
    BeforeValidator(_refuse_float_rate),
    Field(ge=0, lt=1),
    AfterValidator(_tax_rate_places),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": TAX_RATE_PATTERN, "maxLength": MAX_DECIMAL_TEXT},
                {"type": "integer", "minimum": 0, "maximum": 0},
            ],
            "description": 'a tax rate in [0, 1) as decimal text ("0.13" is 13%), at most six decimals; '
            "floats are refused",
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN}, mode="serialization"),
]
