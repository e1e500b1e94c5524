"""LALR parsers built once and kept as signed JSON data, never as pickles.

lark's own `cache=` option stores the parser tables as a pickle, and loading a pickle can
run code: one planted in a predictable `$TMPDIR` path once ran during `promokit test`. Here
the tables (`Lark.memo_serialize`, which holds only strings, numbers, lists, dicts, tuples
and sets) are written as tagged JSON to the private cache folder (`cache_folder.py`: 0700,
owner-checked, HMAC-signed entries). Loading one decodes plain data; lark rebuilds its
objects from it with the two classes it is given (`TerminalDef`, `Rule`), so a cache entry
cannot name any other code to run. Building the main grammar took 0.15-0.4 s here, loading
its tables 0.03-0.11 s (docs/language.md#loading-and-caching). Any problem (no folder, a stale or edited entry, another lark version)
just builds the parser: the cache can make startup faster, never make it fail.
"""

from __future__ import annotations

import hashlib
from typing import Any

import lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

from .cache_folder import read_signed, write_signed

__all__ = ["FORMAT", "build_parser"]

#: Part of every grammar entry's header and key; bumped when the encoding changes.
FORMAT = "promokit-grammar-cache/1"


def build_parser(grammar: str, **options: Any) -> lark.Lark:
    """`lark.Lark(grammar, **options)`, from the signed data cache when it holds it."""
    key = hashlib.sha256(
        "\0".join([FORMAT, lark.__version__, repr(sorted(options.items())), grammar]).encode()
    ).hexdigest()
    name = f"grammar-{key[:32]}.json"
    body = read_signed(name, FORMAT, key)
    if body is not None:
        try:
            # lark's public `Lark.load` reads a pickle; `_load_from_dict` is what it calls on the
            # unpickled dict. The key includes lark's version, so a changed internal is a miss.
            loaded: lark.Lark = lark.Lark._load_from_dict(  # type: ignore[no-untyped-call]
                _decode(body["data"]), _decode(body["memo"])
            )
            return loaded
        except Exception:  # noqa: BLE001 - an entry lark cannot load is a cache miss
            pass
    parser = lark.Lark(grammar, **options)
    try:
        data, memo = parser.memo_serialize([TerminalDef, Rule])
        write_signed(name, FORMAT, key, {"data": _encode(data), "memo": _encode(memo)})
    except Exception:  # noqa: BLE001 - tables that do not encode are simply not cached
        pass
    return parser


def _encode(value: Any) -> Any:
    """Plain data as JSON: dicts, tuples and sets tagged so they come back as themselves."""
    if isinstance(value, dict):
        return {"d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"t": [_encode(x) for x in value]}
    if isinstance(value, set | frozenset):
        return {"s": [_encode(x) for x in sorted(value, key=repr)]}
    if isinstance(value, list):
        return [_encode(x) for x in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"grammar tables hold a {type(value).__name__}, which is not plain data")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(x) for x in value]
    if isinstance(value, dict):
        ((tag, items),) = value.items()
        if tag == "d":
            return {_decode(k): _decode(v) for k, v in items}
        if tag == "t":
            return tuple(_decode(x) for x in items)
        if tag == "s":
            return {_decode(x) for x in items}
        raise ValueError(f"unknown tag {tag!r} in a grammar entry")
    return value
