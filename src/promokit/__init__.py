"""promokit: promotion rules as code.

    import promokit
    rules = promokit.load("rules/")                  # .promo file or directory
    result = rules.price(request)                    # CheckoutRequest -> PricingResult

Public names are exactly `__all__`; everything else is internal.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, PromokitError, RuleError
from .ledgers.base import Claim, Ledger, LedgerConflict, LedgerError
from .models import CheckoutRequest, PricingResult

__version__ = "0.1.0"

__all__ = [
    "CheckoutRequest",
    "Claim",
    "Diagnostic",
    "Ledger",
    "LedgerConflict",
    "LedgerError",
    "PricingResult",
    "PromokitError",
    "RuleError",
    "__version__",
]
