"""Ledger throughput: whole-cart reservations per second, against in-run baselines.

    python benchmarks/ledgers.py [--count 4000] [--seconds 6] [--adapters sqlite,redis,postgres]

Per adapter: reservations/s with 1 process and with 8 processes (a 5-counter cart:
stock, per-customer uses, budget and two statistics; every order id new), and the
ratio to the baseline docs/performance.md names, measured in the same run, in alternating chunks inside one process (so background load hits
both sides of the ratio alike):
  redis     `redis-benchmark -c 1` EVALSHA of the very same script and arguments
  sqlite    the bare BEGIN IMMEDIATE transaction doing the same reads and writes
  postgres  a multi-statement client transaction doing the same work
Loopback only; every measurement is bounded by --count and --seconds. Timings vary by
up to +-40% between runs, so only the ratios inside one run mean anything.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

from promokit.ledgers import Claim, open_ledger
from promokit.ledgers._core import encode, normalize

REDIS = os.environ.get("PROMOKIT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES = os.environ.get("PROMOKIT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def cart(i: int) -> list[Claim]:
    return [
        Claim("stock:flash", 1, 10**9, "flash"),
        Claim(f"cuses:flash:c{i % 1000}", 1, 10**6, "flash"),
        Claim("budget:flash", 100, 10**12, "flash"),
        Claim("stats:flash:orders", 1, None, "flash"),
        Claim("stats:flash:units", 1, None, "flash"),
    ]


def _worker(url: str, tag: str, count: int, seconds: float, start: Any, out: Any) -> None:
    ledger = open_ledger(url)
    start.wait()
    t0, done = time.perf_counter(), 0
    while done < count and time.perf_counter() - t0 < seconds:
        if not ledger.reserve(f"{tag}-{os.getpid()}-{done}", cart(done), ttl=900).ok:
            raise SystemExit("a benchmark reservation failed")
        done += 1
    out.put((t0, time.perf_counter(), done))


def reservations_per_second(url: str, processes: int, count: int, seconds: float) -> float:
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Barrier(processes), ctx.Queue()
    tag = uuid.uuid4().hex[:8]
    procs = [
        ctx.Process(target=_worker, args=(url, tag, count // processes, seconds, start, out))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join()
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    return float(sum(r[2] for r in results) / wall)


def timed(count: int, seconds: float, body: Callable[[int], None]) -> float:
    t0, done = time.perf_counter(), 0
    while done < count and time.perf_counter() - t0 < seconds:
        body(done)
        done += 1
    return done / (time.perf_counter() - t0)


Chunk = Callable[[int, int], float]  # (first index, n) -> seconds taken for n operations


def loop(body: Callable[[int], None]) -> Chunk:
    def chunk(first: int, n: int) -> float:
        t0 = time.perf_counter()
        for i in range(first, first + n):
            body(i)
        return time.perf_counter() - t0

    return chunk


def interleaved(
    ours: Chunk, base: Chunk, count: int, seconds: float, chunks: int = 10
) -> tuple[float, float]:
    """Ours and the baseline in alternating chunks in one process: background load on a shared
    machine then hits both sides of the ratio alike."""
    n = max(1, count // chunks)
    t_ours = t_base = 0.0
    done = 0
    while done < count and t_ours + t_base < 2 * seconds:
        t_ours += ours(done, n)
        t_base += base(done, n)
        done += n
    return done / t_ours, done / t_base


# ---------------------------------------------------------------------------- baselines


def sqlite_bare(path: str) -> Chunk:
    """The same SQL a SQLite reservation runs, hand-written inline without the library:
    BEGIN IMMEDIATE; look for expired holds; look the order up; read the counters;
    upsert them; insert the order (same tables and indexes); COMMIT."""
    from promokit.ledgers.sqlite import _INDEXES_V2, _SCHEMA

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for statement in (*_SCHEMA.split(";"), _INDEXES_V2):
        if statement.strip():
            conn.execute(statement)
    tag = uuid.uuid4().hex[:8]

    def one(i: int) -> None:
        claims = normalize(cart(i))
        keys = [c.key for c in claims]
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "SELECT order_id FROM promokit_orders WHERE status = 'reserved' AND expires_at <= ? LIMIT 64",
            (now,),
        ).fetchall()
        conn.execute("SELECT status FROM promokit_orders WHERE order_id = ?", (f"{tag}-{i}",)).fetchone()
        have = {
            k: (u, h)
            for k, u, h in conn.execute(
                f"SELECT key, used, held FROM promokit_counters WHERE key IN ({','.join('?' * len(keys))})",
                keys,
            )
        }
        conn.executemany(
            "INSERT INTO promokit_counters VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET used = excluded.used, held = excluded.held",
            [(c.key, have.get(c.key, (0, 0))[0], have.get(c.key, (0, 0))[1] + c.amount) for c in claims],
        )
        conn.execute(
            "INSERT INTO promokit_orders VALUES (?, 'reserved', ?, ?, '{}', '{}', ?)",
            (f"{tag}-{i}", encode(claims), now + 900, now),
        )
        conn.execute("COMMIT")

    return loop(one)


def postgres_multi(url: str) -> tuple[Chunk, Callable[[], None]]:
    """BEGIN; SELECT ... FOR UPDATE; UPDATE counters; INSERT order; COMMIT: 5 round trips,
    with the same soft-hold commit setting the ledger uses for reservations."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    conn.execute("SET synchronous_commit = off")
    table = f"bench_{uuid.uuid4().hex[:6]}"
    conn.execute(f"CREATE TABLE {table}_counters (key text PRIMARY KEY, used bigint, held bigint)")
    conn.execute(f"CREATE TABLE {table}_orders (id text PRIMARY KEY, claims text, expires float8)")
    conn.execute(
        f"INSERT INTO {table}_counters SELECT c.key, 0, 0 FROM unnest(%s::text[]) c(key) ON CONFLICT DO NOTHING",
        ([c.key for i in range(1000) for c in cart(i)],),
    )

    def one(i: int) -> None:
        claims = cart(i)
        keys, amounts = [c.key for c in claims], [c.amount for c in claims]
        conn.execute("BEGIN")
        conn.execute(
            f"SELECT used, held FROM {table}_counters WHERE key = ANY(%s) ORDER BY key FOR UPDATE", (keys,)
        ).fetchall()
        conn.execute(
            f"UPDATE {table}_counters c SET held = c.held + d.a FROM unnest(%s::text[], %s::bigint[]) d(k, a) "
            "WHERE c.key = d.k",
            (keys, amounts),
        )
        conn.execute(
            f"INSERT INTO {table}_orders VALUES (%s, %s, %s)", (f"o-{i}", encode(claims), time.time() + 900)
        )
        conn.execute("COMMIT")

    def cleanup() -> None:
        conn.execute(f"DROP TABLE {table}_counters, {table}_orders")
        conn.close()

    return loop(one), cleanup


def redis_benchmark(ledger: Any) -> Chunk | None:
    """`redis-benchmark -c 1` EVALSHA of the same script with the same arguments (order id randomised)."""
    exe = shutil.which("redis-benchmark")
    if exe is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(REDIS)
    claims = normalize(cart(1))
    ledger._script(keys=ledger.keys, args=[ledger._epoch, "balances", "", "warm"])  # load the script

    def chunk(first: int, n: int) -> float:
        argv = [
            exe,
            "-h",
            parts.hostname or "127.0.0.1",
            "-p",
            str(parts.port or 6379),
            "--dbnum",
            parts.path.strip("/") or "0",
            "-c",
            "1",
            "-n",
            str(n),
            "-r",
            "1000000000",
            "-q",
            "EVALSHA",
            ledger.sha,
            str(len(ledger.keys)),
            *ledger.keys,
            ledger._epoch,
            "reserve",
            "",
            "bench:__rand_int__",
            encode(claims),
            "900.0",
        ]
        text = subprocess.run(argv, capture_output=True, text=True, timeout=120).stdout
        found = re.findall(r"([\d.]+) requests per second", text)
        if not found:
            raise SystemExit(f"redis-benchmark printed no figure: {text[-300:]!r}")
        return n / float(found[-1])

    return chunk


# ---------------------------------------------------------------------------- main


def bench(name: str, url: str, args: argparse.Namespace, label: str, base: Chunk | None) -> None:
    ledger = open_ledger(url)
    if hasattr(ledger, "init"):
        ledger.init()  # Redis: the epoch marker every call checks (docs/ledgers.md#running-in-production)
    tag = uuid.uuid4().hex[:6]
    ours = loop(
        lambda i: (
            None if ledger.reserve(f"{tag}-{i}", cart(i), ttl=900).ok else sys.exit("reservation failed")
        )
    )
    if base is not None:
        one, base_rate = interleaved(ours, base, args.count, args.seconds)
    else:
        one, base_rate = reservations_per_second(url, 1, args.count, args.seconds), 0.0
    eight = reservations_per_second(url, 8, args.count, args.seconds)
    print(f"{name:9} 1 process {one:9,.0f}/s   8 processes {eight:9,.0f}/s ({eight / one:.2f}x)", end="")
    if base is not None:
        print(f"   {label} {base_rate:9,.0f}/s   ratio 1 process / baseline {one / base_rate:.2f}x")
    else:
        print(f"   {label}: not available")
    cleanup = getattr(ledger, "flush", None) or getattr(ledger, "drop", None)
    if cleanup:
        cleanup()
    ledger.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=4000, help="reservations per measurement (default 4000)")
    parser.add_argument("--seconds", type=float, default=6.0, help="time bound per measurement (default 6 s)")
    parser.add_argument("--adapters", default="sqlite,redis,postgres")
    args = parser.parse_args()
    wanted = args.adapters.split(",")
    print(f"promokit ledger benchmark, python {sys.version.split()[0]}, {os.cpu_count()} cores, loopback")
    with tempfile.TemporaryDirectory() as tmp:
        if "sqlite" in wanted:
            bench(
                "sqlite",
                f"sqlite:///{os.path.join(tmp, 'bench.db')}",
                args,
                "bare BEGIN IMMEDIATE txn",
                sqlite_bare(os.path.join(tmp, "bare.db")),
            )
        if "redis" in wanted:
            url = f"{REDIS}?namespace=bench{uuid.uuid4().hex[:6]}"
            first = open_ledger(url)
            first.init()  # type: ignore[attr-defined]
            bench("redis", url, args, "redis-benchmark -c 1 EVALSHA", redis_benchmark(first))
        if "postgres" in wanted:
            base, cleanup = postgres_multi(POSTGRES)
            try:
                bench(
                    "postgres",
                    f"{POSTGRES}?schema=bench_{uuid.uuid4().hex[:6]}",
                    args,
                    "multi-statement client txn",
                    base,
                )
            finally:
                cleanup()
    print(
        f"rerun: {sys.executable} benchmarks/ledgers.py --count {args.count} --seconds {args.seconds} "
        f"--adapters {args.adapters}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
