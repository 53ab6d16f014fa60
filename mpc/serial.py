"""Strict, versioned JSON for everything ``mpc`` sends or stores (never pickle).

Every document is an object ``{"type": ..., "version": 1, ...}``. Parsing refuses, with a
:class:`MalformedDataError` and before any large allocation: documents over the size cap,
nesting deeper than 8, duplicate keys, floats, NaN and infinities, unknown or missing
fields, another type or version, and integers that are not canonical decimal strings
(``"10"``; never ``"+10"``, ``" 10"``, ``"010"``, ``"1_0"``) or longer than the field allows.

    >>> doc = dumps({"type": "example", "version": 1, "x": encode_int(12345)})
    >>> doc
    '{"type":"example","version":1,"x":"12345"}'
    >>> fields = loads(doc, "example", {"x"})
    >>> decode_int(fields["x"], "x", max_bits=64)
    12345
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import MPCError

__all__ = ["MalformedDataError", "VERSION", "MAX_DOCUMENT", "dumps", "loads", "encode_int", "decode_int"]

VERSION = 1
MAX_DOCUMENT = 1 << 20  # bytes
MAX_DEPTH = 8
_INT = re.compile(r"-?(0|[1-9][0-9]*)")


class MalformedDataError(MPCError, ValueError):
    """A serialised document that is not exactly what its type and version prescribe."""


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"), allow_nan=False)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise MalformedDataError(f"duplicate key {k[:40]!r}")
        out[k] = v
    return out


def _refuse(what: str) -> Any:
    def hook(s: str) -> Any:
        raise MalformedDataError(f"{what} {s[:40]!r} (numbers travel as decimal strings)")
    return hook


def _small_int(s: str) -> int:
    """Bare JSON numbers only for small counts (the version): big ones travel as strings."""
    if len(s) > 6:
        raise MalformedDataError(f"bare number {s[:40]!r} (big numbers travel as decimal strings)")
    return int(s)


def _depth(text: str) -> int:
    depth = top = 0
    in_str = escape = False
    for ch in text:
        if in_str:
            escape, in_str = (False, True) if escape else (ch == "\\", ch != '"')
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            top = max(top, depth)
        elif ch in "]}":
            depth -= 1
    return top


def loads(text: str | bytes, type_: str, fields: set[str], *, max_size: int = MAX_DOCUMENT) -> dict[str, Any]:
    """Parse a document of ``type_`` whose other fields are exactly ``fields``."""
    if isinstance(text, bytes):
        if len(text) > max_size:
            raise MalformedDataError(f"document of {len(text)} bytes, the cap is {max_size}")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedDataError("document is not UTF-8") from None
    if not isinstance(text, str):
        raise MalformedDataError(f"expected str or bytes, found {type(text).__name__}")
    if len(text) > max_size:
        raise MalformedDataError(f"document of {len(text)} characters, the cap is {max_size}")
    if _depth(text) > MAX_DEPTH:
        raise MalformedDataError(f"document nested deeper than {MAX_DEPTH}")
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_refuse("float"),
                         parse_constant=_refuse("constant"), parse_int=_small_int)
    except json.JSONDecodeError as e:
        raise MalformedDataError(f"not JSON: {e.msg} at {e.pos}") from None
    if not isinstance(doc, dict):
        raise MalformedDataError(f"expected a JSON object, found {type(doc).__name__}")
    if doc.get("type") != type_:
        raise MalformedDataError(f"expected a {type_!r} document, found type {str(doc.get('type'))[:40]!r}")
    if doc.get("version") != VERSION or isinstance(doc.get("version"), bool):
        raise MalformedDataError(f"{type_}: version {str(doc.get('version'))[:20]!r} is not supported (expected {VERSION})")
    got = set(doc) - {"type", "version"}
    if got != fields:
        missing, extra = sorted(fields - got), sorted(got - fields)
        raise MalformedDataError(f"{type_}: missing fields {missing}, unexpected fields {[e[:40] for e in extra]}")
    return doc


def encode_int(v: int) -> str:
    return str(int(v))


def decode_int(v: Any, what: str, *, max_bits: int, minimum: int | None = 0) -> int:
    """A canonical decimal string of at most ``max_bits`` bits (checked on its length
    before converting), at least ``minimum`` (None: any sign)."""
    if not isinstance(v, str):
        raise MalformedDataError(f"{what}: expected a decimal string, found {type(v).__name__}")
    if len(v) > max_bits * 0.302 + 2 or not _INT.fullmatch(v):
        raise MalformedDataError(f"{what}: not a canonical decimal integer of at most {max_bits} bits: {v[:40]!r}")
    i = int(v)
    if i.bit_length() > max_bits or (minimum is not None and i < minimum):
        raise MalformedDataError(f"{what}: {v[:40]} out of range")
    return i
