"""Vectorised arithmetic modulo a prime ``p < 2^62`` on ``uint64`` numpy arrays.

Exact, branch-free, and written with in-place operations: on arrays of a few hundred
kilobytes each fresh temporary costs page faults that dwarf the arithmetic (a chain of
``x = x + y`` runs ~25x slower than ``x += y`` at 10^5 elements), and masked or
``np.where`` selections are slow on random data. GF(2^61 - 1) gets shift-and-mask
reductions; other primes use a long-double quotient estimate (64-bit mantissa on x86-64)
with an integer correction, or exact object arithmetic where long double is narrower.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import numpy.typing as npt

__all__ = ["M61", "CHUNK", "per_chunk", "reduce_once", "add", "neg", "mulmod", "mul_small", "mulmod_object", "LONG_DOUBLE_EXACT"]

Vector = npt.NDArray[Any]
M61 = (1 << 61) - 1
LONG_DOUBLE_EXACT = np.finfo(np.longdouble).nmant >= 63
_U = np.uint64
_MASK32, _MASK29 = _U((1 << 32) - 1), _U((1 << 29) - 1)


def reduce_once(s: Vector, p: int) -> Vector:
    """``s mod p`` in place for uint64 ``s`` in ``[0, 2p)``."""
    r = s.view(np.int64)
    r -= np.int64(p)                            # negative exactly when s < p
    t = r >> np.int64(63)                       # all ones when negative
    t &= np.int64(p)
    r += t
    return s


def _fold_m61(s: Vector, tmp: Vector) -> Vector:
    """``s mod (2^61 - 1)`` in place for any uint64 ``s < 2^63``."""
    np.right_shift(s, _U(61), out=tmp)
    s &= _U(M61)
    s += tmp                                    # < 2^61 + 4
    return reduce_once(s, M61)


def _mulmod_m61(a: Vector, b: Vector) -> Vector:
    """32-bit halves: every partial product fits in 64 bits; 2^61 = 1 mod p."""
    a1, a0 = a >> _U(32), a & _MASK32
    b1, b0 = np.broadcast_to(b >> _U(32), a.shape), np.broadcast_to(b & _MASK32, a.shape)
    lo = a0 * b0                                # < 2^64
    a0 *= b1
    mid = a1 * b0
    mid += a0                                   # a1 b0 + a0 b1 < 2^62
    a1 *= b1
    a1 <<= _U(3)                                # a1 b1 2^64 = 8 a1 b1 (mod p), < 2^61
    np.right_shift(mid, _U(29), out=a0)
    a1 += a0                                    # mid 2^32 = (mid >> 29) + ((mid & (2^29-1)) << 32)
    mid &= _MASK29
    mid <<= _U(32)
    a1 += mid
    np.right_shift(lo, _U(61), out=a0)
    a1 += a0                                    # lo = (lo >> 61) + (lo & p)
    lo &= _U(M61)
    a1 += lo                                    # < 2^63
    return _fold_m61(a1, a0)


CHUNK = 16384  # 128 KiB per temporary: cache-resident, and below glibc's mmap threshold


def _chunked(kernel: Callable[..., Vector], a: Vector, b: Any, *args: Any) -> Vector:
    """Run ``kernel`` over slices of ``CHUNK`` elements into one output (5x faster than
    whole-array temporaries at 10^5 elements and beyond)."""
    n = len(a)
    if n <= CHUNK:
        return kernel(a, b, *args)
    out = np.empty(n, dtype=np.uint64)
    vec = np.ndim(b) == 1
    for i in range(0, n, CHUNK):
        out[i:i + CHUNK] = kernel(a[i:i + CHUNK], b[i:i + CHUNK] if vec else b, *args)
    return out


def per_chunk(n: int, fn: Callable[[slice], Vector]) -> Vector:
    """``fn`` over consecutive slices of ``CHUNK`` elements, gathered in one output: a
    whole expression evaluated chunk by chunk allocates one large array, not one per
    operation."""
    if n <= CHUNK:
        return fn(slice(0, n))
    out = np.empty(n, dtype=np.uint64)
    for i in range(0, n, CHUNK):
        sl = slice(i, min(i + CHUNK, n))
        out[sl] = fn(sl)
    return out


def add(a: Vector, b: Vector, p: int) -> Vector:
    """``a + b mod p`` for canonical uint64 vectors."""
    return _chunked(lambda x, y: reduce_once(np.add(x, y, dtype=np.uint64), p), a, b)


def neg(a: Vector, p: int) -> Vector:
    return _chunked(lambda x, _: reduce_once(np.subtract(_U(p), x, dtype=np.uint64), p), a, None)


def mul_small(a: Vector, c: int) -> Vector:
    """``a * c mod (2^61 - 1)`` for ``0 <= c < 2^29`` (Horner steps with share indices)."""
    return _chunked(_mul_small, a, c)


def _mul_small(a: Vector, c: int) -> Vector:
    hi = a >> _U(32)
    hi *= _U(c)                                 # < 2^58
    s = a & _MASK32
    s *= _U(c)                                  # < 2^61
    tmp = hi >> _U(29)
    s += tmp
    hi &= _MASK29
    hi <<= _U(32)
    s += hi                                     # < 2^62 + 2^33
    return _fold_m61(s, tmp)


def mulmod(a: Vector, b: Any, p: int) -> Vector:
    """Exact ``a * b mod p`` for canonical uint64 operands (``b`` may be a scalar)."""
    b = np.asarray(b, dtype=np.uint64)
    if p == M61:
        return _chunked(_mulmod_m61, a, b)
    if not LONG_DOUBLE_EXACT:
        return mulmod_object(a, b, p)
    return _chunked(_mulmod_long_double, a, b, p)


def _mulmod_long_double(a: Vector, b: Vector, p: int) -> Vector:
    q = a.astype(np.longdouble)
    q *= np.asarray(b).astype(np.longdouble)
    q /= np.longdouble(p)
    qi = np.floor(q).astype(np.uint64)
    with np.errstate(over="ignore"):
        r = a * np.asarray(b, dtype=np.uint64)  # exact mod 2^64; a b - q p lies in (-p, 2p)
        qi *= _U(p)
        r -= qi
    ri = r.view(np.int64)
    t = ri >> np.int64(63)
    t &= np.int64(p)
    ri += t                                     # now in [0, 2p)
    return reduce_once(r, p)


def mulmod_object(a: Vector, b: Any, p: int) -> Vector:
    """The portable (slow, exact) twin of :func:`mulmod`."""
    prod = np.asarray(a).astype(object) * np.asarray(b).astype(object) % p
    return np.asarray(prod, dtype=np.uint64)
