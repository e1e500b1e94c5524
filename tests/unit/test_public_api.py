"""The public face: the public modules, each with a pinned, sorted `__all__`."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

import promokit

#: The public modules and exactly what each exports. A change here is an API change.
PUBLIC = {
    "promokit": [
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
    ],
    "promokit.models": [
        "Adjustment",
        "Applied",
        "AttributeValue",
        "CheckoutRequest",
        "Customer",
        "Gift",
        "Group",
        "Hint",
        "Line",
        "LineResult",
        "Money",
        "NotApplied",
        "PointsExpiry",
        "PricingResult",
        "Reason",
        "ShippingLine",
        "ShippingLineResult",
        "TaxByRate",
        "TaxSummary",
    ],
    "promokit.checkout": [
        "Award",
        "CartChanged",
        "Granted",
        "InviteError",
        "InviteReservation",
        "IssuedCoupon",
        "NotGranted",
        "PointsTerms",
        "Reservation",
        "UnknownEvent",
        "acommit",
        "aprice",
        "arefund",
        "arelease",
        "areserve",
        "award",
        "claims_for",
        "claw_back_invite",
        "commit",
        "commit_invite",
        "exchange",
        "refund",
        "release",
        "release_invite",
        "reserve",
        "reserve_invite",
        "returns_for",
    ],
    "promokit.ledgers": [
        "AsyncLedger",
        "Balance",
        "CampaignStats",
        "Claim",
        "ExpiryPolicy",
        "InsufficientPoints",
        "InviteRewards",
        "Ledger",
        "LedgerConflict",
        "LedgerError",
        "Movement",
        "OrderState",
        "PointsAccount",
        "PointsBook",
        "PointsError",
        "PointsEvent",
        "PointsLot",
        "PointsOrder",
        "PromotionStats",
        "ReserveOutcome",
        "Status",
        "UnknownPromotion",
        "campaign_stats",
        "invite_rewards",
        "open_async_ledger",
        "open_ledger",
        "stats",
    ],
    "promokit.testing": [
        "assert_applied",
        "assert_not_applied",
        "assert_price",
        "cart",
        "load_catalogue",
        "seed_ledger",
    ],
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_each_public_module_exports_exactly_its_pinned_names(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__ == sorted(module.__all__)
    assert module.__all__ == PUBLIC[name]
    for attr in module.__all__:
        assert getattr(module, attr) is not None


def test_the_package_face_shows_nothing_public_beyond_all() -> None:
    for name in promokit.__all__:
        getattr(promokit, name)  # resolves every lazy name
    helpers = {"annotations", "importlib", "TYPE_CHECKING", "Any"}  # imports the face itself needs
    public = {
        name
        for name in vars(promokit)
        if not name.startswith("_")
        and name not in helpers
        and not isinstance(getattr(promokit, name), type(promokit))
    }
    assert public | {"__version__"} == set(promokit.__all__)
    assert set(dir(promokit)) >= set(promokit.__all__)


def test_every_type_a_public_function_returns_is_exported() -> None:
    assert promokit.RuleSet.explain.__annotations__["return"] in ("Explanation", promokit.Explanation)
    assert promokit.refund.__annotations__["return"] in ("RefundResult", promokit.RefundResult)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        promokit.nope  # noqa: B018


def test_importing_the_package_loads_neither_the_engine_nor_lark_nor_pydantic() -> None:
    code = (
        "import sys, promokit; "
        "print(sorted(m for m in ('lark', 'pydantic', 'promokit.engine.ruleset') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_load_and_loads_give_the_same_rule_set_version() -> None:
    text = 'promotion p "t" {\n  满100减20\n}\n'
    assert promokit.loads(text).version == promokit.loads(text, name="other.promo").version


def test_errors_subclass_value_error() -> None:
    assert issubclass(promokit.RuleError, ValueError)
    assert issubclass(promokit.LedgerConflict, promokit.LedgerError)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_class_and_function_has_a_docstring(name: str) -> None:
    module = importlib.import_module(name)
    missing = []
    for attr in module.__all__:
        obj = getattr(module, attr)
        if not (isinstance(obj, type) or inspect.isfunction(obj)):
            continue  # type aliases and constants
        if not (obj.__doc__ or "").strip():
            missing.append(attr)
        if isinstance(obj, type):
            for key, value in vars(obj).items():
                if (
                    not key.startswith("_")
                    and inspect.isfunction(value)
                    and not (value.__doc__ or "").strip()
                ):
                    missing.append(f"{attr}.{key}")
    assert missing == []
