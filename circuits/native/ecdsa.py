"""Native twin of :mod:`circuits.gadgets.ecdsa`: ECDSA verification on short Weierstrass
curves (P-256, secp256k1) with Python integers, computed the way the gadget does (affine
incomplete formulas, a joint 2-bit window over ``u1`` and ``u2`` with an offset point).

    >>> key = 0xC0FFEE
    >>> pub = scalar_mult(SECP256K1, key, SECP256K1.g)
    >>> r, s = sign(SECP256K1, key, 12345, nonce=777)
    >>> verify(SECP256K1, pub, 12345, r, s), verify(SECP256K1, pub, 12346, r, s)
    (True, False)
    >>> windowed_verify(SECP256K1, pub, 12345, r, s), glv_verify(SECP256K1, pub, 12345, r, s)
    (True, True)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .bigint import to_limbs

__all__ = ["Curve", "Endomorphism", "P256", "SECP256K1", "WIDTH", "LIMBS", "WINDOW", "Point", "on_curve", "add",
           "double", "scalar_mult", "offset_point", "sign", "verify", "windowed_verify", "glv_split", "glv_verify",
           "limbs", "digest_int"]

#: limbs of 32 bits, 8 per 256-bit number (coordinates, scalars, the digest)
WIDTH, LIMBS = 32, 8
#: bits of each of ``u1`` and ``u2`` read per step (a table of ``4**WINDOW`` points)
WINDOW = 2

Point = tuple[int, int]


@dataclass(frozen=True)
class Endomorphism:
    """GLV: ``(x, y) -> (beta x, y)`` is multiplication by ``lam`` on the curve (``beta**3 =
    1 mod p``, ``lam**3 = 1 mod n``); ``(a1, b1)`` and ``(a2, b2)`` a short basis of the
    lattice ``{(k1, k2): k1 + k2 lam = 0 mod n}`` with ``a1 b2 - a2 b1 = n``."""

    beta: int
    lam: int
    a1: int
    b1: int
    a2: int
    b2: int


@dataclass(frozen=True)
class Curve:
    """``y**2 = x**3 + a x + b`` over ``F_p``, generator ``g`` of prime order ``n``; ``glv``
    its endomorphism when it has a cheap one (secp256k1)."""

    name: str
    p: int
    a: int
    b: int
    n: int
    g: Point
    glv: Endomorphism | None = None


SECP256K1 = Curve("secp256k1", 2**256 - 2**32 - 977, 0, 7,
                  0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
                  (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
                   0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8),
                  Endomorphism(0x7AE96A2B657C07106E64479EAC3434E99CF0497512F58995C1396C28719501EE,
                               0x5363AD4CC05C30E0A5261C028812645A122E22EA20816678DF02967C1B23BD72,
                               0x3086D221A7D46BCDE86C90E49284EB15, -0xE4437ED6010E88286F547FA90ABFE4C3,
                               0x114CA50F7A8E2F3F657C1108D9D44CFD8, 0x3086D221A7D46BCDE86C90E49284EB15))
P256 = Curve("P-256", 2**256 - 2**224 + 2**192 + 2**96 - 1, -3,
             0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
             0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
             (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
              0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5))


def on_curve(c: Curve, pt: Point) -> bool:
    """``pt`` has coordinates in ``[0, p)`` and satisfies the curve equation."""
    x, y = pt
    return 0 <= x < c.p and 0 <= y < c.p and (y * y - x**3 - c.a * x - c.b) % c.p == 0


def add(c: Curve, p1: Point | None, p2: Point | None) -> Point | None:
    """The group law (None is the point at infinity)."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        return double(c, p1) if y1 == y2 else None
    lam = (y2 - y1) * pow(x2 - x1, -1, c.p) % c.p
    x3 = (lam * lam - x1 - x2) % c.p
    return x3, (lam * (x1 - x3) - y1) % c.p


def double(c: Curve, pt: Point | None) -> Point | None:
    """``2 pt``."""
    if pt is None or pt[1] == 0:
        return None
    x, y = pt
    lam = (3 * x * x + c.a) * pow(2 * y, -1, c.p) % c.p
    x3 = (lam * lam - 2 * x) % c.p
    return x3, (lam * (x - x3) - y) % c.p


def scalar_mult(c: Curve, k: int, pt: Point | None) -> Point | None:
    """``k pt`` by double-and-add (``k >= 0``)."""
    out: Point | None = None
    for bit in bin(k)[2:]:
        out = double(c, out)
        if bit == "1":
            out = add(c, out, pt)
    return out


def offset_point(c: Curve) -> Point:
    """A point nobody knows the discrete logarithm of: the first ``x = SHA-256("zkmpc ecdsa
    offset" || curve name || counter) mod p`` on the curve, its even ``y`` (``p = 3 mod 4``)."""
    counter = 0
    while True:
        seed = b"zkmpc ecdsa offset " + c.name.encode() + counter.to_bytes(4, "big")
        x = int.from_bytes(hashlib.sha256(seed).digest(), "big") % c.p
        v = (x**3 + c.a * x + c.b) % c.p
        y = pow(v, (c.p + 1) // 4, c.p)
        if y * y % c.p == v:
            return x, y if y % 2 == 0 else c.p - y
        counter += 1


def digest_int(c: Curve, digest: bytes) -> int:
    """The integer ``z`` of a digest (its leftmost ``bits(n)`` bits; all 256 for SHA-256)."""
    z = int.from_bytes(digest, "big")
    extra = 8 * len(digest) - c.n.bit_length()
    return z >> extra if extra > 0 else z


def sign(c: Curve, key: int, z: int, *, nonce: int) -> tuple[int, int]:
    """A signature ``(r, s)`` of ``z`` (tests only: the caller picks the nonce)."""
    pt = scalar_mult(c, nonce, c.g)
    assert pt is not None
    r = pt[0] % c.n
    return r, pow(nonce, -1, c.n) * (z + r * key) % c.n


def verify(c: Curve, pub: Point, z: int, r: int, s: int) -> bool:
    """ECDSA verification (SEC 1 §4.1.4): ``pub`` on the curve, ``1 <= r, s < n`` and
    ``(u1 G + u2 Q).x = r (mod n)``. High-S signatures (``s > n / 2``) are accepted."""
    if not on_curve(c, pub) or not (1 <= r < c.n and 1 <= s < c.n):
        return False
    w = pow(s, -1, c.n)
    pt = add(c, scalar_mult(c, z * w % c.n, c.g), scalar_mult(c, r * w % c.n, pub))
    return pt is not None and pt[0] % c.n == r


def windowed_verify(c: Curve, pub: Point, z: int, r: int, s: int) -> bool:
    """:func:`verify` computed as the gadget does: table ``T[i][j] = i G + j Q + A`` (``A``
    the offset point), from the top window ``acc = T[...]``, then ``acc = 4 acc + T[...]``,
    and ``acc - (4**0 + ... + 4**127) A`` at the end."""
    if not on_curve(c, pub) or not (1 <= r < c.n and 1 <= s < c.n):
        return False
    w = pow(s, -1, c.n)
    u1, u2 = z * w % c.n, r * w % c.n
    a = offset_point(c)
    steps = 256 // WINDOW
    size = 1 << WINDOW
    table = [[add(c, add(c, scalar_mult(c, i, c.g), scalar_mult(c, j, pub)), a) for j in range(size)]
             for i in range(size)]
    acc: Point | None = None
    for k in reversed(range(steps)):
        for _ in range(WINDOW if acc is not None else 0):
            acc = double(c, acc)
        d1, d2 = (u1 >> (WINDOW * k)) % size, (u2 >> (WINDOW * k)) % size
        acc = add(c, acc, table[d1][d2])
    shift = scalar_mult(c, sum(size**k for k in range(steps)), a)
    assert shift is not None
    pt = add(c, acc, (shift[0], (-shift[1]) % c.p))
    return pt is not None and pt[0] % c.n == r


def glv_split(c: Curve, k: int) -> tuple[int, int]:
    """``(k1, k2)`` with ``k1 + k2 lam = k (mod n)``, as the gadget computes them:
    ``c1 = (b2 k) // n``, ``c2 = (-b1 k) // n``, ``k1 = k - c1 a1 - c2 a2``, ``k2 = -c1 b1 -
    c2 b2``. With ``f1, f2`` the fractional parts dropped, ``k1 = f1 a1 + f2 a2`` and ``k2 =
    f1 b1 + f2 b2`` (the rest cancels: ``a1 b2 - a2 b1 = n``), so for any ``k >= 0``: ``0 <= k1
    < a1 + a2 < 2**129`` and ``b1 < k2 < b2``, ``|k2| < 2**128``.

        >>> k1, k2 = glv_split(SECP256K1, 2**256 - 1)
        >>> e = SECP256K1.glv
        >>> (k1 + k2 * e.lam - (2**256 - 1)) % SECP256K1.n, 0 <= k1 < 2**129, abs(k2) < 2**128
        (0, True, True)
    """
    e = c.glv
    if e is None:
        raise ValueError(f"glv_split: {c.name} has no endomorphism")
    c1, c2 = e.b2 * k // c.n, -e.b1 * k // c.n
    return k - c1 * e.a1 - c2 * e.a2, -c1 * e.b1 - c2 * e.b2


def glv_verify(c: Curve, pub: Point, z: int, r: int, s: int) -> bool:
    """:func:`verify` computed as the gadget does on a curve with an endomorphism: ``u1 = k1
    + k2 lam`` and ``u2 = k3 + k4 lam`` (:func:`glv_split`), the four scalars read one bit at a
    time (129 bits) from a table ``T[b] = b0 G + b1 (+-lam G) + b2 Q + b3 (+-lam Q) + A`` (the
    signs those of ``k2`` and ``k4``, ``A`` the offset point), ``acc = T[top]``, ``acc = 2 acc +
    T[...]`` 128 times and ``acc - (2**129 - 1) A`` at the end."""
    e = c.glv
    if e is None:
        raise ValueError(f"glv_verify: {c.name} has no endomorphism")
    if not on_curve(c, pub) or not (1 <= r < c.n and 1 <= s < c.n):
        return False
    w = pow(s, -1, c.n)
    (k1, k2), (k3, k4) = glv_split(c, z * w % c.n), glv_split(c, r * w % c.n)
    a = offset_point(c)

    def endo(pt: Point, neg: bool) -> Point:
        return e.beta * pt[0] % c.p, (-pt[1] if neg else pt[1]) % c.p

    bases = [c.g, endo(c.g, k2 < 0), pub, endo(pub, k4 < 0)]
    scalars = [k1, abs(k2), k3, abs(k4)]
    table = []
    for idx in range(16):
        pt: Point | None = a
        for i in range(4):
            pt = add(c, pt, bases[i] if idx >> i & 1 else None)
        table.append(pt)
    acc: Point | None = None
    for bit in reversed(range(129)):
        acc = add(c, double(c, acc), table[sum((scalars[i] >> bit & 1) << i for i in range(4))])
    shift = scalar_mult(c, 2**129 - 1, a)
    assert shift is not None
    pt = add(c, acc, (shift[0], (-shift[1]) % c.p))
    return pt is not None and pt[0] % c.n == r


def limbs(x: int) -> list[int]:
    """The 8 limbs of 32 bits of a coordinate, scalar or digest integer (``0 <= x < 2**256``)."""
    return to_limbs(x, WIDTH, LIMBS)
