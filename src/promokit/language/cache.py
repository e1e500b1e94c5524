"""The compile cache: a checked rule set stored on disk, so loading unchanged rules is cheap.

Parsing and checking 1,000 promotions costs a few hundred milliseconds; a service that
restarts often pays that every time. `frontend.parse_paths` / `parse_text` therefore store
their result (the checked `RuleSetAst` and its warnings) under a key that hashes everything
the result depends on:

- the cache format and promokit's version;
- the front end itself: `grammar.lark` and the source of every module between text and
  checked AST (so a development checkout never serves an entry built by older code);
- the input limits in force (they decide which files are rejected);
- every file's display name and text, in order.

Where: `$PROMOKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/promokit`, else `~/.cache/promokit`
(`cache_dir`, the one cache-folder lookup of promokit). `PROMOKIT_NO_CACHE=1` turns it off.
The folder is created 0700 and used only while it is a real directory (not a symlink) owned
by the current user and not writable by group or others; anything else turns the cache
off, so an entry planted in a shared folder is never read. When the folder cannot be
created or written, or an entry is unreadable, stale, corrupted or forged, the rules are
simply parsed again: the cache can make loading faster, never make it fail.

Rule files are data, so entries are JSON, never pickle: a small reflective serializer walks
the AST's frozen dataclasses by their fields and type hints (Decimal as text, dates and
times in ISO form, enums by value, tuples as lists, a `Span` as a 7-element list, a member
of a union of classes tagged with its class name). Fields equal to their default are left
out. Each entry records the format, its key and an HMAC-SHA-256 of its payload under a
random secret kept in the folder (`key`, mode 0600, created once): a truncated or edited
file is ignored, and forging an entry that decodes needs the secret, i.e. the rights of
the user who could as well edit the rule files. Small rule sets (under `MIN_CHARS` characters in all)
are not cached: they parse in milliseconds, less than a disk write costs.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from .._version import __version__
from . import ast as A
from .cache_folder import cache_dir, read_signed, write_signed
from .diagnostics import Diagnostic
from .source import Source, Span

__all__ = [
    "FORMAT",
    "MIN_CHARS",
    "cache_dir",
    "cache_key",
    "decode",
    "encode",
    "load",
    "read_signed",
    "store",
    "structure",
    "write_signed",
]

#: Bumped whenever the layout of an entry changes; part of every key and every entry.
FORMAT = "promokit-ast-cache/2"

#: Rule sets smaller than this many characters (all files together) are not cached.
MIN_CHARS = 8_000

#: At most this many entries are kept; the least recently written go first.
MAX_ENTRIES = 64

#: The modules whose code decides what a checked AST looks like (see `_front_end_digest`).
_FRONT_END_FILES = (
    "language/grammar.lark",
    "language/ast.py",
    "language/nodes.py",
    "language/time_nodes.py",
    "language/program_nodes.py",
    "benefits/*.py",  # every benefit module: its node, its checks, its layer
    "language/source.py",
    "language/diagnostics.py",
    "language/parser.py",
    "language/parse_messages.py",
    "language/lowering.py",
    "language/lowering_base.py",
    "language/lowering_actions.py",
    "language/lowering_compose.py",
    "language/lowering_terms.py",
    "language/lowering_points.py",
    "language/cache.py",
    "check/checker.py",
    "check/coupons.py",
    "check/conditions.py",
    "check/values.py",
    "check/compose.py",
    "check/layers.py",
    "check/frontend.py",
    "compile/scopes.py",
    "money.py",
)

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


# ----------------------------------------------------------------------------- where


@functools.cache
def _front_end_digest() -> str:
    """A hash of the grammar and of the front end's code (read once per process)."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0".encode())
    package = resources.files("promokit")
    for pattern in _FRONT_END_FILES:
        folder, _, leaf = pattern.rpartition("/")
        if leaf.startswith("*"):  # every module of a folder, in name order
            found = package.joinpath(folder)
            names = sorted(f"{folder}/{p.name}" for p in found.iterdir() if p.name.endswith(leaf[1:]))
        else:
            names = [pattern]
        for name in names:
            try:
                data = package.joinpath(*name.split("/")).read_bytes()
            except OSError:
                data = b"<missing>"
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def cache_key(sources: Sequence[Source], limits: object) -> str:
    """The key of a rule set: front-end code, limits, and every file's name and text."""
    digest = hashlib.sha256(_front_end_digest().encode())
    digest.update(repr(limits).encode())
    for source in sources:
        name = source.name.encode("utf-8", "surrogatepass")
        text = source.text.encode("utf-8", "surrogatepass")
        digest.update(b"\0%d:%s\0%d:" % (len(name), name, len(text)))
        digest.update(text)
    return digest.hexdigest()


def worth_caching(sources: Sequence[Source]) -> bool:
    return sum(len(source.text) for source in sources) >= MIN_CHARS


# ----------------------------------------------------------------------------- load / store


def load(key: str) -> tuple[A.RuleSetAst, tuple[Diagnostic, ...]] | None:
    """The cached result for `key`, or None (no cache, no entry, or an entry not to trust)."""
    body = read_signed(f"{key}.json", FORMAT, key)
    if body is None:
        return None
    try:
        ruleset = decode(A.RuleSetAst, body["ast"])
        warnings = decode(tuple[Diagnostic, ...], body["warnings"])
    except Exception:  # noqa: BLE001 - any malformed entry is a cache miss
        return None
    return ruleset, warnings


def store(key: str, ruleset: A.RuleSetAst, warnings: Sequence[Diagnostic]) -> bool:
    """Write an entry (atomically: a temporary file renamed into place). False if not written."""
    try:
        body = {
            "ast": encode(A.RuleSetAst, ruleset),
            "warnings": encode(tuple[Diagnostic, ...], tuple(warnings)),
        }
    except Exception:  # noqa: BLE001 - a value the serializer refuses is simply not cached
        return False
    written = write_signed(f"{key}.json", FORMAT, key, body)
    if written:
        folder = cache_dir()
        if folder is not None:
            try:
                _prune(folder)
            except OSError:
                pass
    return written


def _prune(folder: Path) -> None:
    """Keep the `MAX_ENTRIES` most recently written entries."""
    entries = [p for p in folder.glob("*.json") if len(p.stem) == 64]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=_written_at)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        old.unlink(missing_ok=True)


def _written_at(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process pruning the same folder
        return 0.0


# ----------------------------------------------------------------------------- the serializer


def encode(hint: Any, value: Any) -> dict[str, Any]:
    """`value` (of type `hint`) as a JSON-ready document: {"files": [...], "data": ...}.

    Span file names go into the `files` table once; each span refers to its index (a file
    name repeated in every span was a third of an entry, and of its decoding time).
    """
    files: dict[str, int] = {}
    token = _FILES_OUT.set(files)
    try:
        data = _codec(hint)[0](value)
    finally:
        _FILES_OUT.reset(token)
    return {"files": list(files), "data": data}


def decode(hint: Any, document: dict[str, Any]) -> Any:
    """The value of type `hint` that `encode` turned into `document`. Malformed data raises."""
    files = document["files"]
    if type(files) is not list or not all(type(name) is str for name in files):
        raise TypeError("the file table is not a list of names")
    token = _FILES_IN.set(files)
    try:
        return _codec(hint)[1](document["data"])
    finally:
        _FILES_IN.reset(token)


def structure(hint: Any, value: Any) -> str:
    """`value` as canonical JSON text with every span left out.

    Equal for two nodes that say the same thing in the same words, wherever they stand in
    their files; different when anything written differs (a value, a name, the notation).
    About 3x cheaper than `repr(ast.strip_spans(node))`, so a good basis for a rule-set
    fingerprint such as `compiler.rules_version`.
    """
    token = _NO_SPANS.set(True)
    try:
        data = encode(hint, value)["data"]
    finally:
        _NO_SPANS.reset(token)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


#: Set while `structure` encodes: span fields are skipped.
_NO_SPANS: contextvars.ContextVar[bool] = contextvars.ContextVar("promokit_cache_no_spans", default=False)

#: The file table of the document being encoded / decoded (per thread and task).
_FILES_OUT: contextvars.ContextVar[dict[str, int]] = contextvars.ContextVar("promokit_cache_files_out")
_FILES_IN: contextvars.ContextVar[list[str]] = contextvars.ContextVar("promokit_cache_files_in")


def _identity(value: Any) -> Any:
    return value


def _checked(kind: type) -> Decoder:
    def check(data: Any) -> Any:
        if type(data) is not kind:
            raise TypeError(f"expected {kind.__name__}, found {type(data).__name__}")
        return data

    return check


def _encode_span(span: Span) -> list[Any]:
    files = _FILES_OUT.get()
    index = files.setdefault(span.file, len(files))
    return [index, span.line, span.col, span.end_line, span.end_col, span.start, span.end]


def _decode_span(data: list[Any]) -> Span:
    index, line, col, end_line, end_col, start, end = data
    return Span(_FILES_IN.get()[index], line, col, end_line, end_col, start, end)


def _exact(kind: type, then: Encoder = _identity) -> Encoder:
    """An encoder that refuses anything but `kind` itself (an int where the AST says Decimal
    would come back as a Decimal: equal, but not the same AST). Refused = not cached."""

    def encode_exact(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, found {type(value).__name__}")
        return then(value)

    return encode_exact


#: Scalars: (encoder, decoder, tag used when the type is one member of a union).
_SCALARS: dict[Any, tuple[Encoder, Decoder, str]] = {
    str: (_exact(str), _checked(str), "s"),
    int: (_exact(int), _checked(int), "i"),
    bool: (_exact(bool), _checked(bool), "b"),
    Decimal: (_exact(Decimal, str), Decimal, "D"),
    dt.date: (_exact(dt.date, dt.date.isoformat), dt.date.fromisoformat, "d"),
    dt.time: (_exact(dt.time, dt.time.isoformat), dt.time.fromisoformat, "t"),
    Span: (_exact(Span, _encode_span), _decode_span, "S"),
    type(None): (_exact(type(None)), _checked(type(None)), "n"),
}


@functools.cache
def _codec(hint: Any) -> tuple[Encoder, Decoder]:
    """Encoder and decoder for one type hint, built once per hint."""
    if hint in _SCALARS:
        enc, dec, _ = _SCALARS[hint]
        return enc, dec
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _encode_enum(hint), {member.value: member for member in hint}.__getitem__
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        codec = _class_codec(hint)
        return codec.encode, codec.decode
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        enc_item, dec_item = _codec(args[0])
        return (lambda v: [enc_item(x) for x in v]), (lambda d: tuple([dec_item(x) for x in d]))
    if origin is typing.Literal:
        allowed = frozenset(args)

        def literal(data: Any) -> Any:
            if data not in allowed:
                raise ValueError(f"{data!r} is not one of {sorted(map(str, allowed))}")
            return data

        return _identity, literal
    if origin is types.UnionType or origin is typing.Union:
        return _union_codec(args)
    raise TypeError(f"the AST cache cannot serialize values of type {hint!r}")


def _encode_enum(kind: type[enum.Enum]) -> Encoder:
    def encode_member(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}, found {type(value).__name__}")
        return value.value

    return encode_member


def _union_codec(args: tuple[Any, ...]) -> tuple[Encoder, Decoder]:
    """`X | None` is X or null; a wider union tags each value: [tag, data]."""
    members = [a for a in args if a is not type(None)]
    optional = len(members) < len(args)
    if len(members) == 1:
        enc, dec = _codec(members[0])
        if not optional:
            return enc, dec
        return (lambda v: None if v is None else enc(v)), (lambda d: None if d is None else dec(d))
    by_type: dict[type, tuple[str, Encoder]] = {}
    by_tag: dict[str, Decoder] = {}
    for member in members:
        tag = _SCALARS[member][2] if member in _SCALARS else member.__name__
        enc, dec = _codec(member)
        by_type[member] = (tag, enc)
        by_tag[tag] = dec

    def encode_member(value: Any) -> Any:
        if value is None and optional:
            return None
        tag, enc = by_type[type(value)]
        return [tag, enc(value)]

    def decode_member(data: Any) -> Any:
        if data is None and optional:
            return None
        tag, payload = data
        return by_tag[tag](payload)

    return encode_member, decode_member


class _ClassCodec:
    """A dataclass as a JSON object of its non-default fields.

    Registered before its fields' codecs are built, so recursive types (`Not` holds a
    `Condition`, which may be a `Not`) resolve to the same codec.
    """

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.fields: list[tuple[str, Encoder, Any, bool]] = []
        self.decoders: dict[str, Decoder] = {}

    def build(self) -> None:
        hints = typing.get_type_hints(self.cls)
        for f in dataclasses.fields(self.cls):
            enc, dec = _codec(hints[f.name])
            spans = hints[f.name] is Span or hints[f.name] == tuple[Span, ...]
            self.fields.append((f.name, enc, f.default, spans))
            self.decoders[f.name] = dec

    def encode(self, value: Any) -> dict[str, Any]:
        if type(value) is not self.cls:
            raise TypeError(f"expected {self.cls.__name__}, found {type(value).__name__}")
        out: dict[str, Any] = {}
        no_spans = _NO_SPANS.get()
        for name, enc, default, is_span in self.fields:
            if is_span and no_spans:
                continue
            item = getattr(value, name)
            if not _is_default(item, default):
                out[name] = enc(item)
        return out

    def decode(self, data: dict[str, Any]) -> Any:
        decoders = self.decoders
        return self.cls(**{name: decoders[name](item) for name, item in data.items()})


_CLASSES: dict[type, _ClassCodec] = {}


def _class_codec(cls: type) -> _ClassCodec:
    codec = _CLASSES.get(cls)
    if codec is None:
        codec = _CLASSES[cls] = _ClassCodec(cls)
        codec.build()
    return codec


def _is_default(value: Any, default: Any) -> bool:
    """Leave a field out only when decoding it from its default gives back the same value.

    `Decimal("1.0") == Decimal(1)` but prints differently, and `True == 1`: compare the
    type and, for decimals, the text as well.
    """
    if value is default:
        return True
    if default is dataclasses.MISSING or type(value) is not type(default) or value != default:
        return False
    return not isinstance(value, Decimal) or str(value) == str(default)
