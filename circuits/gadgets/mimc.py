"""MiMC7 and MiMCSponge in circuit, equal to :mod:`circuits.native.mimc` and circomlib's.

Constraints: ``mimc7`` 4 per round (t^2, t^4, t^6, t^7): 364; ``multi_mimc7`` 364 per input;
``mimc_feistel`` 3 per round (t^2, t^4, t^5; the Feistel swap and additions are linear):
660; ``mimc_sponge`` 660 per input and per extra output.

    >>> from circuits import Circuit, Public, Secret, Field, compile
    >>> from circuits.gadgets import mimc_sponge
    >>> from circuits.native.mimc import mimc_sponge as native
    >>> class C(Circuit):
    ...     out: Public[Field]
    ...     xs: Secret[Field, 2]
    ...     def define(self, api):
    ...         api.assert_equal(mimc_sponge(api, list(self.xs)), self.out)
    >>> cs = compile(C)
    >>> cs.r1cs.num_constraints
    1320
    >>> w = cs.solve(C(out=native([5, 6]), xs=[5, 6]))
    >>> w.public, cs.r1cs.is_satisfied(w.values())
    ([3610820151880402352002688330356078212739086946803589114056815135392316797961], True)
    >>> cs.solve(C(out=native([5, 6]), xs=[6, 5]))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_equal at ...
"""

from __future__ import annotations

from typing import Sequence

from ..api import API
from ..errors import CircuitTypeError
from ..native.mimc import mimc7_constants, mimc_sponge_constants
from ..var import Operand, Var

__all__ = ["mimc7", "multi_mimc7", "mimc_feistel", "mimc_sponge"]


def mimc7(api: API, x: Operand, key: Operand) -> Var:
    """circomlib's ``MiMC7(91)``: 364 constraints."""
    x, k = api.lift(x), api.lift(key)
    with api.scope("mimc7"):
        r = api.constant(0)
        for i, c in enumerate(mimc7_constants()):
            t = x + k if i == 0 else r + k + c
            t2 = api.mul(t, t)
            t4 = api.mul(t2, t2)
            t6 = api.mul(t4, t2)
            r = api.mul(t6, t)
    return r + k


def multi_mimc7(api: API, values: Sequence[Operand], key: Operand = 0) -> Var:
    """circomlib's ``MultiMiMC7(n, 91)``."""
    r = api.lift(key)
    for v in values:
        x = api.lift(v)
        r = r + x + mimc7(api, x, r)
    return r


def mimc_feistel(api: API, left: Operand, right: Operand, key: Operand) -> tuple[Var, Var]:
    """circomlib's ``MiMCFeistel(220)``: 660 constraints."""
    xl, xr, k = api.lift(left), api.lift(right), api.lift(key)
    cts = mimc_sponge_constants()
    with api.scope("mimc_feistel"):
        for i, c in enumerate(cts):
            t = xl + k if i == 0 else xl + k + c
            t2 = api.mul(t, t)
            t4 = api.mul(t2, t2)
            t5 = api.mul(t4, t)
            if i < len(cts) - 1:
                xl, xr = xr + t5, xl
            else:
                xr = xr + t5
    return xl, xr


def mimc_sponge(api: API, values: Sequence[Operand], key: Operand = 0, outputs: int = 1) -> Var | list[Var]:
    """circomlib's ``MiMCSponge(n, 220, outputs)``: a Var for ``outputs=1``, else a list."""
    if isinstance(outputs, bool) or not isinstance(outputs, int) or outputs < 1:
        raise CircuitTypeError(f"mimc_sponge: outputs must be an int >= 1, found {outputs!r}")
    k = api.lift(key)
    rr, cc = api.constant(0), api.constant(0)
    for v in values:
        rr = rr + api.lift(v)
        rr, cc = mimc_feistel(api, rr, cc, k)
    outs = [rr]
    for _ in range(1, outputs):
        rr, cc = mimc_feistel(api, rr, cc, k)
        outs.append(rr)
    return outs[0] if outputs == 1 else outs
