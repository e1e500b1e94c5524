"""Points storage on PostgreSQL (the PointsStore of points.py): one plpgsql compare-and-set per write.

Tables in the ledger's schema (`@`): `points_accounts` (customer -> version, document,
next due instant), `points_records` (order/event key -> record) and `points_moves`
(the movements, in insertion order). `pk_points_write` updates the account row only if
its version is still the one read — a concurrent writer holds the row lock, and once it
commits the `version = p_version` test fails — then appends the movements and upserts
the records in the same transaction. Reads are one statement (one snapshot).
Created with the ledger schema (postgres_sql.py, schema version 3).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

POINTS_DDL = r"""
CREATE TABLE IF NOT EXISTS @.points_accounts (
    customer text PRIMARY KEY, version bigint NOT NULL, doc text NOT NULL, next_due double precision);
CREATE INDEX IF NOT EXISTS points_due ON @.points_accounts (next_due) WHERE next_due IS NOT NULL;
CREATE TABLE IF NOT EXISTS @.points_records (key text PRIMARY KEY, body text NOT NULL);
CREATE TABLE IF NOT EXISTS @.points_moves (id bigserial PRIMARY KEY, customer text NOT NULL, body text NOT NULL);
CREATE INDEX IF NOT EXISTS points_moves_customer ON @.points_moves (customer, id);

CREATE OR REPLACE FUNCTION @.pk_points_read(p_customer text, p_keys text[], p_now float8)
RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT ARRAY[coalesce((SELECT version FROM @.points_accounts WHERE customer = p_customer), 0)::text,
               (SELECT doc FROM @.points_accounts WHERE customer = p_customer),
               coalesce((SELECT jsonb_object_agg(key, body) FROM @.points_records WHERE key = ANY(p_keys)),
                        '{}'::jsonb)::text] $$;

CREATE OR REPLACE FUNCTION @.pk_points_write(p_customer text, p_version bigint, p_doc text, p_next float8,
                                             p_moves text[], p_rkeys text[], p_rbodies text[], p_now float8)
RETURNS text[] LANGUAGE plpgsql AS $$
BEGIN
  IF p_version = 0 THEN
    INSERT INTO @.points_accounts VALUES (p_customer, 1, p_doc, p_next) ON CONFLICT DO NOTHING;
  ELSE
    UPDATE @.points_accounts SET version = version + 1, doc = p_doc, next_due = p_next
     WHERE customer = p_customer AND version = p_version;
  END IF;
  IF NOT FOUND THEN RETURN ARRAY['stale']; END IF;
  INSERT INTO @.points_moves (customer, body)
    SELECT p_customer, m FROM unnest(p_moves) WITH ORDINALITY u(m, i) ORDER BY i;
  INSERT INTO @.points_records SELECT k, b FROM unnest(p_rkeys, p_rbodies) u(k, b)
    ON CONFLICT (key) DO UPDATE SET body = excluded.body;
  RETURN ARRAY['ok'];
END $$;

CREATE OR REPLACE FUNCTION @.pk_points_history(p_customer text, p_limit int, p_now float8)
RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(body ORDER BY id), '{}') FROM (
    SELECT id, body FROM @.points_moves WHERE customer = p_customer ORDER BY id DESC LIMIT p_limit) m $$;

CREATE OR REPLACE FUNCTION @.pk_points_due(p_at float8, p_limit int, p_now float8)
RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(customer ORDER BY next_due), '{}') FROM (
    SELECT customer, next_due FROM @.points_accounts WHERE next_due <= p_at ORDER BY next_due LIMIT p_limit) d $$;
"""

Call = Callable[..., list[str]]


class PostgresPointsStore:
    """`call(function, *args)` is the ledger's one-function call (retries, reconnects, errors)."""

    def __init__(self, call: Call) -> None:
        self._call = call

    @contextmanager
    def atomic(self) -> Iterator[None]:
        yield  # the compare-and-set in `write` is the atomic step

    def read_account(self, customer: str) -> tuple[int, str | None]:
        reply = self._call("pk_points_read", customer, [])
        return int(reply[0]), reply[1]

    def read_records(self, keys: Sequence[str]) -> dict[str, str]:
        if not keys:
            return {}
        found: dict[str, str] = json.loads(self._call("pk_points_read", "", list(keys))[2])
        return found

    def write(
        self,
        customer: str,
        version: int,
        doc: str,
        next_due: float | None,
        moves: Sequence[str],
        records: dict[str, str],
    ) -> bool:
        reply = self._call(
            "pk_points_write",
            customer,
            version,
            doc,
            next_due,
            list(moves),
            list(records),
            list(records.values()),
        )
        return reply[0] == "ok"

    def history(self, customer: str, limit: int) -> list[str]:
        return list(self._call("pk_points_history", customer, limit))

    def due(self, now: float, limit: int) -> list[str]:
        return list(self._call("pk_points_due", float(now), limit))
