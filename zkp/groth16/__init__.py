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

from .keys import PreparedVerifyingKey, Proof, ProvingKey, VerifyingKey
from .prover import prove
from .setup import DevelopmentKeyWarning, setup
from .verifier import verify, verify_batch
from .zkey_prover import Prover

__all__ = ["setup", "prove", "verify", "verify_batch", "Proof", "ProvingKey", "VerifyingKey",
           "PreparedVerifyingKey", "DevelopmentKeyWarning", "Prover"]
