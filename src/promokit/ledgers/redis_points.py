"""Points storage on Redis (the PointsStore of points.py): one Lua compare-and-set per write.

Keys share the namespace's hash tag `{promokit:NAME}` (cluster-correct, as redis.py):
`:pacct` (hash customer -> account document), `:pver` (hash customer -> version),
`:prec` (hash order/event key -> record), `:pdue` (zset customer -> next due instant) and
`:plog:CUSTOMER` (list: the customer's movements, oldest first). The write script
checks the version and writes the document, the due index, the movements and the
records together, so a concurrent writer of the same account can never interleave.

Fail closed like the counters (redis_lua.py): every read and write also checks the
namespace's epoch marker against the one the ledger opened with, so points are never
read or written in a namespace that lost its data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from .base import LedgerError
from .redis_lua import namespace_key
from .replies import reset_error

WRITE = r"""
local seen = table.remove(ARGV, 1)
if redis.call('GET', KEYS[6]) ~= seen then return -1 end
local A, V, R, Q, L = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local c = ARGV[1]
if tonumber(redis.call('HGET', V, c) or '0') ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', A, c, ARGV[3])
redis.call('HINCRBY', V, c, 1)
if ARGV[4] == '' then redis.call('ZREM', Q, c) else redis.call('ZADD', Q, ARGV[4], c) end
local n = tonumber(ARGV[5])
for i = 1, n do redis.call('RPUSH', L, ARGV[5 + i]) end
for i = 6 + n, #ARGV, 2 do redis.call('HSET', R, ARGV[i], ARGV[i + 1]) end
return 1
"""


class RedisPointsStore:
    def __init__(
        self,
        url: str,
        client: Any,
        namespace: str,
        errors: tuple[type[BaseException], ...],
        epoch: Callable[[], str],
    ) -> None:
        """`epoch()`: the marker the ledger opened with (raises when the namespace has none)."""
        self.url = url
        self._client = client
        self._namespace = namespace
        self._errors = errors
        self._epoch = epoch
        self._epoch_key = namespace_key(namespace, "epoch")
        self.keys = [namespace_key(namespace, name) for name in ("pacct", "pver", "prec", "pdue")]
        self._script = client.register_script(WRITE)

    def _log(self, customer: str) -> str:
        return namespace_key(self._namespace, "plog:" + quote(customer, safe=""))

    @contextmanager
    def atomic(self) -> Iterator[None]:
        yield  # the compare-and-set in `write` is the atomic step

    def _do(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except self._errors as exc:
            raise LedgerError(f"{self.url}: points {what} failed: {exc}") from None

    def _checked(self, found: str | None, seen: str) -> None:
        if found != seen:
            raise reset_error(self.url, seen, found or "")

    def read_account(self, customer: str) -> tuple[int, str | None]:
        seen = self._epoch()
        pipe = self._client.pipeline(transaction=True)  # MULTI/EXEC: marker, version, document together
        pipe.get(self._epoch_key)
        pipe.hget(self.keys[1], customer)
        pipe.hget(self.keys[0], customer)
        found, version, doc = self._do("read", pipe.execute)
        self._checked(found, seen)
        return int(version or 0), doc

    def read_records(self, keys: Sequence[str]) -> dict[str, str]:
        if not keys:
            return {}
        seen = self._epoch()
        pipe = self._client.pipeline(transaction=True)
        pipe.get(self._epoch_key)
        pipe.hmget(self.keys[2], list(keys))
        found, values = self._do("read", pipe.execute)
        self._checked(found, seen)
        return {k: v for k, v in zip(keys, values, strict=True) if v is not None}

    def write(
        self,
        customer: str,
        version: int,
        doc: str,
        next_due: float | None,
        moves: Sequence[str],
        records: dict[str, str],
    ) -> bool:
        seen = self._epoch()
        args: list[object] = [seen, customer, version, doc, "" if next_due is None else repr(next_due)]
        args += [len(moves), *moves]
        for k, v in records.items():
            args += [k, v]
        keys = [*self.keys, self._log(customer), self._epoch_key]
        done = int(self._do("write", self._script, keys=keys, args=args))
        if done == -1:
            self._checked(self._do("read", self._client.get, self._epoch_key), seen)
        return done == 1

    def history(self, customer: str, limit: int) -> list[str]:
        if limit <= 0:
            return []
        return self._read_checked(lambda pipe: pipe.lrange(self._log(customer), -limit, -1))

    def due(self, now: float, limit: int) -> list[str]:
        return self._read_checked(
            lambda pipe: pipe.zrangebyscore(self.keys[3], "-inf", now, start=0, num=limit)
        )

    def _read_checked(self, read: Callable[[Any], object]) -> list[str]:
        """One list read in the same MULTI/EXEC as the epoch marker: after a data loss it raises
        the reset error (like every other call) instead of reading an empty namespace."""
        seen = self._epoch()
        pipe = self._client.pipeline(transaction=True)
        pipe.get(self._epoch_key)
        read(pipe)
        found, values = self._do("read", pipe.execute)
        self._checked(found, seen)
        return list(values)

    def flush(self) -> None:
        """Delete this namespace's points keys (tests and `ledger init --reset`)."""
        customers = self._do("flush", self._client.hkeys, self.keys[0])
        self._do("flush", self._client.delete, *self.keys, *(self._log(c) for c in customers))
