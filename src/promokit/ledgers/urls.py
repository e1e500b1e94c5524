"""Ledger URLs: the scheme of a URL and the error for one no adapter serves (sync and async)."""

from __future__ import annotations

from urllib.parse import urlsplit

from ._core import redact
from .base import LedgerError


def url_scheme(url: object) -> str:
    """The lower-case scheme; LedgerError for a non-string or unparsable URL."""
    if not isinstance(url, str):
        raise LedgerError(f"a ledger URL must be a string, got {type(url).__name__}")
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        raise LedgerError(f"{redact(url)}: not a valid ledger URL") from None


def unknown_scheme(url: str, scheme: str) -> LedgerError:
    return LedgerError(
        f"{redact(url)}: unknown ledger URL scheme {scheme + '://' if scheme else '(none)'}; "
        "use memory://, sqlite:///path.db, redis://host:port/db or postgresql://user@host/db"
    )
