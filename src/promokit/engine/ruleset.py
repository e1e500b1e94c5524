"""`RuleSet`: a checked rule set compiled once, priced many times.

    rules = RuleSet(frontend.parse_paths(["rules/"]))
    result = rules.price(request)                      # best deal, explained, with hints
    result = rules.price(request, ledger=ledger)       # limits, stock and budgets from a ledger

Pricing is pure: it never mutates the request and does no I/O except one read-only
`ledger.usage()` round trip when a ledger is given (plus `ledger.state()` with `order_id=`,
and one read of the customer's points account when the ledger keeps points:
points_balance.py). The pipeline per request:
index lookup (only promotions whose scope can touch the cart) -> pre-checks
(`actions.eligibility`) -> best-deal search (`selection`) over combinations evaluated by
`evaluate` -> result with explanations and hints (`explain`, `hints`). All arithmetic runs
in `money.PRICING_CONTEXT` (floats mixed with Decimals trap).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ..check.frontend import CheckedRules
from ..compile.compiler import CompiledRules, compile_rules
from ..errors import RequestError
from ..language.ast import Promotion, RuleSetAst
from ..language.diagnostics import Diagnostic
from ..ledgers.base import LedgerError
from ..ledgers.views import OrderReader, UsageReader, WithoutOrder
from ..models import CheckoutRequest, Customer, Line, PricingResult
from ..money import PRICING_CONTEXT
from ..telemetry import PriceProbe
from . import points_balance, points_lines
from .actions.eligibility import prepare
from .display import DisplayItem, DisplayPrice, display_prices
from .evaluate import evaluate
from .explain import build_result
from .finish import finish, without_zero_lines
from .selection import Selection, select
from .tax import apply_tax
from .texts import check_locale

__all__ = ["Alternative", "Explanation", "RuleSet"]


@dataclass(frozen=True, slots=True)
class Alternative:
    """A combination the chosen deal beat: the promotions that took effect in it (rank order)
    and what it would save."""

    promotions: tuple[str, ...]
    saving: Decimal


@dataclass(frozen=True, slots=True)
class Explanation:
    """`RuleSet.explain`: the priced result plus the best alternatives the search considered."""

    result: PricingResult
    saving: Decimal  # goods + shipping saved by the chosen deal
    alternatives: tuple[Alternative, ...]


class RuleSet:
    """Compiled promotion rules. Thread-safe for pricing: nothing is mutated after `__init__`."""

    def __init__(self, checked: CheckedRules) -> None:
        self.ast: RuleSetAst = checked.ast
        self.warnings: tuple[Diagnostic, ...] = tuple(checked.warnings)
        self.sources = dict(checked.sources)
        # The compiled evaluators are internal: their shape changes with the engine.
        self._compiled: CompiledRules = compile_rules(checked.ast)
        self.version: str = self._compiled.version
        #: The currency code the rules price in (requests in another currency are refused).
        self.currency: str = self._compiled.currency.code

    def __repr__(self) -> str:
        return f"<RuleSet {len(self._compiled.promotions)} promotions version={self.version}>"

    def promotion(self, id: str) -> Promotion:
        """The AST of promotion `id` (KeyError if the rule set has none)."""
        return self._compiled.by_id[id].promotion

    def _check_currency(self, request: CheckoutRequest) -> None:
        if request.currency != self._compiled.currency.code:
            raise RequestError(
                f"the request is in {request.currency} but the rules are in {self._compiled.currency.code}"
            )

    def price(
        self,
        request: CheckoutRequest,
        *,
        ledger: UsageReader | None = None,
        exclude: Collection[str] = (),
        strategy: Literal["best", "greedy"] = "best",
        order_id: str | None = None,
        locale: str = "en",
    ) -> PricingResult:
        """Price the cart with the best valid combination of promotions (or a greedy pass).

        `exclude`: promotion ids to leave out (checkout re-prices without promotions whose
        reservation failed). `order_id` (with a ledger): price as if that order's own hold
        were released, so a retried checkout prices exactly as its first attempt (one more
        read, `ledger.state`). `locale` ("en", "zh-CN"): the language of the customer texts
        (`NotApplied.text`, `Hint.text`). Raises ValueError (a `RequestError`) when the
        request's currency differs from the rules', or for an unknown locale.
        """
        result, _ = self._priced(
            request, ledger, order_id, locale, "promokit.price", exclude=exclude, strategy=strategy
        )
        return result

    def display_prices(
        self,
        items: Iterable[DisplayItem | Line],
        *,
        customer: Customer | None = None,
        at: dt.datetime | None = None,
        channel: str | None = None,
    ) -> tuple[DisplayPrice, ...]:
        """The price a product page shows for each item (划线价), without a cart: one unit with the
        best item-level promotion, the badges of the others, the window end for a countdown.

        `at` defaults to now; `customer` None is an anonymous visitor (audiences such as members
        do not match). docs/programs.md#display-prices says where this may differ from the cart.
        """
        when = at if at is not None else dt.datetime.now(dt.UTC)
        return display_prices(self._compiled, items, customer=customer, at=when, channel=channel)

    def explain(
        self,
        request: CheckoutRequest,
        *,
        ledger: UsageReader | None = None,
        order_id: str | None = None,
        locale: str = "en",
    ) -> Explanation:
        """Like `price`, also returning the best combinations the chosen deal beat (at most 5)."""
        result, selection = self._priced(request, ledger, order_id, locale, "promokit.explain", explore=True)
        order = self._compiled.by_id
        alternatives = tuple(
            Alternative(
                tuple(
                    sorted((i for i, e in ev.effects.items() if e.saving > 0), key=lambda i: order[i].order)
                ),
                ev.saving,
            )
            for ev in selection.alternatives
        )
        return Explanation(result, selection.best.saving, alternatives)

    def _priced(
        self,
        request: CheckoutRequest,
        ledger: UsageReader | None,
        order_id: str | None,
        locale: str,
        probe_name: str,
        *,
        exclude: Collection[str] = (),
        strategy: Literal["best", "greedy"] = "best",
        explore: bool = False,
    ) -> tuple[PricingResult, Selection]:
        """What `price` and `explain` share: the pre-checks, the search and the result."""
        self._check_currency(request)
        check_locale(locale)
        request, expiring = points_balance.with_account(request, ledger, order_id)
        full, (request, priced) = request, points_lines.split(request)
        reader = _reader(ledger, order_id)
        with PriceProbe(
            probe_name,
            self.version,
            ledger=reader is not None,
            reads_order=isinstance(reader, WithoutOrder),
        ) as probe:
            with decimal.localcontext(PRICING_CONTEXT):
                prepared = prepare(
                    self._compiled, without_zero_lines(request), ledger=reader, exclude=exclude
                )
                selection = select(prepared.cart, prepared.candidates, strategy, explore=explore)
                probe.evaluated, probe.mode = len(prepared.candidates), selection.mode
                result = build_result(
                    self._compiled, prepared.cart, selection, prepared.misses, prepared.unknown_codes
                )
                result = finish(result, request, self._compiled, locale)
                result = points_lines.merge(full, result, priced)
                result = apply_tax(result, full, self._compiled)
        if expiring:
            result = result.model_copy(update={"points_expiring": expiring})
        return result, selection

    def price_combination(self, request: CheckoutRequest, ids: Collection[str]) -> PricingResult | None:
        """Apply exactly the promotions `ids` (those that pass their pre-checks), no subset search.

        Units are still assigned to item-level promotions to save most. None when the
        promotions cannot be combined (exclusive, one exclusive group, coupons not
        combinable). Unknown ids raise KeyError.
        """
        self._check_currency(request)
        for pid in ids:
            self._compiled.by_id[pid]  # noqa: B018 - KeyError for an unknown id
        full, (request, priced) = request, points_lines.split(request)
        with decimal.localcontext(PRICING_CONTEXT):
            prepared = prepare(self._compiled, without_zero_lines(request), only=set(ids))
            ev = evaluate(prepared.cart, prepared.candidates)
            if ev is None:
                return None
            selection = Selection(best=ev, mode="none", alone={}, dropped={})
            result = build_result(
                self._compiled, prepared.cart, selection, prepared.misses, prepared.unknown_codes
            )
            result = finish(result, request, self._compiled, "en")
            return apply_tax(points_lines.merge(full, result, priced), full, self._compiled)


def _reader(ledger: UsageReader | None, order_id: str | None) -> UsageReader | None:
    """The ledger pricing reads: as is, or without `order_id`'s own hold (a retry)."""
    if order_id is None or ledger is None:
        return ledger
    if not isinstance(ledger, OrderReader):
        raise LedgerError("price(order_id=...) needs a ledger that can read an order (state(order_id))")
    return WithoutOrder(ledger, order_id)
