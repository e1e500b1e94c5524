"""`.promotest` text -> `TestFile`, with diagnostics instead of exceptions.

Stages: lark (LALR, grammar in `promokit/ruletests/promotest.lark`) parses the text into a tree;
`_Lowering` (on `tree_lowering.TreeLowering`, with `expect` lines in `expect_lowering.py`) walks the tree into the dataclasses of `ruletests.model`, checking what can
be checked without the rules (numbers are whole where they must be, dates and zones
exist, every sku is known to a catalogue or priced on its line, catalogue names and
imports resolve). Promotion ids and reasons are checked later, against the rule set
(`ruletests.runner`). The parse tree never leaves this module.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from lark import Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken

from ..language.diagnostics import Diagnostic, did_you_mean
from ..language.source import Source, Span
from ..models import AttributeValue
from .case_checks import REASONS, check_case
from .expect_lowering import ExpectationLowering
from .model import (
    CartLine,
    Case,
    Catalogue,
    CustomerSpec,
    Expectation,
    Instant,
    LedgerState,
    Named,
    Product,
    Setup,
    ShipmentSpec,
    StateKind,
    TestFile,
)
from .syntax import grammar_parser, resolve_zone, syntax_diagnostic
from .tree_lowering import subtrees, subtrees_any, tokens, unquote

# --------------------------------------------------------------------------- entry points


def parse_text(
    text: str, name: str = "<string>", *, base_dir: Path | None = None
) -> tuple[TestFile | None, list[Diagnostic]]:
    """Parse a `.promotest` text. Returns the file (None on a syntax error) and every problem found."""
    return _parse(text, name, base_dir if base_dir is not None else Path("."), ())


def parse_path(path: str | Path) -> tuple[TestFile | None, list[Diagnostic], Source | None]:
    """Read and parse a `.promotest` file; an unreadable file is a T008 diagnostic."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        span = Span(str(path), 1, 1, 1, 1)
        return None, [Diagnostic("T008", "error", f"cannot read test file: {_os_reason(exc)}", span)], None
    source = Source(str(path), text)
    test_file, diags = _parse(text, str(path), p.parent, (p.resolve(),))
    return test_file, diags, source


def _os_reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return getattr(exc, "strerror", None) or str(exc)


def _parse(
    text: str, name: str, base_dir: Path, importing: tuple[Path, ...]
) -> tuple[TestFile | None, list[Diagnostic]]:
    source = Source(name, text)
    syntax_errors = _syntax_errors(source)
    if syntax_errors:
        return None, syntax_errors
    tree = grammar_parser().parse(text + "\n", start="start")
    lowering = _Lowering(source, base_dir, importing)
    test_file = lowering.file(tree)
    return test_file, lowering.diagnostics


#: Syntax errors reported per file before giving up on recovery.
MAX_SYNTAX_ERRORS = 20


def _syntax_errors(source: Source) -> list[Diagnostic]:
    """Every syntax error of a file, not just the first.

    The format is line-oriented, so recovery is simple: blank out the offending line (spaces keep
    every offset, so later spans stay right) and parse again. A line that opens a block is not
    blanked: its '}' would then be reported as a second, made-up error.
    """
    text = source.text
    found: list[Diagnostic] = []
    while len(found) < MAX_SYNTAX_ERRORS:
        try:
            grammar_parser().parse(text + "\n", start="start")
            return found
        except UnexpectedInput as err:
            diagnostic = syntax_diagnostic(source, err)
            found.append(diagnostic)
            line = source.line_text(diagnostic.span.line)
            at_end = isinstance(err, UnexpectedToken) and err.token.type == "$END"
            if at_end or "{" in line or "}" in line:
                return found
            lines = text.split("\n")
            lines[diagnostic.span.line - 1] = " " * len(lines[diagnostic.span.line - 1])
            text = "\n".join(lines)
    return found


def parse_cart_items(text: str) -> tuple[tuple[CartLine, ...], list[Diagnostic]]:
    """`"APPLE x 8, MILK x 2 price 6.80"` -> cart lines (for `promokit.testing.cart`)."""
    source = Source("<cart>", text)
    try:
        tree = grammar_parser().parse(text + "\n", start="cart_items")
    except UnexpectedInput as err:
        return (), [syntax_diagnostic(source, err)]
    lowering = _Lowering(source, Path("."), ())
    lines = tuple(lowering.cart_item(t) for t in subtrees(tree, "cart_item"))
    return lines, lowering.diagnostics


def parse_ledger_state(text: str) -> tuple[tuple[LedgerState, ...], list[Diagnostic]]:
    """Ledger state statements, one per line (for `promokit.testing.seed_ledger`)."""
    source = Source("<ledger state>", text)
    try:
        tree = grammar_parser().parse(text + "\n", start="ledger_state")
    except UnexpectedInput as err:
        return (), [syntax_diagnostic(source, err)]
    lowering = _Lowering(source, Path("."), ())
    states = tuple(lowering.ledger_state(t) for t in tree.children if isinstance(t, Tree))
    return states, lowering.diagnostics


# --------------------------------------------------------------------------- lowering


class _Lowering(ExpectationLowering):
    """Tree -> model. Collects diagnostics; never raises for bad input."""

    # ----------------------------------------------------------------- file

    def file(self, tree: Tree[Token]) -> TestFile:
        catalogues: dict[str, Catalogue] = {}
        cases: list[Case] = []
        defaults = Setup()
        rules: tuple[Named, ...] | None = None
        case_names: set[str] = set()
        for item in tree.children:
            if not isinstance(item, Tree):
                continue
            if item.data in ("catalogue_decl", "catalogue_import"):
                catalogue = self.catalogue(item)
                if catalogue is None:
                    continue
                if catalogue.name in catalogues:
                    self.error("T009", f"catalogue '{catalogue.name}' is declared twice", catalogue.span)
                catalogues[catalogue.name] = catalogue
            elif item.data == "rules_stmt":
                rules = self.rules(item)
            elif item.data == "defaults":
                defaults = self.setup(item, [])
                if defaults.lines or defaults.state:
                    self.error(
                        "T006",
                        "defaults may not hold cart lines or ledger state",
                        self.span(item),
                        "put them in each case",
                    )
            elif item.data == "case":
                name_token = tokens(item)[1]
                name = unquote(name_token)
                if name in case_names:
                    self.error(
                        "T009",
                        f"two cases are named {name!r}",
                        self.span(name_token),
                        "case names identify failures; make them unique",
                    )
                case_names.add(name)
                expectations: list[Expectation] = []
                setup = self.setup(item, expectations)
                cases.append(Case(name, setup, tuple(expectations), self.span(name_token)))
        test_file = TestFile(self.source.name, self.source, catalogues, tuple(cases), defaults, rules)
        for case in test_file.cases:
            self.diagnostics.extend(check_case(test_file, case))
        return test_file

    def rules(self, tree: Tree[Token]) -> tuple[Named, ...]:
        return tuple(Named(unquote(t), self.span(t)) for t in tokens(tree) if t.type == "STRING")

    # ----------------------------------------------------------------- catalogues

    def catalogue(self, tree: Tree[Token]) -> Catalogue | None:
        name = self.named(next(subtrees(tree, "name")))
        if tree.data == "catalogue_import":
            return self.import_catalogue(name, tokens(tree)[-1])
        products: dict[str, Product] = {}
        for entry in subtrees(tree, "entry"):
            product = self.product(entry)
            if product.sku.text in products:
                self.error(
                    "T009",
                    f"sku '{product.sku.text}' appears twice in catalogue '{name.text}'",
                    product.sku.span,
                )
            products[product.sku.text] = product
        return Catalogue(name.text, products, name.span)

    def import_catalogue(self, name: Named, path_token: Token) -> Catalogue | None:
        rel = unquote(path_token)
        path = (self.base_dir / rel).resolve()
        span = self.span(path_token)
        if path in self.importing:
            self.error("T008", f"catalogue import cycle through '{rel}'", span)
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.error(
                "T008",
                f"cannot read catalogue file '{rel}': {_os_reason(exc)}",
                span,
                "paths are relative to the directory of this test file",
            )
            return None
        other, diags = _parse(
            text, str(Path(self.source.name).parent / rel), path.parent, (*self.importing, path)
        )
        self.diagnostics.extend(diags)
        if other is None:
            return None
        found = other.catalogues.get(name.text)
        if found is None:
            self.error(
                "T005",
                f"'{rel}' has no catalogue '{name.text}'",
                name.span,
                did_you_mean(name.text, other.catalogues)
                or f"it declares: {', '.join(sorted(other.catalogues)) or 'no catalogues'}",
            )
            return None
        return found

    def product(self, tree: Tree[Token]) -> Product:
        sku = self.named(next(subtrees(tree, "sku")))
        price: Decimal | None = None
        points: int | None = None
        tax_rate: Decimal | None = None
        category = brand = None
        tags: list[str] = []
        attrs: list[tuple[str, AttributeValue]] = []
        for attr in tree.children:
            if not isinstance(attr, Tree) or attr.data == "sku":
                continue
            values = [c for c in attr.children if isinstance(c, Tree)]
            toks = tokens(attr)
            if attr.data == "price_attr":
                price = self.number(toks[1])
            elif attr.data == "points_attr":
                points = self.whole(toks[1], "a points price")
            elif attr.data == "tax_attr":
                tax_rate = self.number(toks[1])
            elif attr.data == "category_attr":
                category = self.value(values[0])
            elif attr.data == "brand_attr":
                brand = self.value(values[0])
            elif attr.data in ("tag_attr", "tags_attr"):
                tags.extend(self.value(v) for v in values)
            elif attr.data == "attr_attr":
                attrs.append((self.value(values[0]), self.attr_value(values[1])))
        return Product(
            sku, price, category, brand, tuple(tags), tuple(attrs), self.span(tree), points, tax_rate
        )

    # ----------------------------------------------------------------- setup and cases

    def setup(self, tree: Tree[Token], expectations: list[Expectation]) -> Setup:
        s = Setup()
        customer = CustomerSpec()
        lines: list[CartLine] = []
        state: list[LedgerState] = []
        for stmt in tree.children:
            if not isinstance(stmt, Tree):
                continue
            kind = stmt.data
            toks = tokens(stmt)
            if kind == "rules_stmt":
                s = replace(s, rules=self.rules(stmt))
            elif kind == "use_stmt":
                s = replace(s, catalogues=tuple(self.named(n) for n in subtrees(stmt, "name")))
            elif kind == "at_stmt":
                s = replace(s, at=self.instant(next(subtrees(stmt, "instant"))))
            elif kind == "customer_stmt":
                customer = self.customer(stmt, customer)
            elif kind == "cart_stmt":
                lines.extend(self.cart_item(t) for t in subtrees(stmt, "cart_item"))
            elif kind == "shipping_stmt":
                items = list(subtrees(stmt, "ship_item"))
                s = replace(s, shipping=tuple(map(self.ship_item, items)) if items else self.number(toks[1]))
                if not items and len(toks) > 3:  # `shipping 10 tax 0.09`
                    s = replace(s, shipping_tax_rate=self.number(toks[3]))
            elif kind == "coupons_stmt":
                s = replace(
                    s, coupons=(s.coupons or ()) + tuple(self.value(v) for v in subtrees(stmt, "value"))
                )
            elif kind == "channel_stmt":
                s = replace(s, channel=self.value(next(subtrees(stmt, "value"))))
            elif kind == "group_stmt":
                gid = next((self.value(v) for v in subtrees(stmt, "value")), None)
                s = replace(s, group=(gid, self.whole(toks[-1], "group size")))
            elif kind == "redeem_stmt":
                s = replace(s, redeem_points=self.whole(toks[1], "points to redeem"))
            elif kind == "currency_stmt":
                s = replace(s, currency=str(toks[1]))
            elif kind in _STATE_KINDS:
                state.append(self.ledger_state(stmt))
            elif kind == "expect_stmt":
                expectations.extend(self.expectations(next(c for c in stmt.children if isinstance(c, Tree))))
        return replace(s, customer=customer, lines=tuple(lines), state=tuple(state))

    def ship_item(self, tree: Tree[Token]) -> ShipmentSpec:
        method = self.named(next(subtrees(tree, "name")))
        numbers = [self.number(t) for t in tokens(tree) if t.type == "NUMBER"]
        given = next((self.value(v) for v in subtrees(tree, "value")), None)
        rate = numbers[1] if len(numbers) > 1 else Decimal(0)  # `express 20 tax 0.09`
        return ShipmentSpec(method, numbers[0], given, self.span(tree), rate)

    def instant(self, tree: Tree[Token]) -> Instant | None:
        toks = tokens(tree)
        span = self.span(tree)
        zone_tree = next(subtrees(tree, "zone"), None)
        zone = self.value(zone_tree) if zone_tree is not None else None
        if toks[0].type == "DATETIME":
            m = re.fullmatch(r"(.{10})T([\d:]+)(.*)", str(toks[0]))
            assert m is not None  # the DATETIME terminal guarantees the shape
            date_text, time_text, zone_text = m.groups()
            zone = zone_text or None
        else:
            date_text = str(toks[0])
            time_text = str(toks[1]) if len(toks) > 1 and toks[1].type == "TIME" else "00:00"
        try:
            date = dt.date.fromisoformat(date_text)
            time = dt.time.fromisoformat(time_text.zfill(5) if len(time_text) <= 5 else time_text.zfill(8))
        except ValueError:
            self.error(
                "T006",
                "not a valid date and time",
                span,
                "write e.g. `at 2026-10-02 10:00 Asia/Shanghai` or `at 2026-10-02T10:00+08:00`",
            )
            return None
        if zone is not None and resolve_zone(zone) is None:
            self.error(
                "T006",
                f"unknown time zone '{zone}'",
                self.span(zone_tree) if zone_tree else span,
                "use an IANA name such as Asia/Shanghai or an offset such as +08:00",
            )
            return None
        return Instant(date, time, zone, span)

    def customer(self, tree: Tree[Token], c: CustomerSpec) -> CustomerSpec:
        for f in subtrees_any(tree):
            toks = tokens(f)
            values = [self.value(v) for v in subtrees(f, "value")]
            if f.data == "c_id":
                c = replace(c, id=values[0])
            elif f.data == "c_level":
                c = replace(c, level=self.whole(toks[1], "level"))
            elif f.data == "c_segments":
                c = replace(c, segments=tuple(values))
            elif f.data == "c_tags":
                c = replace(c, tags=tuple(values))
            elif f.data == "c_region":
                c = replace(c, region=values[0])
            elif f.data == "c_orders":
                c = replace(c, orders=self.whole(toks[1], "orders"))
            elif f.data == "c_spent":
                c = replace(c, total_spent=self.number(toks[1]))
            elif f.data == "c_points":
                c = replace(c, points=self.whole(toks[1], "points"))
            elif f.data == "c_registered":
                c = replace(c, registered_at=self.date(toks[1]))
            elif f.data == "c_new":
                c = replace(c, orders=0)
            elif f.data == "c_invited_by":
                c = replace(c, invited_by=values[0])
            elif f.data == "c_attr":
                avalue = next(subtrees(f, "avalue"))
                c = replace(c, attributes=(*c.attributes, (values[0], self.attr_value(avalue))))
        return c

    def cart_item(self, tree: Tree[Token]) -> CartLine:
        product = self.product(tree)
        toks = tokens(tree)
        quantity = self.whole(toks[1], "quantity") if len(toks) > 1 and toks[0].type == "X" else 1
        if quantity < 0:  # 0 is a line set to zero before removal: kept, priced at zero (issue 12)
            self.error("T006", "quantity cannot be negative", self.span(toks[1]))
        line_id = None
        for attr in subtrees(tree, "id_attr"):
            line_id = self.value(next(subtrees(attr, "value")))
        return CartLine(product, quantity, line_id, self.span(tree))

    def ledger_state(self, tree: Tree[Token]) -> LedgerState:
        toks = tokens(tree)
        promo = self.named(next(subtrees(tree, "name"))) if tree.data != "code_used" else None
        today = any(t.type == "TODAY" for t in toks)
        numbers = [t for t in toks if t.type == "NUMBER"]
        kind: StateKind
        if tree.data == "code_used":
            return LedgerState("code_used", None, Decimal(1), False, unquote(toks[1]), self.span(tree))
        if tree.data == "budget_state":
            kind = "budget_used" if any(t.type == "USED" for t in toks) else "budget_left"
            return LedgerState(kind, promo, self.number(numbers[0]), today, None, self.span(tree))
        kind = _STATE_KINDS[tree.data]
        amount = Decimal(self.whole(numbers[0], "a count"))
        return LedgerState(kind, promo, amount, today, None, self.span(tree))


_STATE_KINDS: dict[str, StateKind] = {
    "customer_used": "customer_uses",
    "customer_bought": "customer_units",
    "total_used": "total_uses",
    "stock_left": "stock_left",
    "budget_state": "budget_used",
    "code_used": "code_used",
}


__all__ = ["REASONS", "parse_cart_items", "parse_ledger_state", "parse_path", "parse_text", "resolve_zone"]
