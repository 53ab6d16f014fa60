"""Groth16 over BN254: ``setup``, ``prove``, ``verify``.

Example:
    >>> import warnings
    >>> from zkp import groth16
    >>> from zkp.r1cs import R1CSBuilder
    >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
    >>> _ = b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
    >>> cs = b.build()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     pk, vk = groth16.setup(cs)
    >>> proof = groth16.prove(pk, [1, 9, 3])
    >>> groth16.verify(vk, [9], proof), groth16.verify(vk, [10], proof)
    (True, False)
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any

from .keys import PreparedVerifyingKey, Proof, VerifyingKey
from .setup import DevelopmentKeyWarning, setup  # eager: the submodule's name is the function's

if TYPE_CHECKING:
    from .proving_key import ProvingKey
    from .prover import PreparedProvingKey, prove
    from .verifier import verify, verify_batch
    from .zkey_prover import Prover

__all__ = ["setup", "prove", "verify", "verify_batch", "Proof", "ProvingKey", "VerifyingKey",
           "PreparedVerifyingKey", "PreparedProvingKey", "DevelopmentKeyWarning", "Prover"]

# the provers and the verifier are imported on first use: ``zkmpc prove KEY.zkey ...`` never
# loads the R1CS/QAP prover (nor numpy with it), reading a verifying key loads no prover
_LAZY = {"ProvingKey": ".proving_key", "prove": ".prover", "PreparedProvingKey": ".prover", "verify": ".verifier", "verify_batch": ".verifier", "Prover": ".zkey_prover"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
