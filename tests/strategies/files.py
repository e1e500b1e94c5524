"""Promotions and whole rule files."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from promokit.language import ast
from promokit.language.ast import (
    Layer,
    ThresholdBase,
)

from ._base import (
    _BOOLS,
    _STOCKS,
    CHANNELS,
    TIMEZONES,
    _caps,
    _ints,
    _maybe,
    _name_lists,
    _pick,
    _subsets,
    amounts,
    texts,
)
from .actions import (
    _CAPPABLE,
    _OWN_CAP,
    _STOCKED,
    _THRESHOLD_ACTIONS,
    _codes,
    _coupon_actions,
    _natural_layer,
    actions,
    limits,
)
from .conditions import (
    conditions,
    scopes,
    time_conditions,
)

# --------------------------------------------------------------------------- programs (docs/programs.md)


@st.composite
def program_clauses(draw: st.DrawFn, index: int, is_coupon: bool, places: int) -> dict[str, object]:
    """Sometimes an A/B variant (a one-variant experiment of its own: weights sum to 100%) and,
    on a promotion, sometimes an invite reward with its limits; valid for the checker."""
    out: dict[str, object] = {}
    notation = draw(_pick(tuple(ast.Notation)))
    if draw(_ints(0, 5)) == 0:
        out["variant"] = ast.Variant(
            experiment=f"exp-{index}", name="A", weight=Decimal(100), notation=notation
        )
    if not is_coupon and draw(_ints(0, 5)) == 0:
        kind = draw(_pick(("points", "credit", "coupon")))
        amount = (
            Decimal(draw(_ints(1, 1000)))
            if kind == "points"
            else draw(amounts(1, 100, places))
            if kind == "credit"
            else None
        )
        pattern = f"INV{index}-*" if kind == "coupon" else None
        out["invite"] = ast.InviteReward(kind=kind, amount=amount, pattern=pattern, notation=notation)
        per_day = draw(_subsets((False, True)))
        out["invite_limits"] = tuple(
            ast.InviteLimit(count=draw(_ints(1, 50)), per_day=d, notation=notation) for d in sorted(per_day)
        )
    return out


# --------------------------------------------------------------------------- promotions and files


@st.composite
def promotions(
    draw: st.DrawFn,
    index: int,
    pid: str,
    earlier: Sequence[ast.Promotion] = (),
    segment_names: Sequence[str] = (),
    scope_names: Sequence[str] = (),
    places: int = 2,
) -> ast.Promotion:
    """Promotion number `index` with id `pid`; `stackable with` only names `earlier` ones."""
    is_coupon = draw(_ints(0, 3)) == 0
    action = draw(actions(places=places))
    if is_coupon:
        action = draw(_coupon_actions(places))
    kind = None
    if isinstance(action, ast.PercentOff) and not is_coupon:
        kind = draw(_pick((None, None, Layer.ITEM, Layer.ORDER)))
        if action.min_spend is not None and kind is Layer.ITEM:
            kind = Layer.ORDER
    elif not is_coupon and draw(_ints(0, 3)) == 0:
        kind = _natural_layer(action)  # `kind` written out, agreeing with the action
    exclusive = draw(_ints(0, 5)) == 0
    group = None if exclusive or not draw(_BOOLS) else ast.Name(text=draw(_pick(("grp-a", "grp-b"))))
    if isinstance(action, ast.PointsRedeem) and not exclusive:
        group = ast.Name(text="points")  # one redemption per order (E056)
    stackable: tuple[ast.Name, ...] = ()
    partners = [p for p in earlier if not p.exclusive and not p.is_coupon]
    if partners and not exclusive and not is_coupon and draw(_BOOLS):
        chosen_ids = draw(_subsets(tuple(p.id for p in partners), 1, 2))
        chosen = [p for p in partners if p.id in chosen_ids]
        stackable = tuple(
            ast.Name(text=p.id)
            for p in chosen
            if group is None or p.exclusive_group is None or p.exclusive_group.text != group.text
        )
    threshold_base = ThresholdBase.AFTER_DISCOUNTS
    if isinstance(action, _THRESHOLD_ACTIONS) or (isinstance(action, ast.PercentOff) and action.min_spend):
        threshold_base = draw(_pick(ThresholdBase))
    takes_units = not isinstance(action, ast.ShippingOff | ast.PointsEarn | ast.PointsRedeem)
    condition = draw(_maybe(requirements(tuple(scope_names), places))) if takes_units else None
    scope = draw(scopes(tuple(scope_names)))
    if condition is not None:
        condition = _reachable(condition, scope)
    return ast.Promotion(
        id=pid,
        title=draw(_maybe(texts())),
        condition=condition,
        pick=draw(_maybe(_pick(ast.UnitChoice))) if takes_units else None,
        stack_group=ast.Name(text="stk-a")
        if takes_units and not exclusive and draw(_ints(0, 3)) == 0
        else None,
        action=action,
        is_coupon=is_coupon,
        priority=draw(_ints(0, 100)),
        kind=kind,
        timezone=draw(_maybe(_pick(TIMEZONES))),
        when=draw(time_conditions()),
        scope=scope,
        audience=draw(_maybe(conditions(tuple(segment_names), places))),
        channels=tuple(draw(_subsets(CHANNELS))) if draw(_ints(0, 2)) == 0 else (),
        limits=draw(limits(action)),
        stock=draw(_maybe(_STOCKS))
        if isinstance(action, _STOCKED) and not (isinstance(action, ast.FlashPrice) and action.stock)
        else None,
        budget=draw(_maybe(st.builds(ast.Budget, amount=amounts(100, 100000, places), per_day=_BOOLS))),
        cap=draw(_maybe(_caps(1, 500, places)))
        if isinstance(action, _CAPPABLE)
        and not (isinstance(action, _OWN_CAP) and getattr(action, "cap", None))
        else None,
        codes=draw(_codes(index)) if is_coupon else None,
        exclusive=exclusive,
        exclusive_group=group,
        stackable_with=stackable,
        threshold_base=threshold_base,
        **draw(program_clauses(index, is_coupon, places)),  # type: ignore[arg-type]
    )


def _reachable(req: ast.Requirement, scope: ast.Scope) -> ast.Requirement:
    """A distinct-SKU condition counts at most the skus a sku-only scope names (E081)."""
    counted = req.scope or scope
    if req.measure is not ast.Measure.KINDS or not counted.include:
        return req
    if any(s.kind is not ast.SelectorKind.SKU for s in counted.include):
        return req
    excluded = {v for s in counted.exclude if s.kind is ast.SelectorKind.SKU for v in s.values}
    named = len({v for s in counted.include for v in s.values} - excluded)
    if named == 0 or named >= req.at_least:
        return req  # none named: the scope itself is E081's (or W-) business elsewhere
    return dataclasses.replace(req, at_least=Decimal(named))


@functools.cache
@st.composite
def requirements(draw: st.DrawFn, scope_names: tuple[str, ...] = (), places: int = 2) -> ast.Requirement:
    """A `when` condition: spend, units or distinct SKUs on a scope (None: the promotion's)."""
    measure = draw(_pick(ast.Measure))
    at_least = draw(amounts(10, 200, places)) if measure is ast.Measure.SPEND else Decimal(draw(_ints(1, 4)))
    repeat = draw(_BOOLS)
    return ast.Requirement(
        measure=measure,
        at_least=at_least,
        scope=draw(_maybe(scopes(scope_names))),
        repeat=repeat,
        max_times=draw(_maybe(_ints(1, 3))) if repeat else None,
        notation=draw(_pick(ast.Notation)),
    )


def alone_out_of_stack_groups(promos: Sequence[ast.Promotion]) -> list[ast.Promotion]:
    """A stacking group needs two members (E083): drop the group from a lone member."""
    counts: dict[str, int] = {}
    for p in promos:
        if p.stack_group is not None:
            counts[p.stack_group.text] = counts.get(p.stack_group.text, 0) + 1
    return [
        dataclasses.replace(p, stack_group=None)
        if p.stack_group is not None and counts[p.stack_group.text] < 2
        else p
        for p in promos
    ]


@functools.cache
@st.composite
def settings_nodes(draw: st.DrawFn, currency: str | None = None) -> ast.Settings:
    places = 0 if currency in ("JPY", "KRW") else 2
    include = draw(_pick((None, True, False)))
    return ast.Settings(
        timezone=draw(_maybe(_pick(TIMEZONES))),
        currency=currency,
        rounding=draw(_maybe(_pick(ast.Rounding))),
        max_order_discount=draw(_maybe(amounts(50, 1000, places))),
        prices_include_tax=include,
        prices_tax_notation=draw(_pick(tuple(ast.Notation))) if include is not None else ast.Notation.EN,
    )


@st.composite
def rule_files(draw: st.DrawFn, name: str = "generated.promo", max_promotions: int = 5) -> ast.RuleFile:
    """A valid `.promo` file as an AST (NO_SPAN spans) that a correct checker accepts."""
    currency = draw(_pick((None, None, "CNY", "USD", "JPY")))
    places = 0 if currency == "JPY" else 2
    settings = draw(settings_nodes(currency))

    seg_names = tuple(draw(_name_lists("seg", 0, 3)))
    segments: list[ast.SegmentDecl] = []
    for i, seg in enumerate(seg_names):
        # A segment may only use segments declared before it: no cycles.
        segments.append(ast.SegmentDecl(name=seg, condition=draw(conditions(seg_names[:i], places))))

    # Names stay distinct across kinds (a CJK head is shared by every prefix).
    scope_names = tuple(n for n in draw(_name_lists("sc", 0, 2)) if n not in seg_names)
    scope_decls = tuple(ast.ScopeDecl(name=n, scope=draw(scopes())) for n in scope_names)

    taken = set(seg_names) | set(scope_names)
    ids = [n for n in draw(_name_lists("p", 1, max_promotions)) if n not in taken] or ["p-only"]
    promos: list[ast.Promotion] = []
    for i, pid in enumerate(ids):
        promos.append(draw(promotions(i, pid, promos, seg_names, scope_names, places)))
    promos = alone_out_of_stack_groups(promos)
    return ast.RuleFile(
        name=name, settings=settings, segments=tuple(segments), scopes=scope_decls, promotions=tuple(promos)
    )
