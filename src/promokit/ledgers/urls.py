"""Ledger URLs: the scheme of a URL, promokit's own URL options, and the error for one no
adapter serves (sync and async)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

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


#: `?campaign_stats=off`: a reservation claims no campaign-statistics counters (docs/ledgers.md#campaign-statistics-off)
CAMPAIGN_STATS = "campaign_stats"
_ON, _OFF = ("on", "true", "yes", "1"), ("off", "false", "no", "0")


def campaign_option(url: str, given: bool | None) -> tuple[str, bool]:
    """`url` without promokit's `campaign_stats` option (the adapters and their clients never
    see it), and whether reservations claim campaign statistics: `given` (the `open_ledger`
    argument) when not None, else the URL's option, else True. LedgerError for a bad value."""
    # Drop the option textually: the rest of the URL reaches the adapter byte for byte.
    base, _, tail = url.partition("?")
    query, hash_, fragment = tail.partition("#")
    segments = query.split("&") if query else []
    ours = [seg for seg in segments if unquote(seg.partition("=")[0]) == CAMPAIGN_STATS]
    if not ours:
        return url, True if given is None else _flag(url, given)
    rest = "&".join(seg for seg in segments if seg not in ours)
    clean = base + ("?" + rest if rest else "") + hash_ + fragment
    if len(ours) > 1:
        raise LedgerError(f"{redact(clean)}: the option {CAMPAIGN_STATS} is given {len(ours)} times")
    value = unquote(ours[0].partition("=")[2])
    word = value.strip().lower()
    if word not in _ON + _OFF:
        raise LedgerError(f"{redact(clean)}: {CAMPAIGN_STATS} must be on or off, got {value!r}")
    return clean, (word in _ON) if given is None else _flag(clean, given)


def _flag(url: str, given: object) -> bool:
    if not isinstance(given, bool):
        raise LedgerError(f"{redact(url)}: campaign_stats must be True or False, got {given!r}")
    return given
