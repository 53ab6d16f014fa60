"""Encodings shared by the pure-Python kernels (``zkp._bn254_py``): fixed-width big-endian
words, G1 ``x || y`` and G2 ``x.c1 || x.c0 || y.c1 || y.c0`` (EIP-196/197), infinity as
zero bytes; every length and canonical range checked (``MalformedInputError``)."""

from __future__ import annotations

from typing import Any, Sequence

from . import _arith as A
from .errors import MalformedInputError
from .field import FR_TWO_ADICITY

P, R, mpz = A.P, A.R, A.mpz


def _count(buf: bytes, width: int, what: str) -> int:
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise MalformedInputError(f"{what}: expected bytes, found {type(buf).__name__}")
    n, rem = divmod(len(buf), width)
    if rem:
        raise MalformedInputError(f"{what}: expected a multiple of {width} bytes, found {len(buf)}")
    return n


def _words(buf: bytes, modulus: Any, what: str) -> list[Any]:
    n = _count(buf, 32, what)
    mv = memoryview(buf)
    out = [mpz(int.from_bytes(mv[32 * i : 32 * i + 32], "big")) for i in range(n)]
    for i, v in enumerate(out):
        if v >= modulus:
            raise MalformedInputError(f"{what} {i}: expected a value < modulus, found one >= it")
    return out


def _enc(values: Sequence[Any]) -> bytes:
    return b"".join(int(v).to_bytes(32, "big") for v in values)


def _g1_points(buf: bytes, what: str = "G1 point") -> list[tuple[Any, Any] | None]:
    _count(buf, 64, what)
    w = _words(buf, P, what + " coordinate")
    return [None if not (w[i] or w[i + 1]) else (w[i], w[i + 1]) for i in range(0, len(w), 2)]


def _g2_points(buf: bytes, what: str = "G2 point") -> list[tuple[Any, Any] | None]:
    _count(buf, 128, what)
    w = _words(buf, P, what + " coordinate")
    out: list[tuple[Any, Any] | None] = []
    for i in range(0, len(w), 4):
        if not (w[i] or w[i + 1] or w[i + 2] or w[i + 3]):
            out.append(None)
        else:
            out.append(((w[i + 1], w[i]), (w[i + 3], w[i + 2])))
    return out


def _g1_enc(pts: Sequence[tuple[Any, Any] | None]) -> bytes:
    return b"".join(bytes(64) if p is None else _enc(p) for p in pts)


def _g2_enc(pts: Sequence[tuple[Any, Any] | None]) -> bytes:
    return b"".join(
        bytes(128) if p is None else _enc((p[0][1], p[0][0], p[1][1], p[1][0])) for p in pts
    )


def _scalars(buf: bytes, n: int, what: str) -> list[int]:
    if _count(buf, 32, what) != n:
        raise MalformedInputError(f"{what}: expected {n} scalars, found {len(buf) // 32}")
    return [int(s) for s in _words(buf, R, what)]


def _log2_size(n: int) -> int:
    log_n = n.bit_length() - 1
    if n == 0 or n != 1 << log_n or log_n > FR_TWO_ADICITY:
        raise MalformedInputError(
            f"NTT: expected a power-of-two length up to 2^{FR_TWO_ADICITY}, found {n}"
        )
    return log_n
