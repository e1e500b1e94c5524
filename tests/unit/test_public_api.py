from __future__ import annotations

import promokit


def test_all_is_sorted_and_exactly_the_public_names() -> None:
    assert promokit.__all__ == sorted(promokit.__all__)
    public = {
        name
        for name in vars(promokit)
        if not name.startswith("_")
        and name != "annotations"  # the __future__ import
        and not isinstance(getattr(promokit, name), type(promokit))
    }
    assert public | {"__version__"} == set(promokit.__all__)


def test_load_and_loads_give_the_same_rule_set_version() -> None:
    text = 'promotion p "t" {\n  满100减20\n}\n'
    assert promokit.loads(text).version == promokit.loads(text, name="other.promo").version


def test_errors_subclass_value_error() -> None:
    assert issubclass(promokit.RuleError, ValueError)
    assert issubclass(promokit.LedgerConflict, promokit.LedgerError)
