"""The parts of a snarkjs ``.zkey`` a prover reads (sections, header, points in LEM,
the contributions' records), without the key classes of :mod:`zkp.formats.zkey`: the
one-shot ``zkmpc prove KEY.zkey`` imports this module only (see ``benchmarks/prove.py``).
"""

from __future__ import annotations

import mmap
import os
import struct
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import FormatError, MalformedInputError
from ..field import P, R
from .circom import _sections

__all__ = ["open_binary", "snarkjs_sections", "g1_from_lem", "g2_from_lem", "params_bytes", "read_params",
           "read_header", "read_contributions"]

_HEADER_SIZE = 4 + 32 + 4 + 32 + 4 * 3 + 3 * 64 + 3 * 128
_MAX_DOMAIN_LOG = 27


def open_binary(source: Any, what: str) -> memoryview:
    """Bytes, or a path mapped read-only (the map lives as long as the view)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return memoryview(source)
    if not isinstance(source, (str, os.PathLike)):
        raise FormatError(f"{what}: expected a path or bytes, found {type(source).__name__}")
    with open(source, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            raise FormatError(f"{what}: {os.fspath(source)} is empty")
        return memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))


def snarkjs_sections(mv: memoryview, magic: bytes, required: int) -> dict[int, memoryview]:
    """The sections of a snarkjs binary file (version 1), sections 1..required present."""
    what = magic.decode()
    sec = _sections(mv, magic, what)
    if struct.unpack_from("<I", mv, 4)[0] != 1:
        raise FormatError(f"{what}: expected version 1")
    for k in range(1, required + 1):
        if k not in sec:
            raise FormatError(f"{what}: missing section {k}")
    return sec


def g1_from_lem(data: Any, what: str) -> bytes:
    try:
        return bytes(kernels.g1_from_lem(data))
    except MalformedInputError as exc:
        raise FormatError(f"{what}: {exc}") from None


def g2_from_lem(data: Any, what: str) -> bytes:
    try:
        return bytes(kernels.g2_from_lem(data))
    except MalformedInputError as exc:
        raise FormatError(f"{what}: {exc}") from None


def _point(cls: Any, data: bytes, what: str) -> Any:
    try:
        return cls.from_bytes(data)
    except MalformedInputError as exc:
        raise FormatError(f"{what}: {exc}") from None


def params_bytes(name: str, beacon: bool, num_iterations_exp: int, beacon_hash: bytes) -> bytes:
    """A contribution's type and parameters as snarkjs writes them (name truncated to 64
    characters; a beacon's iteration exponent and hash)."""
    params = b""
    if name:
        raw = name[:64].encode()
        params += bytes([1, len(raw)]) + raw
    if beacon:
        params += bytes([2, num_iterations_exp, 3, len(beacon_hash)]) + beacon_hash
    return struct.pack("<II", 1 if beacon else 0, len(params)) + params


def read_params(mv: memoryview, pos: int, what: str) -> tuple[dict[str, Any], int]:
    """Parse a contribution's type and parameters at ``pos``: ``(fields, end)``, with the
    fields ``beacon``, ``name``, ``num_iterations_exp``, ``beacon_hash``."""
    if pos + 8 > len(mv):
        raise FormatError(f"{what}: truncated")
    kind, plen = struct.unpack_from("<II", mv, pos)
    pos += 8
    if kind not in (0, 1) or plen > len(mv) - pos:
        raise FormatError(f"{what}: type {kind} with {plen} parameter bytes")
    params, end, last = {}, pos + plen, 0
    while pos < end:
        t = mv[pos]
        if t <= last or t not in (1, 2, 3) or pos + 2 > end:
            raise FormatError(f"{what}: parameter {t} unknown, repeated or out of order")
        last = t
        if t == 2:
            params[t], pos = bytes([mv[pos + 1]]), pos + 2
            continue
        ln = mv[pos + 1]
        if pos + 2 + ln > end:
            raise FormatError(f"{what}: parameter {t} runs past the contribution")
        params[t], pos = bytes(mv[pos + 2:pos + 2 + ln]), pos + 2 + ln
    try:
        name = params.get(1, b"").decode()
    except UnicodeDecodeError:
        raise FormatError(f"{what}: the name is not UTF-8") from None
    if kind == 1 and (2 not in params or 3 not in params):
        raise FormatError(f"{what}: a beacon needs its hash and iteration count")
    return {"beacon": kind == 1, "name": name, "num_iterations_exp": params.get(2, b"\0")[0],
            "beacon_hash": params.get(3, b"")}, end


def read_header(mv: memoryview) -> tuple[int, int, int, memoryview]:
    if len(mv) != _HEADER_SIZE:
        raise FormatError(f"zkey: the Groth16 header has {len(mv)} bytes, expected {_HEADER_SIZE}")
    n8q, = struct.unpack_from("<I", mv, 0)
    q = int.from_bytes(mv[4:36], "little")
    n8r, = struct.unpack_from("<I", mv, 36)
    r = int.from_bytes(mv[40:72], "little")
    if (n8q, q, n8r, r) != (32, P, 32, R):
        raise FormatError("zkey: not a BN254 key (the header's primes differ)")
    nw, npub, n = struct.unpack_from("<III", mv, 72)
    if n < 2 or n & (n - 1) or n > 1 << _MAX_DOMAIN_LOG:
        raise FormatError(f"zkey: domain size {n} is not a power of two in [2, 2^{_MAX_DOMAIN_LOG}]")
    if nw < 1 or npub >= nw or npub + 1 > n:
        raise FormatError(f"zkey: {npub} public inputs of {nw} wires in a domain of {n}")
    return nw, npub, n, mv[84:]


def _read_contribution(mv: memoryview, pos: int, i: int) -> tuple[tuple[G1Point, G1Point, G1Point, G2Point, bytes],
                                                                   dict[str, Any], int]:
    what = f"zkey contribution {i}"
    if pos + 64 * 3 + 128 + 64 + 8 > len(mv):
        raise FormatError(f"{what}: truncated")
    pts = g1_from_lem(mv[pos:pos + 192], what)
    g1 = [_point(G1Point, pts[k:k + 64], what) for k in range(0, 192, 64)]
    g2 = _point(G2Point, g2_from_lem(mv[pos + 192:pos + 320], what), what)
    transcript = bytes(mv[pos + 320:pos + 384])
    fields, pos = read_params(mv, pos + 384, what)
    return (g1[0], g1[1], g1[2], g2, transcript), fields, pos


def read_contributions(mv: memoryview) -> tuple[bytes, list[tuple[tuple[G1Point, G1Point, G1Point, G2Point, bytes],
                                                                      dict[str, Any]]]]:
    """Section 10: the initial key's hash and each contribution's points (delta after, the
    proof of knowledge), transcript and parameters (``beacon``, ``name``...)."""
    if len(mv) < 68:
        raise FormatError("zkey: the contributions section is truncated")
    (n,) = struct.unpack_from("<I", mv, 64)
    if n > (len(mv) - 68) // 392:
        raise FormatError(f"zkey: {n} contributions cannot fit in {len(mv)} bytes")
    pos, out = 68, []
    for i in range(n):
        points, fields, pos = _read_contribution(mv, pos, i)
        out.append((points, fields))
    if pos != len(mv):
        raise FormatError(f"zkey: {len(mv) - pos} trailing bytes in the contributions section")
    return bytes(mv[:64]), out
