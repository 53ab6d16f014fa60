"""Baby Jubjub, the twisted Edwards curve over BN254's scalar field (native twin).

``a x^2 + y^2 = 1 + d x^2 y^2`` with a = 168700, d = 168696 (EIP-2494, circomlib's
parameters). Points are ``(x, y)`` tuples of ints; the identity is ``(0, 1)``. ``BASE8``
generates the prime-order subgroup of order ``SUBORDER``.

    >>> add(BASE8, IDENTITY) == BASE8 and in_subgroup(BASE8)
    True
    >>> mul(BASE8, SUBORDER) == IDENTITY
    True
    >>> unpack(pack(BASE8)) == BASE8
    True
"""

from __future__ import annotations

from zkp.field import R

from ..errors import CircuitTypeError

__all__ = ["A", "D", "GENERATOR", "BASE8", "ORDER", "SUBORDER", "IDENTITY", "Point", "add", "double",
           "mul", "neg", "on_curve", "in_subgroup", "pack", "unpack"]

Point = tuple[int, int]
A = 168700
D = 168696
GENERATOR: Point = (995203441582195749578291179787384436505546430278305826713579947235728471134,
                    5472060717959818805561601436314318772137091100104008585924551046643952123905)
BASE8: Point = (5299619240641551281634865583518297030282874472190772894086521144482721001553,
                16950150798460657717958625567821834550301663161624707787222815936182638968203)
ORDER = 21888242871839275222246405745257275088614511777268538073601725287587578984328
SUBORDER = ORDER >> 3
IDENTITY: Point = (0, 1)


def add(p: Point, q: Point) -> Point:
    """The complete twisted Edwards addition (no exceptional cases on this curve)."""
    (x1, y1), (x2, y2) = p, q
    t = D * x1 * x2 * y1 * y2 % R
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, -1, R) % R
    y3 = (y1 * y2 - A * x1 * x2) * pow(1 - t, -1, R) % R
    return (x3, y3)


def double(p: Point) -> Point:
    return add(p, p)


def neg(p: Point) -> Point:
    return ((-p[0]) % R, p[1])


def _add_ext(p: tuple[int, int, int, int], q: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Addition in extended coordinates (X:Y:Z:T with x = X/Z, y = Y/Z, T = XY/Z), the
    unified formula of Hisil, Wong, Carter and Dawson 2008 for a twisted Edwards curve with
    any a: complete here, as the affine law (d is not a square); no inversion."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = x1 * x2 % R
    b = y1 * y2 % R
    c = D * t1 % R * t2 % R
    d = z1 * z2 % R
    e = ((x1 + y1) * (x2 + y2) - a - b) % R
    f, g, h = (d - c) % R, (d + c) % R, (b - A * a) % R
    return e * f % R, g * h % R, f * g % R, e * h % R


def mul(p: Point, k: int) -> Point:
    """``k * p`` for an int ``k >= 0`` (double and add in extended coordinates, one
    inversion at the end; variable time)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise CircuitTypeError(f"babyjub.mul: expected an int >= 0, found {k!r}")
    acc, base = (0, 1, 1, 0), (p[0], p[1], 1, p[0] * p[1] % R)
    while k:
        if k & 1:
            acc = _add_ext(acc, base)
        base = _add_ext(base, base)
        k >>= 1
    zi = pow(acc[2], -1, R)
    return acc[0] * zi % R, acc[1] * zi % R


def on_curve(p: object) -> bool:
    if not (isinstance(p, tuple) and len(p) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                         and 0 <= v < R for v in p)):
        return False
    x, y = int(p[0]), int(p[1])
    x2, y2 = x * x % R, y * y % R
    return bool((A * x2 + y2) % R == (1 + D * x2 * y2) % R)


def in_subgroup(p: object) -> bool:
    return on_curve(p) and mul(p, SUBORDER) == IDENTITY  # type: ignore[arg-type]


def pack(p: Point) -> bytes:
    """circomlibjs's 32-byte encoding: y little-endian, the top bit set when x > (r-1)/2."""
    out = bytearray(p[1].to_bytes(32, "little"))
    if p[0] > (R - 1) // 2:
        out[31] |= 0x80
    return bytes(out)


def unpack(data: bytes) -> Point:
    """Inverse of :func:`pack`; raises :class:`CircuitTypeError` for bytes that are not a
    point on the curve."""
    if not isinstance(data, (bytes, bytearray)) or len(data) != 32:
        raise CircuitTypeError("babyjub.unpack: expected 32 bytes")
    buf = bytearray(data)
    sign = bool(buf[31] & 0x80)
    buf[31] &= 0x7F
    y = int.from_bytes(buf, "little")
    if y >= R:
        raise CircuitTypeError("babyjub.unpack: y >= r")
    y2 = y * y % R
    den = (A - D * y2) % R
    if den == 0:
        raise CircuitTypeError("babyjub.unpack: not a point")
    x2 = (1 - y2) * pow(den, -1, R) % R
    x = _sqrt(x2)
    if x is None:
        raise CircuitTypeError("babyjub.unpack: not a point on the curve")
    if sign != (x > (R - 1) // 2):
        x = (-x) % R
    if sign and x == 0:
        raise CircuitTypeError("babyjub.unpack: non-canonical encoding")
    return (x, y)


def _sqrt(a: int) -> int | None:
    """Tonelli-Shanks in Fr (r - 1 = 2^28 * q)."""
    if a == 0:
        return 0
    if pow(a, (R - 1) // 2, R) != 1:
        return None
    q, s = R - 1, 0
    while q % 2 == 0:
        q //= 2
        s += 1
    z = 5  # a non-residue mod r
    m, c, t, x = s, pow(z, q, R), pow(a, q, R), pow(a, (q + 1) // 2, R)
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2 = t2 * t2 % R
            i += 1
        b = pow(c, 1 << (m - i - 1), R)
        m, c, t, x = i, b * b % R, t * b * b % R, x * b % R
    return x


# ---------------------------------------------------------------- Montgomery form
# B v^2 = u^3 + MA u^2 + u with MA = 2 (a + d) / (a - d) = 168698 and B = 4 / (a - d) = 1;
# u = (1 + y) / (1 - y), v = u / x. The in-circuit scalar multiplications run there
# (3-constraint additions), with offsets that keep them away from exceptional cases.

MONT_A = 168698


def to_montgomery(p: Point) -> Point:
    x, y = p
    u = (1 + y) * pow((1 - y) % R, -1, R) % R
    return (u, u * pow(x, -1, R) % R)


def from_montgomery(q: Point) -> Point:
    u, v = q
    return (u * pow(v, -1, R) % R, (u - 1) * pow((u + 1) % R, -1, R) % R)


def mont_add(p: Point, q: Point) -> Point:
    (u1, v1), (u2, v2) = p, q
    lam = (v2 - v1) * pow((u2 - u1) % R, -1, R) % R
    u3 = (lam * lam - MONT_A - u1 - u2) % R
    return (u3, (lam * (u1 - u3) - v1) % R)


def mont_double(p: Point) -> Point:
    u, v = p
    lam = (3 * u * u + 2 * MONT_A * u + 1) * pow(2 * v % R, -1, R) % R
    u3 = (lam * lam - MONT_A - 2 * u) % R
    return (u3, (lam * (u - u3) - v) % R)


def low_order_offset() -> Point:
    """A point of order 8 (outside the prime-order subgroup): accumulators start there, so
    they never meet the point at infinity or the negation of a subgroup point."""
    return mul(GENERATOR, SUBORDER)
