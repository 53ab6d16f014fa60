"""Pure-Python BN254 arithmetic shared by the Python kernels and the point types.

Internal module. Values are gmpy2 ``mpz`` when gmpy2 is installed (it is a dependency),
plain ints otherwise. Points are Jacobian triples ``(X, Y, Z)`` with ``Z == 0`` for
infinity; G2 coordinates are Fq2 pairs ``(c0, c1)`` meaning ``c0 + c1*u``, ``u**2 = -1``.

Security: all arithmetic here is variable-time. Never use it where timing leaks secrets
to an attacker who can measure it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, Callable, Sequence

from .field import P as _P_INT
from .field import R as _R_INT

try:  # gmpy2 is a declared dependency; the fallback keeps a broken install usable
    from gmpy2 import invert as _invert  # type: ignore[import-untyped,unused-ignore]
    from gmpy2 import mpz as mpz  # type: ignore[import-untyped,unused-ignore]
except ImportError:  # pragma: no cover
    mpz = int

    def _invert(a: Any, m: Any) -> Any:
        return pow(int(a), -1, int(m))


P = mpz(_P_INT)
R = mpz(_R_INT)
ZERO = mpz(0)
ONE = mpz(1)

if TYPE_CHECKING:
    Fq2 = tuple[Any, Any]  # (c0, c1)

#: y^2 = x^3 + 3 on G1; y^2 = x^3 + 3/(9+u) on the twist (G2)
B1 = mpz(3)
B2 = (
    mpz(19485874751759354771024239261021720505790618469301721065564631296452457478373),
    mpz(266929791119991161246907387137283842545076965332900288569378510910307636690),
)
G1_GEN = (ONE, mpz(2))
G2_GEN = (
    (
        mpz(10857046999023057135944570762232829481370756359578518086990519993285655852781),
        mpz(11559732032986387107991004021392285783925812861821192530917403151452391805634),
    ),
    (
        mpz(8495653923123431417604973247489272438418190587263600148770280649306958101930),
        mpz(4082367875863433681332203403145435568316851327593401208105741076214120093531),
    ),
)


def inv(a: Any) -> Any:
    """Inverse modulo p (a != 0)."""
    return _invert(a, P)


# ---------------------------------------------------------------- Fq2


def f2_add(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)


def f2_sub(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)


def f2_mul(a: Fq2, b: Fq2) -> Fq2:
    a0, a1 = a
    b0, b1 = b
    t0 = a0 * b0
    t1 = a1 * b1
    return ((t0 - t1) % P, ((a0 + a1) * (b0 + b1) - t0 - t1) % P)


def f2_sqr(a: Fq2) -> Fq2:
    a0, a1 = a
    return (((a0 + a1) * (a0 - a1)) % P, (2 * a0 * a1) % P)


def f2_neg(a: Fq2) -> Fq2:
    return ((-a[0]) % P, (-a[1]) % P)


def f2_inv(a: Fq2) -> Fq2:
    a0, a1 = a
    t = inv((a0 * a0 + a1 * a1) % P)
    return ((a0 * t) % P, (-a1 * t) % P)


def f2_small(a: Fq2, k: int) -> Fq2:
    return ((a[0] * k) % P, (a[1] * k) % P)


F2_ZERO = (ZERO, ZERO)
F2_ONE = (ONE, ZERO)

# ---------------------------------------------------------------- G1 (specialised, a = 0)

G1_INF = (ONE, ONE, ZERO)


def g1_double(p: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    X, Y, Z = p
    if not Z or not Y:
        return G1_INF
    A = X * X % P
    B = Y * Y % P
    C = B * B % P
    D = 2 * ((X + B) * (X + B) - A - C) % P
    E = 3 * A
    F = E * E % P
    X3 = (F - 2 * D) % P
    return (X3, (E * (D - X3) - 8 * C) % P, 2 * Y * Z % P)


def g1_add(p: tuple[Any, Any, Any], q: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    X1, Y1, Z1 = p
    X2, Y2, Z2 = q
    if not Z1:
        return q
    if not Z2:
        return p
    Z1Z1 = Z1 * Z1 % P
    Z2Z2 = Z2 * Z2 % P
    U1 = X1 * Z2Z2 % P
    U2 = X2 * Z1Z1 % P
    S1 = Y1 * Z2 * Z2Z2 % P
    S2 = Y2 * Z1 * Z1Z1 % P
    H = (U2 - U1) % P
    rr = 2 * (S2 - S1) % P
    if not H:
        return g1_double(p) if not rr else G1_INF
    I = 4 * H * H % P
    J = H * I % P
    V = U1 * I % P
    X3 = (rr * rr - J - 2 * V) % P
    Y3 = (rr * (V - X3) - 2 * S1 * J) % P
    Z3 = ((Z1 + Z2) * (Z1 + Z2) - Z1Z1 - Z2Z2) * H % P
    return (X3, Y3, Z3)


def g1_add_affine(p: tuple[Any, Any, Any], x2: Any, y2: Any) -> tuple[Any, Any, Any]:
    """Jacobian + affine (the affine point is never infinity)."""
    X1, Y1, Z1 = p
    if not Z1:
        return (x2, y2, ONE)
    Z1Z1 = Z1 * Z1 % P
    U2 = x2 * Z1Z1 % P
    S2 = y2 * Z1 * Z1Z1 % P
    H = (U2 - X1) % P
    rr = 2 * (S2 - Y1) % P
    if not H:
        return g1_double(p) if not rr else G1_INF
    HH = H * H % P
    I = 4 * HH
    J = H * I % P
    V = X1 * I % P
    X3 = (rr * rr - J - 2 * V) % P
    return (X3, (rr * (V - X3) - 2 * Y1 * J) % P, ((Z1 + H) * (Z1 + H) - Z1Z1 - HH) % P)


def g1_neg(p: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    return (p[0], (-p[1]) % P, p[2])


def g1_to_affine(p: tuple[Any, Any, Any]) -> tuple[Any, Any] | None:
    X, Y, Z = p
    if not Z:
        return None
    zi = inv(Z)
    zi2 = zi * zi % P
    return (X * zi2 % P, Y * zi2 * zi % P)


def g1_on_curve(x: Any, y: Any) -> bool:
    return bool((y * y - x * x * x - B1) % P == 0)


# ---------------------------------------------------------------- G2 (over Fq2)

G2_INF = (F2_ONE, F2_ONE, F2_ZERO)


def g2_double(p: tuple[Fq2, Fq2, Fq2]) -> tuple[Fq2, Fq2, Fq2]:
    X, Y, Z = p
    if Z == F2_ZERO or Y == F2_ZERO:
        return G2_INF
    A = f2_sqr(X)
    B = f2_sqr(Y)
    C = f2_sqr(B)
    D = f2_small(f2_sub(f2_sub(f2_sqr(f2_add(X, B)), A), C), 2)
    E = f2_small(A, 3)
    F = f2_sqr(E)
    X3 = f2_sub(F, f2_small(D, 2))
    Y3 = f2_sub(f2_mul(E, f2_sub(D, X3)), f2_small(C, 8))
    return (X3, Y3, f2_small(f2_mul(Y, Z), 2))


def g2_add(p: tuple[Fq2, Fq2, Fq2], q: tuple[Fq2, Fq2, Fq2]) -> tuple[Fq2, Fq2, Fq2]:
    X1, Y1, Z1 = p
    X2, Y2, Z2 = q
    if Z1 == F2_ZERO:
        return q
    if Z2 == F2_ZERO:
        return p
    Z1Z1 = f2_sqr(Z1)
    Z2Z2 = f2_sqr(Z2)
    U1 = f2_mul(X1, Z2Z2)
    U2 = f2_mul(X2, Z1Z1)
    S1 = f2_mul(f2_mul(Y1, Z2), Z2Z2)
    S2 = f2_mul(f2_mul(Y2, Z1), Z1Z1)
    H = f2_sub(U2, U1)
    rr = f2_small(f2_sub(S2, S1), 2)
    if H == F2_ZERO:
        return g2_double(p) if rr == F2_ZERO else G2_INF
    I = f2_sqr(f2_small(H, 2))
    J = f2_mul(H, I)
    V = f2_mul(U1, I)
    X3 = f2_sub(f2_sub(f2_sqr(rr), J), f2_small(V, 2))
    Y3 = f2_sub(f2_mul(rr, f2_sub(V, X3)), f2_small(f2_mul(S1, J), 2))
    Z3 = f2_mul(f2_sub(f2_sub(f2_sqr(f2_add(Z1, Z2)), Z1Z1), Z2Z2), H)
    return (X3, Y3, Z3)


def g2_add_affine(p: tuple[Fq2, Fq2, Fq2], x2: Fq2, y2: Fq2) -> tuple[Fq2, Fq2, Fq2]:
    return g2_add(p, (x2, y2, F2_ONE))


def g2_neg(p: tuple[Fq2, Fq2, Fq2]) -> tuple[Fq2, Fq2, Fq2]:
    return (p[0], f2_neg(p[1]), p[2])


def g2_to_affine(p: tuple[Fq2, Fq2, Fq2]) -> tuple[Fq2, Fq2] | None:
    X, Y, Z = p
    if Z == F2_ZERO:
        return None
    zi = f2_inv(Z)
    zi2 = f2_sqr(zi)
    return (f2_mul(X, zi2), f2_mul(f2_mul(Y, zi2), zi))


def g2_on_curve(x: Fq2, y: Fq2) -> bool:
    return bool(f2_sub(f2_sqr(y), f2_add(f2_mul(f2_sqr(x), x), B2)) == F2_ZERO)


# ---------------------------------------------------------------- generic helpers

if TYPE_CHECKING:
    Group = tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], Any, Callable[..., Any]]
#: (add, add_affine, double, infinity, neg) for each group
G1_OPS: Group = (g1_add, g1_add_affine, g1_double, G1_INF, g1_neg)
G2_OPS: Group = (g2_add, g2_add_affine, g2_double, G2_INF, g2_neg)


def scalar_mul(ops: Group, p: Any, k: int) -> Any:
    """Double-and-add (variable time) of a Jacobian point by a non-negative int."""
    add, _, dbl, infinity, _ = ops
    acc = infinity
    for bit in bin(k)[2:] if k > 0 else "":
        acc = dbl(acc)
        if bit == "1":
            acc = add(acc, p)
    return acc


def batch_inverse(values: Sequence[Any], modulus: Any) -> list[Any]:
    """Montgomery's trick: inverses of non-zero values with one modular inversion."""
    n = len(values)
    if n == 0:
        return []
    prefix = [ONE] * n
    acc = ONE
    for i, v in enumerate(values):
        prefix[i] = acc
        acc = acc * v % modulus
    acc = _invert(acc, modulus)
    out = [ZERO] * n
    for i in range(n - 1, -1, -1):
        out[i] = acc * prefix[i] % modulus
        acc = acc * values[i] % modulus
    return out


def g1_batch_to_affine(points: Sequence[tuple[Any, Any, Any]]) -> list[tuple[Any, Any] | None]:
    """Normalise many Jacobian G1 points with one inversion."""
    zs = [pt[2] if pt[2] else ONE for pt in points]
    zinv = batch_inverse(zs, P)
    out: list[tuple[Any, Any] | None] = []
    for (X, Y, Z), zi in zip(points, zinv):
        if not Z:
            out.append(None)
            continue
        zi2 = zi * zi % P
        out.append((X * zi2 % P, Y * zi2 * zi % P))
    return out


def g2_batch_to_affine(points: Sequence[tuple[Fq2, Fq2, Fq2]]) -> list[tuple[Fq2, Fq2] | None]:
    """Normalise many Jacobian G2 points with one Fq inversion (norms batched)."""
    zs = [pt[2] if pt[2] != F2_ZERO else F2_ONE for pt in points]
    norms = [(a * a + b * b) % P for a, b in zs]
    ninv = batch_inverse(norms, P)
    out: list[tuple[Fq2, Fq2] | None] = []
    for (X, Y, Z), (a, b), t in zip(points, zs, ninv):
        if Z == F2_ZERO:
            out.append(None)
            continue
        zi = ((a * t) % P, (-b * t) % P)
        zi2 = f2_sqr(zi)
        out.append((f2_mul(X, zi2), f2_mul(f2_mul(Y, zi2), zi)))
    return out
