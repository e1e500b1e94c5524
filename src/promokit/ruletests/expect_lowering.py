"""`expect ...` lines -> `Expectation`s (the grammar's `e_*` rules, `ruletests/promotest.lark`)."""

from __future__ import annotations

from decimal import Decimal

from lark import Token, Tree

from .model import Expectation, LineField, Named
from .tree_lowering import TreeLowering, subtrees, tokens, unquote

__all__ = ["ExpectationLowering"]


class ExpectationLowering(TreeLowering):
    """Lowers one `expect` line; `parser._Lowering` calls it for every case."""

    def expectations(self, tree: Tree[Token]) -> list[Expectation]:
        """One `expect` line: `expect line L1 net 8.00 tax 1.60` is one expectation per field."""
        if tree.data != "e_line":
            return [self.expectation(tree)]
        sku = self.named(next(subtrees(tree, "sku")))
        fields = list(subtrees(tree, "line_field"))
        numbers = [t for t in tree.children if isinstance(t, Token) and t.type == "NUMBER"]
        return [
            Expectation("line", self.span(tree), self.number(n), sku, str(tokens(f)[0]))  # type: ignore[arg-type]
            for f, n in zip(fields, numbers, strict=True)
        ]

    def expectation(self, tree: Tree[Token]) -> Expectation:
        kind = tree.data[2:]  # e_total -> total
        span = self.span(tree)
        toks = tokens(tree)
        numbers = [t for t in toks if t.type == "NUMBER"]
        amount = self.number(numbers[-1]) if numbers else None
        names = [self.named(n) for n in subtrees(tree, "name")]
        if kind == "line":
            field = str(tokens(next(subtrees(tree, "line_field")))[0])
            sku = self.named(next(subtrees(tree, "sku")))
            lf: LineField = field  # type: ignore[assignment]  # the grammar allows only these words
            return Expectation("line", span, amount, sku, lf)
        if kind == "gift":
            sku = self.named(next(subtrees(tree, "sku")))
            qty = Decimal(self.whole(numbers[0], "gift quantity")) if numbers else None
            return Expectation("gift", span, qty, sku, by=names[0] if names else None)
        if kind == "not_applied":
            return Expectation(
                "not_applied",
                span,
                None,
                names[0],
                reason=names[1] if len(names) > 1 else None,
                by=names[2] if len(names) > 2 else None,
            )
        if kind == "code_not_applied":
            code_token = next(t for t in toks if t.type == "STRING")
            code = Named(unquote(code_token), self.span(code_token))
            return Expectation("code_not_applied", span, None, code, reason=names[0] if names else None)
        if kind == "hint":
            text = unquote(next(t for t in toks if t.type == "STRING"))
            return Expectation("hint", span, None, text=text, by=names[0] if names else None)
        if kind == "applied":
            return Expectation("applied", span, amount, names[0])
        if kind == "shipping_line":
            return Expectation("shipping_line", span, amount, names[0])
        if kind in ("points_earned", "points_redeemed", "points_priced") and amount is not None:
            self.whole(numbers[-1], "points")
        return Expectation(kind, span, amount)  # type: ignore[arg-type]  # kind comes from the grammar's aliases
