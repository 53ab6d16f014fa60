"""Versioned JSON for shares and VSS commitments (strict parsing, see :mod:`mpc.serial`).

A share document carries its field modulus, threshold and index, so a share read back
can only be combined with shares of the same sharing; loading checks every field again
(index in ``[1, p)``, values in ``[0, p)``, the expected field when one is given).
Vector values travel as base64 of the field's packed encoding.

    >>> from mpc.sharing import split
    >>> s = split(42, n=3, threshold=2)[0]
    >>> load_share(dump_share(s)) == s
    True
"""

from __future__ import annotations

import base64
import binascii
import re

from ..errors import MPCTypeError
from ..field import FR, P61, FieldValueError, PrimeField
from ..serial import MAX_DOCUMENT, MalformedDataError, VERSION, decode_int, dumps, encode_int, loads
from .shamir import Share
from .vss import Commitments

__all__ = ["dump_share", "load_share", "dump_commitments", "load_commitments"]

_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_KNOWN = {FR.modulus: FR, P61.modulus: P61}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(v: object, what: str) -> bytes:
    if not isinstance(v, str) or len(v) % 4 or not _B64.fullmatch(v):
        raise MalformedDataError(f"{what}: expected canonical base64")
    try:
        data = base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedDataError(f"{what}: expected canonical base64") from None
    if _b64(data) != v:
        raise MalformedDataError(f"{what}: non-canonical base64")
    return data


def dump_share(share: Share) -> str:
    """A share as one JSON document (the secret's share: store it like a key)."""
    if not isinstance(share, Share):
        raise MPCTypeError(f"expected a Share, found {type(share).__name__}")
    doc = {"type": "shamir-share", "version": VERSION, "field": encode_int(share.field.modulus),
           "threshold": share.threshold, "index": encode_int(share.index)}
    if isinstance(share.value, int):
        doc.update(value=encode_int(share.value), values=None)
    else:
        doc.update(value=None, values=_b64(share.field.pack(share.value)))
    return dumps(doc)


def _field(modulus: int, expected: PrimeField | None) -> PrimeField:
    if expected is not None:
        if modulus != expected.modulus:
            raise MalformedDataError(f"share of another field ({modulus.bit_length()}-bit modulus), expected {expected.name}")
        return expected
    try:
        return _KNOWN.get(modulus) or PrimeField(modulus)
    except FieldValueError as exc:
        raise MalformedDataError(f"share field: {exc}") from None


def load_share(text: str | bytes, *, field: PrimeField | None = None, threshold: int | None = None,
               max_size: int = MAX_DOCUMENT) -> Share:
    """Parse and validate a :func:`dump_share` document (``field``, ``threshold``: the ones
    expected, when known). The threshold a document states is only a claim:
    :func:`~mpc.sharing.combine` checks it against the caller's."""
    doc = loads(text, "shamir-share", {"field", "threshold", "index", "value", "values"}, max_size=max_size)
    f = _field(decode_int(doc["field"], "field", max_bits=4096, minimum=3), field)
    t = doc["threshold"]
    if isinstance(t, bool) or not isinstance(t, int):
        raise MalformedDataError("threshold: expected an integer")
    if threshold is not None and t != threshold:
        raise MalformedDataError(f"share of threshold {t}, expected {threshold}")
    index = decode_int(doc["index"], "index", max_bits=f.modulus.bit_length())
    if (doc["value"] is None) == (doc["values"] is None):
        raise MalformedDataError("exactly one of value (a scalar share) and values (a vector share) is expected")
    try:
        if doc["value"] is not None:
            return Share(index, decode_int(doc["value"], "value", max_bits=f.modulus.bit_length()), t, f)
        return Share(index, f.unpack(_unb64(doc["values"], "values"), "values"), t, f)
    except (FieldValueError, ValueError) as exc:
        raise MalformedDataError(f"share: {exc}") from None


def dump_commitments(commitments: Commitments) -> str:
    return dumps({"type": "vss-commitments", "version": VERSION, "threshold": commitments.threshold,
                  "points": _b64(commitments.to_bytes())})


def load_commitments(text: str | bytes, *, threshold: int, max_size: int = MAX_DOCUMENT) -> Commitments:
    """Parse commitments, refusing any count other than ``threshold`` and invalid points."""
    doc = loads(text, "vss-commitments", {"threshold", "points"}, max_size=max_size)
    if doc["threshold"] != threshold or isinstance(doc["threshold"], bool):
        raise MalformedDataError(f"commitments for threshold {str(doc['threshold'])[:20]}, expected {threshold}")
    return Commitments.from_bytes(_unb64(doc["points"], "points"), threshold)
