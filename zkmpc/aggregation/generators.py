"""The Pedersen generators of the aggregation commitments, and fast fixed-base arithmetic.

A share vector ``s = (s_0, ..., s_{L-1})`` with blinding factor ``b`` is committed as
``C = s_0 G_0 + ... + s_{L-1} G_{L-1} + b H`` on Baby Jubjub's prime-order subgroup (order
``l`` = :data:`ORDER`, a 251-bit prime). Every generator comes from :func:`hash_to_curve`
(try-and-increment on SHA-256 of a public label, then multiplication by the cofactor 8), so
nobody knows a discrete logarithm between any two of them: the commitments are binding under
the discrete-log assumption in that subgroup and perfectly hiding (``b`` uniform mod ``l``).

:class:`FixedBase` keeps 8-bit window tables of one generator in affine form and multiplies in
extended coordinates (one inversion per product), so an aggregator checks an opening in about
0.2 ms instead of the 2 ms of the generic double-and-add.

    >>> gens = Generators.make(2)
    >>> all(bj.in_subgroup(g) for g in (*gens.g, gens.h))
    True
    >>> gens.commit([3, 4], 5) == bj.add(bj.add(bj.mul(gens.g[0], 3), bj.mul(gens.g[1], 4)), bj.mul(gens.h, 5))
    True
    >>> hash_to_curve(b"zkmpc/aggregation/H") == gens.h
    True

Security: the arithmetic here is variable-time; it handles shares and blinding factors, which
are secrets of the contributor and of one aggregator. Run it where timing is not observable
by others, as the rest of zkmpc's native code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Sequence

from circuits import CircuitTypeError
from circuits.native import babyjub as bj
from zkp.field import R

__all__ = ["ORDER", "Point", "hash_to_curve", "FixedBase", "Generators", "add_points", "sum_points"]

Point = tuple[int, int]
#: the order of Baby Jubjub's prime-order subgroup: shares and blinding factors live mod ORDER
ORDER = bj.SUBORDER
_WINDOW = 8
_DOMAIN = b"zkmpc/aggregation/"


def hash_to_curve(label: bytes) -> Point:
    """A point of the prime-order subgroup with no known logarithm: the first counter
    ``c`` for which ``y = SHA-256(label || c) mod r`` is the y of a curve point (x chosen
    even), times 8; the identity is skipped."""
    counter = 0
    while True:
        digest = hashlib.sha256(label + counter.to_bytes(4, "big")).digest()
        y = int.from_bytes(digest, "big") % R
        counter += 1
        try:
            p = bj.unpack(y.to_bytes(32, "little"))
        except CircuitTypeError:  # not the y of a curve point: try the next counter
            continue
        q = bj.mul(p, 8)
        if q != bj.IDENTITY:
            return q


# Extended twisted Edwards coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, T = XY/Z.
_Ext = tuple[int, int, int, int]


def _ext_add_affine(p: _Ext, q: Point) -> _Ext:
    """``p + q`` for an extended ``p`` and an affine ``q`` (complete: a = 168700 is a square
    and d is not, so no exceptional case)."""
    x1, y1, z1, t1 = p
    x2, y2 = q
    t2 = x2 * y2 % R
    a = x1 * x2 % R
    b = y1 * y2 % R
    c = bj.D * t1 % R * t2 % R
    e = ((x1 + y1) * (x2 + y2) - a - b) % R
    f = (z1 - c) % R
    g = (z1 + c) % R
    h = (b - bj.A * a) % R
    return (e * f % R, g * h % R, f * g % R, e * h % R)


def _ext_add(p: _Ext, q: _Ext) -> _Ext:
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = x1 * x2 % R
    b = y1 * y2 % R
    c = bj.D * t1 % R * t2 % R
    d = z1 * z2 % R
    e = ((x1 + y1) * (x2 + y2) - a - b) % R
    f = (d - c) % R
    g = (d + c) % R
    h = (b - bj.A * a) % R
    return (e * f % R, g * h % R, f * g % R, e * h % R)


def _to_affine(p: _Ext) -> Point:
    zi = pow(p[2], -1, R)
    return (p[0] * zi % R, p[1] * zi % R)


_EXT_IDENTITY: _Ext = (0, 1, 1, 0)


def _batch_affine(points: Sequence[_Ext]) -> tuple[Point, ...]:
    """Affine forms of extended points with one inversion (Montgomery's trick)."""
    prefix = [1]
    for p in points:
        prefix.append(prefix[-1] * p[2] % R)
    inv = pow(prefix[-1], -1, R)
    out: list[Point] = [(0, 0)] * len(points)
    for i in range(len(points) - 1, -1, -1):
        zi = inv * prefix[i] % R
        inv = inv * points[i][2] % R
        out[i] = (points[i][0] * zi % R, points[i][1] * zi % R)
    return tuple(out)


def sum_points(points: Sequence[Point]) -> Point:
    """The sum of affine points (one inversion in all).

        >>> sum_points([bj.BASE8, bj.BASE8, bj.IDENTITY]) == bj.mul(bj.BASE8, 2)
        True
    """
    acc = _EXT_IDENTITY
    for p in points:
        acc = _ext_add_affine(acc, p)
    return _to_affine(acc)


def add_points(p: Point, q: Point) -> Point:
    """``p + q`` (affine)."""
    return bj.add(p, q)


@dataclass(frozen=True)
class FixedBase:
    """``k * base`` for one fixed point: a table of ``d * 256^w * base`` (d < 256) for the
    32 windows of a 256-bit scalar; :meth:`mul_ext` costs 32 mixed additions."""

    base: Point
    table: tuple[tuple[Point, ...], ...] = field(repr=False, compare=False, default=())

    @classmethod
    def of(cls, base: Point) -> FixedBase:
        rows = []
        step = base
        for _ in range(256 // _WINDOW):
            ext = [_EXT_IDENTITY]
            for _ in range((1 << _WINDOW) - 1):
                ext.append(_ext_add_affine(ext[-1], step))
            row = _batch_affine(ext)
            rows.append(row)
            step = bj.add(row[-1], step)
        return cls(base, tuple(rows))

    def mul_ext(self, k: int) -> _Ext:
        """``k * base`` in extended coordinates, for ``0 <= k < 2^256``."""
        acc = _EXT_IDENTITY
        mask = (1 << _WINDOW) - 1
        for row in self.table:
            d = k & mask
            if d:
                acc = _ext_add_affine(acc, row[d])
            k >>= _WINDOW
        return acc

    def mul(self, k: int) -> Point:
        """``k * base`` (affine) for ``0 <= k < 2^256``."""
        return _to_affine(self.mul_ext(k))


@dataclass(frozen=True)
class Generators:
    """The generators ``G_0 .. G_{L-1}`` and ``H`` of commitments to length-``L`` share
    vectors, with their fixed-base tables (build once with :meth:`make`, then share)."""

    g: tuple[Point, ...]
    h: Point
    tables: tuple[FixedBase, ...] = field(repr=False, compare=False, default=())

    @classmethod
    def make(cls, length: int) -> Generators:
        """The generators of vectors of ``length`` values (the first ``length`` of one
        fixed sequence, so a longer set extends a shorter one)."""
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise ValueError(f"generators: expected a length >= 1, found {length!r}")
        g = tuple(hash_to_curve(_DOMAIN + b"G" + i.to_bytes(4, "big")) for i in range(length))
        h = hash_to_curve(_DOMAIN + b"H")
        return cls(g, h, tuple(FixedBase.of(p) for p in (*g, h)))

    def commit(self, values: Sequence[int], blinding: int) -> Point:
        """``sum values[j] G_j + blinding H`` (each scalar in [0, 2^256))."""
        if len(values) != len(self.g):
            raise ValueError(f"commit: expected {len(self.g)} values, found {len(values)}")
        acc = self.tables[-1].mul_ext(blinding)
        for t, v in zip(self.tables, values):
            acc = _ext_add(acc, t.mul_ext(v))
        return _to_affine(acc)
