"""The private cache folder and its signed entries: the one cache-folder lookup of promokit.

`cache_dir()` is `$PROMOKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/promokit`, else
`~/.cache/promokit`; `PROMOKIT_NO_CACHE=1` turns caching off. The folder is created 0700 and
used only while it is a real directory (not a symlink) owned by the current user and not
writable by group or others: an entry planted in a shared folder is never read.

Entries are JSON with a one-line header naming their format and key and an HMAC-SHA-256 of
the payload under a random secret kept in the folder (`key`, 0600, created once). An edited
entry fails the HMAC even when its author recomputed a plain digest; forging one needs the
secret, i.e. the rights of the user who owns the folder. Users: the compile cache
(`cache.py`) and the grammar tables (`grammar_cache.py`). docs/language.md#loading-and-caching.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "read_signed", "write_signed"]


def cache_dir() -> Path | None:
    """The private cache folder, created 0700 if needed; None when caching is off or unsafe."""
    if os.environ.get("PROMOKIT_NO_CACHE", "") not in ("", "0"):
        return None
    configured = os.environ.get("PROMOKIT_CACHE_DIR")
    if configured:
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = Path(base) / "promokit"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
        if not _private(os.lstat(folder), directory=True):
            return None
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


def _private(info: os.stat_result, *, directory: bool) -> bool:
    """Owned by this user, the right kind (no symlink), no write access for group or others."""
    kind = stat.S_ISDIR if directory else stat.S_ISREG
    return kind(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _secret(folder: Path) -> bytes:
    """The folder's HMAC key (32 random bytes, 0600), created on first use. OSError if unsafe."""
    path = folder / "key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as key_file:
        if not _private(os.fstat(key_file.fileno()), directory=False):
            raise OSError(f"{path} is not private to this user")
        key = key_file.read()
    if len(key) != 32:
        raise OSError(f"{path} is not a cache key")
    return key


def _mac(folder: Path, payload: bytes) -> str:
    return hmac.new(_secret(folder), payload, hashlib.sha256).hexdigest()


def read_signed(name: str, form: str, key: str) -> Any:
    """The JSON body of the private folder's entry `name`, or None unless its header names
    `form` and `key` and its HMAC verifies (so an edited or planted entry is never used)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = (folder / name).read_bytes()
        header, _, payload = data.partition(b"\n")
        meta = json.loads(header)
        if (
            meta.get("format") != form
            or meta.get("key") != key
            or not isinstance(meta.get("hmac"), str)
            or not hmac.compare_digest(meta["hmac"], _mac(folder, payload))
        ):
            return None
        return json.loads(payload)
    except Exception:  # noqa: BLE001 - any unreadable or malformed entry is a cache miss
        return None


def write_signed(name: str, form: str, key: str, body: Any) -> bool:
    """Write `body` as the signed entry `name` (atomically). False if not written."""
    folder = cache_dir()
    if folder is None:
        return False
    try:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = json.dumps({"format": form, "key": key, "hmac": _mac(folder, payload)})
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(header.encode() + b"\n" + payload)
            os.replace(tmp, folder / name)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:  # noqa: BLE001 - a full disk or a read-only folder only costs speed
        return False
    return True
