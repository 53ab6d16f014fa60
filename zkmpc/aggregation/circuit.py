"""The contribution circuit: commitments to k additive shares that add up to a valid value.

For a :class:`Shape` (``k`` aggregators, vectors of ``length`` values, ``kind`` "range" or
"onehot", ``bits``), the circuit proves knowledge of shares ``s[i][j]`` (i < k, j < length),
blinding factors ``b[i]``, values ``v[j]`` and wrap counts ``w[j]`` such that

- ``commitments[i] = sum_j s[i][j] G_j + b[i] H`` on Baby Jubjub (``shares`` scope), with
  every ``s[i][j]`` and ``b[i]`` below 2^251 (251 bits each);
- ``sum_i s[i][j] = v[j] + w[j] * l`` where ``l`` is the subgroup order (``sum`` scope),
  ``w[j]`` below 2^wrap_bits;
- ``v[j] < 2^bits`` ("range", declared ``UInt[bits]``), or ``v[j]`` in {0, 1} with
  ``sum_j v[j] = 1`` ("onehot", ``onehot`` scope);
- ``tag * tag`` is computed, so the public ``tag`` (the contribution's identifier, chosen by
  the application: a round and contributor id) is bound to the proof.

Why the sum holds mod ``l``: both sides of the ``sum`` equation are integers below r (``k *
2^251 < r`` for ``k <= 6``, and ``2^bits + (2^wrap_bits - 1) l < r``), so the field equation is
an integer one, and reducing it mod ``l`` gives ``sum_i s[i][j] = v[j] (mod l)``: the values
the commitments hide add up to an in-range value. Public signals: ``tag``, then
``commitments[i] = (x, y)`` for i < k.

    >>> shape = Shape(k=2, length=1, bits=8)
    >>> cs = compile_contribution_circuit(shape)
    >>> cs.r1cs.num_public, cs.r1cs.num_constraints
    (5, 3048)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from circuits import Bool, Circuit, CompiledCircuit, Field, Public, Secret, UInt, compile
from circuits.gadgets import edwards_add, mul_fixed, to_bits
from circuits.types import InputSpec
from zkp.field import R

from ..errors import ContributionFormatError
from .generators import ORDER, Generators

__all__ = ["Shape", "contribution_circuit", "compile_contribution_circuit", "SHARE_BITS", "MAX_AGGREGATORS"]

#: shares and blinding factors are decomposed into this many bits (ORDER < 2^251)
SHARE_BITS = 251
#: the largest k for which k * 2^251 < r (the sum equation cannot wrap around r)
MAX_AGGREGATORS = 6
KINDS = ("range", "onehot")


def _int_in(value: object, lo: int, hi: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ContributionFormatError(f"{what}: expected an int in [{lo}, {hi}], found {value!r}")
    return value


@dataclass(frozen=True)
class Shape:
    """What a contribution is: ``k`` shares (2..6 aggregators) of a vector of ``length``
    values, each below ``2^bits`` ("range", 1..128 bits), or a one-hot vector ("onehot",
    ``bits`` is then 1)."""

    k: int = 2
    length: int = 1
    bits: int = 32
    kind: str = "range"

    def __post_init__(self) -> None:
        _int_in(self.k, 2, MAX_AGGREGATORS, "k (aggregators)")
        _int_in(self.length, 1, 1024, "length")
        if self.kind not in KINDS:
            raise ContributionFormatError(f"kind: expected one of {KINDS}, found {self.kind!r}")
        if self.kind == "onehot":
            _int_in(self.bits, 1, 1, "bits (one-hot)")
            _int_in(self.length, 2, 1024, "length (one-hot)")
        _int_in(self.bits, 1, 128, "bits")

    @property
    def wrap_bits(self) -> int:
        """Bits of the wrap counts: ``sum_i s_i < k * 2^251`` is below ``2^wrap_bits * l``."""
        return ((self.k * ((1 << SHARE_BITS) - 1)) // ORDER).bit_length()

    @property
    def num_public(self) -> int:
        return 1 + 2 * self.k

    def max_value(self) -> int:
        return (1 << self.bits) - 1


def _check_bounds(shape: Shape) -> None:
    """The integer argument of the module docstring, checked for every shape built."""
    if shape.k * ((1 << SHARE_BITS) - 1) >= R or (1 << shape.bits) + ((1 << shape.wrap_bits) - 1) * ORDER >= R:
        raise ContributionFormatError(f"{shape}: the sum equation could wrap around r")


def _inputs(shape: Shape) -> dict[str, InputSpec]:
    k, n = shape.k, shape.length
    value = Secret[Bool, n] if shape.kind == "onehot" else Secret[UInt[shape.bits], n]
    return {"tag": Public[Field], "commitments": Public[Field, k, 2], "shares": Secret[Field, k, n],
            "blindings": Secret[Field, k], "values": value, "wraps": Secret[UInt[shape.wrap_bits], n]}


def _define(shape: Shape) -> Callable[[Any, Any], None]:
    gens = Generators.make(shape.length)

    def define(self: Any, api: Any) -> None:
        with api.scope("tag"):
            api.mul(self.tag, self.tag)
        with api.scope("shares"):
            for i in range(shape.k):
                acc = mul_fixed(api, to_bits(api, self.blindings[i], SHARE_BITS), gens.h)
                for j in range(shape.length):
                    term = mul_fixed(api, to_bits(api, self.shares[i][j], SHARE_BITS), gens.g[j])
                    acc = edwards_add(api, acc, term)
                api.assert_equal(acc[0], self.commitments[i][0])
                api.assert_equal(acc[1], self.commitments[i][1])
        with api.scope("sum"):
            for j in range(shape.length):
                total = self.shares[0][j]
                for i in range(1, shape.k):
                    total = total + self.shares[i][j]
                api.assert_equal(total, self.values[j] + self.wraps[j] * ORDER)
        if shape.kind == "onehot":
            with api.scope("onehot"):
                ones = self.values[0]
                for j in range(1, shape.length):
                    ones = ones + self.values[j]
                api.assert_equal(ones, 1)

    return define


@lru_cache(maxsize=16)
def contribution_circuit(shape: Shape) -> type[Circuit]:
    """The circuit class of ``shape`` (one class per shape, so compiles are shared)."""
    _check_bounds(shape)
    name = f"Contribution{shape.kind.title()}{shape.k}x{shape.length}b{shape.bits}"
    return type(name, (Circuit,), {"__annotations__": _inputs(shape), "define": _define(shape),
                                   "__module__": __name__, "__qualname__": name})


def compile_contribution_circuit(shape: Shape) -> CompiledCircuit:
    """The compiled circuit of ``shape``."""
    return compile(contribution_circuit(shape))
