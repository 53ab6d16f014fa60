"""Baby Jubjub in circuit, the twin of :mod:`circuits.native.babyjub`.

Points are ``(x, y)`` pairs of Vars (or ints for constants). Costs:

=================================  =================================================
``edwards_add``                     6 constraints (3 when one point is a constant)
``on_curve``                        3 (``assert_on_curve``)
``to_montgomery``/``from_...``      2 each
``mont_add`` / ``mont_double``      3 / 4 (incomplete: callers avoid the exceptions)
``mul_fixed(bits, base)``           4 per 2 bits (2-bit windows of constants)
``mul_any(bits, point)``            9 per bit (Montgomery double-and-add)
=================================  =================================================

The Montgomery routines start their accumulators at a point of order 8 (outside the
prime-order subgroup), so an accumulator never equals a subgroup point or its negation and
never reaches infinity: the incomplete formulas meet no exceptional case for points of the
prime-order subgroup. The offset is removed at the end with one constant Edwards addition.

    >>> from circuits import Circuit, Public, Secret, Field, compile
    >>> from circuits.gadgets import mul_fixed, to_bits
    >>> class Owner(Circuit):   # knows the 16-bit sk of the public key A = sk * BASE8
    ...     ax: Public[Field]
    ...     ay: Public[Field]
    ...     sk: Secret[Field]
    ...     def define(self, api):
    ...         ax, ay = mul_fixed(api, to_bits(api, self.sk, 16), bj.BASE8)
    ...         api.assert_equal(ax, self.ax)
    ...         api.assert_equal(ay, self.ay)
    >>> cs = compile(Owner)
    >>> cs.r1cs.num_constraints
    50
    >>> a = bj.mul(bj.BASE8, 1234)
    >>> cs.r1cs.is_satisfied(cs.solve(Owner(ax=a[0], ay=a[1], sk=1234)).values())
    True
    >>> cs.solve(Owner(ax=a[0], ay=a[1], sk=1235))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_equal at ...
"""

from __future__ import annotations

from typing import Sequence

from zkp.field import R

from ..api import API
from ..engine import hints
from ..native import babyjub as bj
from ..var import Operand, Var

__all__ = ["edwards_add", "assert_on_curve", "to_montgomery", "from_montgomery", "mont_add", "mont_double",
           "mul_fixed", "mul_any", "mul_fixed_offset", "mul_any_offset"]

PointVar = tuple[Var, Var]
PointOp = tuple[Operand, Operand]


def edwards_add(api: API, p: PointOp, q: PointOp) -> PointVar:
    """The complete twisted Edwards addition ``p + q``."""
    x1, y1 = api.lift(p[0]), api.lift(p[1])
    x2, y2 = api.lift(q[0]), api.lift(q[1])
    with api.scope("babyjub_add"):
        beta = api.mul(x1, y2)
        gamma = api.mul(y1, x2)
        delta = api.mul(y1 - x1 * bj.A, x2 + y2)
        tau = api.mul(beta, gamma)
        xo = api.hint(hints.div, beta + gamma, tau * bj.D + 1)
        yo = api.hint(hints.div, delta + beta * bj.A - gamma, 1 - tau * bj.D)
        api.enforce(xo, tau * bj.D + 1, beta + gamma, "babyjub_add")
        api.enforce(yo, 1 - tau * bj.D, delta + beta * bj.A - gamma, "babyjub_add")
    return (xo, yo)


def assert_on_curve(api: API, p: PointOp) -> None:
    """Constrain ``a x^2 + y^2 = 1 + d x^2 y^2``: 3 constraints."""
    x, y = api.lift(p[0]), api.lift(p[1])
    with api.scope("babyjub_on_curve"):
        x2 = api.mul(x, x)
        y2 = api.mul(y, y)
        api.enforce(x2 * bj.D, y2, x2 * bj.A + y2 - 1, "babyjub_on_curve")


def to_montgomery(api: API, p: PointOp) -> PointVar:
    """``u = (1 + y) / (1 - y)``, ``v = u / x``: 2 constraints (unsatisfiable for the
    identity, whose u is infinite)."""
    x, y = api.lift(p[0]), api.lift(p[1])
    with api.scope("to_montgomery"):
        u = api.hint(hints.div, y + 1, 1 - y)
        api.enforce(u, 1 - y, y + 1, "to_montgomery")
        v = api.hint(hints.div, u, x)
        api.enforce(v, x, u, "to_montgomery")
    return (u, v)


def from_montgomery(api: API, q: PointOp) -> PointVar:
    """``x = u / v``, ``y = (u - 1) / (u + 1)``: 2 constraints."""
    u, v = api.lift(q[0]), api.lift(q[1])
    with api.scope("from_montgomery"):
        x = api.hint(hints.div, u, v)
        api.enforce(x, v, u, "from_montgomery")
        y = api.hint(hints.div, u - 1, u + 1)
        api.enforce(y, u + 1, u - 1, "from_montgomery")
    return (x, y)


def mont_add(api: API, p: PointOp, q: PointOp) -> PointVar:
    """Montgomery ``p + q`` for ``p != +-q``, neither at infinity: 3 constraints."""
    u1, v1 = api.lift(p[0]), api.lift(p[1])
    u2, v2 = api.lift(q[0]), api.lift(q[1])
    lam = api.hint(hints.div, v2 - v1, u2 - u1)
    api.enforce(lam, u2 - u1, v2 - v1, "mont_add")
    u3 = api.hint(hints.muladd, lam, lam, -u1 - u2 - bj.MONT_A)
    api.enforce(lam, lam, u3 + u1 + u2 + bj.MONT_A, "mont_add")
    v3 = api.hint(hints.muladd, lam, u1 - u3, -v1)
    api.enforce(lam, u1 - u3, v3 + v1, "mont_add")
    return (u3, v3)


def mont_double(api: API, p: PointOp) -> PointVar:
    """Montgomery ``2p`` for ``p`` not of order 2: 4 constraints."""
    u, v = api.lift(p[0]), api.lift(p[1])
    u2 = api.mul(u, u)
    lam = api.hint(hints.div, u2 * 3 + u * (2 * bj.MONT_A) + 1, v * 2)
    api.enforce(lam, v * 2, u2 * 3 + u * (2 * bj.MONT_A) + 1, "mont_double")
    u3 = api.hint(hints.muladd, lam, lam, -(u * 2) - bj.MONT_A)
    api.enforce(lam, lam, u3 + u * 2 + bj.MONT_A, "mont_double")
    v3 = api.hint(hints.muladd, lam, u - u3, -v)
    api.enforce(lam, u - u3, v3 + v, "mont_double")
    return (u3, v3)


def _lookup4(api: API, b0: Var, b1: Var, b01: Var, table: Sequence[bj.Point]) -> PointVar:
    """``table[b0 + 2 b1]`` for constant points: linear in b0, b1 and b0*b1 (free)."""
    out = []
    for c in range(2):
        t0, t1, t2, t3 = (p[c] for p in table)
        out.append(b0 * ((t1 - t0) % R) + b1 * ((t2 - t0) % R) + b01 * ((t3 - t2 - t1 + t0) % R) + t0)
    return (out[0], out[1])


def mul_fixed_offset(api: API, bits: Sequence[Var], base: bj.Point) -> tuple[PointVar, bj.Point]:
    """``(Q + k * base)`` in Montgomery form and the constant ``Q`` (Edwards), for the
    little-endian ``bits`` of k (Bools): 2-bit windows over constant tables of
    ``(d + 1) 4^w base`` (never infinity), the first table offset by a point of order 8."""
    bits = list(bits)
    if len(bits) % 2:
        bits.append(api.constant(0))
    q = bj.low_order_offset()
    offset = q
    acc: PointVar | None = None
    with api.scope("mul_fixed"):
        step = base
        for w in range(0, len(bits), 2):
            table = [bj.mul(step, d + 1) for d in range(4)]
            offset = bj.add(offset, step)  # the (d + 1) adds one `step` per window
            if acc is None:
                table = [bj.add(q, t) for t in table]
            mtable = [bj.to_montgomery(t) for t in table]
            b0, b1 = bits[w], bits[w + 1]
            b01 = api.mul(b0, b1)
            pt = _lookup4(api, b0, b1, b01, mtable)
            acc = pt if acc is None else mont_add(api, acc, pt)
            step = bj.mul(step, 4)
    assert acc is not None
    return acc, offset


def mul_any_offset(api: API, bits: Sequence[Var], point_mont: PointOp) -> tuple[PointVar, bj.Point]:
    """``(Q + k * P)`` in Montgomery form and ``Q``, for a variable ``P`` of the prime-order
    subgroup given in Montgomery form: right to left, 9 constraints per bit."""
    q = bj.low_order_offset()
    qm = bj.to_montgomery(q)
    acc: PointVar = (api.constant(qm[0]), api.constant(qm[1]))
    d: PointVar = (api.lift(point_mont[0]), api.lift(point_mont[1]))
    with api.scope("mul_any"):
        for i, b in enumerate(bits):
            s = mont_add(api, acc, d)
            acc = (api.select(b, s[0], acc[0]), api.select(b, s[1], acc[1]))
            if i + 1 < len(bits):
                d = mont_double(api, d)
    return acc, q


def mul_fixed(api: API, bits: Sequence[Var], base: bj.Point) -> PointVar:
    """``k * base`` (Edwards) for a constant point of the prime-order subgroup."""
    acc, offset = mul_fixed_offset(api, bits, base)
    return edwards_add(api, from_montgomery(api, acc), bj.neg(offset))


def mul_any(api: API, bits: Sequence[Var], point: PointOp) -> PointVar:
    """``k * P`` (Edwards) for a variable point P of the prime-order subgroup."""
    acc, offset = mul_any_offset(api, bits, to_montgomery(api, point))
    return edwards_add(api, from_montgomery(api, acc), bj.neg(offset))
