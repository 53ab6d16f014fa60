"""Poseidon over BN254's scalar field with circomlib's parameters (the native twin).

x^5 S-box, 8 full rounds, circomlib's partial-round counts for t = 2..17 (1 to 16 inputs),
round constants and Cauchy MDS matrices generated here by the reference algorithm (the
Grain LFSR of the Poseidon paper's ``generate_parameters_grain``), which reproduces
circomlibjs's ``poseidon_constants.json`` exactly (a test compares them, and pins their
digest). Outputs equal circomlibjs's ``poseidon``.

    >>> poseidon([1, 2])
    7853200120776062878684798364095072458815029376092732009249414926327459813530
    >>> poseidon([1, 2]) == permute([0, 1, 2])[0]
    True
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from zkp.field import R, from_words, to_words

from ..errors import CircuitTypeError
from ._check import field_element

__all__ = ["poseidon", "poseidon_many", "permute", "constants", "FULL_ROUNDS", "PARTIAL_ROUNDS", "MAX_INPUTS"]

FULL_ROUNDS = 8
PARTIAL_ROUNDS = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)  # t = 2 .. 17
MAX_INPUTS = len(PARTIAL_ROUNDS)
_FIELD_BITS = 254


class _Grain:
    """The 80-bit Grain LFSR in self-shrinking mode, seeded with the instance's parameters."""

    def __init__(self, t: int, full: int, partial: int) -> None:
        seed = "01" + "0000" + f"{_FIELD_BITS:012b}" + f"{t:012b}" + f"{full:010b}" + f"{partial:010b}" + "1" * 30
        self.state = sum(1 << i for i, c in enumerate(seed) if c == "1")  # bit i = position i
        for _ in range(160):
            self._step()

    def _step(self) -> int:
        s = self.state
        bit = ((s >> 62) ^ (s >> 51) ^ (s >> 38) ^ (s >> 23) ^ (s >> 13) ^ s) & 1
        self.state = (s >> 1) | (bit << 79)
        return bit

    def bit(self) -> int:
        while not self._step():
            self._step()
        return self._step()

    def integer(self, n: int) -> int:
        v = 0
        for _ in range(n):
            v = (v << 1) | self.bit()
        return v


@lru_cache(maxsize=None)
def constants(t: int) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """``(round_constants, mds)`` for state width ``t`` (2..17): ``(8 + R_P) * t`` constants,
    ``t x t`` matrix."""
    if isinstance(t, bool) or not isinstance(t, int) or not 2 <= t <= MAX_INPUTS + 1:
        raise CircuitTypeError(f"poseidon: state width must be 2..{MAX_INPUTS + 1}, found {t!r}")
    partial = PARTIAL_ROUNDS[t - 2]
    g = _Grain(t, FULL_ROUNDS, partial)
    rc = []
    for _ in range((FULL_ROUNDS + partial) * t):
        while True:
            v = g.integer(_FIELD_BITS)
            if v < R:
                rc.append(v)
                break
    while True:
        vals = [g.integer(_FIELD_BITS) % R for _ in range(2 * t)]
        while len(set(vals)) != len(vals):
            vals = [g.integer(_FIELD_BITS) % R for _ in range(2 * t)]
        xs, ys = vals[:t], vals[t:]
        if all((x + y) % R for x in xs for y in ys):
            mds = tuple(tuple(pow(x + y, -1, R) for y in ys) for x in xs)
            return tuple(rc), mds


@lru_cache(maxsize=None)
def _encoded(t: int) -> tuple[bytes, bytes]:
    rc, mds = constants(t)
    return to_words(rc), to_words(v for row in mds for v in row)


def _permute_many(states: Sequence[Sequence[int]], t: int) -> list[int]:
    """Permute many width-``t`` states with the BN254 kernels (C when built); returns the
    flat list of output states."""
    from zkp import kernels

    rc, mds = _encoded(t)
    flat = to_words(v for st in states for v in st)
    out = kernels.poseidon_permute(rc, mds, FULL_ROUNDS, flat)
    return from_words(out)


def permute(state: Sequence[int]) -> list[int]:
    """The Poseidon permutation of ``state`` (2 to 17 field elements)."""
    t = len(state)
    constants(t)  # validates t
    return _permute_many([[int(v) % R for v in state]], t)


def _check_inputs(inputs: Sequence[int]) -> list[int]:
    if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__len__"):
        raise CircuitTypeError(f"poseidon: expected a sequence of field elements, found {type(inputs).__name__}")
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise CircuitTypeError(f"poseidon: 1 to {MAX_INPUTS} inputs, found {len(inputs)}")
    return [field_element(v, f"poseidon: input {i}") for i, v in enumerate(inputs)]


def poseidon(inputs: Sequence[int]) -> int:
    """circomlib's ``Poseidon(n)`` of 1 to 16 field elements (ints in ``[0, r)``)."""
    return permute([0, *_check_inputs(inputs)])[0]


def poseidon_many(batch: Sequence[Sequence[int]]) -> list[int]:
    """``[poseidon(xs) for xs in batch]`` in one kernel call (threads over the batch); every
    ``xs`` must have the same length.

    >>> poseidon_many([[1, 2], [3, 4]]) == [poseidon([1, 2]), poseidon([3, 4])]
    True
    """
    if not batch:
        return []
    n = len(batch[0])
    checked = [_check_inputs(xs) for xs in batch]
    if any(len(xs) != n for xs in checked):
        raise CircuitTypeError("poseidon_many: every input list must have the same length")
    t = n + 1
    out = _permute_many([[0, *xs] for xs in checked], t)
    return out[::t]
