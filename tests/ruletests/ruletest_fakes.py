"""A small stand-in rule set for runner tests, so they check the runner and not the engine.

`FakeRules` has the parts of `promokit.engine.ruleset.RuleSet` the runner uses (`ast`, `promotion`,
`price`). Its pricing is deliberately tiny and stated here, so every expected number in the
tests can be checked by hand:
- autumn-fruit: fruit lines totalling >= 100 get 20 off, taken from the first fruit line;
  below that: not applied (threshold) and a hint "add ¥N more of fruit to get ¥20 off".
- member-day: never applies (window).
- flash-eggs: EGGS lines cost 1.00 a unit while the ledger's stock counter is below 500.
- customer-once: 5 off the order unless this customer has used it (ledger per-customer uses).
End-to-end tests with the real engine live in test_end_to_end.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from promokit.language.ast import (
    FlashPrice,
    Limit,
    Per,
    Promotion,
    RuleFile,
    RuleSetAst,
    Settings,
    Stock,
    Tier,
    Tiers,
)
from promokit.ledgers import keys
from promokit.ledgers.base import Ledger
from promokit.models import Adjustment, Applied, CheckoutRequest, Hint, LineResult, NotApplied, PricingResult

PROMOTIONS = (
    Promotion(
        id="autumn-fruit",
        title="秋季水果满减",
        action=Tiers(tiers=(Tier(threshold=Decimal(100), off=Decimal(20)),)),
    ),
    Promotion(id="member-day", title=None, action=Tiers(tiers=(Tier(threshold=Decimal(1), off=Decimal(1)),))),
    Promotion(id="flash-eggs", title=None, action=FlashPrice(price=Decimal("1.00")), stock=Stock(units=500)),
    Promotion(
        id="customer-once",
        title=None,
        action=Tiers(tiers=(Tier(threshold=Decimal(0), off=Decimal(5)),)),
        limits=(Limit(count=1, per=Per.CUSTOMER),),
    ),
)


class FakeRules:
    def __init__(self) -> None:
        self.ast = RuleSetAst(
            files=(RuleFile(name="fake.promo", settings=Settings(), promotions=PROMOTIONS),),
            timezone="Asia/Shanghai",
        )
        self.requests: list[CheckoutRequest] = []

    def promotion(self, id: str) -> Promotion:
        return {p.id: p for p in self.ast.promotions}[id]

    def price(self, request: CheckoutRequest, *, ledger: Ledger | None = None) -> PricingResult:
        self.requests.append(request)
        discounts: dict[str, list[Adjustment]] = {ln.id: [] for ln in request.lines}
        applied: list[Applied] = []
        not_applied = [NotApplied(promotion="member-day", reason="window", detail="not on a member day")]
        hints: list[Hint] = []
        used_stock = ledger.usage([keys.stock("flash-eggs")])[keys.stock("flash-eggs")] if ledger else 0
        eggs = [ln for ln in request.lines if ln.sku == "EGGS"]
        if eggs and used_stock < 500:
            for ln in eggs:
                off = (ln.unit_price - Decimal("1.00")) * ln.quantity
                discounts[ln.id].append(Adjustment(promotion="flash-eggs", units=ln.quantity, amount=off))
                applied.append(
                    Applied(promotion="flash-eggs", title=None, layer="item", amount=off, lines=(ln.id,))
                )
        elif eggs:
            not_applied.append(NotApplied(promotion="flash-eggs", reason="stock", detail="stock used up"))
        fruit = [ln for ln in request.lines if ln.category == "fruit"]
        fruit_total = sum((ln.unit_price * ln.quantity for ln in fruit), Decimal(0))
        if fruit and fruit_total >= 100:
            discounts[fruit[0].id].append(
                Adjustment(promotion="autumn-fruit", units=fruit[0].quantity, amount=Decimal(20))
            )
            applied.append(
                Applied(promotion="autumn-fruit", title="秋季水果满减", layer="order", amount=Decimal(20))
            )
        else:
            short = Decimal(100) - fruit_total
            not_applied.append(
                NotApplied(
                    promotion="autumn-fruit",
                    reason="threshold",
                    detail=f"fruit {fruit_total} < 100",
                    shortfall=short,
                )
            )
            hints.append(
                Hint(
                    promotion="autumn-fruit",
                    message=f"add ¥{short:.2f} more of fruit to get ¥20 off",
                    shortfall=short,
                )
            )
        cid = request.customer.id or ""
        if (
            ledger is not None
            and ledger.usage([keys.customer_uses("customer-once", cid)])[
                keys.customer_uses("customer-once", cid)
            ]
            >= 1
        ):
            not_applied.append(
                NotApplied(promotion="customer-once", reason="limit", detail="used 1 of 1 per customer")
            )
        elif request.lines:
            first = request.lines[0]
            discounts[first.id].append(Adjustment(promotion="customer-once", units=1, amount=Decimal(5)))
            applied.append(Applied(promotion="customer-once", title=None, layer="order", amount=Decimal(5)))
        lines = []
        for ln in request.lines:
            sub = ln.unit_price * ln.quantity
            off = sum((a.amount for a in discounts[ln.id]), Decimal(0))
            lines.append(
                LineResult(
                    id=ln.id,
                    sku=ln.sku,
                    quantity=ln.quantity,
                    unit_price=ln.unit_price,
                    subtotal=sub,
                    discount=off,
                    total=sub - off,
                    adjustments=tuple(discounts[ln.id]),
                )
            )
        subtotal = sum((ln.subtotal for ln in lines), Decimal(0))
        discount = sum((ln.discount for ln in lines), Decimal(0))
        return PricingResult(
            currency=request.currency,
            at=request.at,
            customer_id=request.customer.id,
            subtotal=subtotal,
            discount=discount,
            shipping=request.shipping,
            shipping_original=request.shipping,
            total=subtotal - discount + request.shipping,
            lines=tuple(lines),
            applied=tuple(applied),
            not_applied=tuple(not_applied),
            hints=tuple(hints),
            rules_version="fake",
        )


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
