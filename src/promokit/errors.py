"""The root of every error promokit raises.

    ValueError
     └── PromokitError
          ├── RuleError        rule files have errors (.diagnostics)      language/diagnostics.py
          ├── RequestError     a request that does not fit the rules (another currency, ...)
          │    └── UnknownEvent     an event no points rule knows             checkout/awards.py
          ├── LedgerError      a ledger (or a rules archive) cannot be used ledgers/base.py
          │    ├── LedgerConflict   same order id, different content
          │    │    └── CartChanged   a retry with another cart           checkout/retry.py
          │    └── PointsError      bad points input                     ledgers/points_policy.py
          │         └── InsufficientPoints   more points than the account has
          ├── VersionMismatch  a refund given rules of another version      checkout/refunds.py
          └── VersionNotFound  a rules version the archive does not hold    archive.py

Request *validation* (a malformed cart) raises pydantic's `ValidationError`, also a `ValueError`,
which names the field path of every problem.
"""

from __future__ import annotations

__all__ = ["PromokitError", "RequestError"]


class PromokitError(ValueError):
    """Base of promokit's user-facing errors."""


class RequestError(PromokitError):
    """A well-formed request that these rules cannot price or use (e.g. another currency)."""
