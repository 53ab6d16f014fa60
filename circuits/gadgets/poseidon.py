"""Poseidon in circuit, equal to :func:`circuits.native.poseidon` and circomlib's ``Poseidon(n)``.

Constraints: 3 per S-box (x^2, x^4, x^5); the round-constant additions and the MDS mixing
are linear and cost nothing (they stay linear combinations). With n inputs (t = n + 1):
``3 * (8 * t + R_P) - 3`` for a non-constant input set (the capacity element of the first
round is a constant, its S-box is folded): 240 for two inputs, 213 for one.

    >>> from circuits import Circuit, Public, Secret, Field, compile
    >>> from circuits.gadgets import poseidon
    >>> from circuits.native import poseidon as poseidon_native
    >>> class Preimage(Circuit):
    ...     digest: Public[Field]
    ...     a: Secret[Field]
    ...     b: Secret[Field]
    ...     def define(self, api):
    ...         api.assert_equal(poseidon(api, [self.a, self.b]), self.digest)
    >>> cs = compile(Preimage)
    >>> cs.r1cs.num_constraints  # the equality with the digest is absorbed by linear elimination
    240
    >>> w = cs.solve(Preimage(digest=poseidon_native([1, 2]), a=1, b=2))
    >>> w.public  # circomlibjs: poseidon([1, 2])
    [7853200120776062878684798364095072458815029376092732009249414926327459813530]
    >>> cs.r1cs.is_satisfied(w.values())
    True
    >>> cs.solve(Preimage(digest=poseidon_native([1, 2]), a=2, b=1))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_equal at ...
"""

from __future__ import annotations

from typing import Sequence

from zkp.field import R

from ..api import API
from ..errors import CircuitTypeError
from ..native.poseidon import FULL_ROUNDS, MAX_INPUTS, PARTIAL_ROUNDS, constants
from ..var import Operand, Var

__all__ = ["poseidon", "poseidon_permute"]


def _sbox(api: API, x: Var) -> Var:
    if x.is_constant():
        return api.constant(pow(x.constant_value(), 5, R))
    x2 = api.mul(x, x)
    x4 = api.mul(x2, x2)
    return api.mul(x4, x)


def poseidon_permute(api: API, state: Sequence[Operand]) -> list[Var]:
    """The permutation on ``t`` = 2..17 elements (the full state out)."""
    t = len(state)
    rc, mds = constants(t)
    s = [api.lift(v) for v in state]
    partial = PARTIAL_ROUNDS[t - 2]
    half = FULL_ROUNDS // 2
    with api.scope(f"poseidon{t - 1}"):
        for r in range(FULL_ROUNDS + partial):
            s = [v + rc[r * t + i] for i, v in enumerate(s)]
            if r < half or r >= half + partial:
                s = [_sbox(api, v) for v in s]
            else:
                s[0] = _sbox(api, s[0])
            s = [_mix(api, row, s) for row in mds]
    return s


def _mix(api: API, row: Sequence[int], s: Sequence[Var]) -> Var:
    acc = api.constant(0)
    for m, v in zip(row, s):
        acc = acc + v * m
    return acc


def poseidon(api: API, inputs: Sequence[Operand]) -> Var:
    """circomlib's ``Poseidon(n)`` of 1 to 16 inputs, in circuit."""
    if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__len__"):
        raise CircuitTypeError(f"poseidon: expected a sequence of inputs, found {type(inputs).__name__}")
    if not 1 <= len(inputs) <= MAX_INPUTS:
        raise CircuitTypeError(f"poseidon: 1 to {MAX_INPUTS} inputs, found {len(inputs)}")
    return poseidon_permute(api, [0, *inputs])[0]
