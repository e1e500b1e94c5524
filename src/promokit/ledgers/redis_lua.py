"""The Lua script behind the Redis ledger (one script, one EVALSHA per call).

KEYS: 1 used (hash key -> committed amount), 2 held (hash key -> reserved amount),
3 due (zset order id -> expires_at), 4 orders (hash order id -> JSON),
5 done (zset order id -> when a finished order last changed, for `purge`; reserved
orders are never in it, so purge cannot touch a live reservation).
6 epoch (the marker `promokit ledger init` writes; docs/ledgers.md#running-in-production).
ARGV: 0 the epoch the client saw when it opened (removed before anything else runs, so the
ops below still read 1 op, 2 now ("" = the server's TIME), then per op (see redis.py)); reserve passes the
canonical claims JSON once and the script decodes it (fewer arguments to pack client-side).
Order JSON: s status, c canonical claims text (compared byte for byte for conflicts),
e expires_at as "%.17g" text ("" once committed), r returned per key, f refund id -> returns text.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def namespace_key(namespace: str, name: str) -> str:
    """A key of the namespace: every one shares the hash tag `{promokit:NAMESPACE}` (one slot)."""
    return "{promokit:" + namespace + "}:" + name


#: Index in `script_keys` of the epoch marker (docs/ledgers.md#running-in-production).
EPOCH = 5


def script_keys(namespace: str) -> list[str]:
    """KEYS of every call: the namespace's six keys (the last is the epoch marker)."""
    return [namespace_key(namespace, name) for name in ("used", "held", "due", "orders", "done", "epoch")]


def url_options(url: str) -> tuple[str, str, str]:
    """(the URL for the Redis client, the namespace, the wait_replicas text) of a ledger URL;
    the sync (redis.py) and async (redis_async.py) adapters read a URL alike."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    namespace = query.pop("namespace", "promokit")
    wait_replicas = query.pop("wait_replicas", "0")
    return urlunsplit(parts._replace(query=urlencode(query))), namespace, wait_replicas


SCRIPT = r"""
-- Fail closed: a namespace whose epoch marker is gone or changed lost its data (a restart
-- without persistence, an eviction, a flush); its counters must not be trusted.
local seen = table.remove(ARGV, 1)
local epoch = redis.call('GET', KEYS[6])
if not epoch or epoch ~= seen then return {'reset', epoch or ''} end
local U, H, X, O, D = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local op = ARGV[1]
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end

-- Amounts decoded from JSON are Lua doubles; '%d' keeps big integers exact (no 1e+15).
local function int(x)
  return string.format('%d', x)
end

local function save(id, o)
  redis.call('HSET', O, id, cjson.encode(o))
end

-- A finished order (anything but reserved) changed at `t`: index it for purge.
local function done(id, t)
  redis.call('ZADD', D, string.format('%.17g', t), id)
end

local function give_back_holds(o)
  for _, c in ipairs(cjson.decode(o.c)) do
    redis.call('HINCRBY', H, c[1], int(-c[2]))
  end
end

local function expire_order(id, o)
  give_back_holds(o)
  o.s = 'expired'
  save(id, o)
  redis.call('ZREM', X, id)
  done(id, tonumber(o.e))  -- when it logically expired, however late it is swept
end

local function expire_due(limit)
  local ids = redis.call('ZRANGEBYSCORE', X, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    local raw = redis.call('HGET', O, id)
    local o = raw and cjson.decode(raw)
    if o and o.s == 'reserved' then
      expire_order(id, o)
    else
      redis.call('ZREM', X, id)
    end
  end
  return #ids
end

local function load(id)
  local raw = redis.call('HGET', O, id)
  if not raw then return nil end
  local o = cjson.decode(raw)
  if o.s == 'reserved' and tonumber(o.e) <= now then expire_order(id, o) end
  return o
end

if op == 'reserve' then
  local id, ctext, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5])
  expire_due(64)
  local o = load(id)
  if o then
    if o.c ~= ctext then return {'conflict'} end
    return {'existing', o.s}
  end
  -- the canonical claims text is also the argument list: [[key, amount, limit|null, promotion], ...]
  local claims = cjson.decode(ctext)
  local n = #claims
  local keys = {}
  for i = 1, n do keys[i] = claims[i][1] end
  local failed = {'failed'}
  if n > 0 then
    local used = redis.call('HMGET', U, unpack(keys))
    local held = redis.call('HMGET', H, unpack(keys))
    for i = 1, n do
      local lim = claims[i][3]
      if lim ~= cjson.null and (tonumber(used[i]) or 0) + (tonumber(held[i]) or 0) + claims[i][2] > lim then
        failed[#failed + 1] = tostring(i - 1)
      end
    end
  end
  if #failed > 1 then return failed end
  for i = 1, n do redis.call('HINCRBY', H, keys[i], int(claims[i][2])) end
  local e = now + ttl
  save(id, {s = 'reserved', c = ctext, e = string.format('%.17g', e), r = {}, f = {}})
  redis.call('ZADD', X, e, id)
  return {'ok'}

elseif op == 'commit' or op == 'release' or op == 'state' then
  local id = ARGV[3]
  local o = load(id)
  if not o then return {'unknown'} end
  if op == 'commit' then
    if o.s == 'reserved' then
      for _, c in ipairs(cjson.decode(o.c)) do
        redis.call('HINCRBY', U, c[1], int(c[2]))
        redis.call('HINCRBY', H, c[1], int(-c[2]))
      end
      o.s, o.e = 'committed', ''
      save(id, o)
      redis.call('ZREM', X, id)
      done(id, now)
    elseif o.s ~= 'committed' and o.s ~= 'refunded' then
      return {'bad', o.s}
    end
  elseif op == 'release' then
    if o.s == 'reserved' then
      give_back_holds(o)
      o.s = 'released'
      save(id, o)
      redis.call('ZREM', X, id)
      done(id, now)
    elseif o.s ~= 'released' and o.s ~= 'expired' then
      return {'bad', o.s}
    end
  end
  return {'state', redis.call('HGET', O, id)}

elseif op == 'refund' then
  local id, rid, rtext, n = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
  local o = load(id)
  if not o then return {'unknown'} end
  local seen = o.f[rid]
  if seen then
    if seen ~= rtext then return {'conflict'} end
    return {'state', redis.call('HGET', O, id)}
  end
  if o.s ~= 'committed' and o.s ~= 'refunded' then return {'bad', o.s} end
  local claimed = {}
  for _, c in ipairs(cjson.decode(o.c)) do claimed[c[1]] = c[2] end
  for i = 0, n - 1 do
    local k, a = ARGV[7 + 2 * i], tonumber(ARGV[8 + 2 * i])
    if not claimed[k] then return {'problem', 'key ' .. k .. ' was not claimed by the order'} end
    local left = claimed[k] - (tonumber(o.r[k]) or 0)
    if a > left then
      return {'problem', 'key ' .. k .. ': returning ' .. a .. ' but only ' .. left .. ' left to return'}
    end
  end
  for i = 0, n - 1 do
    local k, a = ARGV[7 + 2 * i], tonumber(ARGV[8 + 2 * i])
    redis.call('HINCRBY', U, k, int(-a))
    o.r[k] = int((tonumber(o.r[k]) or 0) + a)  -- text: cjson prints 14 digits only
  end
  o.f[rid] = rtext
  o.s = 'refunded'
  save(id, o)
  done(id, now)
  return {'state', redis.call('HGET', O, id)}

elseif op == 'balances' then
  expire_due(64)
  local out = {'balances'}
  local n = #ARGV - 2
  if n == 0 then return out end
  local keys = {}
  for i = 1, n do keys[i] = ARGV[i + 2] end
  local used = redis.call('HMGET', U, unpack(keys))
  local held = redis.call('HMGET', H, unpack(keys))
  for i = 1, n do
    out[#out + 1] = used[i] or '0'
    out[#out + 1] = held[i] or '0'
  end
  return out

elseif op == 'sweep' then
  return {'swept', expire_due(tonumber(ARGV[3]))}

elseif op == 'purge' then
  -- Expire due reservations first (as sweep), then forget finished orders that last
  -- changed before now - older_than. Counters (U, H) are not touched.
  local limit = tonumber(ARGV[4])
  local expired = expire_due(limit)
  local cutoff = string.format('%.17g', now - tonumber(ARGV[3]))
  local ids = redis.call('ZRANGEBYSCORE', D, '-inf', '(' .. cutoff, 'LIMIT', 0, limit)
  if #ids > 0 then
    redis.call('HDEL', O, unpack(ids))
    redis.call('ZREM', D, unpack(ids))
  end
  return {'purged', expired, #ids}
end
return redis.error_reply('promokit: unknown op ' .. tostring(op))
"""
