"""The limb layer under :mod:`circuits.gadgets.bigint`: a range check, a limb polynomial at a
point, a product's columns from its values at points (Lagrange), and the folded check of a
sum of products modulo a constant (:func:`_folded_zero`, planned by :func:`_fold_plan` from
the columns' integer bounds): what :func:`~circuits.gadgets.bigint.mod_div` and the
unreduced sums of :mod:`circuits.gadgets._folded` check their identities with.

    >>> _balanced(2**32 - 1, 32, 2), _residue(2**61 - 1, 2, 32, 2)
    ([-1, 1], [8, 0])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from zkp.field import R

from ..api import API
from ..errors import CircuitDefinitionError
from ..var import Var

if TYPE_CHECKING:
    from .bigint import BigInt

Bound = tuple[int, int]
_HALF = R // 2


def _range(api: API, x: Var, lo: int, hi: int) -> Bound:
    """Constrain ``lo <= x <= lo + 2**bits - 1`` (``bits`` the width of ``hi - lo``, at least
    1); returns that interval."""
    bits = max(1, (hi - lo).bit_length())
    if bits > 252:
        raise CircuitDefinitionError(f"bigint: a range of {bits} bits cannot be checked below r")
    api.to_bits(x - lo, bits)
    return lo, lo + (1 << bits) - 1


def _eval(api: API, x: BigInt, t: int) -> Var:
    return api.lincomb([(v, pow(t, i, R)) for i, v in enumerate(x.limbs)])


def _interpolation(n: int) -> list[list[int]]:
    """``M`` with ``coefficient_i = sum(M[i][s] * P(s))`` for a polynomial ``P`` of degree
    below ``n`` known at ``s = 0 .. n-1`` (Lagrange, over the field)."""
    master = [1]  # prod(X - j), lowest degree first
    for j in range(n):
        master = [((master[i - 1] if i else 0) - j * (master[i] if i < len(master) else 0)) % R
                  for i in range(len(master) + 1)]
    out = [[0] * n for _ in range(n)]
    for s in range(n):
        quot, acc = [0] * n, 0  # master / (X - s), from the top
        for i in range(n, 0, -1):
            acc = (master[i] + s * acc) % R if i < n else master[n]
            quot[i - 1] = acc
        denom = pow(sum(c * pow(s, i, R) for i, c in enumerate(quot)) % R, -1, R)
        for i in range(n):
            out[i][s] = quot[i] * denom % R
    return out


def _product_columns(api: API, x: BigInt, y: BigInt | None) -> list[Var]:
    """The columns of ``x(X) * y(X)`` as linear combinations: free when one side is a
    constant, else one product per point ``X = 0 .. n-1`` and Lagrange's coefficients."""
    if y is None:
        return list(x.limbs)
    n = len(x) + len(y) - 1
    if x.is_constant() or y.is_constant():
        var, const = (y, x) if x.is_constant() else (x, y)
        if any(lo != hi for lo, hi in const.bounds):  # its limbs read from its bounds: they must be exact
            raise CircuitDefinitionError(f"bigint: a constant factor needs exact limb bounds, found {const.bounds!r:.80}")
        ks = [b[0] for b in const.bounds]
        return [api.lincomb([(var.limbs[i], ks[k - i]) for i in range(len(var)) if 0 <= k - i < len(ks)])
                for k in range(n)]
    points = [api.mul(_eval(api, x, t), _eval(api, y, t)) for t in range(n)]
    inv = _interpolation(n)
    return [api.lincomb(list(zip(points, inv[i]))) for i in range(n)]


def _balanced(v: int, width: int, k: int) -> list[int] | None:
    """``k`` digits in ``[-2**(width-1), 2**(width-1))`` of ``v`` (None if they do not hold it)."""
    out, half, base = [], 1 << (width - 1), 1 << width
    for _ in range(k):
        d = (v + half) % base - half
        out.append(d)
        v = (v - d) >> width
    return out if v == 0 else None


def _residue(m: int, i: int, width: int, k: int) -> list[int]:
    """``k`` signed digits of a number congruent to ``2**(width i)`` modulo ``m``, the
    smallest sum of magnitudes among the residue and the residue minus ``m`` (a Solinas
    prime's digits are 0 and 1 or so)."""
    res = pow(2, width * i, m)
    cands = [d for d in (_balanced(res, width, k), _balanced(res - m, width, k)) if d is not None]
    cands.append([(res >> (width * j)) & ((1 << width) - 1) for j in range(k)])
    return min(cands, key=lambda d: sum(abs(x) for x in d))


def _scaled(b: Bound, k: int) -> Bound:
    return (b[0] * k, b[1] * k) if k >= 0 else (b[1] * k, b[0] * k)


_Plan = tuple[list[list[int]], int, Bound, int, Bound, Bound]


def _fold_plan(cols: Sequence[Bound], m: int, width: int, k: int) -> _Plan | None:
    """The plan of :func:`_folded_zero` for columns of these bounds, or None when ``r``
    leaves no room: ``(digits of 2**(width i) mod m for i >= k, g, q's interval, m mod
    2**(width g), Z's interval, c's checked interval)``."""
    rho = [_residue(m, i, width, k) for i in range(k, len(cols))]
    d = [cols[j] if j < len(cols) else (0, 0) for j in range(k)]
    for i, digits in enumerate(rho):
        for j, coef in enumerate(digits):
            lo, hi = _scaled(cols[k + i], coef)
            d[j] = (d[j][0] + lo, d[j][1] + hi)
    d_lo = sum(lo << (width * j) for j, (lo, _) in enumerate(d))
    d_hi = sum(hi << (width * j) for j, (_, hi) in enumerate(d))
    q_lo, q_hi = -((-d_lo) // m), d_hi // m
    if q_hi < q_lo:
        return None
    q_bits = max(1, (q_hi - q_lo).bit_length())
    q_top = q_lo + (1 << q_bits) - 1
    if q_bits > 252:
        return None
    for g in range(1, k + 1):
        s = width * g
        low = m & ((1 << s) - 1)
        l_lo = sum(lo << (width * j) for j, (lo, _) in enumerate(d[:g]))
        l_hi = sum(hi << (width * j) for j, (_, hi) in enumerate(d[:g]))
        z = (l_lo - max(q_lo * low, q_top * low), l_hi - min(q_lo * low, q_top * low))
        c_lo = -((-z[0]) >> s)
        c_bits = max(1, ((z[1] >> s) - c_lo).bit_length())
        c = (c_lo, c_lo + (1 << c_bits) - 1)
        span = max(abs(d_lo), abs(d_hi)) + max(abs(q_lo), abs(q_top)) * m
        if c_bits <= 252 and max(abs(z[0]), abs(z[1])) < _HALF and max(abs(c[0]), abs(c[1])) << s < _HALF \
                and 2 * span < (R << s):
            return rho, g, (q_lo, q_hi), low, z, c
    return None


def _folded_zero(api: API, terms: Sequence[tuple[int, list[Var]]], m: int, width: int, k: int,
                 plan: _Plan) -> None:
    """Constrain ``T = sum(sign * column_j 2**(width j)) == 0 (mod m)`` (columns as linear
    combinations, ``plan`` from :func:`_fold_plan` on their integer bounds).

    Soundness: every column's field value is its integer modulo r (limbs are integers in
    their bounds, the products at the points are constrained, Lagrange's coefficients are
    exact in the field). Columns ``i >= k`` fold onto the low ``k`` with digits ``rho_i`` of
    a number congruent to ``2**(width i)`` modulo ``m``: ``D = sum(d_j 2**(width j)) == T
    (mod m)``, ``D`` in a known interval. ``q = D * m**-1`` (in the field) is range-checked:
    an integer in ``[q_lo, q_lo + 2**bits)`` with ``q m == D (mod r)``. With ``L`` the low
    ``g`` columns of ``D`` and ``Z = L - q (m mod 2**(width g))``, ``c = Z / 2**(width g)``
    (in the field) is range-checked; ``|Z|`` and ``|2**(width g) c|`` below r/2 make ``Z =
    2**(width g) c`` in the integers: ``D == q m (mod 2**(width g))``. So ``D - q m`` is a
    multiple of ``r 2**(width g)``, and below it in magnitude: ``D = q m``, ``T == 0 (mod
    m)``. The honest ``q`` and ``c`` are these integers (``D`` is a multiple of ``m``)."""
    n = max(len(vs) for _, vs in terms)
    cols: list[list[tuple[Var, int]]] = [[] for _ in range(max(n, k))]
    for sign, vs in terms:
        for j, v in enumerate(vs):
            cols[j].append((v, sign))
    rho, g, (q_lo, q_hi), low, _, (c_lo, c_hi) = plan
    if len(cols) > k + len(rho):  # a column the plan has no digits for would leave the check
        raise CircuitDefinitionError(f"bigint: {len(cols)} columns, the plan folds {k + len(rho)}")
    d = [list(cols[j]) for j in range(k)]
    for i, digits in enumerate(rho):
        for j, coef in enumerate(digits):
            if coef:
                d[j].extend((v, s * coef) for v, s in cols[k + i])
    dvar = api.lincomb([(v, s * pow(2, width * j, R)) for j in range(k) for v, s in d[j]])
    q = api.scale(dvar, pow(m, -1, R))
    _range(api, q, q_lo, q_hi)
    lvar = api.lincomb([(v, s * pow(2, width * j, R)) for j in range(g) for v, s in d[j]] + [(q, -low)])
    _range(api, api.scale(lvar, pow(2, -width * g, R)), c_lo, c_hi)
