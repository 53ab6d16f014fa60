"""Compiled credential circuits and their Groth16 keys.

:meth:`CredentialKeys.setup` compiles the circuit of a shape (:class:`~.circuit.Params`)
and runs a single-party setup: development keys (``groth16.setup`` warns with
``DevelopmentKeyWarning``). For a deployment, run a ceremony on ``keys.circuit.r1cs`` and
build :class:`CredentialKeys` from its keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from circuits import CompiledCircuit, compile
from zkp import groth16
from zkp.groth16 import ProvingKey, VerifyingKey

from ..errors import CredentialFormatError
from .circuit import Params, credential_circuit

__all__ = ["CredentialKeys", "compile_credential_circuit"]


def compile_credential_circuit(params: Params = Params()) -> CompiledCircuit:
    """The compiled circuit of shape ``params`` (about 3 s at the default 40 levels)."""
    return compile(credential_circuit(params))


@dataclass(frozen=True)
class CredentialKeys:
    """A compiled credential circuit and its proving and verifying keys."""

    params: Params
    circuit: CompiledCircuit
    proving_key: ProvingKey
    verifying_key: VerifyingKey

    def __post_init__(self) -> None:
        if self.circuit.r1cs.num_public != self.params.num_public:
            raise CredentialFormatError(f"keys: the circuit has {self.circuit.r1cs.num_public} public inputs, "
                                        f"its shape {self.params} has {self.params.num_public}")

    @classmethod
    def setup(cls, params: Params = Params(), *, rng: Any = None) -> CredentialKeys:
        """Compile and run a development (single-party) setup; ``rng`` as ``groth16.setup``."""
        cs = compile_credential_circuit(params)
        pk, vk = groth16.setup(cs.r1cs, rng=rng)
        return cls(params, cs, pk, vk)
