"""circuits: an embedded Python circuit language compiled to R1CS.

Example:
    >>> from circuits import Circuit, Public, Secret, UInt, compile
    >>> class Adult(Circuit):
    ...     threshold: Public[UInt[8]]
    ...     age: Secret[UInt[8]]
    ...     def define(self, api):
    ...         api.assert_true(self.age >= self.threshold)
    >>> cs = compile(Adult)
    >>> w = cs.solve(Adult(threshold=18, age=29))
    >>> w.public
    [18]
    >>> cs.solve(Adult(threshold=18, age=17))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_true at ... the condition is false
"""

from .api import API
from .circuit import Circuit
from .compiler import CompiledCircuit, UnusedPublicInputWarning, compile
from .errors import (AssignmentError, CircuitDefinitionError, CircuitError, CircuitTypeError,
                     TreeKeyError, UnderconstrainedError, UnsatisfiedConstraintError)
from .lint import lint
from .types import Bool, Field, Public, Secret, UInt
from .var import Var

__all__ = ["API", "Circuit", "CompiledCircuit", "compile", "Bool", "Field", "Public", "Secret",
           "UInt", "Var", "AssignmentError", "CircuitDefinitionError", "CircuitError",
           "CircuitTypeError", "UnsatisfiedConstraintError", "UnusedPublicInputWarning",
           "UnderconstrainedError", "TreeKeyError", "lint"]
