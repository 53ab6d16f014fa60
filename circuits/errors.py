"""The errors of the ``circuits`` package (subclasses of ``ValueError`` / ``TypeError``)."""

from __future__ import annotations

__all__ = [
    "CircuitError",
    "CircuitDefinitionError",
    "CircuitTypeError",
    "AssignmentError",
    "UnsatisfiedConstraintError",
    "UnderconstrainedError",
    "TreeKeyError",
    "FixedPointOverflowError",
    "UnusedPublicInputWarning",
]


class CircuitError(Exception):
    """Base class of every error raised by ``circuits``."""


class CircuitDefinitionError(CircuitError, ValueError):
    """The circuit itself is wrong: bad annotations, a constant assertion that fails,
    a structure that changes between compile and solve."""


class UnderconstrainedError(CircuitDefinitionError):
    """``compile(..., strict=True)`` found witness variables no constraint determines, public
    inputs no constraint uses, results computed and dropped, or hint outputs that can change
    (alone or in pairs) while every constraint holds; ``findings`` lists them by name."""

    def __init__(self, message: str, findings: list[str]) -> None:
        super().__init__(message)
        self.findings = findings


class CircuitTypeError(CircuitError, TypeError):
    """An operation got a variable of the wrong kind: ``bool(var)``, ``&`` on a non-boolean,
    a comparison without a known bit width or wider than 252 bits."""


class AssignmentError(CircuitError, ValueError):
    """An assignment misses an input, names an unknown one, or gives a value that does not
    fit its declared type."""


class UnsatisfiedConstraintError(CircuitError, ValueError):
    """A witness breaks a constraint; the message names the ``file:line`` that created it
    and the values involved."""

    def __init__(self, message: str, *, location: str = "", label: str = "") -> None:
        super().__init__(message)
        self.location = location
        self.label = label


class TreeKeyError(CircuitError, ValueError):
    """A sparse Merkle tree operation names a key that is already there (insert) or missing
    (update, delete)."""


class FixedPointOverflowError(CircuitError, ValueError):
    """A fixed-point value outside its format's range ``[-2**(bits-1), 2**(bits-1))``:
    an input, a weight or a rescaled result that the circuit cannot represent
    (:mod:`circuits.native.ml`)."""


class UnusedPublicInputWarning(UserWarning):
    """A public input appears in no constraint (the proof still binds it, see zkp.qap)."""
