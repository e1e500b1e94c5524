"""Program clauses of a promotion: A/B variants and invite rewards (docs/programs.md); re-exported by ast.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .nodes import Node, Notation


@dataclass(frozen=True, slots=True)
class Variant(Node):
    """`experiment tiers-test variant A 50%` / `实验 tiers-test 分组 A 50%` (docs/programs.md#ab-variants).

    The promotion applies only to customers bucketed into variant `name` of `experiment`;
    `weight` is the variant's share in percent (the variants of an experiment sum to 100).
    """

    experiment: str
    name: str
    weight: Decimal
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class InviteReward(Node):
    """`invite reward 500 points` | `invite reward 10 credit` | `invite reward coupon "INV-*"`
    (邀请奖励 500积分 / 10元 / 券 "INV-*"): what the inviter earns (docs/programs.md#invite-rewards).

    `kind` is "points", "credit" (money) or "coupon" (a code issued from `pattern`, `*` replaced).
    """

    kind: str
    amount: Decimal | None = None
    pattern: str | None = None
    notation: Notation = Notation.EN


@dataclass(frozen=True, slots=True)
class InviteLimit(Node):
    """`invite limit 3 per inviter [per day]` / `每位邀请人[每天]限3次`: rewards an inviter may earn."""

    count: int
    per_day: bool = False
    notation: Notation = Notation.EN
