"""The shop's endpoints against a real PostgreSQL ledger: `python manage.py test` (in .ci/run).

Each run uses a schema of its own, dropped at the end. Without a reachable PostgreSQL the
tests skip saying so, and fail instead under PROMOKIT_REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unittest
import uuid
from decimal import Decimal
from io import StringIO
from pathlib import Path

import psycopg
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings

from . import rules

HERE = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("PROMOKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA = f"django_shop_{uuid.uuid4().hex[:10]}"
LEDGER_URL = f"{SERVER}?schema={SCHEMA}"
CART = json.loads((HERE / "requests" / "cart.json").read_text(encoding="utf-8"))


def _postgres_or_skip() -> None:
    try:
        psycopg.connect(SERVER, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("PROMOKIT_REQUIRE_SERVICES") == "1":
            raise AssertionError(f"PostgreSQL unreachable at {SERVER}: {exc}") from exc
        raise unittest.SkipTest(f"PostgreSQL unreachable at {SERVER}: {exc}") from exc


@override_settings(PROMOKIT_LEDGER_URL=LEDGER_URL)
class ShopTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        _postgres_or_skip()
        rules.reset_ledger()  # open the ledger on this run's schema

    @classmethod
    def tearDownClass(cls) -> None:
        rules.reset_ledger()
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        super().tearDownClass()

    def post(self, path: str, body: object) -> tuple[int, dict[str, object]]:
        response = self.client.post(path, json.dumps(body), content_type="application/json")
        return response.status_code, response.json()

    def test_1_the_management_command_creates_the_ledger_schema(self) -> None:
        out = StringIO()
        call_command("promokit_ledger_init", stdout=out)
        with psycopg.connect(SERVER) as conn:
            found = conn.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (SCHEMA,))
            assert found.fetchone() is not None, out.getvalue()
        call_command("promokit_ledger_init", stdout=StringIO())  # idempotent

    def test_2_price(self) -> None:
        status, body = self.post("/price", CART)
        assert status == 200, body
        # eggs 2 x 9.90 flash + rice 99.80 = 119.60, 满100减10 -> 109.60, + shipping 8.00
        assert body["total"] == "117.60", body
        assert {a["promotion"] for a in body["applied"]} == {"django-egg-flash", "django-store-tiers"}  # type: ignore[union-attr]

    def test_3_checkout_holds_stock_until_it_runs_out(self) -> None:
        status, first = self.post("/checkout", {"order_id": "A-1", "cart": CART})
        assert status == 200 and first["ok"] is True, first
        assert _flash_units(first) == 2
        # stock 3 and two eggs held by A-1: the next cart gets the flash price on one egg only,
        # the one after on none (pricing reads the ledger; the reservation holds what it priced)
        status, second = self.post("/checkout", {"order_id": "A-2", "cart": dict(CART, customer={"id": "c-2"})})
        assert status == 200 and _flash_units(second) == 1, second
        status, third = self.post("/checkout", {"order_id": "A-3", "cart": dict(CART, customer={"id": "c-3"})})
        assert status == 200 and _flash_units(third) == 0, third
        totals = [Decimal(str(r["result"]["total"])) for r in (first, second, third)]  # type: ignore[index]
        assert totals[0] < totals[1] < totals[2], totals
        status, committed = self.post("/orders/A-1/commit", {})
        assert (status, committed["status"]) == (200, "committed"), committed
        status, replay = self.post("/orders/A-1/commit", {})
        assert (status, replay["status"]) == (200, "committed")  # the order id is the idempotency key
        status, released = self.post("/orders/A-2/release", {})
        assert (status, released["status"]) == (200, "released"), released
        status, unknown = self.post("/orders/NO-SUCH/commit", {})
        assert status == 409 and "NO-SUCH" in str(unknown["error"]), unknown

    def test_4_bad_input_is_a_400_naming_the_problem(self) -> None:
        status, body = self.post("/price", dict(CART, shipping=8.5))
        assert status == 400 and "not a float" in str(body["error"]), body
        response = self.client.post("/price", "{not json", content_type="application/json")
        assert response.status_code == 400
        status, body = self.post("/checkout", {"cart": CART})
        assert status == 400 and "order_id" in str(body["error"])
        assert self.client.get("/price").status_code == 405

    def test_5_rules_follow_their_files_and_a_bad_edit_is_ignored(self) -> None:
        folder = Path(tempfile.mkdtemp())
        try:
            shutil.copy(HERE / "rules" / "shop.promo", folder / "shop.promo")
            live = rules.use(folder)
            status, before = self.post("/price", CART)
            text = (folder / "shop.promo").read_text(encoding="utf-8")
            (folder / "shop.promo").write_text(text.replace("满100减10", "满100减15"), encoding="utf-8")
            assert live.reload() is True  # what the watcher thread does when the files' hash changes
            status, after = self.post("/price", CART)
            saved = Decimal(str(before["total"])) - Decimal(str(after["total"]))
            assert saved == Decimal("5.00"), (before, after)
            (folder / "shop.promo").write_text(text.replace("满100减10", "满100减"), encoding="utf-8")  # a typo
            assert live.reload() is False and live.errors is not None
            status, kept = self.post("/price", CART)
            assert (status, kept["total"]) == (200, after["total"])
        finally:
            rules.use(HERE / "rules")
            shutil.rmtree(folder)

    def test_6_the_same_order_id_with_another_cart_is_a_409(self) -> None:
        cart = dict(CART, customer={"id": "c-9"})
        status, first = self.post("/checkout", {"order_id": "B-1", "cart": cart})
        assert status == 200 and _flash_units(first) == 1, first  # the last unit of stock
        status, retry = self.post("/checkout", {"order_id": "B-1", "cart": cart})  # a retried request
        assert status == 200 and retry["result"]["total"] == first["result"]["total"], retry  # type: ignore[index]
        changed = dict(cart, lines=CART["lines"][1:])  # the eggs taken out: other counters
        status, body = self.post("/checkout", {"order_id": "B-1", "cart": changed})
        assert status == 409 and "B-1" in str(body["error"]), body


def _flash_units(answer: dict[str, object]) -> int:
    applied = answer["result"]["applied"]  # type: ignore[index]
    return sum(a["units"] for a in applied if a["promotion"] == "django-egg-flash")



