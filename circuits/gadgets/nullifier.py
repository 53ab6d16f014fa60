"""The nullifier gadget: ``poseidon([secret, scope])`` (240 constraints), twin of
:func:`circuits.native.nullifier`.

    >>> from circuits import Circuit, Public, Secret, Field, compile
    >>> from circuits.gadgets import nullifier
    >>> from circuits.native import nullifier as native
    >>> class OneUse(Circuit):
    ...     scope: Public[Field]
    ...     nullifier: Public[Field]
    ...     secret: Secret[Field]
    ...     def define(self, api):
    ...         api.assert_equal(nullifier(api, self.secret, self.scope), self.nullifier)
    >>> cs = compile(OneUse)
    >>> w = cs.solve(OneUse(scope=7, nullifier=native(99, 7), secret=99))
    >>> w.public == [7, native(99, 7)], cs.r1cs.is_satisfied(w.values())
    (True, True)
    >>> cs.solve(OneUse(scope=8, nullifier=native(99, 7), secret=99))   # another scope
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_equal at ...
"""

from __future__ import annotations

from ..api import API
from ..var import Operand, Var
from .poseidon import poseidon

__all__ = ["nullifier"]


def nullifier(api: API, secret: Operand, scope: Operand) -> Var:
    with api.scope("nullifier"):
        return poseidon(api, [secret, scope])
