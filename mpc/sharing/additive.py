"""Additive (n-out-of-n) secret sharing modulo any modulus ``m >= 2``.

``secret = sum(shares) mod m``; every share is needed, any ``n - 1`` of them are uniform
and reveal nothing. Vectors are shared element-wise (``uint64`` arrays for ``m <= 2^63``).

    >>> shares = additive_split(10, n=3, modulus=2**32)
    >>> additive_combine(shares, n=3)
    10
    >>> additive_combine(shares[:2], n=3)
    Traceback (most recent call last):
    ...
    mpc.errors.TooFewSharesError: 2 additive shares given, all 3 are needed
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._intmath import Rng, _SYSTEM, require_int
from ..errors import MPCTypeError, SharingError, TooFewSharesError
from ..field import FR, Value, Vector
from .shamir import MAX_PARTIES, _check_distinct

__all__ = ["AdditiveShare", "additive_split", "additive_combine"]

_WORD = 1 << 63


@dataclass(frozen=True, eq=False, repr=False)
class AdditiveShare:
    """Share ``index`` (1..n) of an ``n``-party additive sharing modulo ``modulus``."""

    index: int
    value: Value
    n: int
    modulus: int

    def __post_init__(self) -> None:
        m = require_int(self.modulus, "modulus")
        n = require_int(self.n, "n")
        i = require_int(self.index, "share index")
        if m < 2 or not 1 <= i <= n:
            raise SharingError(f"additive share: expected modulus >= 2 and 1 <= index <= n = {n}, found {m}, {i}")
        object.__setattr__(self, "value", _canonical(self.value, m))
        for k, v in (("modulus", m), ("n", n), ("index", i)):
            object.__setattr__(self, k, v)

    def __repr__(self) -> str:
        shape = "scalar" if isinstance(self.value, int) else f"vector of {len(self.value)}"
        return f"AdditiveShare(index={self.index}, n={self.n}, modulus={self.modulus}, {shape}, value=<hidden>)"


def _canonical(v: object, m: int) -> Value:
    if isinstance(v, np.ndarray):
        if v.ndim != 1 or v.dtype.kind not in "iuO":
            raise MPCTypeError(f"share value: expected a 1-D integer array, found dtype {v.dtype}, shape {v.shape}")
        vals = [require_int(x, "share value") for x in v] if v.dtype.kind == "O" else None
        lo, hi = (min(vals, default=0), max(vals, default=0)) if vals is not None else (int(v.min(initial=0)), int(v.max(initial=0)))
        if lo < 0 or hi >= m:
            raise SharingError(f"share value: elements must lie in [0, {m})")
        return v.astype(np.uint64) if m <= _WORD else np.array([int(x) for x in v], dtype=object)
    x = require_int(v, "share value", " (or a numpy integer array)")
    if not 0 <= x < m:
        raise SharingError(f"share value: expected an int in [0, {m}), found one outside it")
    return x


def _random(m: int, like: Value, rng: Rng | None) -> Value:
    draw = (rng or _SYSTEM).getrandbits
    bits = m.bit_length() + 64  # bias < 2^-64 from the reduction
    if isinstance(like, int):
        return draw(bits) % m
    vals = [draw(bits) % m for _ in range(len(like))] if m > _WORD else None
    if vals is not None:
        return np.array(vals, dtype=object)
    raw = draw(128 * len(like)).to_bytes(16 * len(like), "little") if len(like) else b""
    hi = np.frombuffer(raw, dtype="<u8")[0::2].astype(object)
    return np.asarray((hi * (1 << 64) + np.frombuffer(raw, dtype="<u8")[1::2].astype(object)) % m, dtype=np.uint64)


def _add(a: Value, b: Value, m: int) -> Value:
    if isinstance(a, int) and isinstance(b, int):
        return (a + b) % m
    if np.asarray(a).dtype.kind == "O" or np.asarray(b).dtype.kind == "O":
        out: Vector = (np.asarray(a, dtype=object) + np.asarray(b, dtype=object)) % m
        return out
    s = np.asarray(a, dtype=np.uint64) + np.asarray(b, dtype=np.uint64)  # < 2^64 since both < m <= 2^63
    s[s >= np.uint64(m)] -= np.uint64(m)
    return s


def additive_split(secret: object, *, n: int, modulus: int = FR.modulus, rng: Rng | None = None) -> list[AdditiveShare]:
    """``n`` additive shares of ``secret`` (an int or vector in ``[0, modulus)``)."""
    m, n = require_int(modulus, "modulus"), require_int(n, "n")
    if not 1 <= n <= MAX_PARTIES or m < 2:
        raise SharingError(f"additive_split: expected 1 <= n <= {MAX_PARTIES} and modulus >= 2, found n={n}, modulus={m}")
    s = AdditiveShare(1, secret, 1, m).value  # type: ignore[arg-type]
    randoms = [_random(m, s, rng) for _ in range(n - 1)]
    last = s
    for r in randoms:
        last = _add(last, _neg(r, m), m)
    return [AdditiveShare(i + 1, v, n, m) for i, v in enumerate(randoms + [last])]


def _neg(a: Value, m: int) -> Value:
    if isinstance(a, int):
        return -a % m
    if a.dtype.kind == "O":
        return (-a) % m
    out = np.subtract(np.uint64(m), a, dtype=np.uint64)
    out[out == np.uint64(m)] = 0
    return out


def additive_combine(shares: Sequence[AdditiveShare], *, n: int) -> Any:
    """The secret of all ``n`` shares: ``n`` is the caller's (the number of parties it dealt
    to), never a share's claim, and every share must carry it; indices ``1..n`` once each,
    one modulus. The count is checked before any share is read."""
    if isinstance(shares, (str, bytes)) or not isinstance(shares, Sequence) or not shares:
        raise MPCTypeError(f"shares: expected a non-empty sequence of AdditiveShare, found {type(shares).__name__}")
    n = require_int(n, "n")
    if not 1 <= n <= MAX_PARTIES:
        raise SharingError(f"n: expected an int in [1, {MAX_PARTIES}], found {n}")
    if len(shares) != n:
        raise (TooFewSharesError if len(shares) < n else SharingError)(
            f"{len(shares)} additive shares given, all {n} are needed" + (" and no more" if len(shares) > n else ""))
    if not all(isinstance(s, AdditiveShare) for s in shares):
        raise MPCTypeError("shares: expected a non-empty sequence of AdditiveShare")
    first = shares[0]
    for s in shares:
        if s.n != n:
            raise SharingError(f"additive share {s.index} claims n={s.n}, expected {n} (the caller's n)")
        if (s.modulus, _size(s.value)) != (first.modulus, _size(first.value)):
            raise SharingError(f"additive share {s.index} (modulus of {s.modulus.bit_length()} bits, size {_size(s.value)}) "
                               f"does not match share {first.index} (modulus of {first.modulus.bit_length()} bits, "
                               f"size {_size(first.value)})")
    _check_distinct([s.index for s in shares])
    acc = first.value
    for s in shares[1:]:
        acc = _add(acc, s.value, first.modulus)
    return acc


def _size(v: Value) -> int | None:
    return None if isinstance(v, int) else len(v)
