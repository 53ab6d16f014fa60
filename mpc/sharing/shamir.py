"""Shamir secret sharing over a prime field (BN254's Fr by default).

A secret ``s`` (an int, or a vector of them shared coefficient-wise) becomes the constant
term of a random polynomial ``f`` of degree ``threshold - 1``; party ``i`` gets ``f(x_i)``
(``x_i = i`` by default). Any ``threshold`` shares reconstruct ``s``; fewer reveal nothing.

    >>> shares = split(123456789, n=5, threshold=3)
    >>> combine(shares[1:4], threshold=3)
    123456789
    >>> combine(shares[:2], threshold=3)
    Traceback (most recent call last):
    ...
    mpc.errors.TooFewSharesError: 2 shares given, 3 (the threshold) are needed
    >>> import numpy as np
    >>> from mpc.field import P61
    >>> vec = split(np.arange(4, dtype=np.uint64), n=3, threshold=2, field=P61)
    >>> combine([vec[2], vec[0]], threshold=2).tolist()
    [0, 1, 2, 3]

Security:
    Shares are checked when they are built (index in ``[1, p)``, value in ``[0, p)``,
    threshold ``>= 1``). :func:`combine` takes the threshold from its caller, never from
    the shares (a share edited to threshold 1 would otherwise "combine" alone to its own
    value); it refuses a share that claims another threshold, duplicate indices, mixed
    fields or lengths, fewer than ``threshold`` or more than :data:`MAX_SHARES` shares,
    and checks that any extra shares lie on the same polynomial (a wrong value is caught
    whenever more than ``threshold`` shares are combined). The coefficients come from
    ``secrets``. Arithmetic is not constant-time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import mul
from typing import Any, Iterator, Sequence

import numpy as np

from .._intmath import Rng, require_int
from ..errors import InconsistentSharesError, MPCTypeError, SharingError, TooFewSharesError
from ..field import FR, PrimeField, Value, Vector, integer_lagrange, lagrange_coefficients, lagrange_rows

__all__ = ["Share", "split", "split_with_coefficients", "combine", "interpolate_at", "interpolate_points", "check_shares", "evaluate",
           "first_off_polynomial", "shares_off_polynomial", "MAX_PARTIES", "MAX_SHARES"]

MAX_PARTIES = 1 << 16
MAX_SHARES = MAX_PARTIES
"""The most shares :func:`combine` and :func:`~mpc.sharing.robust_combine` accept (checked
before any share is read); the number of parties and the threshold have the same cap."""


@dataclass(frozen=True, eq=False, repr=False)
class Share:
    """Party ``index``'s share: ``value = f(index)`` for a polynomial of degree
    ``threshold - 1`` over ``field``. ``value`` is an int or a 1-D vector."""

    index: int
    value: Value
    threshold: int
    field: PrimeField = FR

    def __post_init__(self) -> None:
        if not isinstance(self.field, PrimeField):
            raise MPCTypeError(f"share field: expected a PrimeField, found {type(self.field).__name__}")
        object.__setattr__(self, "index", check_index(self.field, self.index))
        object.__setattr__(self, "threshold", _threshold(self.threshold))
        object.__setattr__(self, "value", _value(self.field, self.value, f"share {self.index} value"))

    @classmethod
    def unchecked(cls, index: int, value: Value, threshold: int, field: PrimeField) -> Share:
        """A share from values already known to be canonical (internal fast path)."""
        s = object.__new__(cls)
        for k, v in (("index", index), ("value", value), ("threshold", threshold), ("field", field)):
            object.__setattr__(s, k, v)
        return s

    @property
    def vector(self) -> Vector:
        """The value of a vector share (:class:`SharingError` for a scalar share)."""
        if isinstance(self.value, int):
            raise SharingError(f"share {self.index} is a scalar share, not a vector")
        return self.value

    @property
    def size(self) -> int | None:
        """The vector length, or None for a scalar share."""
        return None if isinstance(self.value, int) else len(self.value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Share):
            return NotImplemented
        return (self.index, self.threshold, self.field, self.size) == (other.index, other.threshold, other.field, other.size) \
            and bool(np.all(np.asarray(self.value) == np.asarray(other.value)))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shape = "scalar" if self.size is None else f"vector of {self.size}"
        return f"Share(index={self.index}, threshold={self.threshold}, {self.field.name}, {shape}, value=<hidden>)"


def _is_scalar(v: object) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def check_index(field: PrimeField, index: object) -> int:
    """A share index: an int in ``[1, p)`` (0 would be the secret itself)."""
    x = require_int(index, "share index")
    if not 0 < x < field.modulus:
        raise SharingError(f"share index: expected an int in [1, p), found {x if x.bit_length() < 70 else 'a huge int'}"
                           f"{' (index 0 would be the secret)' if x % field.modulus == 0 else ''}")
    return x


def _threshold(t: object) -> int:
    t = require_int(t, "threshold")
    if not 1 <= t <= MAX_PARTIES:
        raise SharingError(f"threshold: expected an int in [1, {MAX_PARTIES}], found {t}")
    return t


def _indices(field: PrimeField, n: int, indices: Sequence[int] | None) -> list[int]:
    n = require_int(n, "n")
    if not 1 <= n <= MAX_PARTIES or n >= field.modulus:
        raise SharingError(f"n: expected 1 <= n <= {MAX_PARTIES} and n < p, found {n}")
    xs = list(range(1, n + 1)) if indices is None else [check_index(field, x) for x in indices]
    if len(xs) != n or len(set(xs)) != n:
        raise SharingError(f"indices: expected {n} distinct indices, found {len(set(xs))} distinct of {len(xs)}")
    return xs


def _value(field: PrimeField, v: object, what: str) -> Value:
    if _is_scalar(v):
        return field.element(v, what)
    return field.vector(v, what)


def evaluate(field: PrimeField, coeffs: Sequence[Value], x: int) -> Value:
    """``f(x)`` for ``f = coeffs[0] + coeffs[1] X + ...`` (ints or equal-length vectors),
    by Horner's rule (share indices are small: cheap scalar steps)."""
    if isinstance(coeffs[0], int):
        acc = 0
        for c in reversed(coeffs):
            acc = (acc * x + int(c)) % field.modulus
        return acc
    return field.horner(coeffs, x)  # type: ignore[arg-type]


def split(secret: object, *, n: int, threshold: int, field: PrimeField = FR,
          indices: Sequence[int] | None = None, rng: Rng | None = None) -> list[Share]:
    """Shares of ``secret`` (an int in ``[0, p)`` or a vector of them) for ``n`` parties,
    any ``threshold`` of which reconstruct it. Use ``field.encode`` for negative values."""
    return split_with_coefficients(secret, n=n, threshold=threshold, field=field, indices=indices, rng=rng)[0]


def split_with_coefficients(secret: object, *, n: int, threshold: int, field: PrimeField = FR,
                            indices: Sequence[int] | None = None,
                            rng: Rng | None = None) -> tuple[list[Share], list[Value]]:
    """:func:`split`, also returning the polynomial's coefficients (``[secret, a_1, ...]``)
    for a dealer that commits to them (:mod:`mpc.sharing.vss`)."""
    xs = _indices(field, n, indices)
    t = _threshold(threshold)
    if t > len(xs):
        raise SharingError(f"threshold {t} exceeds the number of parties n = {len(xs)}")
    s = _value(field, secret, "secret")
    coeffs = [s] + [random_like(field, s, rng) for _ in range(t - 1)]
    return [Share.unchecked(x, evaluate(field, coeffs, x), t, field) for x in xs], coeffs


def random_like(field: PrimeField, like: Value, rng: Rng | None = None) -> Value:
    """A uniform element, or a uniform vector as long as ``like``."""
    return field.random(rng) if isinstance(like, int) else field.random_vector(len(like), rng)


def check_shares(shares: Sequence[Share], *, threshold: int,
                 minimum: int | None = None) -> tuple[PrimeField, int, int | None]:
    """Validate a set of shares for combining against the caller's ``threshold``: every
    share must carry that threshold (a share's own claim is never trusted alone), the same
    field and length, distinct indices; at least ``minimum`` (default: the threshold) and
    at most :data:`MAX_SHARES` of them, counted before any share is looked at.
    Returns (field, threshold, size)."""
    if isinstance(shares, (str, bytes)) or not isinstance(shares, Sequence) or not shares:
        raise MPCTypeError(f"shares: expected a non-empty sequence of Share, found {type(shares).__name__}")
    t = _threshold(threshold)
    _check_count(len(shares), t if minimum is None else minimum)
    for s in shares:
        if not isinstance(s, Share):
            raise MPCTypeError(f"shares: expected Share objects, found {type(s).__name__}")
    first = shares[0]
    for s in shares:
        if s.threshold != t:
            raise SharingError(f"share {s.index} claims threshold {s.threshold}, expected {t} (the caller's threshold)")
        if (s.field, s.size) != (first.field, first.size):
            raise SharingError(f"share {s.index} ({s.field.name}, size {s.size}) does not match "
                               f"share {first.index} ({first.field.name}, size {first.size})")
    _check_distinct([s.index for s in shares])
    return first.field, t, first.size


def _check_count(found: int, need: int) -> None:
    if found > MAX_SHARES:
        raise SharingError(f"{found} shares given, at most {MAX_SHARES} (MAX_SHARES) are accepted")
    if found < need:
        raise TooFewSharesError(f"{found} shares given, {need} (the threshold) are needed")


def _check_distinct(xs: list[int]) -> None:
    """Distinct indices, in linear time; the message names at most 10 duplicates."""
    if len(set(xs)) != len(xs):
        dup = sorted(x for x, k in Counter(xs).items() if k > 1)
        more = f" and {len(dup) - 10} more" if len(dup) > 10 else ""
        raise SharingError(f"duplicate share indices: expected distinct indices, found {dup[:10]}{more} repeated")


SMALL = 1 << 29


def interpolate_at(shares: Sequence[Share], x: int) -> Value:
    """The value at ``x`` of the polynomial through ``shares`` (no checks beyond indices).

    For vectors with small indices, the Lagrange coefficients are used as small integers
    over a common denominator (cheap scalar steps, one modular reduction or one
    multiplication by the denominator's inverse)."""
    return interpolate_points(shares[0].field, [s.index for s in shares], [s.value for s in shares], x)


def interpolate_points(field: PrimeField, xs: Sequence[int], ys: Sequence[Value], x: int) -> Value:
    """The value at ``x`` of the polynomial of degree ``< len(xs)`` through the points
    ``(xs[i], ys[i])`` (distinct field elements; ``0`` allowed, as when dealing)."""
    xs = tuple(xs)
    if not isinstance(ys[0], int) and max(xs) < SMALL and x < SMALL:
        nums, den = integer_lagrange(xs, x)
        if max(map(abs, nums)) < SMALL and den % field.modulus:
            acc = field.signed_combination(nums, ys)  # type: ignore[arg-type]
            return acc if den == 1 else field.mul_scalar(acc, field.inv(den % field.modulus))
    return field.linear_combination(lagrange_coefficients(field, xs, x), ys)


def combine(shares: Sequence[Share], *, threshold: int) -> Any:
    """The secret of at least ``threshold`` shares (an int, or a vector).

    ``threshold`` is the caller's: it comes from the protocol's configuration or from the
    dealer's commitments (``commitments.threshold``), never from the shares, which may have
    been edited; every share must carry the same threshold. Shares beyond the threshold
    are checked against the polynomial the first ``threshold`` define: a mismatch raises
    :class:`InconsistentSharesError` (use :func:`mpc.sharing.robust_combine` to find and
    exclude the wrong ones). At most :data:`MAX_SHARES` shares are accepted; ``m`` shares
    cost ``O(t^2 + m t)`` field operations (times the length, for vectors)."""
    field, t, _ = check_shares(shares, threshold=threshold)
    base = list(shares[:t])
    bad = first_off_polynomial(base, shares[t:])
    if bad is not None:
        shown = [b.index for b in base[:10]] + (["..."] if t > 10 else [])
        raise InconsistentSharesError(f"share {bad.index} does not lie on the degree-{t - 1} polynomial of shares "
                                      f"{shown}: a wrong share or a wrong threshold")
    return interpolate_at(base, 0)


def first_off_polynomial(base: Sequence[Share], others: Sequence[Share]) -> Share | None:
    """The first of ``others`` whose value differs from the polynomial through ``base``
    (in any element, for vectors), or None."""
    return next(shares_off_polynomial(base, others), None)


def shares_off_polynomial(base: Sequence[Share], others: Sequence[Share]) -> Iterator[Share]:
    """Those of ``others`` whose value differs from the polynomial through ``base``, lazily:
    ``O(t^2 + len(others) t)`` field operations for ``t = len(base)`` (barycentric
    Lagrange rows, see :func:`mpc.field.lagrange_rows`)."""
    if not others:
        return
    field, values = base[0].field, [b.value for b in base]
    rows = lagrange_rows(field, [b.index for b in base], (s.index for s in others))
    scalar = isinstance(values[0], int)
    for s, row in zip(others, rows):
        got = sum(map(mul, row, values)) % field.modulus if scalar else field.linear_combination(row, values)
        if not _equal(got, s.value):
            yield s


def _equal(a: Value, b: Value) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))
