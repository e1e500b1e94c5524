"""Schema and plpgsql functions of the PostgreSQL ledger. `@` stands for the schema name.

Every ledger call is one `SELECT @.pk_*(...)` in autocommit mode: one round trip, one
transaction. Counter rows are always locked with one `ORDER BY key FOR UPDATE`
statement per transaction (cart keys and the keys of expired orders together), so
concurrent calls queue on rows instead of deadlocking; order rows of expired orders
are taken with SKIP LOCKED so two sweepers never wait for each other.

Soft holds (`p_soft`, the default): reserve and release commit with
`synchronous_commit = off` for their own transaction only. A hold is soft state: if
the server crashes within the WAL writer delay (~200 ms by default) the last holds
may vanish, and the order's `commit` then fails with "unknown order" instead of
granting anything twice. `commit` and `refund` always wait for the WAL flush, and
since WAL is sequential a durable commit also makes its earlier hold durable.
On a disk where an fsync costs milliseconds this is the difference between ~300
and several thousand reservations/s on one hot row. `?durable_holds=1` turns it off.
"""

#: 2 added orders.changed_at and pk_purge (retention); a version 1 schema is migrated by
#: `init` (MIGRATE_V1, then DDL) under the same advisory lock. 3 added the points tables
#: and functions (postgres_points.py); a version 2 schema only gains them.
SCHEMA_VERSION = 3

# A v1 row does not know when it last changed: expires_at is an upper bound for
# reserved/released/expired orders, committed ones get the migration time, so the
# retention window counts from the migration at the earliest (never purges too soon).
MIGRATE_V1 = (
    "ALTER TABLE @.orders ADD COLUMN IF NOT EXISTS changed_at double precision",
    # %s: the injected clock (tests) or NULL for the server's clock.
    "UPDATE @.orders SET changed_at = coalesce(expires_at, %s, extract(epoch FROM clock_timestamp())::float8)"
    " WHERE changed_at IS NULL",
)

DDL = r"""
CREATE SCHEMA IF NOT EXISTS @;
CREATE TABLE IF NOT EXISTS @.meta (name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS @.counters (
    key text PRIMARY KEY, used bigint NOT NULL DEFAULT 0, held bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS @.orders (
    order_id text PRIMARY KEY, status text NOT NULL, claims text NOT NULL,
    expires_at double precision, returned jsonb NOT NULL DEFAULT '{}', refunds jsonb NOT NULL DEFAULT '{}',
    changed_at double precision);
CREATE INDEX IF NOT EXISTS orders_due ON @.orders (expires_at) WHERE status = 'reserved';
CREATE INDEX IF NOT EXISTS orders_changed ON @.orders (changed_at) WHERE status <> 'reserved';

CREATE OR REPLACE FUNCTION @.pk_now(p_now float8) RETURNS float8 LANGUAGE sql AS
$$ SELECT coalesce(p_now, extract(epoch FROM clock_timestamp())::float8) $$;

CREATE OR REPLACE FUNCTION @.pk_keys_of(p_ids text[]) RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(DISTINCT e->>0), '{}')
  FROM @.orders o, jsonb_array_elements(o.claims::jsonb) e WHERE o.order_id = ANY(p_ids) $$;

CREATE OR REPLACE FUNCTION @.pk_lock(p_keys text[]) RETURNS void LANGUAGE sql AS $$
  SELECT count(*) FROM (SELECT 1 FROM @.counters WHERE key = ANY(p_keys) ORDER BY key FOR UPDATE) x $$;

-- held -= claimed (and used += claimed when p_status = 'committed') for the orders.
-- An expired order's changed_at is its expires_at (when it logically expired); callers
-- set changed_at for the other statuses.
CREATE OR REPLACE FUNCTION @.pk_unhold(p_ids text[], p_status text) RETURNS void LANGUAGE sql AS $$
  UPDATE @.counters c
     SET held = c.held - d.amount,
         used = c.used + CASE WHEN p_status = 'committed' THEN d.amount ELSE 0 END
    FROM (SELECT e->>0 AS key, sum((e->>1)::bigint) AS amount
            FROM @.orders o, jsonb_array_elements(o.claims::jsonb) e
           WHERE o.order_id = ANY(p_ids) GROUP BY 1) d
   WHERE c.key = d.key;
  UPDATE @.orders SET status = p_status,
         expires_at = CASE WHEN p_status = 'committed' THEN NULL ELSE expires_at END,
         changed_at = CASE WHEN p_status = 'expired' THEN expires_at ELSE changed_at END
   WHERE order_id = ANY(p_ids);
$$;

CREATE OR REPLACE FUNCTION @.pk_expire_due(p_now float8, p_limit int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE v_due text[];
BEGIN
  SELECT array_agg(order_id) INTO v_due FROM (
    SELECT order_id FROM @.orders WHERE status = 'reserved' AND expires_at <= p_now
     ORDER BY expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED) d;
  IF v_due IS NULL THEN RETURN 0; END IF;
  PERFORM @.pk_lock(@.pk_keys_of(v_due));
  PERFORM @.pk_unhold(v_due, 'expired');
  RETURN array_length(v_due, 1);
END $$;

CREATE OR REPLACE FUNCTION @.pk_state(p_order text) RETURNS text[] LANGUAGE sql AS $$
  SELECT ARRAY['state', status, claims, expires_at::text, returned::text] FROM @.orders WHERE order_id = p_order $$;

-- Lock the order row and expire it if its TTL has passed; returns its status (NULL: unknown).
CREATE OR REPLACE FUNCTION @.pk_load(p_order text, p_now float8) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v_status text; v_exp float8;
BEGIN
  SELECT status, expires_at INTO v_status, v_exp FROM @.orders WHERE order_id = p_order FOR UPDATE;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF v_status = 'reserved' AND v_exp <= p_now THEN
    PERFORM @.pk_lock(@.pk_keys_of(ARRAY[p_order]));
    PERFORM @.pk_unhold(ARRAY[p_order], 'expired');
    v_status := 'expired';
  END IF;
  RETURN v_status;
END $$;

CREATE OR REPLACE FUNCTION @.pk_reserve(p_order text, p_claims text, p_keys text[], p_amounts bigint[],
                                        p_limits bigint[], p_ttl float8, p_soft boolean, p_now float8)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  v_now float8 := @.pk_now(p_now);
  v_status text; v_claims text; v_due text[];
  v_failed text[] := ARRAY['failed'];
  r record;
BEGIN
  IF p_soft THEN PERFORM set_config('synchronous_commit', 'off', true); END IF;
  v_status := @.pk_load(p_order, v_now);
  IF v_status IS NOT NULL THEN
    SELECT claims INTO v_claims FROM @.orders WHERE order_id = p_order;
    IF v_claims <> p_claims THEN RETURN ARRAY['conflict']; END IF;
    RETURN ARRAY['existing', v_status];
  END IF;
  SELECT array_agg(order_id) INTO v_due FROM (
    SELECT order_id FROM @.orders WHERE status = 'reserved' AND expires_at <= v_now
     ORDER BY expires_at LIMIT 16 FOR UPDATE SKIP LOCKED) d;
  INSERT INTO @.counters (key) SELECT k FROM unnest(p_keys) k ORDER BY k ON CONFLICT DO NOTHING;
  PERFORM @.pk_lock(p_keys || CASE WHEN v_due IS NULL THEN '{}'::text[] ELSE @.pk_keys_of(v_due) END);
  IF v_due IS NOT NULL THEN PERFORM @.pk_unhold(v_due, 'expired'); END IF;
  FOR r IN SELECT u.i FROM generate_subscripts(p_keys, 1) u(i) JOIN @.counters c ON c.key = p_keys[u.i]
            WHERE p_limits[u.i] >= 0 AND c.used + c.held + p_amounts[u.i] > p_limits[u.i] ORDER BY u.i LOOP
    v_failed := v_failed || (r.i - 1)::text;
  END LOOP;
  IF array_length(v_failed, 1) > 1 THEN RETURN v_failed; END IF;
  UPDATE @.counters c SET held = c.held + d.amount FROM unnest(p_keys, p_amounts) d(key, amount) WHERE c.key = d.key;
  INSERT INTO @.orders (order_id, status, claims, expires_at, changed_at)
  VALUES (p_order, 'reserved', p_claims, v_now + p_ttl, v_now);
  RETURN ARRAY['ok'];
END $$;

CREATE OR REPLACE FUNCTION @.pk_finish(p_order text, p_op text, p_soft boolean, p_now float8)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE v_status text; v_now float8 := @.pk_now(p_now);
BEGIN
  IF p_soft AND p_op <> 'commit' THEN PERFORM set_config('synchronous_commit', 'off', true); END IF;
  v_status := @.pk_load(p_order, v_now);
  IF v_status IS NULL THEN RETURN ARRAY['unknown']; END IF;
  IF p_op = 'state' THEN RETURN @.pk_state(p_order); END IF;
  IF v_status = 'reserved' THEN
    PERFORM @.pk_lock(@.pk_keys_of(ARRAY[p_order]));
    PERFORM @.pk_unhold(ARRAY[p_order], CASE WHEN p_op = 'commit' THEN 'committed' ELSE 'released' END);
    UPDATE @.orders SET changed_at = v_now WHERE order_id = p_order;
  ELSIF (p_op = 'commit' AND v_status NOT IN ('committed', 'refunded'))
     OR (p_op = 'release' AND v_status NOT IN ('released', 'expired')) THEN
    RETURN ARRAY['bad', v_status];
  END IF;
  RETURN @.pk_state(p_order);
END $$;

CREATE OR REPLACE FUNCTION @.pk_refund(p_order text, p_refund text, p_text text, p_keys text[],
                                       p_amounts bigint[], p_now float8) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  v_now float8 := @.pk_now(p_now);
  v_status text := @.pk_load(p_order, v_now);
  v_seen text; v_returned jsonb; v_claims jsonb; v_left bigint; i int;
BEGIN
  IF v_status IS NULL THEN RETURN ARRAY['unknown']; END IF;
  SELECT refunds->>p_refund, returned, claims::jsonb INTO v_seen, v_returned, v_claims FROM @.orders WHERE order_id = p_order;
  IF v_seen IS NOT NULL THEN
    IF v_seen <> p_text THEN RETURN ARRAY['conflict']; END IF;
    RETURN @.pk_state(p_order);
  END IF;
  IF v_status NOT IN ('committed', 'refunded') THEN RETURN ARRAY['bad', v_status]; END IF;
  FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
    SELECT (e->>1)::bigint - coalesce((v_returned->>p_keys[i])::bigint, 0) INTO v_left
      FROM jsonb_array_elements(v_claims) e WHERE e->>0 = p_keys[i];
    IF NOT FOUND THEN
      RETURN ARRAY['problem', format('key %s was not claimed by the order', p_keys[i])];
    END IF;
    IF p_amounts[i] > v_left THEN
      RETURN ARRAY['problem', format('key %s: returning %s but only %s left to return', p_keys[i], p_amounts[i], v_left)];
    END IF;
    v_returned := v_returned || jsonb_build_object(p_keys[i], coalesce((v_returned->>p_keys[i])::bigint, 0) + p_amounts[i]);
  END LOOP;
  PERFORM @.pk_lock(p_keys);
  UPDATE @.counters c SET used = c.used - d.amount FROM unnest(p_keys, p_amounts) d(key, amount) WHERE c.key = d.key;
  UPDATE @.orders SET status = 'refunded', returned = v_returned, changed_at = v_now,
         refunds = refunds || jsonb_build_object(p_refund, p_text) WHERE order_id = p_order;
  RETURN @.pk_state(p_order);
END $$;

CREATE OR REPLACE FUNCTION @.pk_balances(p_keys text[], p_now float8) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE v_out text[] := '{}'; i int; v_used bigint; v_held bigint;
BEGIN
  PERFORM @.pk_expire_due(@.pk_now(p_now), 64);
  FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
    SELECT used, held INTO v_used, v_held FROM @.counters WHERE key = p_keys[i];
    v_out := v_out || coalesce(v_used, 0)::text || coalesce(v_held, 0)::text;
  END LOOP;
  RETURN v_out;
END $$;

-- Retention: expire due reservations (as sweep), then delete finished orders whose last
-- change is older than p_older seconds. Counters are never touched; reserved orders never
-- match; rows another call holds are skipped (purged by the next run). Returns
-- [expired, purged].
CREATE OR REPLACE FUNCTION @.pk_purge(p_older float8, p_limit int, p_now float8) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE v_now float8 := @.pk_now(p_now); v_expired int; v_purged int;
BEGIN
  v_expired := @.pk_expire_due(v_now, p_limit);
  DELETE FROM @.orders o USING (
    SELECT order_id FROM @.orders WHERE status <> 'reserved' AND changed_at < v_now - p_older
     ORDER BY changed_at LIMIT p_limit FOR UPDATE SKIP LOCKED) d
   WHERE o.order_id = d.order_id;
  GET DIAGNOSTICS v_purged = ROW_COUNT;
  RETURN ARRAY[v_expired::text, v_purged::text];
END $$;
"""
