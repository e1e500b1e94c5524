"""Points for actions: `award(rules, "checkin", customer, event_id=..., ledger=...)` (docs/points.md).

The rules are `points ID on EVENT { ... }` declarations. For one event:

1. the rules for the event whose window contains `at` (in the rule's time zone) and whose
   audience matches the customer (event `attributes` are read like customer attributes);
2. each matching rule with `earn N points` grants N; a rule's `streak D days earn M points`
   grants M more on every D-th day in a row the customer has this event (counted per rule,
   on the rule's calendar); the largest `points x K` of the matching rules multiplies every
   grant (rounded down to whole points);
3. limits (`limit 1 per customer per day`, `limit 1000 total`) and budgets (in points) are
   ledger counters taken atomically with a reservation committed at once; a rule whose
   counter is used up is not granted (reason `limit` or `budget`) and the rest is re-checked;
4. the points are credited to the account (`ledger.points.earn`) under the event id.

Idempotent by `event_id` (per customer): a replay returns the first award and grants nothing
more. An event type no rule knows raises `UnknownEvent` naming the events that exist.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Literal

from ..compile.predicates import compile_audience
from ..compile.windows import compile_time, local_day
from ..engine.ruleset import RuleSet
from ..errors import PromokitError, RequestError
from ..language import ast as A
from ..language.diagnostics import did_you_mean
from ..ledgers import keys
from ..ledgers.base import Claim, Ledger
from ..ledgers.points import PointsBook
from ..ledgers.points_policy import ExpiryPolicy
from ..models import CheckoutRequest, Customer

Why = Literal["window", "audience", "limit", "budget"]


class UnknownEvent(RequestError):
    """No points rule is declared for this event type."""


@dataclass(frozen=True, slots=True)
class Granted:
    rule: str
    title: str | None
    points: int
    detail: str  # e.g. "earn 5 points, streak day 7: +20, x2 (member-day)"


@dataclass(frozen=True, slots=True)
class NotGranted:
    rule: str
    title: str | None
    reason: Why
    detail: str


@dataclass(frozen=True, slots=True)
class Award:
    """What an event earned: `points` in all, per rule `granted`, and why other rules did not."""

    event: str
    event_id: str
    customer: str
    points: int
    granted: tuple[Granted, ...] = ()
    not_granted: tuple[NotGranted, ...] = ()
    replay: bool = False  # the event id was awarded before; nothing new was granted


def _rule_key(rule: A.PointsRule) -> str:
    # `points.ID`: a promotion id cannot contain a dot, so no counter is shared with a promotion.
    return "points." + rule.id


def _claims(rule: A.PointsRule, customer: str, day: dt.date, points: int) -> list[Claim]:
    rid = _rule_key(rule)
    out: list[Claim] = []
    for lim in rule.limits:
        d = day if lim.per_day else None
        key = keys.customer_uses(rid, customer, d) if lim.per is A.Per.CUSTOMER else keys.total_uses(rid, d)
        out.append(Claim(key, 1, lim.count, rule.id))
    if rule.budget is not None and points > 0:
        d = day if rule.budget.per_day else None
        out.append(Claim(keys.budget(rid, d), points, int(rule.budget.amount), rule.id))
    return out


def _book(ledger: Ledger) -> PointsBook:
    book = getattr(ledger, "points", None)
    if not isinstance(book, PointsBook):
        raise PromokitError(f"{ledger.url}: this ledger keeps no points accounts")
    return book


def award(
    rules: RuleSet,
    event: str,
    customer: Customer | str,
    *,
    event_id: str,
    at: dt.datetime,
    ledger: Ledger,
    attributes: dict[str, Any] | None = None,
    expiry: ExpiryPolicy | None = None,
) -> Award:
    """Grant the points `event` earns `customer` at `at` (module docstring); idempotent by `event_id`."""
    who = Customer(id=customer) if isinstance(customer, str) else customer
    if not who.id:
        raise PromokitError("points for an event need a customer id")
    cid = who.id
    candidates = [r for r in rules.ast.points_rules if r.event == event]
    if not candidates:
        known = sorted({r.event for r in rules.ast.points_rules})
        hint = did_you_mean(event, known)
        raise UnknownEvent(
            f"no points rule knows the event {event!r}"
            + (f"; {hint}" if hint else "")
            + (
                f" (events with rules: {', '.join(known)})"
                if known
                else " (the rules declare no points rules)"
            )
        )
    book = _book(ledger)
    seen = book.event(cid, event_id)
    if seen is not None:
        return _decode(event, event_id, cid, seen.note, seen.points)
    if attributes:
        who = who.model_copy(update={"attributes": {**who.attributes, **attributes}})
    request = CheckoutRequest(currency=rules.currency, at=at, customer=who, lines=())
    segments = rules.ast.segments
    missed: list[NotGranted] = []
    matching: list[A.PointsRule] = []
    for rule in candidates:
        window = compile_time(rule.when, rule.timezone or rules.ast.timezone)
        audience = compile_audience(rule.audience, segments)
        if not window.contains(at):
            missed.append(
                NotGranted(rule.id, rule.title, "window", window.failure(at) or "outside its window")
            )
        elif not audience.matches(request):
            missed.append(
                NotGranted(rule.id, rule.title, "audience", audience.failure(request) or "audience")
            )
        else:
            matching.append(rule)
    order_id = f"award:{cid}:{event_id}"[:200]
    for _ in range(len(matching) + 2):  # each round drops the rules whose counters did not fit
        granted, claims = _grant(rules, book, matching, cid, at, ledger)
        total = sum(g.points for g in granted)
        if not granted or total <= 0:
            return Award(event, event_id, cid, 0, (), tuple(missed))
        outcome = ledger.reserve(order_id, claims, ttl=300)
        if outcome.ok:
            ledger.commit(order_id)
            note = json.dumps(
                {"g": [[g.rule, g.title, g.points, g.detail] for g in granted],
                 "n": [[n.rule, n.title, n.reason, n.detail] for n in missed]},
                ensure_ascii=False,
            )  # fmt: skip
            policy = expiry or ExpiryPolicy()
            book.earn(cid, total, event_id, note=note, policy=policy)
            return Award(event, event_id, cid, total, tuple(granted), tuple(missed))
        failed = {c.promotion: c for c in outcome.failed}
        for rule in [r for r in matching if r.id in failed]:
            reason: Why = "budget" if failed[rule.id].key.startswith("budget:") else "limit"
            missed.append(NotGranted(rule.id, rule.title, reason, f"its {reason} is used up"))
        matching = [r for r in matching if r.id not in failed]
    return Award(event, event_id, cid, 0, (), tuple(missed))


def _grant(
    rules: RuleSet, book: PointsBook, matching: list[A.PointsRule], cid: str, at: dt.datetime, ledger: Ledger
) -> tuple[list[Granted], list[Claim]]:
    boosters = [r for r in matching if r.multiplier is not None]
    best = max(boosters, key=lambda r: r.multiplier or Decimal(1), default=None)
    factor = best.multiplier if best is not None and best.multiplier is not None else Decimal(1)
    granted: list[Granted] = []
    claims: list[Claim] = []
    for rule in matching:
        if not rule.award and rule.streak is None:
            continue
        day = local_day(at, rule.timezone or rules.ast.timezone)
        base, words = rule.award, [f"earn {rule.award} points"] if rule.award else []
        if rule.streak is not None:
            today, yesterday = (
                keys.points_streak(_rule_key(rule), cid, d) for d in (day, day - dt.timedelta(1))
            )
            used = ledger.usage([today, yesterday])
            if used[today] == 0:  # the first time today: the run grows by one day
                run = used[yesterday] + 1
                claims.append(Claim(today, run, run, rule.id))  # capacity = run: a 2nd concurrent one fails
                if run % rule.streak.days == 0:
                    base += rule.streak.points
                    words.append(f"day {run} in a row: +{rule.streak.points}")
        points = int((Decimal(base) * factor).to_integral_value(ROUND_FLOOR))
        if factor != 1 and best is not None:
            words.append(f"x{factor.normalize()} ({best.id})")
        if points > 0:
            granted.append(Granted(rule.id, rule.title, points, ", ".join(words)))
            claims += _claims(rule, cid, day, points)
    return granted, claims


def _decode(event: str, event_id: str, cid: str, note: str, points: int) -> Award:
    try:
        d = json.loads(note)
        granted = tuple(Granted(str(r), t, int(p), str(w)) for r, t, p, w in d["g"])
        missed = tuple(NotGranted(str(r), t, reason, str(w)) for r, t, reason, w in d["n"])
    except (ValueError, KeyError, TypeError):
        granted, missed = (), ()
    return Award(event, event_id, cid, points, granted, missed, replay=True)
