"""Strict, versioned JSON for everything ``mpc`` sends or stores (never pickle).

Every document is an object ``{"type": ..., "version": 1, ...}``. Parsing refuses, with a
:class:`MalformedDataError` and before any large allocation: documents over the size cap,
nesting deeper than 32, duplicate keys, floats, NaN and infinities, unknown or missing
fields, another type or version, and integers that are not canonical decimal strings
(``"10"``; never ``"+10"``, ``" 10"``, ``"010"``, ``"1_0"``, ``"-0"``) or longer than the field
allows.

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

from zkp.errors import FormatError
from zkp.formats.strict_json import load_strict

from .errors import MalformedDataError

__all__ = ["MalformedDataError", "VERSION", "MAX_DOCUMENT", "dumps", "loads", "encode_int", "decode_int"]

VERSION = 1
MAX_DOCUMENT = 1 << 20  # bytes
_INT = re.compile(r"0|-?[1-9][0-9]*")  # no sign on zero: "-0" is not canonical


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"), allow_nan=False)


def loads(text: str | bytes, type_: str, fields: set[str], *, max_size: int = MAX_DOCUMENT) -> dict[str, Any]:
    """Parse a document of ``type_`` whose other fields are exactly ``fields``."""
    try:
        doc = load_strict(text, max_bytes=max_size, what=type_)
    except FormatError as exc:
        raise MalformedDataError(str(exc)) from None
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
