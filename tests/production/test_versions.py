"""Versioned rules: an archive (directory or SQLite), `load_version`, refunds that check the version."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import promokit
from promokit import checkout
from promokit.archive import versions
from promokit.cli.main import main
from promokit.models import CheckoutRequest

V1 = """
currency CNY
promotion tiers "满减" {
  on category "fruit"
  满100减20
}
"""
V2 = V1.replace("满100减20", "满100减40")

REQUEST = CheckoutRequest.model_validate(
    {
        "at": "2026-11-22T10:00:00+08:00",
        "customer": {"id": "c1"},
        "lines": [
            {"id": "l1", "sku": "APPLE", "category": "fruit", "unit_price": "60.00", "quantity": 1},
            {"id": "l2", "sku": "PEAR", "category": "fruit", "unit_price": "60.00", "quantity": 1},
        ],
    }
)


def archives(tmp_path: Path) -> list[str]:
    return [str(tmp_path / "archive"), f"sqlite:///{tmp_path / 'ledger.db'}"]


@pytest.fixture(params=["directory", "sqlite"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return archives(tmp_path)[0 if request.param == "directory" else 1]


def test_each_version_is_stored_once_and_listed(tmp_path: Path, archive: str) -> None:
    rules_file = tmp_path / "shop.promo"
    rules_file.write_text(V1, encoding="utf-8")
    v1 = promokit.load(rules_file, archive=archive).version
    promokit.load(rules_file, archive=archive)
    rules_file.write_text("# a comment changes no meaning\n" + V1, encoding="utf-8")
    assert promokit.load(rules_file, archive=archive).version == v1
    assert [v.version for v in versions(archive)] == [v1]
    rules_file.write_text(V2, encoding="utf-8")
    v2 = promokit.load(rules_file, archive=archive).version
    listed = versions(archive)
    assert [v.version for v in listed] == [v1, v2] and [v.files for v in listed] == [1, 1]
    back = promokit.load_version(v1, archive=archive)
    assert back.version == v1 and back.price(REQUEST).discount == Decimal("20.00")


def test_the_versions_command_lists_an_archive(
    tmp_path: Path, archive: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rules_file = tmp_path / "shop.promo"
    rules_file.write_text(V1, encoding="utf-8")
    version = promokit.load(rules_file, archive=archive).version
    assert main(["versions", archive]) == 0
    out = capsys.readouterr().out
    assert out.startswith(version) and "1 file(s)" in out
    assert main(["versions", str(tmp_path / "nowhere")]) == 2
    assert "no rules archive there" in capsys.readouterr().err


def test_a_refund_with_the_wrong_version_is_refused_and_the_archived_one_refunds(
    tmp_path: Path, archive: str
) -> None:
    rules_file = tmp_path / "shop.promo"
    rules_file.write_text(V1, encoding="utf-8")
    old = promokit.load(rules_file, archive=archive)
    result = old.price(REQUEST)
    expected = promokit.refund(result, {"l1": 1}, rules=old)
    rules_file.write_text(V2, encoding="utf-8")  # the operator edits the rules
    edited = promokit.load(rules_file, archive=archive)
    with pytest.raises(promokit.VersionMismatch, match=r"promokit.load_version\('" + result.rules_version):
        promokit.refund(result, {"l1": 1}, rules=edited)
    ledger = promokit.open_ledger("memory://")
    with pytest.raises(promokit.VersionMismatch):
        checkout.refund(edited, result, {"l1": 1}, order_id="o", refund_id="r", ledger=ledger)
    archived = promokit.load_version(result.rules_version, archive=archive)
    back = promokit.refund(result, {"l1": 1}, rules=archived)
    # the apple paid 50.00; the kept pear (60) reaches no tier, so its ¥10 share is clawed back
    assert back == expected and back.refund == Decimal("40.00")
    assert promokit.refund(result, {"l1": 1}).refund == Decimal("50.00")  # no rules: no clawback


def test_unknown_versions_and_unreachable_archives_are_clear_errors(tmp_path: Path) -> None:
    directory, sqlite = archives(tmp_path)
    promokit.load(_file(tmp_path), archive=directory)
    with pytest.raises(promokit.VersionNotFound, match="no rules version 'abcdef0123456789'"):
        promokit.load_version("abcdef0123456789", archive=directory)
    with pytest.raises(promokit.VersionNotFound, match="not a rules version"):
        promokit.load_version("../../etc/passwd", archive=directory)
    with pytest.raises(promokit.LedgerError, match="no rules archive there"):
        promokit.load_version("abcdef0123456789", archive=sqlite)
    missing_dir = f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}"
    with pytest.raises(promokit.LedgerError, match=r"sqlite:///.*x\.db: cannot open the rules archive"):
        promokit.load(_file(tmp_path), archive=missing_dir)
    with pytest.raises(promokit.LedgerError, match="ftp://h/x: a rules archive is a directory"):
        promokit.load(_file(tmp_path), archive="ftp://user:secret@h/x")
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    with pytest.raises(promokit.LedgerError, match="cannot open the rules archive"):
        promokit.load(_file(tmp_path), archive=str(tmp_path / "plain"))


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "shop.promo"
    path.write_text(V1, encoding="utf-8")
    return path
