"""circom's binary files: ``.r1cs`` (constraint system) and ``.wtns`` (witness).

Both are little-endian, sectioned files (magic, version, sections of ``type u32, size
u64``). Readers check every size against the bytes actually present before allocating,
so a forged length prefix cannot make them allocate gigabytes; they accept only BN254's
scalar field.

Example:
    >>> from zkp.r1cs import R1CSBuilder
    >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
    >>> _ = b.add({y: 1}, {y: 1}, {x: 1})
    >>> cs = read_r1cs(write_r1cs(b.build()))
    >>> cs.num_constraints, cs.num_public, cs.is_satisfied([1, 9, 3])
    (1, 1, True)
"""

from __future__ import annotations

import os
import struct
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Sequence

from ..errors import FormatError
from ..field import R

if TYPE_CHECKING:  # numpy and the R1CS load only where an R1CS is read or written
    from ..r1cs import R1CS
from ..witness import Witness

__all__ = ["read_r1cs", "write_r1cs", "read_wtns", "read_wtns_raw", "write_wtns"]

_N8 = 32
_PRIME = R.to_bytes(_N8, "little")


def _section(kind: int, body: bytes) -> bytes:
    return struct.pack("<IQ", kind, len(body)) + body


def _lc_bytes(lc: dict[int, int]) -> bytes:
    parts = [struct.pack("<I", len(lc))]
    for wire in lc:  # in the system's order (snarkjs keeps it in the .zkey coefficients)
        parts.append(struct.pack("<I", wire) + lc[wire].to_bytes(_N8, "little"))
    return b"".join(parts)


def write_r1cs(cs: R1CS, *, num_private_inputs: int = 0) -> bytes:
    """Encode ``cs`` as circom's ``.r1cs`` (version 1; public wires as public inputs)."""
    header = (struct.pack("<I", _N8) + _PRIME +
              struct.pack("<IIIIQI", cs.num_wires, 0, cs.num_public, num_private_inputs,
                          cs.num_wires, cs.num_constraints))
    rows: list[bytes] = []
    for i in range(cs.num_constraints):
        rows.extend(_lc_bytes(lc) for lc in cs.row(i))
    labels = b"".join(struct.pack("<Q", i) for i in range(cs.num_wires))
    body = _section(1, header) + _section(2, b"".join(rows)) + _section(3, labels)
    return b"r1cs" + struct.pack("<II", 1, 3) + body


def _sections(data: bytes | memoryview, magic: bytes, what: str) -> dict[int, memoryview]:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise FormatError(f"{what}: expected bytes, found {type(data).__name__}")
    mv = memoryview(data)
    if len(mv) < 12 or bytes(mv[:4]) != magic:
        raise FormatError(f"{what}: expected the magic {magic!r}, found {bytes(mv[:4])!r}")
    _version, count = struct.unpack_from("<II", mv, 4)
    pos, out = 12, {}
    for _ in range(count):
        if pos + 12 > len(mv):
            raise FormatError(f"{what}: truncated section header at byte {pos}")
        kind, size = struct.unpack_from("<IQ", mv, pos)
        pos += 12
        if size > len(mv) - pos:
            raise FormatError(f"{what}: section {kind} claims {size} bytes, {len(mv) - pos} remain")
        if kind in out:
            raise FormatError(f"{what}: duplicate section {kind}")
        out[kind] = mv[pos:pos + size]
        pos += size
    if pos != len(mv):
        raise FormatError(f"{what}: {len(mv) - pos} trailing bytes after the last section")
    return out


def _need(sections: dict[int, memoryview], kind: int, what: str) -> memoryview:
    if kind not in sections:
        raise FormatError(f"{what}: missing section {kind}")
    return sections[kind]


def _check_prime(mv: memoryview, what: str) -> None:
    if len(mv) < 4 + _N8 or struct.unpack_from("<I", mv, 0)[0] != _N8 or bytes(mv[4:4 + _N8]) != _PRIME:
        raise FormatError(f"{what}: expected BN254's scalar field (32-byte prime r)")


def _header(data: bytes | memoryview, magic: bytes, size: int) -> tuple[dict[int, memoryview], memoryview]:
    """The sections of a circom file and its checked header section (field, then ``size``
    bytes of counts)."""
    what = magic.decode()
    sec = _sections(data, magic, what)
    hdr = _need(sec, 1, what)
    _check_prime(hdr, what)
    if len(hdr) != 4 + _N8 + size:
        raise FormatError(f"{what}: header of {len(hdr)} bytes")
    return sec, hdr


def _read_lc(mv: memoryview, pos: int, n_wires: int, what: str) -> tuple[dict[int, int], int]:
    if pos + 4 > len(mv):
        raise FormatError(f"{what}: truncated constraint")
    (n,) = struct.unpack_from("<I", mv, pos)
    pos += 4
    if n * (4 + _N8) > len(mv) - pos:
        raise FormatError(f"{what}: a linear combination claims {n} terms past the section end")
    lc: dict[int, int] = {}
    for _ in range(n):
        (wire,) = struct.unpack_from("<I", mv, pos)
        k = int.from_bytes(mv[pos + 4:pos + 4 + _N8], "little")
        pos += 4 + _N8
        if wire >= n_wires or k >= R or wire in lc:
            raise FormatError(f"{what}: bad term (wire {wire} of {n_wires}, repeated or coefficient >= r)")
        lc[wire] = k
    return lc, pos


def read_r1cs(data: bytes) -> R1CS:
    """Decode a circom ``.r1cs`` file (public outputs and inputs become public wires)."""
    what = "r1cs"
    sec, hdr = _header(data, b"r1cs", 28)
    n_wires, n_out, n_in, _n_prv, _n_labels, m = struct.unpack_from("<IIIIQI", hdr, 4 + _N8)
    if n_wires < 1 or n_out + n_in >= n_wires:
        raise FormatError(f"{what}: {n_out + n_in} public wires of {n_wires}")
    body = _need(sec, 2, what)
    if m * 12 > len(body):
        raise FormatError(f"{what}: {m} constraints cannot fit in {len(body)} bytes")
    from ..r1cs import R1CSBuilder

    b = R1CSBuilder(num_public=n_out + n_in)
    b.num_wires = n_wires
    pos = 0
    for i in range(m):
        a, pos = _read_lc(body, pos, n_wires, what)
        bb, pos = _read_lc(body, pos, n_wires, what)
        c, pos = _read_lc(body, pos, n_wires, what)
        b.add(a, bb, c, f"circom constraint {i}")
    if pos != len(body):
        raise FormatError(f"{what}: {len(body) - pos} trailing bytes in the constraint section")
    return b.build()


def write_wtns(values: Witness | Sequence[int]) -> bytes:
    """Encode a witness as circom's ``.wtns`` (version 2)."""
    if isinstance(values, Witness):  # its canonical big-endian words, each reversed
        import numpy as np  # here, not at import: proving from a .wtns needs no numpy

        raw = np.frombuffer(values.to_bytes(), dtype=np.uint8).reshape(-1, _N8)
        count, body = raw.shape[0], raw[:, ::-1].tobytes()
    else:
        vals = list(values)
        count, body = len(vals), b"".join(int(v).to_bytes(_N8, "little") for v in vals)
    header = struct.pack("<I", _N8) + _PRIME + struct.pack("<I", count)
    return b"wtns" + struct.pack("<II", 2, 2) + _section(1, header) + _section(2, body)


def read_wtns_raw(source: str | os.PathLike[str] | bytes, *, num_wires: int | None = None) -> memoryview:
    """The values of a ``.wtns`` (a path is memory-mapped) as they lie in the file: one
    32-byte little-endian word per wire, *unchecked* against r (the prover's kernels check
    them). The header (field, count, section sizes) is checked, the count against
    ``num_wires`` when given."""
    from ._zkey_sections import open_binary

    mv = open_binary(source, "wtns")
    what = "wtns"
    sec, hdr = _header(mv, b"wtns", 4)
    (n,) = struct.unpack_from("<I", hdr, 4 + _N8)
    body = _need(sec, 2, what)
    if len(body) != n * _N8:
        raise FormatError(f"{what}: {n} values need {n * _N8} bytes, found {len(body)}")
    if num_wires is not None and n != num_wires:
        raise FormatError(f"{what}: {n} values, the key has {num_wires} wires")
    return body


def read_wtns(data: bytes, *, num_public: int) -> Witness:
    """Decode a ``.wtns`` file; ``num_public`` comes from the matching R1CS."""
    what = "wtns"
    sec, hdr = _header(data, b"wtns", 4)
    (n,) = struct.unpack_from("<I", hdr, 4 + _N8)
    body = _need(sec, 2, what)
    if len(body) != n * _N8:
        raise FormatError(f"{what}: {n} values need {n * _N8} bytes, found {len(body)}")
    vals = [int.from_bytes(body[i:i + _N8], "little") for i in range(0, len(body), _N8)]
    for i, v in enumerate(vals):
        if v >= R:
            raise FormatError(f"{what}: value {i} is not below r")
    return Witness.from_ints(vals, num_public)
