"""Run rule test cases: rules + `Case` -> request, seeded ledger, priced result, checks.

Every case gets a fresh in-memory ledger (`memory://`), seeded with the case's declared
ledger state by reserving and committing claims under the same keys the engine reads
(`promokit.ledgers.keys`), so "stock of flash-eggs 0" means exactly what a real ledger
with that state would mean. Problems found only now (an unknown promotion id, a request
the models refuse) are T-coded diagnostics on the case, never tracebacks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..codes import glob_match, rule_code_key
from ..engine.explain_text import render_explanation
from ..engine.ruleset import RuleSet
from ..language.ast import FlashPrice, Promotion
from ..language.diagnostics import Diagnostic, PromokitError, RuleError, did_you_mean
from ..language.source import Span
from ..ledgers import keys, open_ledger
from ..ledgers.base import Claim, Ledger
from ..loader import load_paths
from ..models import CheckoutRequest, Customer, Group, Line, PricingResult, ShippingLine
from ..money import currency as currency_of
from ..money import quantize
from .checks import check_expectation
from .model import CartLine, Case, CustomerSpec, LedgerState, Named, Product, Setup, ShipmentSpec, TestFile
from .outcome import CaseOutcome, Check, Status
from .parser import resolve_zone
from .report import explain_result

#: Customer id used when a case names none: per-customer limits need an id to count against.
DEFAULT_CUSTOMER_ID = "test-customer"


class RulesCache:
    """Rule sets by their resolved file list, loaded once per run (a RuleError is cached too)."""

    def __init__(self, loader: Callable[[Sequence[Path]], RuleSet] | None = None) -> None:
        self._loader = loader or _load_rules
        self._cache: dict[tuple[Path, ...], RuleSet | RuleError] = {}

    def get(self, paths: Sequence[Path]) -> RuleSet | RuleError:
        key = tuple(paths)
        if key not in self._cache:
            try:
                self._cache[key] = self._loader(paths)
            except RuleError as err:
                self._cache[key] = err
        return self._cache[key]


def _load_rules(paths: Sequence[Path]) -> RuleSet:
    return load_paths(paths)


# --------------------------------------------------------------------------- which rules


def rule_paths(test_file: TestFile, case: Case) -> tuple[tuple[Path, ...], Diagnostic | None]:
    """The rule files a case runs against, relative to its test file.

    `rules "..."` in the case, else in `defaults`, else at file level; with none of them,
    every `.promo` file in the test file's own directory (not below it).
    """
    base = Path(test_file.path).parent
    named = case.setup.rules or test_file.defaults.rules or test_file.rules
    if named:
        paths: list[Path] = []
        for n in named:
            p = base / n.text
            if not p.exists():
                return (), Diagnostic(
                    "T007",
                    "error",
                    f"rules file not found: '{n.text}'",
                    n.span,
                    f"paths are relative to the test file's directory ({base})",
                )
            paths.append(p)
        return tuple(paths), None
    found = tuple(sorted(p for p in base.glob("*.promo") if p.is_file()))
    if not found:
        return (), Diagnostic(
            "T007",
            "error",
            f"no .promo files next to {test_file.path}",
            case.span,
            'say which rules to test with `rules "path/to/rules.promo"`',
        )
    return found, None


# --------------------------------------------------------------------------- building the request


def merge_setup(defaults: Setup, case: Setup) -> Setup:
    """The case's setup over the file's defaults, field by field (lists from both)."""
    c, d = case.customer, defaults.customer
    customer = CustomerSpec(
        **{
            name: getattr(c, name) if getattr(c, name) is not None else getattr(d, name)
            for name in (
                "id",
                "level",
                "segments",
                "tags",
                "region",
                "orders",
                "total_spent",
                "points",
                "registered_at",
                "invited_by",
            )
        },
        attributes=d.attributes + c.attributes,
    )
    return Setup(
        rules=case.rules or defaults.rules,
        catalogues=case.catalogues or defaults.catalogues,
        at=case.at or defaults.at,
        customer=customer,
        lines=defaults.lines + case.lines,
        shipping=case.shipping if case.shipping is not None else defaults.shipping,
        shipping_tax_rate=case.shipping_tax_rate
        if case.shipping is not None or case.shipping_tax_rate is not None
        else defaults.shipping_tax_rate,
        coupons=case.coupons if case.coupons is not None else defaults.coupons,
        channel=case.channel or defaults.channel,
        group=case.group or defaults.group,
        redeem_points=case.redeem_points if case.redeem_points is not None else defaults.redeem_points,
        currency=case.currency or defaults.currency,
        state=defaults.state + case.state,
    )


def build_request(
    test_file: TestFile, setup: Setup, rules: RuleSet, case_span: Span
) -> tuple[CheckoutRequest | None, list[Diagnostic]]:
    """The `CheckoutRequest` a case describes; diagnostics instead when it cannot be built."""
    problems: list[Diagnostic] = []
    if setup.at is None:
        problems.append(
            Diagnostic(
                "T011",
                "error",
                "the case says nothing about when it is priced",
                case_span,
                "add a line such as `at 2026-10-02 10:00` (the rule set's time zone) "
                "or put one in `defaults { ... }`",
            )
        )
        return None, problems
    zone_name = setup.at.zone or rules.ast.timezone
    zone = resolve_zone(zone_name) or dt.UTC
    at = dt.datetime.combine(setup.at.date, setup.at.time, tzinfo=zone)
    catalogues = [
        test_file.catalogues[n.text] for n in setup.catalogues or () if n.text in test_file.catalogues
    ]
    if setup.catalogues is None:
        catalogues = list(test_file.catalogues.values())
    lines: list[Line] = []
    seen: dict[str, int] = {}
    for cart_line in setup.lines:
        sku = cart_line.product.sku.text
        known = next((c.products[sku] for c in catalogues if sku in c.products), None)
        try:
            line = make_line(cart_line, known, seen)
        except ValidationError as exc:
            problems.append(_invalid(exc, cart_line.span))
            continue
        if line is not None:  # None: no price anywhere, reported by the parser (T002)
            lines.append(line)
    customer_fields: dict[str, Any] = {
        k: v
        for k, v in (
            ("id", setup.customer.id or DEFAULT_CUSTOMER_ID),
            ("level", setup.customer.level),
            ("segments", setup.customer.segments),
            ("tags", setup.customer.tags),
            ("region", setup.customer.region),
            ("orders", setup.customer.orders),
            ("total_spent", setup.customer.total_spent),
            ("points", setup.customer.points),
            ("registered_at", setup.customer.registered_at),
            ("invited_by", setup.customer.invited_by),
        )
        if v is not None
    }
    customer_fields["attributes"] = dict(setup.customer.attributes)
    try:
        request = CheckoutRequest(
            currency=setup.currency or rules.ast.currency,
            at=at,
            customer=Customer(**customer_fields),
            lines=tuple(lines),
            shipping=_shipping(setup.shipping),
            shipping_tax_rate=setup.shipping_tax_rate or Decimal(0),
            coupons=setup.coupons or (),
            group=Group(id=setup.group[0] or "group-1", size=setup.group[1]) if setup.group else None,
            channel=setup.channel,
            redeem_points=setup.redeem_points or 0,
        )
    except ValidationError as exc:
        problems.append(_invalid(exc, case_span))
        return None, problems
    return (request if not problems else None), problems


def _shipping(spec: Decimal | tuple[ShipmentSpec, ...] | None) -> Any:
    """The request's `shipping`: one amount, or shipping lines (an id defaults to the method)."""
    if spec is None:
        return Decimal(0)
    if isinstance(spec, Decimal):
        return spec
    return tuple(
        ShippingLine(
            id=s.line_id or s.method.text, method=s.method.text, amount=s.amount, tax_rate=s.tax_rate
        )
        for s in spec
    )


def make_line(cart_line: CartLine, known: Product | None, seen: dict[str, int]) -> Line | None:
    """A request line: what the cart line says over what the catalogue knows; None without a price.

    Line ids are the sku, then `SKU-2`, `SKU-3` for repeats (`seen` counts them), unless given.
    Raises pydantic's ValidationError for values the models refuse.
    """
    given = cart_line.product
    sku = given.sku.text
    price = given.price if given.price is not None else (known.price if known else None)
    if price is None:
        return None
    seen[sku] = seen.get(sku, 0) + 1
    attributes = dict(known.attributes if known else ())
    attributes.update(given.attributes)
    return Line(
        id=cart_line.line_id or (sku if seen[sku] == 1 else f"{sku}-{seen[sku]}"),
        sku=sku,
        category=given.category or (known.category if known else None),
        brand=given.brand or (known.brand if known else None),
        tags=given.tags or (known.tags if known else ()),
        unit_price=price,
        quantity=cart_line.quantity,
        attributes=attributes,
        points_price=given.points_price
        if given.points_price is not None
        else (known.points_price if known else None),
        tax_rate=given.tax_rate
        if given.tax_rate is not None
        else (known.tax_rate if known and known.tax_rate is not None else Decimal(0)),
    )


def _invalid(exc: ValidationError, span: Span) -> Diagnostic:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return Diagnostic(
        "T010",
        "error",
        f"the request is not valid: {where + ': ' if where else ''}{message}",
        span,
        "fix the case's cart or customer so that it is a request a shop could send (docs/semantics.md)",
    )


# --------------------------------------------------------------------------- ledger state


def promotion_ids_used(case: Case, setup: Setup) -> list[Named]:
    """Every promotion id the case names (expectations and ledger state), for T003 checks."""
    out: list[Named] = []
    for e in case.expectations:
        if e.kind in ("applied", "not_applied") and e.target is not None:
            out.append(e.target)
        if e.by is not None:  # `by`, `from`, `for`: the promotion lost to, granting, hinted
            out.append(e.by)
    out.extend(s.promotion for s in setup.state if s.promotion is not None)
    return out


def check_promotion_ids(names: Sequence[Named], rules: RuleSet) -> list[Diagnostic]:
    ids = [p.id for p in rules.ast.promotions]
    known = set(ids)
    return [
        Diagnostic(
            "T003",
            "error",
            f"unknown promotion '{n.text}'",
            n.span,
            did_you_mean(n.text, ids) or f"the rules define: {', '.join(sorted(ids)) or 'nothing'}",
        )
        for n in names
        if n.text not in known
    ]


def seed_ledger(
    ledger: Ledger, state: Sequence[LedgerState], rules: RuleSet, request: CheckoutRequest
) -> list[Diagnostic]:
    """Reserve and commit claims so the ledger holds the declared state."""
    problems: list[Diagnostic] = []
    claims: list[Claim] = []
    customer = request.customer.id or DEFAULT_CUSTOMER_ID
    minor = currency_of(request.currency).minor_unit
    for s in state:
        if s.kind == "code_used":
            assert s.code is not None
            coupons = [p for p in rules.ast.promotions if p.codes and _code_matches(p, s.code)]
            if not coupons:
                problems.append(Diagnostic("T012", "error", f"no coupon accepts the code {s.code!r}", s.span))
            claims.extend(Claim(keys.code(p.id, s.code), 1, None, p.id) for p in coupons)
            continue
        assert s.promotion is not None
        try:
            promo = rules.promotion(s.promotion.text)
        except KeyError:
            continue  # reported as T003
        day = _local_day(request.at, promo.timezone or rules.ast.timezone) if s.today else None
        amount = int(s.amount)
        key: str
        if s.kind == "customer_uses":
            key = keys.customer_uses(promo.id, customer, day)
        elif s.kind == "customer_units":
            key = keys.customer_units(promo.id, customer, day)
        elif s.kind == "total_uses":
            key = keys.total_uses(promo.id, day)
        elif s.kind == "stock_left":
            total = _stock_of(promo)
            if total is None:
                problems.append(
                    Diagnostic(
                        "T012",
                        "error",
                        f"promotion '{promo.id}' has no stock",
                        s.promotion.span,
                        "only promotions with `stock N` (or a flash price with stock) run out",
                    )
                )
                continue
            if amount > total:
                problems.append(
                    Diagnostic(
                        "T012",
                        "error",
                        f"{amount} left is more than the stock of '{promo.id}' ({total})",
                        s.span,
                    )
                )
                continue
            key, amount = keys.stock(promo.id), total - amount
        else:  # budget_used / budget_left, in minor units
            if promo.budget is None:
                problems.append(
                    Diagnostic("T012", "error", f"promotion '{promo.id}' has no budget", s.promotion.span)
                )
                continue
            if promo.budget.per_day:
                day = _local_day(request.at, promo.timezone or rules.ast.timezone)
            money = s.amount if s.kind == "budget_used" else promo.budget.amount - s.amount
            amount = int((money * (10**minor)).to_integral_value())
            key = keys.budget(promo.id, day)
        if amount > 0:
            claims.append(Claim(key, amount, None, promo.id))
    if claims and not problems:
        ledger.reserve("promotest-seed", claims, ttl=3600)  # committed at once: the TTL never matters
        ledger.commit("promotest-seed")
    return problems


def _stock_of(promo: Promotion) -> int | None:
    if promo.stock is not None:
        return promo.stock.units
    if isinstance(promo.action, FlashPrice) and promo.action.stock is not None:
        return promo.action.stock
    return None


def _code_matches(promo: Promotion, code: str) -> bool:
    assert promo.codes is not None
    key = rule_code_key(code)
    return any(glob_match(rule_code_key(p.text), key) for p in promo.codes.patterns)


def _local_day(at: dt.datetime, zone_name: str) -> dt.date:
    zone = resolve_zone(zone_name) or dt.UTC
    return at.astimezone(zone).date()


# --------------------------------------------------------------------------- running


def run_case(test_file: TestFile, case: Case, rules: RuleSet) -> CaseOutcome:
    """Price one case against `rules` with a fresh seeded ledger and compare every expectation."""
    sources = {test_file.path: test_file.source}
    setup = merge_setup(test_file.defaults, case.setup)
    problems = check_promotion_ids(promotion_ids_used(case, setup), rules)
    request, request_problems = build_request(test_file, setup, rules, case.span)
    problems.extend(request_problems)
    if problems or request is None:
        return CaseOutcome(test_file.path, case, "error", diagnostics=tuple(problems), sources=sources)
    ledger = open_ledger("memory://")
    try:
        problems.extend(seed_ledger(ledger, setup.state, rules, request))
        if problems:
            return CaseOutcome(
                test_file.path, case, "error", request=request, diagnostics=tuple(problems), sources=sources
            )
        try:
            result, explanation = price_and_explain(rules, request, ledger)
        except Exception as exc:  # noqa: BLE001 - one case's crash must not abort the whole run
            # A PromokitError is the request not fitting the rules (e.g. another currency); anything
            # else is a bug in promokit, reported on the case with its type so it can be filed.
            kind = "" if isinstance(exc, PromokitError) else f" ({type(exc).__name__}, a promokit bug)"
            hint = (
                "make the case fit the rules (currency, ...)"
                if not kind
                else "please report it with this test file; the other cases still ran"
            )
            problem = Diagnostic("T013", "error", f"pricing failed{kind}: {exc}", case.span, hint)
            return CaseOutcome(
                test_file.path, case, "error", request=request, diagnostics=(problem,), sources=sources
            )
    finally:
        ledger.close()
    cur = currency_of(result.currency)
    checks = tuple(
        Check(
            e,
            "expect " + test_file.source.text[e.span.start : e.span.end],
            *check_expectation(e, result, lambda amount: quantize(amount, cur)),
        )
        for e in case.expectations
    )
    status: Status = "passed" if all(c.ok for c in checks) else "failed"
    return CaseOutcome(
        test_file.path, case, status, checks, result, request, sources=sources, explanation=explanation
    )


def price_and_explain(
    rules: RuleSet, request: CheckoutRequest, ledger: Ledger | None
) -> tuple[PricingResult, str]:
    """The result and its explanation in the words of `promokit explain` (alternatives beaten included).

    A rule set without `explain` (a test double) gets the shorter explanation built from the result.
    """
    explain = getattr(rules, "explain", None)
    if explain is None:
        result = rules.price(request, ledger=ledger)
        return result, explain_result(result)
    explanation = explain(request, ledger=ledger)
    return explanation.result, render_explanation(explanation)
