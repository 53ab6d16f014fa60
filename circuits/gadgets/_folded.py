"""Unreduced sums of products modulo a constant (the folded form of :func:`~circuits.gadgets.bigint.mod_div`).

A :class:`Poly` is the columns of a signed sum of products of :class:`~circuits.gadgets.bigint.BigInt`
(linear combinations: the products at the points ``X = 0 .. n-1`` and Lagrange's coefficients,
one constraint per point, free for a constant side) with the integer bounds of each column.
:func:`fold` turns one into a ``BigInt`` of ``k`` limbs congruent to it modulo ``m`` (the columns
past ``k`` added onto the low ones with the digits of ``2**(width i) mod m``: linear, free): a
"fat" number, limbs far wider than ``width`` but known integers in their bounds, which enters
further products and identities like any ``BigInt`` (sound as the folded check is: its
argument needs every column an integer in known bounds, which a fat limb is, a fixed integer
combination of such columns, and ``|D| + |q| m`` below ``r 2**(width g) / 2``, which the plan
checks from the bounds). :func:`reduce` is the only place a value
is made: ``X * f == num (mod m)``, ``X`` a ``MODDIV`` hint range-checked to the bits of ``m -
1``, the identity checked by :func:`~circuits.gadgets._fold._folded_zero` (a quotient and a
carry whose widths :func:`~circuits.gadgets._fold._fold_plan` computes from the bounds: about
``2 (B - width)`` bits for ``B`` the width of the largest folded column). So a polynomial of
degree 3 or 4 in the limbs costs its products at the points and wider ``q`` and ``c``, and no
reduced value (256 range checks for 256-bit numbers) until a division needs one.

    >>> from circuits import Circuit, Secret, UInt, compile
    >>> from circuits.gadgets import bigint as bi
    >>> from circuits.native.bigint import to_limbs
    >>> P = 2**127 - 1
    >>> class Cube(Circuit):
    ...     a: Secret[UInt[32], 4]
    ...     c: Secret[UInt[32], 4]
    ...     def define(self, api):
    ...         a, c = (bi.from_limbs(api, list(v), 32) for v in (self.a, self.c))
    ...         sq = fold(api, P, product(api, a, a))            # a**2 mod P, unreduced
    ...         x = reduce(api, P, product(api, sq, a))[0]       # a**3 mod P, a value
    ...         bi.assert_equal(api, x, c)
    >>> cs = compile(Cube)
    >>> v = 3**70 % P
    >>> w = cs.solve(Cube(a=to_limbs(v, 32, 4), c=to_limbs(pow(v, 3, P), 32, 4)))
    >>> cs.r1cs.is_satisfied(w.values())
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from zkp.field import R

from ..api import API
from ..engine import hints
from ..errors import CircuitDefinitionError, CircuitTypeError
from ..var import Var
from . import bigint as bi
from ._fold import Bound, _fold_plan, _folded_zero, _product_columns, _residue, _scaled

__all__ = ["Poly", "product", "linear", "constant", "combine", "fold", "reduce"]


@dataclass(frozen=True)
class Poly:
    """``sum(cols[i] * 2**(width i))``, column ``i`` an integer in ``bounds[i]``."""

    cols: tuple[Var, ...]
    width: int
    bounds: tuple[Bound, ...]


def product(api: API, x: bi.BigInt, y: bi.BigInt) -> Poly:
    """``x * y``: one constraint per point (``len(x) + len(y) - 1``), none for a constant side."""
    w = bi._same_width(x, y)
    return Poly(tuple(_product_columns(api, x, y)), w, tuple(bi._columns([(1, x, y)])))


def linear(x: bi.BigInt) -> Poly:
    """``x`` itself (free)."""
    return Poly(x.limbs, x.width, x.bounds)


def constant(api: API, value: int, width: int) -> Poly:
    """The constant ``value`` (any sign) as one column."""
    return Poly((api.constant(value % R),), width, ((value, value),))


def combine(api: API, *terms: tuple[int, Poly]) -> Poly:
    """``sum(k * p)`` for integer constants ``k`` (free)."""
    w = terms[0][1].width
    n = max(len(p.cols) for _, p in terms)
    cols: list[list[tuple[Var, int]]] = [[] for _ in range(n)]
    bounds = [(0, 0)] * n
    for k, p in terms:
        if p.width != w:
            raise CircuitTypeError(f"folded: limbs of {w} and {p.width} bits cannot be mixed")
        for i, (v, b) in enumerate(zip(p.cols, p.bounds)):
            cols[i].append((v, k % R))
            lo, hi = _scaled(b, k)
            bounds[i] = (bounds[i][0] + lo, bounds[i][1] + hi)
    return Poly(tuple(api.lincomb(c) for c in cols), w, tuple(bounds))


def fold(api: API, m: int, p: Poly) -> bi.BigInt:
    """A ``BigInt`` of ``k`` limbs (``k`` those of ``m - 1``) congruent to ``p`` modulo ``m``:
    column ``k + i`` added onto the low ones with the digits of ``2**(width (k + i)) mod m``
    (linear combinations, free; the limbs' bounds follow)."""
    w = p.width
    k = len(bi._split_bound(m - 1, w))
    terms: list[list[tuple[Var, int]]] = [[(p.cols[j], 1)] if j < len(p.cols) else [] for j in range(k)]
    bounds = [p.bounds[j] if j < len(p.cols) else (0, 0) for j in range(k)]
    for i in range(k, len(p.cols)):
        for j, coef in enumerate(_residue(m, i, w, k)):
            if coef:
                terms[j].append((p.cols[i], coef % R))
                lo, hi = _scaled(p.bounds[i], coef)
                bounds[j] = (bounds[j][0] + lo, bounds[j][1] + hi)
    return bi.BigInt(tuple(api.lincomb(t) for t in terms), w, tuple(bounds))


def reduce(api: API, m: int, num: Poly, f: bi.BigInt | None = None) -> tuple[bi.BigInt, list[Var]]:
    """``X = num / f mod m`` (``f`` 1 by default) and the bits of ``X``: ``X`` a ``MODDIV``
    hint (limbs below ``2**width``, the value below ``2**bits(m - 1)``, not necessarily below
    ``m``), range-checked, and ``num - X * f == 0 (mod m)`` checked folded. With ``f`` not
    invertible modulo ``m`` there is no witness.

    Raises:
        CircuitDefinitionError: the columns are too wide for the folded check below r.
    """
    w = num.width
    if isinstance(m, bool) or not isinstance(m, int) or m < 2:
        raise CircuitTypeError(f"folded.reduce: expected a constant modulus >= 2, found {m!r:.60}")
    x_bits = bi._split_bound(m - 1, w)
    k = len(x_bits)
    proto = bi.BigInt(tuple(api.constant(0) for _ in x_bits), w, tuple((0, (1 << nb) - 1) for nb in x_bits))
    one = bi.constant(api, 1, w)
    ff = one if f is None else f
    bounds = bi._columns([(1, bi.BigInt(num.cols, w, num.bounds), None), (-1, proto, ff)])
    plan = _fold_plan(bounds, m, w, k)
    if plan is None:
        widest = max(max(abs(b) for b in col) for col in bounds).bit_length()
        raise CircuitDefinitionError(f"folded.reduce: expected columns narrow enough for the folded check below r, "
                                     f"found columns of up to {widest} bits: reduce an operand first")
    n = fold(api, m, num)
    mc = bi.constant(api, m, w)
    zero = [api.constant(0)]
    with api.scope("bigint.moddiv"):
        outs = api.hint(hints.moddiv(w, k, 1, 1, 1, 1, len(ff), len(mc), 0, k), *n.limbs, *one.limbs, *zero, *zero,
                        *zero, *ff.limbs, *mc.limbs, outputs=k)
    bits: list[Var] = []
    for v, nb in zip(outs, x_bits):
        bits.extend(api.to_bits(v, nb))
    x = bi.BigInt(tuple(outs), w, proto.bounds)
    xf = _product_columns(api, x, None if f is None else f)
    _folded_zero(api, [(1, list(num.cols)), (-1, xf)], m, w, k, plan)
    return x, bits

