"""Exact plaintext encodings: signed integers and fixed-point decimals, one scale per
protocol, bounds checked when encoding, before aggregating and when decoding.

A value never chooses its own exponent (phe's floats do, which leaks their magnitude):
the protocol fixes ``decimals`` and a ``bound`` on ``|value|``, every party encodes with
them, and an aggregate of ``k`` terms is refused up front unless ``k * bound`` fits the
plaintext space of the key.

    >>> from decimal import Decimal
    >>> salary = FixedPoint(decimals=2, bound=Decimal("1000000"))
    >>> salary.encode(Decimal("52000.50")), salary.decode(5200050)
    (5200050, Decimal('52000.50'))
    >>> salary.encode(Decimal("0.125"))
    Traceback (most recent call last):
    ...
    mpc.errors.EncodingError: 0.125 has more than 2 decimals (the encoding would round it)
    >>> salary.squared()
    FixedPoint(decimals=4, bound=Decimal('1000000000000'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from typing import Union

from ._intmath import require_int
from .errors import EncodingError, MPCTypeError

__all__ = ["IntegerEncoding", "FixedPoint", "Encoding", "check_capacity"]

_CANONICAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")  # no '+', spaces, '_', exponents, leading zeros


def _int(v: object, what: str) -> int:
    return require_int(v, what, " (floats need an explicit FixedPoint encoding, from Decimal or str)")


def _exact(digits: int) -> Context:
    """A context that rounds nothing with ``digits`` significant digits (the default one keeps
    28, so ``scaleb``, ``abs`` and ``*`` would round longer values silently)."""
    return Context(prec=max(1, digits), Emax=MAX_EMAX, Emin=MIN_EMIN)


def _scaleb(d: Decimal, k: int) -> Decimal:
    """``d * 10^k`` exactly."""
    return d.scaleb(k, context=_exact(len(d.as_tuple().digits)))


@dataclass(frozen=True)
class IntegerEncoding:
    """Signed integers with ``|value| <= bound``."""

    bound: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "bound", _int(self.bound, "IntegerEncoding bound"))
        if self.bound < 0:
            raise EncodingError(f"IntegerEncoding: bound must be >= 0, found {self.bound}")

    @property
    def max_encoded(self) -> int:
        return self.bound

    @property
    def scale(self) -> int:
        return 1

    def squared(self) -> "IntegerEncoding":
        """The encoding of squares of this encoding's values (for variances)."""
        return IntegerEncoding(self.bound * self.bound)

    def encode(self, value: object) -> int:
        v = _int(value, "value")
        if abs(v) > self.bound:
            raise EncodingError(f"value {v} is outside [-{self.bound}, {self.bound}]")
        return v

    def decode(self, m: int, *, terms: int = 1) -> int:
        """An aggregate of ``terms`` encoded values (refused if it exceeds ``terms * bound``)."""
        if abs(m) > terms * self.bound:
            raise EncodingError(f"decoded {m} exceeds {terms} x bound {self.bound}: overflow or a bad report")
        return m


@dataclass(frozen=True)
class FixedPoint:
    """Decimals with exactly ``decimals`` fractional digits (value x is encoded as the
    integer x * 10^decimals) and ``|x| <= bound``. Values with more digits are refused,
    never rounded, however many significant digits they have (the decimal context's
    precision does not apply); NaN, infinities, floats and bools are refused.

        >>> FixedPoint(decimals=2, bound=Decimal(10**40)).decode(10**32 + 1)
        Decimal('1000000000000000000000000000000.01')
    """

    decimals: int
    bound: Decimal

    def __post_init__(self) -> None:
        if _int(self.decimals, "decimals") < 0 or self.decimals > 1000:
            raise EncodingError(f"FixedPoint: decimals must be in 0..1000, found {self.decimals}")
        bound = self._decimal(self.bound, "bound")
        if bound < 0:
            raise EncodingError(f"FixedPoint: bound must be >= 0, found {bound}")
        object.__setattr__(self, "bound", bound)

    @staticmethod
    def _decimal(v: object, what: str) -> Decimal:
        if isinstance(v, bool) or isinstance(v, float) or not isinstance(v, (Decimal, int, str)):
            raise MPCTypeError(f"{what}: expected a Decimal, int or str, found {type(v).__name__}")
        if isinstance(v, str):
            if len(v) > 1000:
                raise EncodingError(f"{what}: a {len(v)}-character number string")
            if not _CANONICAL.fullmatch(v):
                raise EncodingError(f"{what}: {v[:40]!r} is not a plain decimal number like '-12.50'")
            v = Decimal(v)
        d = Decimal(v)
        if not d.is_finite():
            raise EncodingError(f"{what}: {d} is not a finite number")
        return d

    @property
    def scale(self) -> int:
        return int(10 ** self.decimals)

    @property
    def max_encoded(self) -> int:
        return int(_scaleb(self.bound, self.decimals).to_integral_value(rounding="ROUND_FLOOR"))

    def encode(self, value: object) -> int:
        d = self._decimal(value, "value")
        if d.copy_abs() > self.bound:
            raise EncodingError(f"value {d} is outside [-{self.bound}, {self.bound}]")
        scaled = _scaleb(d, self.decimals)
        if scaled != scaled.to_integral_value():
            raise EncodingError(f"{d} has more than {self.decimals} decimals (the encoding would round it)")
        return int(scaled)

    def decode(self, m: int, *, terms: int = 1) -> Decimal:
        """The Decimal of an aggregate of ``terms`` encoded values (bound-checked)."""
        if abs(m) > terms * self.max_encoded:
            raise EncodingError(f"decoded value exceeds {terms} x bound {self.bound}: overflow or a bad report")
        return _scaleb(Decimal(m), -self.decimals)

    def squared(self) -> "FixedPoint":
        """The encoding of squares of this encoding's values (for variances)."""
        bound = _exact(2 * len(self.bound.as_tuple().digits)).multiply(self.bound, self.bound)
        return FixedPoint(2 * self.decimals, bound)


Encoding = Union[IntegerEncoding, FixedPoint]


def check_capacity(encoding: Encoding, terms: int, max_int: int) -> None:
    """Refuse, before any work, an aggregate of ``terms`` values that could leave the
    plaintext range ``[-max_int, max_int]`` (for Paillier: ``public_key.max_int``)."""
    if isinstance(terms, bool) or not isinstance(terms, int) or terms < 0:
        raise MPCTypeError(f"terms must be an int >= 0, found {terms!r}")
    if terms * encoding.max_encoded > max_int:
        raise EncodingError(f"{terms} values of up to {encoding.max_encoded} (encoded) can reach "
                            f"{terms * encoding.max_encoded}, beyond the plaintext range ({max_int.bit_length()} bits)")
