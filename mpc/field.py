"""Prime fields for secret sharing: scalars as Python ints, vectors as numpy arrays.

Two representations, one API:

* **word fields** (``p < 2^62``, e.g. :data:`P61` = 2^61 - 1): vectors are ``uint64`` numpy
  arrays and every operation is vectorised. Products are reduced exactly with a
  long-double quotient estimate (x86-64's 64-bit mantissa) and an integer correction;
  where ``long double`` is narrower the same functions fall back to exact object arithmetic.
* **big fields** (:data:`FR`, BN254's scalar field, the default): vectors are numpy
  ``object`` arrays of Python ints.

Values are canonical: ints in ``[0, p)``; anything else raises :class:`FieldValueError`
(never reduced silently). Signed integers map to ``v mod p`` with :meth:`PrimeField.encode`
and back with :meth:`PrimeField.decode` (``x > (p-1)/2`` reads as ``x - p``).

    >>> P61.mul(P61.encode(-3), 5) == P61.encode(-15)
    True
    >>> import numpy as np
    >>> P61.mul(np.array([2, 3], dtype=np.uint64), np.array([P61.modulus - 1, 4], dtype=np.uint64)).tolist()
    [2305843009213693949, 12]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar, Union, overload

import secrets
from fractions import Fraction
from math import lcm, prod

import gmpy2
import numpy as np
import numpy.typing as npt

from zkp.field import R as _BN254_R

from . import _wordfield as W
from ._intmath import Rng, require_int
from .errors import FieldValueError

__all__ = ["PrimeField", "FieldValueError", "FR", "P61", "Vector", "Value", "lagrange_coefficients", "lagrange_rows"]

Vector = npt.NDArray[Any]
Value = Union[int, Vector]
V = TypeVar("V", int, Vector)

_WORD_LIMIT = 1 << 62
_MAX_ELEMENTS = 1 << 28


@dataclass(frozen=True)
class PrimeField:
    """The integers modulo a prime ``modulus`` (checked with 50 Miller-Rabin rounds)."""

    modulus: int
    name: str = ""

    def __post_init__(self) -> None:
        p = require_int(self.modulus, "field modulus")
        if p < 3 or not gmpy2.is_prime(p, 50):
            raise FieldValueError(f"field modulus: expected an odd prime, found {p}")
        object.__setattr__(self, "modulus", p)
        if not self.name:
            object.__setattr__(self, "name", f"GF({p})" if p < 1 << 64 else f"GF({p.bit_length()}-bit prime)")

    def __repr__(self) -> str:
        return f"PrimeField({self.name})"

    @property
    def is_word(self) -> bool:
        """True when vectors are ``uint64`` arrays (``p < 2^62``)."""
        return self.modulus < _WORD_LIMIT

    @property
    def byte_width(self) -> int:
        """Bytes per element in the packed big-endian encoding."""
        return 8 if self.is_word else (self.modulus.bit_length() + 7) // 8

    @property
    def max_signed(self) -> int:
        """The largest magnitude :meth:`encode` accepts: ``(p - 1) // 2``."""
        return (self.modulus - 1) // 2

    # --- scalars and vectors in, validated -------------------------------------------

    def element(self, v: object, what: str = "field element") -> int:
        """``v`` as an int in ``[0, p)``, else :class:`FieldValueError` (never reduced)."""
        x = require_int(v, what)
        if not 0 <= x < self.modulus:
            raise FieldValueError(f"{what}: expected an int in [0, p) for {self.name}, found "
                                  f"{'a negative int' if x < 0 else f'a {x.bit_length()}-bit int >= p'}")
        return x

    def vector(self, values: object, what: str = "vector") -> Vector:
        """A 1-D array of canonical elements in this field's representation."""
        if isinstance(values, np.ndarray):
            return self._vector_from_array(values, what)
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise _type_error(f"{what}: expected a sequence or numpy array of ints, found {type(values).__name__}")
        return self._from_objects(list(values), what)

    def _vector_from_array(self, a: Vector, what: str, copy: bool = True) -> Vector:
        if a.ndim != 1 or a.size > _MAX_ELEMENTS:
            raise FieldValueError(f"{what}: expected a 1-D array of at most {_MAX_ELEMENTS} elements, found shape {a.shape}")
        if a.dtype.kind == "O":
            return self._from_objects(a.tolist(), what)
        if a.dtype.kind not in "iu":
            raise _type_error(f"{what}: expected an integer array, found dtype {a.dtype}")
        if a.size and (int(a.min()) < 0 or int(a.max()) >= self.modulus):
            raise FieldValueError(f"{what}: elements must lie in [0, p) for {self.name}")
        if self.is_word:
            return a.astype(np.uint64, copy=copy)  # a copy: shares never alias a caller's array
        return np.array([int(v) for v in a], dtype=object)

    def _from_objects(self, vals: list[Any], what: str) -> Vector:
        """Canonical ints in one pass (exact int type and range); anything else goes
        through :meth:`element`, whose error names the index."""
        p = self.modulus
        if not all(type(v) is int and 0 <= v < p for v in vals):
            vals = [self.element(v, f"{what}[{i}]") for i, v in enumerate(vals)]
        if self.is_word:
            return np.array(vals, dtype=np.uint64)
        out = np.empty(len(vals), dtype=object)
        out[:] = vals
        return out

    def encode(self, v: object, what: str = "value") -> int:
        """A signed int with ``|v| <= (p-1)/2`` as the element ``v mod p``."""
        x = require_int(v, what)
        if abs(x) > self.max_signed:
            raise FieldValueError(f"{what}: |{what}| must be <= (p-1)/2 to be decoded again, found a {x.bit_length()}-bit int")
        return x % self.modulus

    def decode(self, x: int) -> int:
        """The signed int an element stands for (``x > (p-1)/2`` reads as ``x - p``)."""
        x = self.element(x)
        return x - self.modulus if x > self.max_signed else x

    # --- randomness -------------------------------------------------------------------

    def random(self, rng: Rng | None = None) -> int:
        """A uniform element (``secrets`` unless ``rng`` is given)."""
        return int(self.random_vector(1, rng)[0])

    def random_vector(self, size: int, rng: Rng | None = None) -> Vector:
        """``size`` uniform elements, drawn in one call to the CSPRNG and rejection-sampled."""
        if rng is None:
            return self.vector_from_stream(size, secrets.token_bytes)
        return self.vector_from_stream(size, lambda n: rng.getrandbits(8 * n).to_bytes(n, "little"))

    def vector_from_stream(self, size: int, draw: Callable[[int], bytes]) -> Vector:
        """``size`` elements by rejection sampling from ``draw(n) -> n bytes``: uniform
        when the bytes are (deterministic for a seeded stream, as both ends of a seeded
        share must be)."""
        bits = self.modulus.bit_length()
        width = self.byte_width
        out: list[Vector] = []
        have = 0
        while have < size:
            need = int((size - have) * (1 << bits) / self.modulus * 1.02) + 16  # expected rejections + margin
            cand = self._candidates(draw(width * need), width, bits)
            out.append(cand[: size - have])
            have += len(out[-1])
        return np.concatenate(out) if out else self.zeros(0)

    def _candidates(self, raw: bytes, width: int, bits: int) -> Vector:
        mask = (1 << bits) - 1
        if self.is_word:
            words = np.frombuffer(raw, dtype="<u8") & np.uint64(mask)
            return words[words < np.uint64(self.modulus)]
        vals = [int.from_bytes(raw[i:i + width], "little") & mask for i in range(0, len(raw), width)]
        return np.array([v for v in vals if v < self.modulus], dtype=object)

    def zeros(self, size: int) -> Vector:
        return np.zeros(size, dtype=np.uint64) if self.is_word else np.array([0] * size, dtype=object)

    # --- arithmetic on ints or vectors (operands already canonical) --------------------

    def add(self, a: V, b: V) -> V:
        if isinstance(a, int) and isinstance(b, int):
            return (a + b) % self.modulus
        if self.is_word:
            return W.add(np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64), self.modulus)
        return (a + b) % self.modulus

    def sub(self, a: V, b: V) -> V:
        return self.add(a, self.neg(b))

    def neg(self, a: V) -> V:
        if isinstance(a, int):
            return -a % self.modulus
        if self.is_word:
            return W.neg(np.asarray(a, dtype=np.uint64), self.modulus)
        return (-a) % self.modulus

    @overload
    def mul(self, a: int, b: int) -> int: ...
    @overload
    def mul(self, a: Vector, b: Value) -> Vector: ...

    def mul(self, a: Value, b: Value) -> Value:
        if isinstance(a, int) and isinstance(b, int):
            return a * b % self.modulus
        if self.is_word:
            return W.mulmod(np.asarray(a, dtype=np.uint64), b, self.modulus)
        return (a * b) % self.modulus

    def sum(self, v: Vector) -> int:
        """The sum of a vector's elements, mod p."""
        return int(np.sum(np.asarray(v).astype(object), initial=0)) % self.modulus

    def signed_combination(self, coeffs: Sequence[int], values: Sequence[Vector]) -> Vector:
        """``sum(c_i * v_i) mod p`` for small signed integer coefficients (|c_i| < 2^29):
        one reduction for big fields, shift-and-mask steps for GF(2^61 - 1)."""
        if not self.is_word:
            return np.asarray(sum(c * v for c, v in zip(coeffs, values)) % self.modulus)
        return W.per_chunk(len(values[0]), lambda sl: self._signed_combination(coeffs, [v[sl] for v in values]))

    def _signed_combination(self, coeffs: Sequence[int], values: Sequence[Vector]) -> Vector:
        pos, neg = self.zeros(len(values[0])), self.zeros(len(values[0]))
        for c, v in zip(coeffs, values):
            if c > 0:
                pos = self.add(pos, self.mul_scalar(v, c))
            elif c < 0:
                neg = self.add(neg, self.mul_scalar(v, -c))
        return self.sub(pos, neg)

    def horner(self, coeffs: Sequence[Vector], x: int) -> Vector:
        """``coeffs[0] + coeffs[1] x + ...`` for vector coefficients and a small scalar
        ``x`` (a share index), chunk by chunk for word fields."""
        if not self.is_word:
            acc = coeffs[-1]
            for c in reversed(coeffs[:-1]):
                acc = acc * x + c  # object ints: reduce once at the end
            return np.asarray(acc % self.modulus)
        return W.per_chunk(len(coeffs[0]), lambda sl: self._horner([c[sl] for c in coeffs], x))

    def _horner(self, coeffs: Sequence[Vector], x: int) -> Vector:
        acc = np.array(coeffs[-1], dtype=np.uint64)
        for c in reversed(coeffs[:-1]):
            acc = self.add(self.mul_scalar(acc, x), c)
        return acc

    def mul_scalar(self, a: Vector, c: int) -> Vector:
        """``a * c`` for a vector and a canonical scalar (a shift-and-mask path for small
        scalars in GF(2^61 - 1), as in Horner steps with share indices)."""
        if self.modulus == W.M61 and 0 <= c < 1 << 29:
            return W.mul_small(np.asarray(a, dtype=np.uint64), c)
        return self.mul(a, c)

    def inv(self, a: int) -> int:
        a = self.element(a)
        if a == 0:
            raise FieldValueError("0 has no inverse")
        return int(gmpy2.invert(a, self.modulus))

    def linear_combination(self, coeffs: Sequence[int], values: Sequence[Value]) -> Value:
        """``sum(c_i * v_i) mod p`` for scalar coefficients and int or vector values."""
        acc: Any = 0 if isinstance(values[0], int) else self.zeros(len(values[0]))
        for c, v in zip(coeffs, values):
            acc = self.add(acc, self.mul(v, c))
        return acc  # type: ignore[no-any-return]

    def pack(self, v: Vector) -> bytes:
        """Fixed-width bytes of a vector: 8-byte little-endian words for word fields (no
        byte swapping on the usual hosts), big-endian ``byte_width`` bytes otherwise."""
        if self.is_word:
            return np.asarray(v, dtype="<u8").tobytes()
        w = self.byte_width
        return b"".join(int(x).to_bytes(w, "big") for x in v)

    def unpack(self, data: bytes, what: str = "vector") -> Vector:
        """The inverse of :meth:`pack`, validating every element."""
        w = self.byte_width
        if len(data) % w:
            raise FieldValueError(f"{what}: {len(data)} bytes is not a multiple of {w}")
        if self.is_word:
            return self._vector_from_array(np.frombuffer(data, dtype="<u8"), what, copy=False)  # read-only view
        view = memoryview(data)
        return self._from_objects([int.from_bytes(view[i:i + w], "big") for i in range(0, len(data), w)], what)


def _type_error(msg: str) -> Exception:
    from .errors import MPCTypeError

    return MPCTypeError(msg)


@lru_cache(maxsize=4096)
def _lagrange(p: int, xs: tuple[int, ...], at: int) -> tuple[int, ...]:
    coeffs = []
    for i, xi in enumerate(xs):
        num, den = 1, 1
        for j, xj in enumerate(xs):
            if j != i:
                num = num * (at - xj) % p
                den = den * (xi - xj) % p
        coeffs.append(num * int(gmpy2.invert(den, p)) % p)
    return tuple(coeffs)


@lru_cache(maxsize=4096)
def integer_lagrange(xs: tuple[int, ...], at: int) -> tuple[tuple[int, ...], int]:
    """Lagrange coefficients over the rationals as integers over a common denominator:
    ``f(at) = (sum(nums[i] * f(xs[i]))) / den`` for distinct integer ``xs``."""
    fracs = [Fraction(prod(at - xj for j, xj in enumerate(xs) if j != i), prod(xi - xj for j, xj in enumerate(xs) if j != i))
             for i, xi in enumerate(xs)]
    den = lcm(*(f.denominator for f in fracs))
    return tuple(int(f * den) for f in fracs), den


def lagrange_coefficients(field: PrimeField, xs: Sequence[int], at: int = 0) -> tuple[int, ...]:
    """Coefficients ``l_i`` with ``f(at) = sum(l_i * f(xs[i]))`` for every polynomial of degree
    ``< len(xs)``; ``xs`` must be distinct elements (cached per field and index set)."""
    key = tuple(field.element(x, "index") for x in xs)
    if len(set(key)) != len(key):
        raise FieldValueError(f"interpolation points must be distinct, found {sorted(key)}")
    return _lagrange(field.modulus, key, field.element(at, "evaluation point"))


def lagrange_rows(field: PrimeField, xs: Sequence[int], ats: Iterable[int]) -> Iterator[tuple[int, ...]]:
    """:func:`lagrange_coefficients` for many evaluation points, one row per point, lazily:
    barycentric weights once (``O(t^2)`` multiplications, one inversion for ``t = len(xs)``),
    then ``O(t)`` multiplications and one inversion per point, against ``O(t^2)`` and
    ``t`` inversions per point one at a time."""
    p = field.modulus
    key = tuple(field.element(x, "index") for x in xs)
    if len(set(key)) != len(key):
        raise FieldValueError(f"interpolation points must be distinct, found {len(key) - len(set(key))} repeated")
    weights = _batch_inverse([_prod_mod((xi - xj for xj in key if xj != xi), p) for xi in key], p)
    where = {x: i for i, x in enumerate(key)}
    for at in ats:
        a = field.element(at, "evaluation point")
        if a in where:
            yield tuple(int(i == where[a]) for i in range(len(key)))
            continue
        diffs = [(a - x) % p for x in key]
        whole = _prod_mod(diffs, p)
        yield tuple(whole * w % p * d % p for w, d in zip(weights, _batch_inverse(diffs, p)))


def _prod_mod(values: Iterable[int], p: int) -> int:
    acc = 1
    for v in values:
        acc = acc * v % p
    return acc


def _batch_inverse(values: Sequence[int], p: int) -> list[int]:
    """Inverses of nonzero elements with one modular inversion (Montgomery's trick)."""
    prefix = [1]
    for v in values:
        prefix.append(prefix[-1] * v % p)
    inv = int(gmpy2.invert(prefix[-1], p))
    out = [0] * len(values)
    for i in range(len(values) - 1, -1, -1):
        out[i] = inv * prefix[i] % p
        inv = inv * values[i] % p
    return out


FR = PrimeField(_BN254_R, "BN254 Fr")
"""BN254's scalar field (the default: shares are also valid circuit inputs)."""

P61 = PrimeField((1 << 61) - 1, "GF(2^61 - 1)")
"""The Mersenne prime 2^61 - 1: vectorised uint64 arithmetic."""
