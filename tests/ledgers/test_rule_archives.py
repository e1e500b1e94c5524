"""Rule versions kept next to a ledger: the Redis and PostgreSQL archives (real servers), and
the same round trip on SQLite, so all three ledger URLs work as `archive=`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import promokit
from promokit.archive import open_archive, versions
from promokit.cli.main import main

from .conftest import Store, make_store

V1 = 'currency CNY\npromotion p "满减" {\n  on category "fruit"\n  满100减20\n}\n'
V2 = V1.replace("满100减20", "满100减30")


@pytest.fixture(params=["sqlite", "redis", "postgres"])
def ledger_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store, cleanup = make_store(request.param, tmp_path)
    yield store
    if request.param == "redis":
        archive: Any = open_archive(store.url)
        archive._client.delete(archive.key)  # the test namespace's rules hash
        archive.close()
    cleanup()


def test_a_ledger_url_keeps_each_version_once_and_brings_it_back(
    ledger_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "shop.promo"
    path.write_text(V1, encoding="utf-8")
    first = promokit.load(path, archive=ledger_store.url)
    promokit.load(path, archive=ledger_store.url)  # stored once
    path.write_text(V2, encoding="utf-8")
    second = promokit.load(path, archive=ledger_store.url)
    assert [v.version for v in versions(ledger_store.url)] == [first.version, second.version]
    back = promokit.load_version(first.version, archive=ledger_store.url)
    assert back.version == first.version
    with pytest.raises(promokit.VersionNotFound):
        promokit.load_version("0123456789abcdef", archive=ledger_store.url)
    assert main(["versions", ledger_store.url]) == 0
    assert capsys.readouterr().out.count("1 file(s)") == 2
    # the ledger of the same URL still works next to its archive
    assert promokit.open_ledger(ledger_store.url).usage(["stock:x"]) == {"stock:x": 0}


def test_an_unreachable_ledger_archive_names_the_url_without_credentials(tmp_path: Path) -> None:
    path = tmp_path / "shop.promo"
    path.write_text(V1, encoding="utf-8")
    with pytest.raises(promokit.LedgerError, match=r"^redis://127.0.0.1:1/0: cannot reach the rules archive"):
        promokit.load(path, archive="redis://user:secret@127.0.0.1:1/0")
    with pytest.raises(promokit.LedgerError, match=r"^postgresql://127.0.0.1:1/none.*cannot connect"):
        promokit.load(path, archive="postgresql://user:secret@127.0.0.1:1/none")
