"""Compiled contribution circuits, their Groth16 keys and the commitment generators.

:meth:`AggregationKeys.setup` compiles the circuit of a :class:`~.circuit.Shape` and runs a
single-party setup: development keys (``groth16.setup`` warns with ``DevelopmentKeyWarning``).
For a deployment, run a ceremony on ``keys.circuit.r1cs`` and build :class:`AggregationKeys`
from its keys (the verifier needs only ``verifying_key`` and the generators).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from circuits import CompiledCircuit
from zkp import groth16
from zkp.groth16 import PreparedVerifyingKey, ProvingKey, VerifyingKey

from ..errors import ContributionFormatError
from .circuit import Shape, compile_contribution_circuit
from .generators import Generators

__all__ = ["AggregationKeys"]


@dataclass(frozen=True)
class AggregationKeys:
    """A compiled contribution circuit, its keys, and the generators of its commitments."""

    shape: Shape
    circuit: CompiledCircuit
    proving_key: ProvingKey
    verifying_key: VerifyingKey
    generators: Generators

    def __post_init__(self) -> None:
        if self.circuit.r1cs.num_public != self.shape.num_public:
            raise ContributionFormatError(f"keys: the circuit has {self.circuit.r1cs.num_public} public inputs, "
                                          f"its shape {self.shape} has {self.shape.num_public}")
        if len(self.generators.g) != self.shape.length:
            raise ContributionFormatError(f"keys: expected {self.shape.length} value generators, "
                                          f"found {len(self.generators.g)}")

    @classmethod
    def setup(cls, shape: Shape = Shape(), *, rng: Any = None) -> AggregationKeys:
        """Compile and run a development (single-party) setup; ``rng`` as ``groth16.setup``."""
        cs = compile_contribution_circuit(shape)
        pk, vk = groth16.setup(cs.r1cs, rng=rng)
        return cls(shape, cs, pk, vk, Generators.make(shape.length))

    def prepared(self) -> PreparedVerifyingKey:
        """The verifying key prepared for repeated verification."""
        return self.verifying_key.prepare()
