"""The prover's kernels on snarkjs's files in place: the pure-Python twin of
``zkp/_bn254_src/prove.h`` (same signatures, bytes and errors).

* ``qap_h_zkey(coeffs, witness, n)``: ``A.w`` and ``B.w`` from a ``.zkey``'s section 4
  (``u32 count``, then records ``matrix u32, row u32, wire u32, k R^2 mod r`` in 32
  little-endian bytes), ``C = A * B`` on the domain, then ``A*B - C`` on the odd coset
  (``qap_odd_coset``): ``h`` as canonical little-endian words;
* ``g1_msm_lem_table`` / ``g2_msm_lem_table(table, scalars)``: the same MSM over a table of
  ``L`` levels of the ``n`` bases (level ``j`` holds ``2^(c j) P_i``, ``c = ceil(255 / L)``),
  which the C twin sums in one window; levels above 0 are the prover's own, built from
  checked bases, and are not checked again (this twin reads level 0 only);
* ``g1_msm_lem`` / ``g2_msm_lem(points, scalars[, points2, scalars2])``: an MSM of
  snarkjs's LEM points by little-endian scalars, the result in the canonical big-endian
  encoding; with a second run (another section of a key), the sum of both MSMs. Coordinates are
  checked ``< p``; curve membership is not (points are validated where they enter, and the
  prover verifies each proof before it leaves).

``witness`` is a ``.wtns`` body: one canonical little-endian word per wire.
"""

from __future__ import annotations

from typing import Any

from . import _arith as A
from ._bn254_py_ceremony import _from_lem
from ._bn254_py_codec import _count, _enc, _g1_enc, _g2_enc
from .errors import MalformedInputError
from .field import FR_TWO_ADICITY

R = A.R
_R2_INV = pow(pow(2, 512, int(R)), -1, int(R))
_COEF = 44

__all__ = ["qap_h_zkey", "g1_msm_lem", "g2_msm_lem", "g1_msm_lem_table", "g2_msm_lem_table"]


def _le_words(buf: Any, what: str) -> list[int]:
    n = _count(buf, 32, what)
    mv = memoryview(buf).cast("B")
    out = [int.from_bytes(mv[32 * i:32 * i + 32], "little") for i in range(n)]
    for i, v in enumerate(out):
        if v >= R:
            raise MalformedInputError(f"{what} {i}: expected a value < r")
    return out


def _sparse_ab(coeffs: Any, w: list[int], n: int) -> tuple[list[int], list[int]]:
    mv = memoryview(coeffs).cast("B")
    if len(mv) < 4:
        raise MalformedInputError(f"qap_h_zkey coefficients: expected at least 4 bytes, found {len(mv)}")
    count = int.from_bytes(mv[:4], "little")
    if len(mv) != 4 + _COEF * count:
        raise MalformedInputError(f"qap_h_zkey coefficients: {count} records need "
                                  f"{4 + _COEF * count} bytes, found {len(mv)}")
    acc = ([0] * n, [0] * n)
    for t in range(count):
        rec = mv[4 + _COEF * t:4 + _COEF * (t + 1)]
        m, row, wire = (int.from_bytes(rec[k:k + 4], "little") for k in (0, 4, 8))
        if m > 1 or row >= n or wire >= len(w):
            raise MalformedInputError(f"qap_h_zkey coefficient {t}: the matrix is not A or B, "
                                      "or the row or wire is out of range")
        k = int.from_bytes(rec[12:44], "little")
        if k >= R:
            raise MalformedInputError(f"qap_h_zkey coefficient {t}: expected a value < r")
        acc[m][row] += k * w[wire]
    return [x * _R2_INV % R for x in acc[0]], [x * _R2_INV % R for x in acc[1]]


def qap_h_zkey(coeffs: Any, witness: Any, n: int) -> bytes:
    """h (LE words) from a ``.zkey``'s A/B coefficients and a witness (LE words)."""
    from ._bn254_py import qap_odd_coset

    if not isinstance(n, int) or n < 2 or n & (n - 1) or n.bit_length() - 1 >= FR_TWO_ADICITY:
        raise MalformedInputError(f"qap_h_zkey: n must be a power of two in [2, 2^{FR_TWO_ADICITY - 1}], found {n}")
    w = _le_words(witness, "witness")
    a, b = _sparse_ab(coeffs, w, n)
    h = qap_odd_coset(_enc(a), _enc(b), _enc([x * y % R for x, y in zip(a, b)]))
    return b"".join(h[i:i + 32][::-1] for i in range(0, len(h), 32))


def _msm_lem(points: Any, scalars: Any, width: int, name: str, points2: Any = None,
             scalars2: Any = None) -> tuple[list[Any], bytes]:
    """The points and scalars of one run, or of two (the second run's indices in errors
    follow the first's, as the C twin counts them)."""
    if (points2 is None) != (scalars2 is None):
        raise MalformedInputError(f"{name} MSM: a second run needs points and scalars, found points only")
    runs = [(points, scalars)] + ([] if points2 is None else [(points2, scalars2)])
    for pts_run, ks_run in runs:
        n = _count(pts_run, width, f"{name} LEM points")
        if _count(ks_run, 32, f"{name} MSM scalars") != n:
            raise MalformedInputError(f"{name} MSM scalars: expected {n} scalars, found {len(ks_run)} bytes")
    pb = b"".join(bytes(memoryview(p).cast("B")) for p, _ in runs)
    sb = b"".join(bytes(memoryview(k).cast("B")) for _, k in runs)
    ks = _le_words(sb, f"{name} MSM scalars")
    pts = _from_lem(pb, width, f"{name} LEM point")
    return pts, _enc(ks)


def g1_msm_lem(points: Any, scalars: Any, points2: Any = None, scalars2: Any = None) -> bytes:
    """G1 MSM of snarkjs LEM points by LE scalars (canonical big-endian result); with a
    second run of points and scalars, the sum of both MSMs."""
    from ._bn254_py import g1_msm

    pts, ks = _msm_lem(points, scalars, 64, "G1", points2, scalars2)
    return bytes(g1_msm(_g1_enc([None if p is None else (p[0], p[1]) for p in pts]), ks))


def g2_msm_lem(points: Any, scalars: Any, points2: Any = None, scalars2: Any = None) -> bytes:
    """G2 MSM of snarkjs LEM points by LE scalars (canonical big-endian result); with a
    second run of points and scalars, the sum of both MSMs."""
    from ._bn254_py import g2_msm

    pts, ks = _msm_lem(points, scalars, 128, "G2", points2, scalars2)
    enc = _g2_enc([None if p is None else ((p[0], p[1]), (p[2], p[3])) for p in pts])
    return bytes(g2_msm(enc, ks))


def _table_bases(table: Any, scalars: Any, width: int, name: str) -> Any:
    n = _count(scalars, 32, f"{name} MSM scalars")
    size = len(memoryview(table).cast("B"))
    if n == 0 or size % (width * n):
        raise MalformedInputError(f"{name} table MSM: expected n scalars and a table of L levels of n points, "
                                  f"found {32 * n} and {size} bytes")
    levels = size // (width * n)
    if not 1 <= levels <= 255:
        raise MalformedInputError(f"{name} table MSM: {levels} levels, expected 1 to 255")
    c = -(-255 // levels)
    if c > 20:
        raise MalformedInputError(f"{name} table MSM: {levels} levels give {c}-bit digits, at most 20")
    return memoryview(table).cast("B")[:width * n]


def g1_msm_lem_table(table: Any, scalars: Any) -> bytes:
    """G1 MSM over a table of shifted LEM bases (level 0 = the bases) by LE scalars."""
    return g1_msm_lem(_table_bases(table, scalars, 64, "G1"), scalars)


def g2_msm_lem_table(table: Any, scalars: Any) -> bytes:
    """G2 MSM over a table of shifted LEM bases (level 0 = the bases) by LE scalars."""
    return g2_msm_lem(_table_bases(table, scalars, 128, "G2"), scalars)
