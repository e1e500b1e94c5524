"""Every bad input a clear error, never a traceback (issue 15, items 8 and 9).

Each case here once escaped as a raw exception (RecursionError, InvalidOperation,
UnicodeEncodeError, OverflowError) or passed `check` and failed at price or reserve time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from promokit.check import report as report_module
from promokit.language import diagnostics
from promokit.language.diagnostics import RuleError
from promokit.loader import loads
from promokit.models import CheckoutRequest

ROOT = Path(__file__).resolve().parents[2]


def request(**extra: object) -> CheckoutRequest:
    return CheckoutRequest.model_validate(
        {
            "at": "2026-10-02T10:00:00+08:00",
            "customer": {"id": "c1", "level": 5},
            "lines": [{"id": "l1", "sku": "A", "unit_price": "10.00", "quantity": 1}],
            **extra,
        }
    )


def codes_of(text: str) -> list[str]:
    with pytest.raises(RuleError) as err:
        loads(text, name="hostile.promo")
    return [d.code for d in err.value.diagnostics]


def chain(depth: int) -> str:
    lines = ["segment s0 = level >= 1"]
    lines += [f"segment s{i} = s{i - 1}" for i in range(1, depth)]
    return "\n".join(lines) + f'\npromotion a "A" {{\n  for s{depth - 1}\n  9折\n}}\n'


def test_a_500_deep_segment_chain_is_an_error_not_a_recursion_error() -> None:
    assert codes_of(chain(500)) == ["E016"]


def test_a_50_deep_segment_chain_still_loads_and_prices() -> None:
    rules = loads(chain(50), name="ok.promo")
    assert str(rules.price(request()).total) == "9.00"


def test_a_deep_scope_chain_is_an_error() -> None:
    scopes = ['scope c0 = category "fruit"'] + [f"scope c{i} = c{i - 1}" for i in range(1, 200)]
    text = "\n".join(scopes) + '\npromotion a "A" {\n  on c199\n  9折\n}\n'
    assert codes_of(text) == ["E016"]


@pytest.mark.parametrize(
    "body",
    [
        "满" + "9" * 33 + "减1",
        "每满" + "9" * 33 + "减1",
        "特价 " + "9" * 30 + ".00",
        "9折\n  budget " + "9" * 33,
    ],
)
def test_numbers_beyond_decimal_precision_are_check_errors(body: str) -> None:
    """33-digit amounts passed check, then raised decimal.InvalidOperation at price time."""
    assert "E057" in codes_of(f'promotion a "A" {{\n  {body}\n}}\n')


def test_capacities_beyond_what_ledgers_count_are_check_errors() -> None:
    assert codes_of(f'promotion a "A" {{\n  9折\n  stock {2**60}\n}}\n') == ["E057"]


@pytest.mark.parametrize("window", ["2026-01-01 to 9999-12-31", "0001-01-01 to 2026-01-01"])
def test_windows_at_the_ends_of_the_calendar_are_check_errors(window: str) -> None:
    """`during ... 9999-12-31` made `check` itself raise OverflowError."""
    assert codes_of(f'promotion a "A" {{\n  during {window}\n  9折\n}}\n') == ["E044"]


def test_a_surrogate_escape_is_a_syntax_error() -> None:
    """`"\\u{D800}"` became a string no UTF-8 output could hold (UnicodeEncodeError)."""
    assert codes_of('promotion a "A\\u{D800}" {\n  9折\n}\n') == ["S023"]


def test_did_you_mean_searches_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 unknown names among 5,000 took 124 s: the searches are counted, not timed."""
    searches = 0
    real = diagnostics.did_you_mean

    def counting(name: str, candidates: object) -> str | None:
        nonlocal searches
        searches += 1
        return real(name, candidates)  # type: ignore[arg-type]

    monkeypatch.setattr(report_module, "did_you_mean", counting)
    n = 600
    segments = "\n".join(f"segment seg{i} = level >= {i % 7}" for i in range(n))
    promos = "\n".join(f'promotion p{i} "P" {{\n  for nope{i}\n  9折\n}}' for i in range(n))
    codes = codes_of(segments + "\n" + promos + "\n")
    assert codes.count("E010") == n
    assert searches == report_module.MAX_SUGGESTIONS


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-10:00", "9999-12-31T23:59:59-10:00"]
)
def test_instants_at_the_edges_of_the_calendar_are_validation_errors(at: str) -> None:
    with pytest.raises(ValueError, match="at must be between"):
        request(at=at)


@pytest.mark.parametrize("text", ["１２", "٣", "1_000", " 12.50 ", "1e3", "12.", ".5", "0x10", "9" * 41])
def test_money_is_parsed_strictly(text: str) -> None:
    with pytest.raises(ValueError, match="not a decimal number"):
        CheckoutRequest.model_validate(
            {
                "at": "2026-10-02T10:00:00+08:00",
                "lines": [{"id": "l", "sku": "s", "unit_price": text, "quantity": 1}],
            }
        )


@pytest.mark.parametrize("quantity", [True, "3", 3.0])
def test_quantities_are_json_integers(quantity: object) -> None:
    with pytest.raises(ValueError, match="quantity"):
        CheckoutRequest.model_validate(
            {
                "at": "2026-10-02T10:00:00+08:00",
                "lines": [{"id": "l", "sku": "s", "unit_price": "1", "quantity": quantity}],
            }
        )


def test_shipping_with_too_many_decimals_is_refused_like_a_price() -> None:
    with pytest.raises(ValueError, match="shipping 5.123 has more decimals"):
        request(shipping="5.123")
    assert str(request(shipping="5.12").shipping) == "5.12"


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_request_json_is_an_input_error_in_the_cli(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"at":' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "promokit", "price", str(ROOT / "examples" / "fresh-market"), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "nested too deeply" in proc.stderr and "Traceback" not in proc.stderr


def test_a_request_file_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps({"at": "2026-10-02T10:00:00+08:00"}).encode() + b"\xff")
    proc = subprocess.run(
        [sys.executable, "-m", "promokit", "price", str(ROOT / "examples" / "fresh-market"), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "not UTF-8" in proc.stderr and "Traceback" not in proc.stderr
