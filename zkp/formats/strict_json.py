"""Strict JSON reading for untrusted documents: size-capped, no duplicate keys, no floats,
NaN or Infinity, bounded nesting, canonical decimal strings for field elements."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import FormatError

__all__ = ["load_strict", "parse_decimal", "MAX_DOCUMENT_BYTES"]

#: default cap on a JSON document (a verifying key with thousands of inputs fits)
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
_DECIMAL = re.compile(r"(0|[1-9][0-9]{0,77})\Z")
#: deepest nesting accepted (snarkjs documents nest 4 deep); checked before parsing, as
#: the C decoder can exhaust the stack on deep input before Python's recursion limit
MAX_DEPTH = 32
#: one step of the depth scan: whatever holds no bracket (complete strings included) and
#: then a run of openers, a run of closers, an unterminated string's quote or the end. Every
#: quantifier is possessive, so the engine never backtracks nor keeps per-character state.
_DEPTH_STEP = re.compile(r'(?:"[^"\\]*+(?:\\.[^"\\]*+)*+"|[^\[\]{}"]++)*+'
                         r'(?:([\[{]++)|([\]}]++)|"|\Z)')


def _check_depth(text: str) -> None:
    """One left-to-right pass over ``text``: linear time, constant memory (no copy)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for m in _DEPTH_STEP.finditer(text):
        if m.lastindex == 1:
            depth += m.end(1) - m.start(1)
            if depth > MAX_DEPTH:
                raise FormatError(f"nested deeper than {MAX_DEPTH} levels")
        elif m.lastindex == 2:
            depth -= m.end(2) - m.start(2)
        else:
            return  # the end, or an unterminated string (the parser reports it)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise FormatError(f"JSON: duplicate key {k!r}")
        out[k] = v
    return out


def _no_float(s: str) -> Any:
    raise FormatError(f"JSON: floats are not accepted, found {s[:40]!r}")


def _no_constant(s: str) -> Any:
    raise FormatError(f"JSON: {s} is not accepted")


def _bounded_int(s: str) -> int:
    if len(s.lstrip("-")) > 20:
        raise FormatError(f"JSON: integer literal of {len(s)} digits (numbers travel as strings)")
    return int(s)


def load_strict(data: str | bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES, what: str = "JSON") -> Any:
    """Parse ``data`` or raise :class:`FormatError` (never another exception type)."""
    if not isinstance(data, (str, bytes, bytearray)):
        raise FormatError(f"{what}: expected str or bytes, found {type(data).__name__}")
    if len(data) > max_bytes:
        raise FormatError(f"{what}: document of {len(data)} bytes exceeds the {max_bytes}-byte limit")
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
        _check_depth(text)
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float,
                          parse_constant=_no_constant, parse_int=_bounded_int)
    except FormatError as exc:
        raise FormatError(f"{what}: {exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{what}: not valid JSON ({exc})") from None


def parse_decimal(value: Any, what: str, modulus: int) -> int:
    """A canonical decimal string (no sign, spaces, underscores or leading zeros) < modulus."""
    if not isinstance(value, str):
        raise FormatError(f"{what}: expected a decimal string, found {type(value).__name__}")
    if not _DECIMAL.match(value):
        shown = value[:40] + ("..." if len(value) > 40 else "")
        raise FormatError(f"{what}: expected a canonical decimal string, found {shown!r}")
    v = int(value)
    if v >= modulus:
        raise FormatError(f"{what}: value is not below the field modulus")
    return v
