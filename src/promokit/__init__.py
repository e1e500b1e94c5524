"""promokit: promotion rules as code.

    import promokit
    rules = promokit.load("rules/")                      # a .promo file or a directory
    result = rules.price(request)                        # CheckoutRequest -> PricingResult
    ledger = promokit.open_ledger("sqlite:///ledger.db")
    r = promokit.reserve(rules, request, rules.price(request, ledger=ledger),
                         order_id="A-1001", ledger=ledger)
    ledger.commit("A-1001")                              # after payment
    back = promokit.refund(result, {"l1": 1}, rules=rules)   # a partial return

Public names are exactly `__all__`; every other module is internal and may change.
The ledger side of refunds and the pass-throughs live in `promokit.checkout`.

Error tree::

    ValueError
     └── PromokitError
          ├── RuleError        rule files have errors (.diagnostics)
          └── LedgerError      a ledger cannot be opened or used
               └── LedgerConflict   same order id, different content
"""

from __future__ import annotations

from .checkout import Reservation, reserve
from .diagnostics import Diagnostic, PromokitError, RuleError
from .engine import RuleSet
from .ledgers import open_ledger
from .ledgers.base import Claim, Ledger, LedgerConflict, LedgerError
from .loader import load, loads
from .models import CheckoutRequest, Customer, Group, Line, PricingResult
from .refunds import RefundResult, refund

__version__ = "0.1.0"

__all__ = [
    "CheckoutRequest",
    "Claim",
    "Customer",
    "Diagnostic",
    "Group",
    "Ledger",
    "LedgerConflict",
    "LedgerError",
    "Line",
    "PricingResult",
    "PromokitError",
    "RefundResult",
    "Reservation",
    "RuleError",
    "RuleSet",
    "__version__",
    "load",
    "loads",
    "open_ledger",
    "refund",
    "reserve",
]
