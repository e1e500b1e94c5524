"""promokit: promotion rules as code.

    import promokit
    rules = promokit.load("rules/")                      # a .promo file or a directory
    result = rules.price(request)                        # CheckoutRequest -> PricingResult
    ledger = promokit.open_ledger("sqlite:///ledger.db")
    r = promokit.reserve(rules, request, rules.price(request, ledger=ledger),
                         order_id="A-1001", ledger=ledger)
    ledger.commit("A-1001")                              # after payment
    back = promokit.refund(result, {"l1": 1}, rules=rules)   # a partial return
    live = promokit.watch("rules/", interval=1.0)          # rules that follow their files

Public names are exactly `__all__`. The public modules are `promokit`, `promokit.models`,
`promokit.checkout`, `promokit.ledgers` and `promokit.testing`; every other module is internal and may change
(docs/architecture.md draws the package map).

`import promokit` is cheap: each public name is imported from its module the first time it
is used (PEP 562 `__getattr__`), so a command that never prices never loads the engine.

The error tree is drawn in `promokit.errors`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .archive import VersionNotFound, load_version
    from .checkout.refunds import RefundResult, VersionMismatch, refund
    from .checkout.reserve import Reservation, reserve
    from .checkout.retry import CartChanged
    from .engine.display import DisplayItem, DisplayPrice
    from .engine.ruleset import Explanation, RuleSet
    from .errors import PromokitError, RequestError
    from .language.diagnostics import Diagnostic, RuleError
    from .ledgers import open_ledger
    from .ledgers.aio import AsyncLedger, open_async_ledger
    from .ledgers.base import Claim, Ledger, LedgerConflict, LedgerError
    from .live import LiveRules, watch
    from .loader import load, loads
    from .models import CheckoutRequest, Customer, Group, Line, PricingResult, ShippingLine

#: public name -> the module that defines it
_WHERE = {
    "AsyncLedger": "promokit.ledgers.aio",
    "open_async_ledger": "promokit.ledgers.aio",
    "CartChanged": "promokit.checkout.retry",
    "LiveRules": "promokit.live",
    "VersionMismatch": "promokit.checkout.refunds",
    "VersionNotFound": "promokit.archive",
    "load_version": "promokit.archive",
    "watch": "promokit.live",
    "CheckoutRequest": "promokit.models",
    "Claim": "promokit.ledgers.base",
    "Customer": "promokit.models",
    "Diagnostic": "promokit.language.diagnostics",
    "DisplayItem": "promokit.engine.display",
    "DisplayPrice": "promokit.engine.display",
    "Explanation": "promokit.engine.ruleset",
    "Group": "promokit.models",
    "Ledger": "promokit.ledgers.base",
    "LedgerConflict": "promokit.ledgers.base",
    "LedgerError": "promokit.ledgers.base",
    "Line": "promokit.models",
    "PricingResult": "promokit.models",
    "PromokitError": "promokit.errors",
    "RefundResult": "promokit.checkout.refunds",
    "RequestError": "promokit.errors",
    "Reservation": "promokit.checkout.reserve",
    "RuleError": "promokit.language.diagnostics",
    "RuleSet": "promokit.engine.ruleset",
    "ShippingLine": "promokit.models",
    "load": "promokit.loader",
    "loads": "promokit.loader",
    "open_ledger": "promokit.ledgers",
    "refund": "promokit.checkout.refunds",
    "reserve": "promokit.checkout.reserve",
}

__all__ = [
    "AsyncLedger",
    "CartChanged",
    "CheckoutRequest",
    "Claim",
    "Customer",
    "Diagnostic",
    "DisplayItem",
    "DisplayPrice",
    "Explanation",
    "Group",
    "Ledger",
    "LedgerConflict",
    "LedgerError",
    "Line",
    "LiveRules",
    "PricingResult",
    "PromokitError",
    "RefundResult",
    "RequestError",
    "Reservation",
    "RuleError",
    "RuleSet",
    "ShippingLine",
    "VersionMismatch",
    "VersionNotFound",
    "__version__",
    "load",
    "load_version",
    "loads",
    "open_async_ledger",
    "open_ledger",
    "refund",
    "reserve",
    "watch",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'promokit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
