"""BN254 points as immutable value types: :class:`G1Point` and :class:`G2Point`.

Both are affine, hashable and compared by value; infinity is an explicit value
(``G1Point.infinity()``), never ``None``. Every public way in validates: coordinates
must be ints in ``[0, p)``, the point on its curve, and a G2 point in the r-torsion
subgroup (the twist's cofactor is large). The canonical encodings are EIP-196/197:
G1 ``x || y`` (64 bytes), G2 ``x.c1 || x.c0 || y.c1 || y.c0`` (128 bytes), big-endian,
infinity all zeros.

Example:
    >>> from zkp.curve import G1Point
    >>> g = G1Point.generator()
    >>> (g * 3) == g + g + g
    True
    >>> G1Point.from_bytes((g * 5).to_bytes()) == g * 5
    True
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, Sequence

from ._lazy import lazy_module
from ._backend import kernels
from .errors import InputTypeError, MalformedInputError
from .field import P, R, check_fr_list, to_words

A = lazy_module("zkp._arith")  # Python-side point arithmetic: loads (with gmpy2) on first use

#: the G2 generator (as zkp._arith.G2_GEN), here so that comparing with it loads no arithmetic
_G2_GEN = ((10857046999023057135944570762232829481370756359578518086990519993285655852781,
            11559732032986387107991004021392285783925812861821192530917403151452391805634),
           (8495653923123431417604973247489272438418190587263600148770280649306958101930,
            4082367875863433681332203403145435568316851327593401208105741076214120093531))

__all__ = ["G1Point", "G2Point", "g1_msm", "g1_msm_packed", "g1_batch_mul", "g1_batch_mul_packed", "hash_to_g1"]

Fq2Pair = tuple[int, int]


def _coord(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(f"{what}: expected an int in [0, p), found {type(value).__name__}")
    if not 0 <= value < P:
        raise MalformedInputError(f"{what}: expected an int in [0, p), found one outside it")
    return int(value)


def _scalar(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int):
        raise InputTypeError(f"scalar: expected an int, found {type(k).__name__}")
    return int(k) % R


class G1Point:
    """A point of G1 (y^2 = x^3 + 3 over Fq), affine, validated, immutable."""

    __slots__ = ("_x", "_y", "_inf")
    _x: int
    _y: int
    _inf: bool

    def __init__(self, x: int, y: int) -> None:
        x, y = _coord(x, "G1 x"), _coord(y, "G1 y")
        if not A.g1_on_curve(x, y):
            raise MalformedInputError(f"G1 point ({x:#x}, {y:#x}) is not on the curve y^2 = x^3 + 3")
        self._set(x, y, False)

    def _set(self, x: int, y: int, inf: bool) -> None:
        object.__setattr__(self, "_x", x)
        object.__setattr__(self, "_y", y)
        object.__setattr__(self, "_inf", inf)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("G1Point is immutable")

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        """Pickled as its 64-byte encoding and loaded through :meth:`from_bytes`, so a pickle
        from elsewhere is validated (curve) like any other encoding.

        >>> import pickle
        >>> p = G1Point.generator() * 2
        >>> pickle.loads(pickle.dumps(p)) == p
        True
        """
        return (type(self).from_bytes, (self.to_bytes(),))

    @classmethod
    def _raw(cls, aff: tuple[Any, Any] | None) -> G1Point:
        pt = object.__new__(cls)
        if aff is None:
            pt._set(0, 0, True)
        else:
            pt._set(int(aff[0]), int(aff[1]), False)
        return pt

    @classmethod
    def infinity(cls) -> G1Point:
        """The identity of G1."""
        return cls._raw(None)

    @classmethod
    def generator(cls) -> G1Point:
        """The standard generator (1, 2)."""
        return cls._raw((1, 2))

    @property
    def x(self) -> int:
        return self._x

    @property
    def y(self) -> int:
        return self._y

    def is_infinity(self) -> bool:
        return self._inf

    def _jac(self) -> tuple[Any, Any, Any]:
        return A.G1_INF if self._inf else (A.mpz(self._x), A.mpz(self._y), A.ONE)

    @classmethod
    def from_bytes(cls, data: bytes) -> G1Point:
        """Decode 64 bytes (EIP-196), validating coordinates and curve membership."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != 64:
            raise MalformedInputError(f"G1 point: expected 64 bytes, found {len(data) if isinstance(data, (bytes, bytearray)) else type(data).__name__}")
        kernels.g1_validate(bytes(data))
        x, y = int.from_bytes(data[:32], "big"), int.from_bytes(data[32:], "big")
        return cls._raw(None if x == 0 and y == 0 else (x, y))

    def to_bytes(self) -> bytes:
        return bytes(64) if self._inf else self._x.to_bytes(32, "big") + self._y.to_bytes(32, "big")

    def __add__(self, other: G1Point) -> G1Point:
        if not isinstance(other, G1Point):
            return NotImplemented
        return G1Point._raw(A.g1_to_affine(A.g1_add(self._jac(), other._jac())))

    def __neg__(self) -> G1Point:
        return self if self._inf else G1Point._raw((self._x, (-self._y) % P))

    def __sub__(self, other: G1Point) -> G1Point:
        if not isinstance(other, G1Point):
            return NotImplemented
        return self + (-other)

    def __mul__(self, k: int) -> G1Point:
        return G1Point._raw(A.g1_to_affine(A.scalar_mul(A.G1_OPS, self._jac(), _scalar(k))))

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, G1Point):
            return NotImplemented
        return (self._inf, self._x, self._y) == (other._inf, other._x, other._y)

    def __hash__(self) -> int:
        return hash(("G1", self._inf, self._x, self._y))

    def __repr__(self) -> str:
        if self._inf:
            return "G1Point.infinity()"
        return f"G1Point(x=0x{self._x:064x}, y=0x{self._y:064x})"


class G2Point:
    """A point of G2 (the sextic twist over Fq2), affine, validated, immutable.

    Coordinates are pairs ``(c0, c1)`` meaning ``c0 + c1*u``.
    """

    __slots__ = ("_x", "_y", "_inf")
    _x: Fq2Pair
    _y: Fq2Pair
    _inf: bool

    def __init__(self, x: Fq2Pair, y: Fq2Pair) -> None:
        if not (isinstance(x, tuple) and isinstance(y, tuple) and len(x) == 2 and len(y) == 2):
            raise InputTypeError("G2 point: expected x and y as (c0, c1) tuples of ints")
        xs = (_coord(x[0], "G2 x.c0"), _coord(x[1], "G2 x.c1"))
        ys = (_coord(y[0], "G2 y.c0"), _coord(y[1], "G2 y.c1"))
        pt = G2Point._raw((xs, ys))
        kernels.g2_validate(pt.to_bytes())
        self._set(xs, ys, False)

    def _set(self, x: Fq2Pair, y: Fq2Pair, inf: bool) -> None:
        object.__setattr__(self, "_x", x)
        object.__setattr__(self, "_y", y)
        object.__setattr__(self, "_inf", inf)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("G2Point is immutable")

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        """Pickled as its 128-byte encoding and loaded through :meth:`from_bytes`, so a pickle
        from elsewhere is validated (curve, subgroup) like any other encoding.

        >>> import pickle
        >>> p = G2Point.generator() * 2
        >>> pickle.loads(pickle.dumps(p)) == p
        True
        """
        return (type(self).from_bytes, (self.to_bytes(),))

    @classmethod
    def _raw(cls, aff: tuple[Any, Any] | None) -> G2Point:
        pt = object.__new__(cls)
        if aff is None:
            pt._set((0, 0), (0, 0), True)
        else:
            x, y = aff
            pt._set((int(x[0]), int(x[1])), (int(y[0]), int(y[1])), False)
        return pt

    @classmethod
    def infinity(cls) -> G2Point:
        return cls._raw(None)

    @classmethod
    def generator(cls) -> G2Point:
        return cls._raw(_G2_GEN)

    @property
    def x(self) -> Fq2Pair:
        return self._x

    @property
    def y(self) -> Fq2Pair:
        return self._y

    def is_infinity(self) -> bool:
        return self._inf

    def _jac(self) -> tuple[Any, Any, Any]:
        if self._inf:
            return A.G2_INF  # type: ignore[no-any-return]  # (a lazily loaded module)
        m = A.mpz
        return ((m(self._x[0]), m(self._x[1])), (m(self._y[0]), m(self._y[1])), A.F2_ONE)

    @classmethod
    def from_bytes(cls, data: bytes) -> G2Point:
        """Decode 128 bytes (EIP-197 order), validating coordinates, curve and subgroup."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != 128:
            raise MalformedInputError(f"G2 point: expected 128 bytes, found {len(data) if isinstance(data, (bytes, bytearray)) else type(data).__name__}")
        kernels.g2_validate(bytes(data))
        w = [int.from_bytes(data[i : i + 32], "big") for i in range(0, 128, 32)]
        return cls._raw(None if not any(w) else ((w[1], w[0]), (w[3], w[2])))

    def to_bytes(self) -> bytes:
        if self._inf:
            return bytes(128)
        return b"".join(v.to_bytes(32, "big") for v in (self._x[1], self._x[0], self._y[1], self._y[0]))

    def __add__(self, other: G2Point) -> G2Point:
        if not isinstance(other, G2Point):
            return NotImplemented
        return G2Point._raw(A.g2_to_affine(A.g2_add(self._jac(), other._jac())))

    def __neg__(self) -> G2Point:
        if self._inf:
            return self
        return G2Point._raw((self._x, ((-self._y[0]) % P, (-self._y[1]) % P)))

    def __sub__(self, other: G2Point) -> G2Point:
        if not isinstance(other, G2Point):
            return NotImplemented
        return self + (-other)

    def __mul__(self, k: int) -> G2Point:
        return G2Point._raw(A.g2_to_affine(A.scalar_mul(A.G2_OPS, self._jac(), _scalar(k))))

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, G2Point):
            return NotImplemented
        return (self._inf, self._x, self._y) == (other._inf, other._x, other._y)

    def __hash__(self) -> int:
        return hash(("G2", self._inf, self._x, self._y))

    def __repr__(self) -> str:
        if self._inf:
            return "G2Point.infinity()"
        return (f"G2Point(x=(0x{self._x[0]:x}, 0x{self._x[1]:x}), "
                f"y=(0x{self._y[0]:x}, 0x{self._y[1]:x}))")


def _scalar_bytes(scalars: Sequence[int], what: str) -> bytes:
    return to_words(check_fr_list(scalars, what))


def g1_msm(points: Sequence[G1Point], scalars: Sequence[int]) -> G1Point:
    """``sum(scalars[i] * points[i])`` (Pippenger in the kernels); scalars must lie in
    ``[0, r)`` and the two sequences have the same length.

        >>> g = G1Point.generator()
        >>> g1_msm([g, g * 2], [3, 4]) == g * 11
        True
    """
    if len(points) != len(scalars) or not all(isinstance(p, G1Point) for p in points):
        raise MalformedInputError(f"g1_msm: expected equal numbers of G1 points and scalars, found {len(points)} and {len(scalars)}")
    return g1_msm_packed(b"".join(p.to_bytes() for p in points), scalars)


def g1_msm_packed(points: bytes, scalars: Sequence[int]) -> G1Point:
    """:func:`g1_msm` over points packed as 64-byte EIP-196 encodings, every point
    validated first (coordinates < p, on the curve; G1's cofactor is 1)."""
    if not isinstance(points, (bytes, bytearray)) or len(points) != 64 * len(scalars):
        raise MalformedInputError(f"g1_msm_packed: expected {64 * len(scalars)} bytes of points, found "
                                  f"{len(points) if isinstance(points, (bytes, bytearray)) else type(points).__name__}")
    if not scalars:
        return G1Point.infinity()
    kernels.g1_validate(bytes(points))
    return G1Point._raw(_affine(bytes(kernels.g1_msm(bytes(points), _scalar_bytes(scalars, "MSM scalar")))))


def g1_batch_mul(base: G1Point, scalars: Sequence[int]) -> list[G1Point]:
    """``[k * base for k in scalars]`` with a fixed-base table (scalars in ``[0, r)``)."""
    buf = g1_batch_mul_packed(base, scalars)
    return [G1Point._raw(_affine(buf[i:i + 64])) for i in range(0, len(buf), 64)]


def g1_batch_mul_packed(base: G1Point, scalars: Sequence[int]) -> bytes:
    """:func:`g1_batch_mul` as packed 64-byte encodings (no per-point objects)."""
    if not isinstance(base, G1Point):
        raise InputTypeError(f"base: expected a G1Point, found {type(base).__name__}")
    if not scalars:
        return b""
    return bytes(kernels.g1_batch_mul(base.to_bytes(), _scalar_bytes(scalars, "scalar")))


def _affine(b: bytes) -> tuple[int, int] | None:
    x, y = int.from_bytes(b[:32], "big"), int.from_bytes(b[32:64], "big")
    return None if x == 0 and y == 0 else (x, y)


def hash_to_g1(domain: bytes) -> G1Point:
    """A G1 point nobody knows the discrete log of, from a domain-separation string
    (try-and-increment on SHA-256; deterministic, not constant-time: for public
    generators such as Pedersen's ``H``, never for secret inputs).

        >>> hash_to_g1(b"example") == hash_to_g1(b"example") != hash_to_g1(b"other")
        True
    """
    if not isinstance(domain, bytes):
        raise InputTypeError(f"domain: expected bytes, found {type(domain).__name__}")
    for counter in range(1 << 16):
        digest = _sha256(len(domain).to_bytes(4, "big") + domain + counter.to_bytes(4, "big")).digest()
        x = int.from_bytes(digest, "big") % P
        rhs = (pow(x, 3, P) + 3) % P
        y = pow(rhs, (P + 1) // 4, P)  # p = 3 mod 4
        if y * y % P == rhs:
            return G1Point(x, min(y, P - y))  # the cofactor of G1 is 1: every curve point is in the group
    raise MalformedInputError("hash_to_g1: no point found")  # pragma: no cover (probability 2^-65536)


def _sha256(data: bytes) -> Any:
    """hashlib's SHA-256, imported when first needed (hash-to-curve only: a prover's
    start-up does without OpenSSL's library)."""
    import hashlib

    return hashlib.sha256(data)
