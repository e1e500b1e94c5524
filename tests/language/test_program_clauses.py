"""Program clauses in the rule language: invite rewards and limits (parse, format, check)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from promokit.check.frontend import parse_text
from promokit.language.ast import Notation
from promokit.language.diagnostics import RuleError
from promokit.language.formatter import format_source
from promokit.language.source import Source

INVITES = """timezone Asia/Shanghai
promotion zh "邀请有礼" {
  for new customer
  满30减10
  邀请奖励 500积分
  每位邀请人每天限3次
  每位邀请人限20次
}

promotion en {
  spend 30 get 10 off
  invite reward coupon "INV-*"
  invite limit 2 per inviter per day
}

promotion money {
  spend 30 get 10 off
  invite reward 8.50 credit
}
"""


def test_both_notations_lower_to_the_same_nodes() -> None:
    zh, en, money = parse_text(INVITES, "i.promo").ast.promotions
    assert zh.invite is not None and (zh.invite.kind, zh.invite.amount) == ("points", Decimal(500))
    assert [(lim.count, lim.per_day) for lim in zh.invite_limits] == [(3, True), (20, False)]
    assert en.invite is not None and (en.invite.kind, en.invite.pattern) == ("coupon", "INV-*")
    assert [(lim.count, lim.per_day) for lim in en.invite_limits] == [(2, True)]
    assert money.invite is not None and (money.invite.kind, money.invite.amount) == (
        "credit",
        Decimal("8.50"),
    )


def test_the_formatter_keeps_each_clause_in_its_notation_and_is_stable() -> None:
    text, problems = format_source(Source("i.promo", INVITES))
    assert problems == [] and text is not None
    for line in (
        "邀请奖励 500积分",
        "每位邀请人每天限3次",
        "每位邀请人限20次",
        'invite reward coupon "INV-*"',
    ):
        assert f"  {line}\n" in text
    assert "  invite limit 2 per inviter per day\n" in text and "  invite reward 8.50 credit\n" in text
    assert format_source(Source("i.promo", text))[0] == text
    before = [(p.invite, p.invite_limits) for p in parse_text(INVITES).ast.promotions]
    after = [(p.invite, p.invite_limits) for p in parse_text(text).ast.promotions]
    assert [(i.kind, i.amount, i.pattern) for i, _ in after if i] == [
        (i.kind, i.amount, i.pattern) for i, _ in before if i
    ]


def test_a_forced_notation_rewrites_them() -> None:
    en, _ = format_source(Source("i.promo", INVITES), Notation.EN)
    assert en is not None and "invite reward 500 points" in en and "invite limit 3 per inviter per day" in en
    zh, _ = format_source(Source("i.promo", INVITES), Notation.ZH)
    assert zh is not None and '邀请奖励 券 "INV-*"' in zh and "每位邀请人每天限2次" in zh


@pytest.mark.parametrize(
    ("clause", "code", "words"),
    [
        ('invite reward coupon "INV"', "E103", "needs exactly one `*`"),
        ("invite reward 0.5 points", "E103", "whole number above 0"),
        ("invite reward 0 credit", "E103", "must be above 0"),
    ],
)
def test_bad_rewards(clause: str, code: str, words: str) -> None:
    text = f"promotion p {{\n  满30减10\n  {clause}\n}}\n"
    with pytest.raises(RuleError) as info:
        parse_text(text, "p.promo")
    (diag,) = info.value.diagnostics
    assert (diag.code, diag.span.line, diag.span.col) == (code, 3, 3) and words in diag.message


def test_bad_limits() -> None:
    text = "promotion p {\n  满30减10\n  invite limit 2 per inviter\n  invite limit 3 per inviter\n}\n"
    with pytest.raises(RuleError) as info:
        parse_text(text, "p.promo")
    codes = [(d.code, d.span.line) for d in info.value.diagnostics]
    assert ("E104", 3) in codes  # a limit without a reward
    assert ("E104", 4) in codes  # and repeated


def test_an_unfinished_reward_is_a_syntax_error_with_a_caret() -> None:
    with pytest.raises(RuleError) as info:
        parse_text("promotion p {\n  满30减10\n  invite reward 5\n}\n", "p.promo")
    (diag,) = info.value.diagnostics
    assert diag.code == "S001" and diag.span.line == 3 and "expected" in diag.message
