"""The Groth16 verifier: ``e(A, B) = e(alpha, beta) * e(L, gamma) * e(C, delta)``."""

from __future__ import annotations

from typing import Sequence

from .._backend import kernels
from ..errors import InputTypeError, MalformedInputError
from ..field import check_fr_list
from .keys import PreparedVerifyingKey, Proof, VerifyingKey

__all__ = ["verify"]


def verify(vk: VerifyingKey | PreparedVerifyingKey, public: Sequence[int], proof: Proof) -> bool:
    """Check a proof against public inputs.

    Returns False only for a well-formed proof that is wrong for these inputs.

    Raises:
        MalformedInputError: a proof point at infinity, a public input that is not an int in
            ``[0, r)`` (bools, floats, negatives and ``x + r`` included: inputs are never
            reduced), or the wrong number of public inputs.
        InputTypeError: ``vk`` or ``proof`` of the wrong type.
    """
    pvk = vk if isinstance(vk, PreparedVerifyingKey) else None
    if pvk is None:
        if not isinstance(vk, VerifyingKey):
            raise InputTypeError(f"vk: expected a VerifyingKey, found {type(vk).__name__}")
        pvk = vk.prepare()
    if not isinstance(proof, Proof):
        raise InputTypeError(f"proof: expected a Proof, found {type(proof).__name__}")
    for name, pt in (("A", proof.a), ("B", proof.b), ("C", proof.c)):
        if pt.is_infinity():
            raise MalformedInputError(f"proof {name} is the point at infinity")
    xs = check_fr_list(public)
    if len(xs) != pvk.vk.num_public:
        raise MalformedInputError(
            f"public inputs: expected {pvk.vk.num_public}, found {len(xs)}")
    scalars = b"".join(x.to_bytes(32, "big") for x in [1] + xs)
    l_pt = bytes(kernels.g1_msm(pvk.ic_bytes, scalars))
    g1 = (-proof.a).to_bytes() + pvk.alpha_bytes + l_pt + proof.c.to_bytes()
    g2 = proof.b.to_bytes() + pvk.g2_bytes
    return bool(kernels.pairing_check(g1, g2))
