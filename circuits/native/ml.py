"""Fixed-point model arithmetic (native twin of :mod:`circuits.gadgets.ml`).

A value is a signed integer ``q`` read as ``q / 2**frac_bits``; a format
:class:`FixedPoint` fixes ``frac_bits`` and ``bits``, the total width with the sign:
``-2**(bits-1) <= q < 2**(bits-1)``. In a circuit ``q`` is the field element ``q mod r``.
Every function here computes exactly what its gadget constrains, on Python ints:

- :func:`rescale`: ``y / 2**shift`` rounded half up (``floor((y + 2**(shift-1)) / 2**shift)``),
  which must land in the format's range (:class:`FixedPointOverflowError` otherwise);
- :func:`linear`: ``rescale(W x + b * 2**frac_bits)`` (weights, inputs and biases in the format);
- :func:`sign` (1 iff ``x >= 0``), :func:`relu`, :func:`sigmoid` (piecewise linear, below),
  :func:`argmax` (the first index of the largest value);
- :func:`commit`: a Poseidon chain over a salt and the values (15 values per hash).

The sigmoid is the PLAN approximation (Amin, Curtis and Hayes-Gill, 1997), slopes 1/4, 1/8
and 1/32 on ``|x|`` in [0, 1), [1, 2.375), [2.375, 5), then 1; ``sigmoid(-x) = 1 - sigmoid(x)``;
it is within 0.019 of the logistic function, plus the format's rounding.

    >>> fmt = FixedPoint(frac_bits=8, bits=16)
    >>> x = [fmt.encode(1.5), fmt.encode(-0.25)]
    >>> y = linear(x, [[fmt.encode(2.0), fmt.encode(4.0)]], [fmt.encode(0.5)], fmt)
    >>> fmt.decode(y[0])      # 2 * 1.5 + 4 * -0.25 + 0.5
    2.5
    >>> relu(fmt.encode(-3.0), fmt), fmt.decode(sigmoid(0, fmt)), argmax([3, 9, 9, -1], fmt)
    (0, 0.5, 1)
    >>> rescale(3 * 2**7, fmt, shift=8), rescale(-3 * 2**7, fmt, shift=8)   # 1.5 -> 2, -1.5 -> -1
    (2, -1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from zkp.field import R

from ..errors import CircuitTypeError, FixedPointOverflowError
from .poseidon import poseidon

__all__ = ["FixedPoint", "FixedPointOverflowError", "rescale", "linear", "sign", "relu", "sigmoid", "argmax",
           "commit", "to_field", "from_field", "COMMIT_CHUNK", "SIGMOID_MAX_ERROR"]

#: values hashed per Poseidon call by :func:`commit` (the chain value takes the 16th input)
COMMIT_CHUNK = 15
#: the PLAN sigmoid's largest distance to the logistic function (before rounding)
SIGMOID_MAX_ERROR = 0.0190


@dataclass(frozen=True)
class FixedPoint:
    """A fixed-point format: ``frac_bits`` fractional bits, ``bits`` bits in all (with
    the sign). ``3 <= frac_bits < bits <= 64``.

        >>> fmt = FixedPoint(frac_bits=10, bits=24)
        >>> fmt.encode(0.5), fmt.decode(512), fmt.max_value
        (512, 0.5, 8191.9990234375)
    """

    frac_bits: int = 10
    bits: int = 24

    def __post_init__(self) -> None:
        for name in ("frac_bits", "bits"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise CircuitTypeError(f"FixedPoint.{name}: expected an int, found {type(v).__name__}")
        if not 3 <= self.frac_bits < self.bits <= 64:
            raise CircuitTypeError(f"FixedPoint: expected 3 <= frac_bits < bits <= 64, found "
                                   f"frac_bits={self.frac_bits}, bits={self.bits}")

    @property
    def one(self) -> int:
        """``1.0`` in this format: ``2**frac_bits``."""
        return 1 << self.frac_bits

    @property
    def lo(self) -> int:
        """The smallest integer of the format, ``-2**(bits-1)``."""
        return -(1 << (self.bits - 1))

    @property
    def hi(self) -> int:
        """The largest integer of the format, ``2**(bits-1) - 1``."""
        return (1 << (self.bits - 1)) - 1

    @property
    def max_value(self) -> float:
        """The largest real number the format holds."""
        return self.hi / self.one

    def check(self, q: int, what: str = "value") -> int:
        """``q`` if it is an int in the format's range, else :class:`FixedPointOverflowError`."""
        if isinstance(q, bool) or not isinstance(q, int):
            raise CircuitTypeError(f"{what}: expected an int, found {type(q).__name__}")
        if not self.lo <= q <= self.hi:
            raise FixedPointOverflowError(
                f"{what}: expected a fixed-point integer in [{self.lo}, {self.hi}] ({self.bits} bits, "
                f"|x| < {self.max_value + 1 / self.one:g}), found {q} ({q / self.one:g})")
        return q

    def encode(self, x: float, what: str = "value") -> int:
        """``round(x * 2**frac_bits)``, checked to fit (NaN and infinities refused)."""
        if not math.isfinite(x):
            raise FixedPointOverflowError(f"{what}: expected a finite number, found {x}")
        return self.check(int(round(float(x) * self.one)), what)

    def decode(self, q: int) -> float:
        """The real number ``q`` stands for."""
        return q / self.one


def to_field(q: int) -> int:
    """A signed integer as a field element (``q mod r``)."""
    return q % R


def from_field(v: int) -> int:
    """A field element as a signed integer (above ``(r-1)/2`` is negative)."""
    return v - R if v > R // 2 else v


def rescale(y: int, fmt: FixedPoint, *, shift: int | None = None) -> int:
    """``y / 2**shift`` rounded half up (``shift`` defaults to ``frac_bits``), checked to
    fit the format."""
    s = fmt.frac_bits if shift is None else shift
    return fmt.check((y + (1 << (s - 1))) >> s, "rescaled value")


def linear(x: Sequence[int], weights: Sequence[Sequence[int]], bias: Sequence[int], fmt: FixedPoint) -> list[int]:
    """``rescale(sum_j W[i][j] * x[j] + b[i] * 2**frac_bits)`` for each row ``i``."""
    if len(weights) != len(bias) or any(len(row) != len(x) for row in weights):
        raise CircuitTypeError(f"linear: expected weights of shape ({len(bias)}, {len(x)}) for {len(x)} inputs "
                               f"and {len(bias)} biases, found {[len(row) for row in weights][:4]}...")
    return [rescale(sum(w * v for w, v in zip(row, x)) + (b << fmt.frac_bits), fmt)
            for row, b in zip(weights, bias)]


def sign(x: int, fmt: FixedPoint) -> int:
    """1 iff ``x >= 0`` (``x`` checked to fit)."""
    return int(fmt.check(x) >= 0)


def relu(x: int, fmt: FixedPoint) -> int:
    """``max(x, 0)``."""
    return max(fmt.check(x), 0)


def _sigmoid_times_32(a: int, one: int) -> int:
    """32 times the PLAN sigmoid of ``|x| = a`` (in units of ``one``), unrounded."""
    if a >= 5 * one:
        return 32 * one
    if 8 * a >= 19 * one:  # 2.375
        return a + 27 * one
    if a >= one:
        return 4 * a + 20 * one
    return 8 * a + 16 * one


def sigmoid(x: int, fmt: FixedPoint) -> int:
    """The PLAN sigmoid of ``x`` in the format (see the module docstring)."""
    a = abs(fmt.check(x))
    q = (_sigmoid_times_32(a, fmt.one) + 16) >> 5
    return q if x >= 0 else fmt.one - q


def argmax(xs: Sequence[int], fmt: FixedPoint) -> int:
    """The first index of the largest of ``xs`` (each checked to fit)."""
    if not xs:
        raise CircuitTypeError("argmax: expected at least one value, found none")
    vals = [fmt.check(x) for x in xs]
    return vals.index(max(vals))


def commit(values: Sequence[int], salt: int) -> int:
    """``h = salt``, then ``h = poseidon([h, *chunk])`` for each chunk of 15 values (signed
    ints, taken modulo r): a hiding, binding commitment to ``values`` for a random ``salt``."""
    h = salt % R
    vals = [to_field(v) for v in values]
    for i in range(0, len(vals), COMMIT_CHUNK):
        h = poseidon([h, *vals[i:i + COMMIT_CHUNK]])
    return h
