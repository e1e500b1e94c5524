"""The service against a real PostgreSQL ledger (a schema per run): `pytest examples/fastapi-shop`.

Without a reachable PostgreSQL the tests skip saying so, and fail instead under
PROMOKIT_REQUIRE_SERVICES=1 (as in CI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="fastapi is not installed (examples/fastapi-shop/requirements.txt)")
psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (extra postgres)")

from fastapi.testclient import TestClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from app import create_app  # noqa: E402

HERE = Path(__file__).parent
SERVER = os.environ.get("PROMOKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
CART = json.loads((HERE / "requests" / "cart.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    try:
        psycopg.connect(SERVER, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("PROMOKIT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"PostgreSQL unreachable at {SERVER}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {SERVER}: {exc}")
    schema = f"fastapi_shop_{uuid.uuid4().hex[:10]}"
    url = f"{SERVER}?schema={schema}"
    # the deployment step: create the ledger schema with the command line, as ops would
    subprocess.run([sys.executable, "-m", "promokit", "ledger", "init", url], check=True, capture_output=True)
    try:
        with TestClient(create_app(url)) as test_client:
            yield test_client
    finally:
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _flash_units(result: dict[str, object]) -> int:
    return sum(a["units"] for a in result["applied"] if a["promotion"] == "fastapi-egg-flash")  # type: ignore[attr-defined,index,misc]


def test_price(client: TestClient) -> None:
    response = client.post("/price", json=CART)
    assert response.status_code == 200, response.text
    # eggs 2 x 9.90 flash + rice 99.80 = 119.60, 满100减10 -> 109.60, + shipping 8.00
    assert response.json()["total"] == "117.60"


def test_checkout_holds_stock_and_commit_is_idempotent(client: TestClient) -> None:
    answers = []
    for n in range(3):
        cart = dict(CART, customer={"id": f"f-{n}"})
        response = client.post("/checkout", json={"order_id": f"F-{n}", "cart": cart})
        assert response.status_code == 200, response.text
        answers.append(response.json())
    # stock 3: two flash eggs, then one, then none
    assert [_flash_units(a["result"]) for a in answers] == [2, 1, 0]
    totals = [Decimal(a["result"]["total"]) for a in answers]
    assert totals == sorted(totals) and totals[0] < totals[2]
    assert client.post("/orders/F-0/commit").json() == {"order_id": "F-0", "status": "committed"}
    assert client.post("/orders/F-0/commit").json()["status"] == "committed"
    assert client.post("/orders/F-1/release").json()["status"] == "released"
    unknown = client.post("/orders/NO-SUCH/commit")
    assert unknown.status_code == 409 and "NO-SUCH" in unknown.text


def test_a_retry_returns_the_same_hold_and_another_cart_is_a_409(client: TestClient) -> None:
    cart = dict(CART, customer={"id": "f-9"})
    first = client.post("/checkout", json={"order_id": "G-1", "cart": cart})
    assert first.status_code == 200 and _flash_units(first.json()["result"]) == 1  # the last unit
    retry = client.post("/checkout", json={"order_id": "G-1", "cart": cart})
    assert retry.status_code == 200 and retry.json()["result"]["total"] == first.json()["result"]["total"]
    changed = client.post("/checkout", json={"order_id": "G-1", "cart": dict(cart, lines=CART["lines"][1:])})
    assert changed.status_code == 409 and "G-1" in changed.text


def test_bad_input_is_a_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/price", json=dict(CART, shipping=8.5))
    assert response.status_code == 422 and "not a float" in response.text
    response = client.post("/checkout", json={"cart": CART})
    assert response.status_code == 422 and "order_id" in response.text
    too_big = {"order_id": "X", "cart": dict(CART, lines=[CART["lines"][0]] * 501)}
    assert client.post("/checkout", json=too_big).status_code == 422
