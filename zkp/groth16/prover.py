"""The Groth16 prover: fresh blinding (r, s) for every proof."""

from __future__ import annotations

from typing import Any, Sequence

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import InputTypeError, MalformedInputError, UnsatisfiedError
from ..field import R
from ..qap import witness_evaluations
from ..witness import Witness
from ._random import random_fr
from .keys import Proof, ProvingKey
from .zkey_prover import _b_in_g2

__all__ = ["prove"]


def _enc(values: Sequence[int]) -> bytes:
    return b"".join(int(v).to_bytes(32, "big") for v in values)


def _witness_values(pk: ProvingKey, witness: Witness | Sequence[int]) -> list[int]:
    if isinstance(witness, Witness):
        values = witness.values()
    elif isinstance(witness, (list, tuple)):
        values = Witness.from_ints(witness, pk.num_public).values()
    else:
        raise InputTypeError(f"witness: expected a Witness or a list of ints, found {type(witness).__name__}")
    if len(values) != pk.num_wires:
        raise MalformedInputError(f"witness: expected {pk.num_wires} wires, found {len(values)}")
    return values


def prove(pk: ProvingKey, witness: Witness | Sequence[int], *, rng: Any = None) -> Proof:
    """Prove that ``witness`` satisfies ``pk``'s constraint system.

    Args:
        pk: the proving key.
        witness: every wire's value (``cs.solve(...)`` gives one).
        rng: keyword-only randomness source for tests (default ``secrets``).

    Raises:
        UnsatisfiedError: the witness breaks a constraint (the error names it).
        MalformedInputError: wrong witness length or values outside [0, r).
    """
    if not isinstance(pk, ProvingKey):
        raise InputTypeError(f"pk: expected a ProvingKey, found {type(pk).__name__}")
    w = _witness_values(pk, witness)
    n, npub = pk.domain_size, pk.num_public
    if pk.cs is not None:
        a, b, c = witness_evaluations(pk.cs, w)
        h = bytes(kernels.qap_odd_coset(a, b, c))
    else:  # a key from a .zkey has no C: on the domain C = A * B when the witness satisfies
        if w[0] != 1:
            raise MalformedInputError(f"witness: wire 0 must be 1, found {w[0]}")
        h = _h_from_matrices(pk, w)
    r, s = random_fr(rng), random_fr(rng)
    ww = _enc(w)
    d1 = pk.delta_g1.to_bytes()
    # each of the key's vectors goes to its MSM as it is (no concatenated copy per proof);
    # the single points and blinding terms join in a few-point MSM after
    pa = kernels.g1_msm(pk.alpha_g1.to_bytes() + bytes(kernels.g1_msm(pk.a_g1, ww)) + d1, _enc([1, 1, r]))
    pb2 = kernels.g2_msm(pk.beta_g2.to_bytes() + bytes(kernels.g2_msm(pk.b_g2, ww)) + pk.delta_g2.to_bytes(),
                         _enc([1, 1, s]))
    pb1 = kernels.g1_msm(pk.beta_g1.to_bytes() + bytes(kernels.g1_msm(pk.b_g1, ww)) + d1, _enc([1, 1, s]))
    lh = bytes(kernels.g1_msm(pk.l_g1, ww[32 * (npub + 1):])) + bytes(kernels.g1_msm(pk.h_g1, h))
    pc = kernels.g1_msm(lh + pa + pb1 + d1, _enc([1, 1, s, r, (-r * s) % R]))
    proof = Proof(G1Point.from_bytes(pa), _b_in_g2(pb2), G1Point.from_bytes(pc))
    if pk.cs is None and not _verifies(pk, w[1:npub + 1], proof):
        raise UnsatisfiedError("the witness does not satisfy the circuit (the proof does not verify "
                               "against the key's own verifying key); load the .r1cs to find the constraint")
    return proof


def _h_from_matrices(pk: ProvingKey, w: Sequence[int]) -> bytes:
    """h from the key's A and B (a .zkey's section 4) by the C sparse mat-vec kernel."""
    h = kernels.qap_h_zkey(pk.matrices.zkey_coefficients(), b"".join(int(v).to_bytes(32, "little") for v in w),
                           pk.domain_size)
    return b"".join(h[i:i + 32][::-1] for i in range(0, len(h), 32))


def _verifies(pk: ProvingKey, public: Sequence[int], proof: Proof) -> bool:
    from .verifier import verify

    return verify(pk.vk, list(public), proof)
