"""ECDSA verification in circuit on P-256 and secp256k1 (SEC 1 §4.1.4): the public key and
the message digest are inputs, ``r`` and ``s`` too (public or secret as the caller types
them: the gadget needs neither to be public; a passport circuit keeps them secret).

``ecdsa_verify(api, curve, qx, qy, z, r, s)`` constrains: the key ``(qx, qy)`` has
coordinates below ``p`` and is on the curve (so not the point at infinity, which has no
affine coordinates); ``1 <= r, s < n``; ``R = u1 G + u2 Q`` with ``w = s**-1``, ``u1 = z w``,
``u2 = r w`` (mod n) is not the point at infinity and ``R.x = r (mod n)``. A high-S signature
(``s > n / 2``) is valid ECDSA and is accepted, as ``cryptography`` does: a circuit that needs
one signature per message adds ``s <= n / 2`` itself. Every number is 8 limbs of 32 bits
(:func:`circuits.native.ecdsa.limbs`), range-checked here (free for inputs typed ``UInt[32]``).

Arithmetic modulo ``p`` and ``n`` is :func:`~circuits.gadgets.bigint.mod_div`: each value
(a slope, a coordinate, a scalar) is one ``MODDIV`` native hint, range-checked, and its
folded check (a quotient of about 36 bits and a carry of about 45 on secp256k1's ``p``, 37
and 38 on P-256's, whose digits of ``2**(32 i) mod p`` are 0 and 1). P-256's loop uses its
generalisation :mod:`circuits.gadgets._folded`: a coordinate that no division defines stays
an unreduced number congruent modulo ``p`` (its product columns folded to 8 wide limbs, free)
and enters the identities that read it as it is; only slopes and ``y`` are values.

P-256: the scalar multiplication reads ``u1`` and ``u2`` two bits at a time (Shamir's
trick): a table ``T[i][j] = i G + j Q + A`` (``A`` the offset point of
:func:`circuits.native.ecdsa.offset_point`, ``i G + A`` constants, 12 additions and 2 for
``2 Q``, ``3 Q``), then ``acc = T[top digits]`` and 127 times ``acc = 4 acc + T[digits]`` (a
doubling whose ``y`` is never a value, then ``2 P + T`` in one formula; the entry picked by
selects, see the costs), and finally ``acc - c A`` with ``c = 4**0 + ... + 4**127``. A step
makes three values, its slopes ``lam0`` (of ``2 P``), ``lam`` (of ``2 P + T``) and ``total =
lam + mu`` (``mu`` the slope of ``(2 P + T) + 2 P``); the doubling's ``x1 = lam0**2 - 2 x0``
and ``y1``, the ``x3 = lam**2 - x1 - x2`` of ``2 P + T`` and the result's ``x4 = mu**2 -
lam**2 + x2`` and ``y4`` are never values (``x4``, ``y4`` are the next step's ``x0``, ``y0``:
``lam0 (2 y0) = 3 x0**2 + a`` is an identity of degree 4, the others of degree 3; ``y4``'s
8 limbs are copied to wires, the bounds growing by a product's each step). Each identity is
the congruence modulo ``p`` the reduced values would meet (the same equations, ``x1``,
``y1``, ``x3``, ``x4``, ``y4`` substituted), so the exceptional-case argument below is
unchanged; the last ``x`` is a value, checked below ``p``.

secp256k1 (GLV, :class:`~circuits.native.ecdsa.Endomorphism`): ``(x, y) -> (beta x, y)``
is ``lam P``. Each of ``u1``, ``u2`` is split as ``u = k1 + k2 lam (mod n)`` with ``0 <= k1 <
2**129`` and ``|k2| < 2**128`` (hints computing :func:`circuits.native.ecdsa.glv_split`;
``k1``, ``|k2|`` range-checked to those bits, the sign a bit, the congruence checked as two
integer identities with the hints' ``c1``, ``c2``: any pair that meets it gives ``u P = k1
P + |k2| (+-lam P)`` on a group of prime order, so the split need not be the native one).
Four scalars of 129 bits are read one bit each per step: a table ``T[b] = b0 G + b1 (+-lam
G) + b2 Q + b3 (+-lam Q) + A`` (the ``G`` part constants picked by the sign bit, free; ``lam
Q = (beta x, +-y)`` one value and 8 selects; ``Q + lam Q`` and 12 additions), ``acc =
T[top]``, then ``acc = 2 acc + T[bits]`` 128 times (the first as a doubling and an addition,
then ``2 P + T`` in one formula, its ``x3`` and result's ``x`` and ``y`` unreduced as
P-256's), and
finally ``acc - (2**129 - 1) A``.

Incomplete formulas, exceptional cases excluded: the affine addition ``P1 + P2`` checks
``lam (x2 - x1) = y2 - y1 (mod p)``: when ``P1 = -P2`` no ``lam`` exists (no witness: only an
honest signature could be refused, never a forged one accepted), when ``P1 = P2`` any ``lam``
would do, so that case must be impossible. In every addition of the gadget one side carries
a multiple ``c1 A`` and the other ``c2 A`` with ``c1 != c2 (mod n)`` (the table: 0 and 1;
the loop's ``P + T`` then ``(P + T) + P``: ``c'`` and 1, ``c' + 1`` and ``c'``, with ``c'``
the accumulator's coefficient entering ``2 P + T``, ``2 <= c' < 2**130``: P-256's ``2 c``
after its doubling; secp256k1's odd ``c = 2**(k+1) - 1 >= 3``, its first step a doubling
of ``T[top]`` (1 to 2) and ``P + T`` alone, 2 and 1; the end: ``c`` and ``-c``; ``2 Q`` and
``Q``: ``Q != O``), so ``P1 = P2`` gives ``A`` as a known combination of ``G`` and ``Q`` (``lam G`` and ``lam Q`` are
too): the prover would know the discrete logarithm of ``A`` (even knowing that of ``Q``),
which is the discrete logarithm problem. ``Q + lam Q`` (no ``A``): ``Q = +-lam Q`` would
make ``(lam -+ 1) Q = O`` with ``lam != +-1 (mod n)``, so ``Q = O``, excluded by the curve
check. Doubling needs ``y != 0``: the curves have prime order, no point of order 2. ``R =
O`` (``u1 + u2 d = 0``, which a prover who knows the key ``d`` can arrange) makes the last
addition ``c A + (-c A)``: no witness. The result's ``x`` is checked below ``p`` before its
reduction modulo ``n``.

Costs (limbs of 32 bits): secp256k1 168,153 and P-256 231,574 constraints (pinned in
tests/vectors/gadget_counts.csv): about 350 per value modulo ``p`` (256 for the value's
range, the folded check's quotient and carry about 80, 15 per product at the points, more
for wider operands); a doubling or an addition of the table makes three values, a step of
the loop only its slopes. P-256: 127 steps of about 1,630 (three values: 768 for their
ranges; their identities' quotients and carries about 122 + 122 bits for ``lam0``'s, of
degree 4, and 85 + 86 for each of ``lam``'s and ``total``'s, of degree 3; nine products of
15 points; 8 for ``y4``'s wires) and the selects, 193 per step (the constant group ``i G +
A`` a multilinear polynomial of the digit's bits, free but for one product, the three others
by trees, then a tree over the groups); the table 42 values, the key, scalars and end about
30.
secp256k1: the first step five values, then 127 of two (``lam``, ``total``: 512 for their
ranges, their identities' quotients and carries about 89 + 97 bits each, the digits of
``2**256 mod p`` reaching 977 and ``y``'s bounds growing; five products; 8 for ``y``'s
wires), the table 40, the two splits about 1,900
constraints, the selects about 200 per step (the constant group ``b0 G + b1 (+-lam G) + A`` a
multilinear polynomial of ``b0``, ``b1`` and the sign: four products).
The best published R1CS counts (circom, ethereum/csp-benchmarks: P-256 299,183, secp256k1
279,647): both are below their figures.

    >>> from circuits import Circuit, Secret, UInt, compile
    >>> from circuits.gadgets.ecdsa import ecdsa_verify
    >>> from circuits.native import ecdsa as ne
    >>> c = ne.SECP256K1
    >>> class Verify(Circuit):
    ...     qx: Secret[UInt[32], 8]
    ...     qy: Secret[UInt[32], 8]
    ...     z: Secret[UInt[32], 8]
    ...     r: Secret[UInt[32], 8]
    ...     s: Secret[UInt[32], 8]
    ...     def define(self, api):
    ...         ecdsa_verify(api, c, self.qx, self.qy, self.z, self.r, self.s)
    >>> cs = compile(Verify)
    >>> q = ne.scalar_mult(c, 0xC0FFEE, c.g)
    >>> r, s = ne.sign(c, 0xC0FFEE, 12345, nonce=777)
    >>> sig = dict(qx=ne.limbs(q[0]), qy=ne.limbs(q[1]), z=ne.limbs(12345), r=ne.limbs(r), s=ne.limbs(s))
    >>> cs.r1cs.is_satisfied(cs.solve(Verify(**sig)).values())
    True
    >>> cs.solve(Verify(**{**sig, "z": ne.limbs(12346)}))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: ecdsa/...
"""

from __future__ import annotations

from typing import Sequence

from zkp.field import R

from ..api import API
from ..engine import hints
from ..errors import CircuitTypeError
from ..native.ecdsa import LIMBS, WIDTH, WINDOW, Curve, Endomorphism, offset_point, scalar_mult
from ..native.ecdsa import add as native_add
from ..var import Operand, Var
from . import _folded as fo
from . import bigint as bi

__all__ = ["ecdsa_verify"]

BPoint = tuple[bi.BigInt, bi.BigInt]


def _number(api: API, limbs: Sequence[Operand], what: str) -> bi.BigInt:
    if len(limbs) != LIMBS:
        raise CircuitTypeError(f"ecdsa: expected {what} as {LIMBS} limbs of {WIDTH} bits, found {len(limbs)}")
    return bi.from_limbs(api, list(limbs), WIDTH)


def _const_point(api: API, pt: tuple[int, int]) -> BPoint:
    return bi.constant(api, pt[0], WIDTH, LIMBS), bi.constant(api, pt[1], WIDTH, LIMBS)


def _add_x(api: API, c: Curve, p1: BPoint, p2: BPoint) -> tuple[bi.BigInt, bi.BigInt]:
    """The slope and the ``x`` of ``P1 + P2`` for ``P1 != +-P2`` (incomplete: see the module
    docstring)."""
    (x1, y1), (x2, y2) = p1, p2
    lam = bi.mod_div(api, c.p, e=bi.sub(api, y1, y2), f=bi.sub(api, x2, x1))
    return lam, bi.mod_div(api, c.p, ab=(lam, lam), e=bi.add(api, x1, x2))


def _add(api: API, c: Curve, p1: BPoint, p2: BPoint) -> BPoint:
    """``P1 + P2`` for ``P1 != +-P2``."""
    lam, x3 = _add_x(api, c, p1, p2)
    x1, y1 = p1
    return x3, bi.mod_div(api, c.p, ab=(lam, bi.sub(api, x1, x3)), e=y1)


def _double_add(api: API, c: Curve, p1: BPoint, p2: BPoint) -> BPoint:
    """``2 P1 + P2`` as ``(P1 + P2) + P1`` without the ``y`` of ``P1 + P2``: with ``lam`` the
    slope of ``P1 + P2`` and ``x3`` its ``x``, the second slope is ``mu = 2 y1 / (x1 - x3) -
    lam``; ``lam + mu`` is one value (incomplete: ``P1 != +-P2`` and ``P1 + P2 != +-P1``).
    Two values (``lam`` and ``total = lam + mu``): ``x3 = lam**2 - x1 - x2`` and the result's
    ``x4 = mu**2 - lam**2 + x2`` and ``y4 = mu (x1 - x4) - y1`` stay unreduced
    (:func:`~circuits.gadgets._folded.fold`: congruent modulo ``p``; ``y4``'s limbs copied to
    wires), ``x1`` and ``y1`` may be such numbers (the previous step's)."""
    (x1, y1), (x2, y2) = p1, p2
    m, lin = c.p, fo.linear
    lam = fo.reduce(api, m, fo.combine(api, (1, lin(y2)), (-1, lin(y1))), bi.sub(api, x2, x1))[0]
    lam2 = fo.product(api, lam, lam)
    x1_x3 = fo.fold(api, m, fo.combine(api, (2, lin(x1)), (1, lin(x2)), (-1, lam2)))
    mu = bi.sub(api, fo.reduce(api, m, fo.combine(api, (2, lin(y1))), x1_x3)[0], lam)
    x4 = fo.fold(api, m, fo.combine(api, (1, fo.product(api, mu, mu)), (-1, lam2), (1, lin(x2))))
    return x4, _wires(api, fo.fold(api, m, fo.combine(api, (1, fo.product(api, mu, bi.sub(api, x1, x4))),
                                                      (-1, lin(y1)))))


def _last_x(api: API, c: Curve, acc: BPoint, k: int) -> bi.BigInt:
    """The ``x`` of ``acc - k A`` (``acc``'s ``x`` may be unreduced), a value."""
    shift = scalar_mult(c, k, offset_point(c))
    assert shift is not None
    (x1, y1), (x2, y2) = acc, _const_point(api, (shift[0], (-shift[1]) % c.p))
    lam = fo.reduce(api, c.p, fo.combine(api, (1, fo.linear(y2)), (-1, fo.linear(y1))), bi.sub(api, x2, x1))[0]
    return fo.reduce(api, c.p, fo.combine(api, (1, fo.product(api, lam, lam)), (-1, fo.linear(x1)),
                                          (-1, fo.linear(x2))))[0]


def _double_double_add(api: API, c: Curve, p0: BPoint, p2: BPoint) -> BPoint:
    """``4 P0 + P2`` as :func:`_double_add` of ``P1 = 2 P0`` and ``P2`` with three slopes the
    only values made here (``lam0`` of the doubling, ``lam`` of ``P1 + P2``, ``total = lam +
    mu``): ``x1 = lam0**2 - 2 x0``, ``y1 = lam0 (x0 - x1) - y0``, ``x3 = lam**2 - x1 - x2``
    and the result's ``x4 = mu**2 - lam**2 + x2`` and ``y4 = mu (x1 - x4) - y1`` stay
    unreduced (:func:`~circuits.gadgets._folded.fold`: congruent modulo ``p``, limbs wide),
    entering the identities that read them as they are (``y4``'s limbs copied to wires: it
    chains through every step). The same congruences modulo ``p`` as with each of them a
    value. ``x0`` and ``y0`` may be such numbers (the previous step's)."""
    (x0, y0), (x2, y2) = p0, p2
    m = c.p
    lin = fo.linear
    x0_3 = bi.add(api, x0, bi.add(api, x0, x0))
    a = c.a % m
    terms = [(1, fo.product(api, x0, x0_3))]
    if a:
        terms.append((1, fo.constant(api, c.a, WIDTH) if abs(c.a) < 1 << WIDTH else lin(bi.constant(api, a, WIDTH))))
    lam0 = fo.reduce(api, m, fo.combine(api, *terms), bi.add(api, y0, y0))[0]
    x1 = fo.fold(api, m, fo.combine(api, (1, fo.product(api, lam0, lam0)), (-2, lin(x0))))
    pp = fo.product(api, lam0, bi.sub(api, x0, x1))  # y1 = pp - y0
    lam = fo.reduce(api, m, fo.combine(api, (1, lin(y2)), (-1, pp), (1, lin(y0))), bi.sub(api, x2, x1))[0]
    lam2 = fo.product(api, lam, lam)
    x1_x3 = fo.fold(api, m, fo.combine(api, (2, lin(x1)), (1, lin(x2)), (-1, lam2)))  # x1 - x3
    total = fo.reduce(api, m, fo.combine(api, (2, pp), (-2, lin(y0))), x1_x3)[0]
    mu = bi.sub(api, total, lam)
    x4 = fo.fold(api, m, fo.combine(api, (1, fo.product(api, mu, mu)), (-1, lam2), (1, lin(x2))))
    y4 = fo.fold(api, m, fo.combine(api, (1, fo.product(api, mu, bi.sub(api, x1, x4))), (-1, pp), (1, lin(y0))))
    return x4, _wires(api, y4)


def _wires(api: API, x: bi.BigInt) -> bi.BigInt:
    """``x`` with each limb a wire of its own (one constraint per limb): a number that chains
    through every step (``y4`` reads ``y0``) keeps linear combinations short."""
    limbs = []
    for v in x.limbs:
        w = api.hint(hints.muladd, v, 1, 0)
        api.assert_equal(w, v)
        limbs.append(w)
    return bi.BigInt(tuple(limbs), x.width, x.bounds)


def _double_slope_x(api: API, c: Curve, pt: BPoint) -> tuple[bi.BigInt, bi.BigInt]:
    """The slope and the ``x`` of ``2 P``."""
    x, y = pt
    a = c.a % c.p
    neg_a = None if a == 0 else bi.constant(api, (-c.a) % c.p, WIDTH, LIMBS)
    lam = bi.mod_div(api, c.p, ab=(x, bi.add(api, x, bi.add(api, x, x))), e=neg_a, f=bi.add(api, y, y))
    return lam, bi.mod_div(api, c.p, ab=(lam, lam), e=bi.add(api, x, x))


def _double(api: API, c: Curve, pt: BPoint) -> BPoint:
    """``2 P`` (``y != 0``: no point of order 2 on a curve of prime order)."""
    x, y = pt
    a = c.a % c.p
    neg_a = None if a == 0 else bi.constant(api, (-c.a) % c.p, WIDTH, LIMBS)
    lam = bi.mod_div(api, c.p, ab=(x, bi.add(api, x, bi.add(api, x, x))), e=neg_a, f=bi.add(api, y, y))
    x3 = bi.mod_div(api, c.p, ab=(lam, lam), e=bi.add(api, x, x))
    y3 = bi.mod_div(api, c.p, ab=(lam, bi.sub(api, x, x3)), e=y)
    return x3, y3


def _reachable(bits: Sequence[Var]) -> list[int]:
    """The indices ``sum(bits[i] 2**i)`` the bits can reach (a constant bit fixes its place)."""
    out = [0]
    for i, b in enumerate(bits):
        out = [j | (v << i) for v in ((b.constant_value() % R,) if b.is_constant() else (0, 1)) for j in out]
    return out


def _select(api: API, bits: Sequence[Var], entries: Sequence[BPoint | None]) -> BPoint:
    """``entries[sum(bits[i] 2**i)]`` by a tree of selects over the variable bits (one
    constraint per limb per pair; a constant bit picks its half for free: no select whose
    result nothing reads). ``None`` entries must be unreachable."""
    free = [b for b in bits if not b.is_constant()]
    level = [entries[j] for j in _reachable(bits)]  # ordered by the variable bits, lowest first
    for b in free:
        level = [_pick(api, b, _point(level[i + 1]), _point(level[i])) for i in range(0, len(level), 2)]
    return _point(level[0])


def _point(pt: BPoint | None) -> BPoint:
    assert pt is not None, "an unreachable entry was selected"
    return pt


def _const_select(api: API, bits: Sequence[Var], points: Sequence[tuple[int, int]]) -> BPoint:
    """``points[sum(bits[i] 2**i)]`` for constant points and Bool bits: each limb the
    multilinear polynomial of the bits through its values, the monomials products shared by
    every limb (at most ``2**k - k - 1`` constraints: only those some limb reads), the limbs
    linear in them (free)."""
    coefs, values = [], []
    for coord in range(2):
        per_point = [bi.constant(api, pt[coord], WIDTH, LIMBS).bounds for pt in points]
        for i in range(LIMBS):
            vals = [b[i][0] for b in per_point]
            coef = list(vals)
            for j in range(len(bits)):  # Moebius: the coefficient of each monomial
                for mask in range(len(coef)):
                    if mask >> j & 1:
                        coef[mask] -= coef[mask ^ (1 << j)]
            coefs.append(coef)
            values.append(vals)
    monos: dict[int, Var] = {0: api.constant(1)}

    def mono(mask: int) -> Var:
        if mask not in monos:
            low = (mask & -mask).bit_length() - 1
            rest = mask ^ (1 << low)
            monos[mask] = bits[low] if rest == 0 else api.mul(mono(rest), bits[low])
        return monos[mask]

    limbs = [api.lincomb([(mono(mask), k % R) for mask, k in enumerate(coef) if k]) for coef in coefs]
    bounds = [(min(v), max(v)) for v in values]
    return (bi.BigInt(tuple(limbs[:LIMBS]), WIDTH, tuple(bounds[:LIMBS])),
            bi.BigInt(tuple(limbs[LIMBS:]), WIDTH, tuple(bounds[LIMBS:])))


def _grouped_select(api: API, bits: Sequence[Var], first: BPoint, table: Sequence[BPoint]) -> BPoint:
    """``table[sum(bits[i] 2**i)]`` with ``first`` the pick among the first group (the
    entries whose upper bits are 0, constants: :func:`_const_select`): the other groups by
    trees over the lower bits, then a tree over the upper ones (groups the upper bits cannot
    reach are not made)."""
    half = len(bits) // 2
    size = 1 << half
    reach = set(_reachable(bits[half:]))
    groups: list[BPoint | None] = [first]
    groups += [_select(api, bits[:half], table[g:g + size]) if g // size in reach else None
               for g in range(size, len(table), size)]
    return _select(api, bits[half:], groups)


def _pick(api: API, b: Var, one: BPoint, zero: BPoint) -> BPoint:
    out = []
    for u, v in zip(one, zero):
        limbs = tuple(api.select(b, p, q) for p, q in zip(u.limbs, v.limbs))
        bounds = tuple((min(bu[0], bv[0]), max(bu[1], bv[1])) for bu, bv in zip(u.bounds, v.bounds))
        out.append(bi.BigInt(limbs, WIDTH, bounds))
    return out[0], out[1]


def _on_curve(api: API, c: Curve, x: bi.BigInt, y: bi.BigInt) -> None:
    """``y**2 = x**3 + a x + b (mod p)`` with ``x, y < p``."""
    bi.assert_less_than(api, x, c.p)
    bi.assert_less_than(api, y, c.p)
    x2 = bi.mod_div(api, c.p, ab=(x, x))
    rest = bi.constant(api, c.b, WIDTH, LIMBS)
    if c.a % c.p:
        rest = bi.sub(api, rest, bi.add(api, x, bi.add(api, x, x))) if c.a == -3 else \
            bi.add(api, rest, bi.mul_mod(api, x, bi.constant(api, c.a % c.p, WIDTH), c.p))
    bi.assert_zero_mod(api, c.p, ab=(y, y), cd=(x2, x), e=rest)


def ecdsa_verify(api: API, curve: Curve, qx: Sequence[Operand], qy: Sequence[Operand], z: Sequence[Operand],
                 r: Sequence[Operand], s: Sequence[Operand]) -> None:
    """Constrain ``(r, s)`` to be a valid ECDSA signature of the digest integer ``z`` (see
    :func:`circuits.native.ecdsa.digest_int`) under the public key ``(qx, qy)`` on
    ``curve`` (:data:`~circuits.native.ecdsa.P256` or :data:`~circuits.native.ecdsa.SECP256K1`,
    or any curve of prime order with ``p, n < 2**256`` and ``p < 2 n``); each argument is 8
    limbs of 32 bits, least significant first.

    Raises:
        CircuitTypeError: an argument is not 8 limbs.
    """
    with api.scope("ecdsa"):
        x, y = _number(api, qx, "qx"), _number(api, qy, "qy")
        zz, rr, ss = _number(api, z, "z"), _number(api, r, "r"), _number(api, s, "s")
        _on_curve(api, curve, x, y)
        bi.assert_less_than(api, rr, curve.n)
        bi.assert_less_than(api, ss, curve.n)
        api.assert_not_equal(api.lincomb([(v, 1) for v in rr.limbs]), 0)  # r != 0 (s != 0: it has an inverse)
        minus_one = bi.sub(api, bi.constant(api, 0, WIDTH), bi.constant(api, 1, WIDTH))
        w = bi.mod_div(api, curve.n, e=minus_one, f=ss)
        u1n, u1 = bi.mod_div_bits(api, curve.n, ab=(zz, w))
        u2n, u2 = bi.mod_div_bits(api, curve.n, ab=(rr, w))
        if curve.glv is not None:
            rx = _glv_scalar_mults(api, curve, curve.glv, (x, y), _glv_split(api, curve, curve.glv, u1n),
                                   _glv_split(api, curve, curve.glv, u2n))
        else:
            rx = _scalar_mults(api, curve, (x, y), u1, u2)
        bi.assert_less_than(api, rx, curve.p)
        bi.assert_mul_mod(api, rx, bi.constant(api, 1, WIDTH), curve.n, rr)


def _scalar_mults(api: API, c: Curve, q: BPoint, u1: Sequence[Var], u2: Sequence[Var]) -> bi.BigInt:
    """The ``x`` of ``u1 G + u2 Q`` (bits least significant first, 256 each) with the offset
    point (its ``y`` is not computed)."""
    size, steps = 1 << WINDOW, 256 // WINDOW
    off = offset_point(c)
    qs = [q, _double(api, c, q)]
    qs.append(_add(api, c, qs[1], q))
    table: list[BPoint] = []
    for j in range(size):  # index i + size * j: the u1 digit's bits first
        for i in range(size):
            base = scalar_mult(c, i, c.g)
            const = off if base is None else _affine_sum(c, base, off)
            table.append(_const_point(api, const) if j == 0 else _add(api, c, _const_point(api, const), qs[j - 1]))
    consts = [off if base is None else _affine_sum(c, base, off) for base in (scalar_mult(c, i, c.g) for i in range(size))]
    acc: BPoint | None = None
    for k in reversed(range(steps)):
        digit = [*u1[WINDOW * k: WINDOW * k + WINDOW], *u2[WINDOW * k: WINDOW * k + WINDOW]]
        entry = _grouped_select(api, digit, _const_select(api, digit[:WINDOW], consts), table)
        if acc is None:
            acc = entry
            continue
        for _ in range(WINDOW - 2):
            acc = _double(api, c, acc)
        acc = _double_double_add(api, c, acc, entry)
    assert acc is not None
    return _last_x(api, c, acc, sum(size**k for k in range(steps)))


def _affine_sum(c: Curve, p1: tuple[int, int], p2: tuple[int, int]) -> tuple[int, int]:
    out = native_add(c, p1, p2)
    assert out is not None
    return out


# ------------------------------------------------------------ GLV (secp256k1)


def _limbs(api: API, value: int) -> list[Var]:
    """The limbs of a constant, negative values limb by limb negated (``MODDIV`` reads limbs signed)."""
    digits = bi.constant(api, abs(value), WIDTH).bounds
    return [api.constant((d if value >= 0 else -d) % R) for d, _ in digits]


def _moddiv(api: API, ops: Sequence[Sequence[Var]], m: int, kq: int, kr: int) -> list[Var]:
    """The ``MODDIV`` hint on limbs ``ops = (a, b, c, d, e, f)`` modulo ``m``."""
    mc = _limbs(api, m)
    ka, kb, kc, kd, ke, kf = (len(o) for o in ops)
    with api.scope("ecdsa.glv"):
        return api.hint(hints.moddiv(WIDTH, ka, kb, kc, kd, ke, kf, len(mc), kq, kr), *(v for o in ops for v in o),
                        *mc, outputs=kq + kr)


def _checked(api: API, wires: Sequence[Var], bits: Sequence[int]) -> tuple[bi.BigInt, list[Var]]:
    out: list[Var] = []
    for v, nb in zip(wires, bits):
        out.extend(api.to_bits(v, nb))
    return bi.BigInt(tuple(wires), WIDTH, tuple((0, (1 << nb) - 1) for nb in bits)), out


def _glv_split(api: API, c: Curve, e: Endomorphism, u: bi.BigInt) -> tuple[list[Var], list[Var], Var]:
    """The bits of ``k1`` (129) and of ``|k2|`` (128) and the sign bit of ``k2`` (1: negative)
    with ``u = k1 + k2 lam (mod n)``: the hints compute :func:`circuits.native.ecdsa.glv_split`
    (``c1``, ``c2``, ``k1`` modulo ``2**160``, the sign of ``k2`` as its quotient by
    ``2**128``, ``|k2| = k2 / (1 - 2 sign) mod 2**128``), all range-checked, and the integer
    identities ``k1 + c1 a1 + c2 a2 = u`` and ``k2 + c2 b2 = -c1 b1`` are checked (carries), so
    ``k1 + k2 lam = u - c1 (a1 + b1 lam) - c2 (a2 + b2 lam) = u (mod n)``: any such pair gives
    ``u P = k1 P + |k2| (+-lam P)``, whether or not it is the native one."""
    zero, one = [api.constant(0)], [api.constant(1)]
    c1 = _checked(api, _moddiv(api, (u.limbs, _limbs(api, e.b2), zero, zero, zero, one), c.n, 4, 0),
                  [32, 32, 32, 30])[0]
    c2 = _checked(api, _moddiv(api, (u.limbs, _limbs(api, -e.b1), zero, zero, zero, one), c.n, 4, 0), [32] * 4)[0]
    neg_u = [api.scale(v, -1) for v in u.limbs]
    k1, k1_bits = _checked(api, _moddiv(api, (c1.limbs, _limbs(api, -e.a1), c2.limbs, _limbs(api, e.a2), neg_u,
                                              one), 2**160, 0, 5), [32, 32, 32, 32, 1])
    k2_ops = (c1.limbs, _limbs(api, -e.b1), c2.limbs, _limbs(api, e.b2), zero)
    neg = api.to_bits(api.scale(_moddiv(api, (*k2_ops, one), 2**128, 1, 0)[0], -1), 1)[0]
    sigma = api.lincomb([(neg, -2)], 1)
    mag, mag_bits = _checked(api, _moddiv(api, (*k2_ops, [sigma]), 2**128, 0, 4), [32] * 4)
    signed = bi.BigInt(tuple(api.mul(v, sigma) for v in mag.limbs), WIDTH,
                       tuple((-(1 << 32) + 1, (1 << 32) - 1) for _ in mag.limbs))
    bi.assert_equal(api, bi.add(api, k1, bi.add(api, bi.scale(api, c1, e.a1), bi.scale(api, c2, e.a2))), u)
    bi.assert_equal(api, bi.add(api, signed, bi.scale(api, c2, e.b2)), bi.scale(api, c1, -e.b1))
    return k1_bits, mag_bits, neg


def _glv_scalar_mults(api: API, c: Curve, e: Endomorphism, q: BPoint, s1: tuple[list[Var], list[Var], Var],
                      s2: tuple[list[Var], list[Var], Var]) -> bi.BigInt:
    """The ``x`` of ``u1 G + u2 Q`` from the splits of ``u1`` and ``u2``: a table of the 16
    ``b0 G + b1 (+-lam G) + b2 Q + b3 (+-lam Q) + A``, ``acc = T[top]``, then a doubling and an
    addition, then ``acc = 2 acc + T[...]`` 127 times, and ``acc - (2**129 - 1) A``."""
    off = offset_point(c)
    lam_g = (e.beta * c.g[0] % c.p, c.g[1])
    consts: list[BPoint] = []
    for b0, b1 in ((0, 0), (1, 0), (0, 1), (1, 1)):
        pts = [off] + ([c.g] if b0 else [])
        plus = pts + ([lam_g] if b1 else [])
        minus = pts + ([(lam_g[0], c.p - lam_g[1])] if b1 else [])
        consts.append(_sign_select(api, s1[2], _affine_total(c, plus), _affine_total(c, minus)))
    x, y = q
    neg_y = bi.sub(api, bi.constant(api, c.p, WIDTH, LIMBS), y)
    y2 = bi.BigInt(tuple(api.select(s2[2], a, b) for a, b in zip(neg_y.limbs, y.limbs)), WIDTH,
                   tuple((min(a[0], b[0]), max(a[1], b[1])) for a, b in zip(neg_y.bounds, y.bounds)))
    q2 = (bi.mod_div(api, c.p, ab=(x, bi.constant(api, e.beta, WIDTH))), y2)
    parts = [None, q, q2, _add(api, c, q, q2)]
    table = [consts[i] if parts[j] is None else _add(api, c, consts[i], parts[j])  # type: ignore[arg-type]
             for j in range(4) for i in range(4)]
    zero = api.constant(0)
    k1a, m1, _ = s1
    k1b, m2, _ = s2

    g_points = [_affine_total(c, [off] + ([c.g] if i & 1 else []) + ([(lam_g[0], (-lam_g[1] if i & 4 else lam_g[1]) % c.p)]
                                                                      if i & 2 else [])) for i in range(8)]

    def entry(bit: int) -> BPoint:
        d = [k1a[bit], m1[bit] if bit < 128 else zero, k1b[bit], m2[bit] if bit < 128 else zero]
        return _grouped_select(api, d, _const_select(api, [d[0], d[1], s1[2]], g_points), table)

    acc = entry(128)
    acc = _add(api, c, _double(api, c, acc), entry(127))
    for bit in reversed(range(127)):
        acc = _double_add(api, c, acc, entry(bit))
    return _last_x(api, c, acc, 2**129 - 1)


def _affine_total(c: Curve, pts: Sequence[tuple[int, int]]) -> tuple[int, int]:
    total = pts[0]
    for pt in pts[1:]:
        total = _affine_sum(c, total, pt)
    return total


def _sign_select(api: API, neg: Var, plus: tuple[int, int], minus: tuple[int, int]) -> BPoint:
    """``minus if neg else plus`` for constant points: limbs linear in ``neg`` (free)."""
    out = []
    for u, v in zip(plus, minus):
        a, b = bi.constant(api, u, WIDTH, LIMBS), bi.constant(api, v, WIDTH, LIMBS)
        limbs = tuple(api.lincomb([(neg, (lb[0] - la[0]) % R)], la[0]) for la, lb in zip(a.bounds, b.bounds))
        out.append(bi.BigInt(limbs, WIDTH, tuple((min(la[0], lb[0]), max(la[0], lb[0]))
                                                 for la, lb in zip(a.bounds, b.bounds))))
    return out[0], out[1]
