"""Versioned rules: every loaded rule set's sources, kept once per version, brought back on demand.

    rules = promokit.load("rules/", archive="sqlite:///promokit.db")   # or a directory
    old = promokit.load_version(result.rules_version, archive="sqlite:///promokit.db")
    promokit.refund(result, {"l1": 1}, rules=old)

A version is `RuleSet.version` (= `PricingResult.rules_version`): a hash of what the rules
mean, so storing is content-addressed — a version already in the archive is not written
again, and sources that differ only in layout or comments are one version.

Archives (docs/production.md#versioned-rules):
- a directory: one `<version>.json` per version, written atomically (temp file + rename);
- `sqlite:///path.db`: a table `promokit_rule_versions` (the SQLite ledger's file may hold it);
- `redis://…[?namespace=N]`: a hash `{promokit:N}:rules` next to that ledger's keys;
- `postgresql://…[?schema=S]`: a table `S.rule_versions` next to that ledger's tables.

An archive that cannot be opened or written raises `LedgerError` naming it (without
credentials); a version it does not hold raises `VersionNotFound`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .check.frontend import parse_sources
from .engine.ruleset import RuleSet
from .errors import PromokitError
from .ledgers._core import redact
from .ledgers.base import LedgerError
from .ledgers.postgres import PostgresLedger, _first_line, _import_psycopg
from .ledgers.redis import _import_redis
from .ledgers.redis_lua import namespace_key, url_options
from .ledgers.sqlite import sqlite_path
from .telemetry import archive_log

__all__ = ["VersionInfo", "VersionNotFound", "load_version", "open_archive", "store", "versions"]


class VersionNotFound(PromokitError):
    """The archive holds no rule set with this version."""


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One archived version: when it was first stored (UTC) and how many files it has."""

    version: str
    stored_at: dt.datetime
    files: int


class Archive(Protocol):
    where: str  # for messages, without credentials

    def put(self, version: str, sources: dict[str, str], stored_at: float) -> bool:
        """Store unless present; True when it was new."""
        ...

    def get(self, version: str) -> dict[str, str] | None: ...

    def list(self) -> list[VersionInfo]: ...

    def close(self) -> None: ...


def _record(version: str, sources: dict[str, str], stored_at: float) -> str:
    return json.dumps(
        {"version": version, "stored_at": stored_at, "sources": sources}, ensure_ascii=False, sort_keys=True
    )


def _info(version: str, stored_at: float, files: int) -> VersionInfo:
    return VersionInfo(version, dt.datetime.fromtimestamp(stored_at, dt.UTC), files)


def _check_version(version: object) -> str:
    if not isinstance(version, str) or not version or not all(c in "0123456789abcdef" for c in version):
        raise VersionNotFound(
            f"{version!r} is not a rules version (a hex hash like PricingResult.rules_version)"
        )
    return version


class DirectoryArchive:
    def __init__(self, path: Path, create: bool) -> None:
        self.path, self.where = path, str(path)
        if create:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerError(f"{path}: cannot open the rules archive: {exc.strerror or exc}") from None
        if not path.is_dir():
            missing = "does not exist" if not path.exists() else "is not a directory"
            raise LedgerError(f"{path}: no rules archive there (the path {missing})")

    def put(self, version: str, sources: dict[str, str], stored_at: float) -> bool:
        target = self.path / f"{version}.json"
        if target.exists():
            return False
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(_record(version, sources, stored_at))
            os.replace(tmp, target)  # atomic: a reader never sees half a version
        except OSError as exc:
            raise LedgerError(
                f"{self.path}: cannot write to the rules archive: {exc.strerror or exc}"
            ) from None
        return True

    def _read(self, file: Path) -> dict[str, object]:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LedgerError(f"{file}: unreadable rules archive entry: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
            raise LedgerError(f"{file}: not a promokit rules archive entry")
        return data

    def get(self, version: str) -> dict[str, str] | None:
        file = self.path / f"{version}.json"
        if not file.is_file():
            return None
        sources = self._read(file)["sources"]
        return {str(k): str(v) for k, v in sources.items()}  # type: ignore[attr-defined]

    def list(self) -> list[VersionInfo]:
        out = []
        for file in sorted(self.path.glob("*.json")):
            data = self._read(file)
            out.append(_info(str(data["version"]), float(data["stored_at"]), len(data["sources"])))  # type: ignore[arg-type]
        return out

    def close(self) -> None:
        pass


_SQLITE_DDL = (
    "CREATE TABLE IF NOT EXISTS promokit_rule_versions ("
    "version TEXT PRIMARY KEY, stored_at REAL NOT NULL, files INTEGER NOT NULL, record TEXT NOT NULL)"
)


class SQLiteArchive:
    def __init__(self, url: str, create: bool) -> None:
        self.where = redact(url)
        self.path = sqlite_path(url)  # the SQLite ledger's reading of the URL: one file, one meaning
        if not create and not Path(self.path).is_file():
            raise LedgerError(f"{self.where}: no rules archive there (no such database file)")
        try:
            with self._connect() as conn:
                conn.execute(_SQLITE_DDL)
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.where}: cannot open the rules archive: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        if not self.path or not Path(self.path).parent.is_dir():
            raise sqlite3.OperationalError(f"no such directory for {self.path!r}")
        return sqlite3.connect(self.path, timeout=10)

    def put(self, version: str, sources: dict[str, str], stored_at: float) -> bool:
        try:
            with self._connect() as conn:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO promokit_rule_versions VALUES (?, ?, ?, ?)",
                    (version, stored_at, len(sources), _record(version, sources, stored_at)),
                )
                return cur.rowcount == 1
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.where}: cannot write to the rules archive: {exc}") from None

    def get(self, version: str) -> dict[str, str] | None:
        try:
            with self._connect() as conn:
                row = conn.execute(
                    "SELECT record FROM promokit_rule_versions WHERE version = ?", (version,)
                ).fetchone()
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.where}: cannot read the rules archive: {exc}") from None
        return None if row is None else dict(json.loads(row[0])["sources"])

    def list(self) -> list[VersionInfo]:
        try:
            with self._connect() as conn:
                rows = conn.execute(
                    "SELECT version, stored_at, files FROM promokit_rule_versions ORDER BY stored_at, version"
                ).fetchall()
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.where}: cannot read the rules archive: {exc}") from None
        return [_info(v, t, n) for v, t, n in rows]

    def close(self) -> None:
        pass


class RedisArchive:
    """Versions in one hash of the ledger's namespace (version -> record), written with HSETNX."""

    def __init__(self, url: str) -> None:
        redis = _import_redis()
        self.where = redact(url)
        client_url, namespace, _ = url_options(url)
        self.key = namespace_key(namespace, "rules")
        self._errors: tuple[type[BaseException], ...] = (ValueError, redis.exceptions.RedisError)
        try:
            self._client = redis.Redis.from_url(client_url, decode_responses=True, socket_timeout=10)
            self._client.ping()
        except self._errors as exc:
            raise LedgerError(f"{self.where}: cannot reach the rules archive: {exc}") from None

    def put(self, version: str, sources: dict[str, str], stored_at: float) -> bool:
        try:
            return bool(self._client.hsetnx(self.key, version, _record(version, sources, stored_at)))
        except self._errors as exc:
            raise LedgerError(f"{self.where}: cannot write to the rules archive: {exc}") from None

    def get(self, version: str) -> dict[str, str] | None:
        try:
            raw = self._client.hget(self.key, version)
        except self._errors as exc:
            raise LedgerError(f"{self.where}: cannot read the rules archive: {exc}") from None
        return None if raw is None else dict(json.loads(raw)["sources"])

    def list(self) -> list[VersionInfo]:
        try:
            records = self._client.hvals(self.key)
        except self._errors as exc:
            raise LedgerError(f"{self.where}: cannot read the rules archive: {exc}") from None
        return [_info(r["version"], r["stored_at"], len(r["sources"])) for r in map(json.loads, records)]

    def close(self) -> None:
        self._client.close()


class PostgresArchive:
    """Versions in a table `rule_versions` of the ledger's schema (created with the schema)."""

    def __init__(self, url: str) -> None:
        # The PostgreSQL ledger reads the URL and creates its schema; the table sits next to it.
        self._ledger = PostgresLedger(url)
        self.where, self._psycopg = self._ledger.url, _import_psycopg()
        self._table = f"{self._ledger.schema}.rule_versions"
        self._run(
            f"CREATE TABLE IF NOT EXISTS {self._table} (version text PRIMARY KEY, "
            "stored_at double precision NOT NULL, files int NOT NULL, record text NOT NULL)",
            (),
            "open",
        )

    def _run(self, sql: str, args: tuple[object, ...], what: str) -> Any:
        try:
            return self._ledger._conn().execute(sql, args)
        except self._psycopg.Error as exc:
            raise LedgerError(f"{self.where}: cannot {what} the rules archive: {_first_line(exc)}") from None

    def put(self, version: str, sources: dict[str, str], stored_at: float) -> bool:
        cur = self._run(
            f"INSERT INTO {self._table} VALUES (%s, %s, %s, %s) ON CONFLICT (version) DO NOTHING",
            (version, stored_at, len(sources), _record(version, sources, stored_at)),
            "write to",
        )
        return bool(cur.rowcount == 1)

    def get(self, version: str) -> dict[str, str] | None:
        row = self._run(f"SELECT record FROM {self._table} WHERE version = %s", (version,), "read").fetchone()
        return None if row is None else dict(json.loads(row[0])["sources"])

    def list(self) -> list[VersionInfo]:
        rows = self._run(f"SELECT version, stored_at, files FROM {self._table}", (), "read").fetchall()
        return [_info(v, t, n) for v, t, n in rows]

    def close(self) -> None:
        self._ledger.close()


def open_archive(target: str | Path, *, create: bool = False) -> Archive:
    """A directory, or a ledger URL (sqlite, redis, postgresql: docs/production.md#versioned-rules).

    `create`: make a missing directory or SQLite file (when storing)."""
    if isinstance(target, Path):
        return DirectoryArchive(target, create)
    if not isinstance(target, str) or not target:
        raise LedgerError(f"a rules archive is a directory or a sqlite:/// URL, got {target!r}")
    scheme = target.split("://", 1)[0].lower() if "://" in target else ""
    if scheme == "sqlite":
        return SQLiteArchive(target, create)
    if scheme in ("redis", "rediss"):
        return RedisArchive(target)
    if scheme in ("postgresql", "postgres"):
        return PostgresArchive(target)
    if scheme in ("", "file"):
        return DirectoryArchive(Path(target.removeprefix("file://")), create)
    raise LedgerError(
        f"{redact(target)}: a rules archive is a directory or a sqlite://, redis:// or postgresql:// URL, "
        f"not {scheme}://"
    )


def store(rules: RuleSet, archive: str | Path) -> bool:
    """Store `rules`' sources under its version unless present; True when it was new."""
    where = open_archive(archive, create=True)
    sources = {name: source.text for name, source in rules.sources.items()}
    stored_at = dt.datetime.now(dt.UTC).timestamp()
    try:
        new = where.put(rules.version, sources, stored_at)
    finally:
        where.close()
    if new:
        archive_log.info("stored rules version %s (%d files) in %s", rules.version, len(sources), where.where)
    return new


def load_version(version: str, *, archive: str | Path) -> RuleSet:
    """The rule set of `version`, from its archived sources.

    Raises `VersionNotFound` when the archive does not hold it, `LedgerError` when the
    archive cannot be read, and `VersionNotFound` too when the sources no longer compile to
    that version (a promokit upgrade changed what they mean).
    """
    version = _check_version(version)
    where = open_archive(archive)
    try:
        sources = where.get(version)
    finally:
        where.close()
    if sources is None:
        raise VersionNotFound(
            f"{where.where}: no rules version {version!r} in the archive "
            f"(`promokit versions {where.where}` lists what it holds)"
        )
    rules = RuleSet(parse_sources(sources))
    if rules.version != version:
        raise VersionNotFound(
            f"{where.where}: the sources archived as {version!r} now compile to version {rules.version!r} "
            "(this promokit reads them differently)"
        )
    return rules


def versions(archive: str | Path) -> list[VersionInfo]:
    """Every version in the archive, oldest first."""
    where = open_archive(archive)
    try:
        return sorted(where.list(), key=lambda v: (v.stored_at, v.version))
    finally:
        where.close()
