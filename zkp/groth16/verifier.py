"""The Groth16 verifier: ``e(A, B) = e(alpha, beta) * e(L, gamma) * e(C, delta)``."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, Sequence

from .._backend import kernels
from ..errors import InputTypeError, MalformedInputError
from ..field import R, check_fr_list, to_words
from ._random import drawer
from .keys import PreparedVerifyingKey, Proof, VerifyingKey

__all__ = ["verify", "verify_batch"]


def _prepared(vk: VerifyingKey | PreparedVerifyingKey) -> PreparedVerifyingKey:
    if isinstance(vk, PreparedVerifyingKey):
        return vk
    if not isinstance(vk, VerifyingKey):
        raise InputTypeError(f"vk: expected a VerifyingKey, found {type(vk).__name__}")
    return vk.prepare()


def _checked(pvk: PreparedVerifyingKey, public: Sequence[int], proof: Proof, where: str = "") -> list[int]:
    if not isinstance(proof, Proof):
        raise InputTypeError(f"{where}proof: expected a Proof, found {type(proof).__name__}")
    for name, pt in (("A", proof.a), ("B", proof.b), ("C", proof.c)):
        if pt.is_infinity():
            raise MalformedInputError(f"{where}proof {name} is the point at infinity")
    if isinstance(public, (str, bytes, dict)) or not hasattr(public, "__len__"):
        raise InputTypeError(f"{where}public inputs: expected a sequence of ints, "
                             f"found {type(public).__name__}")
    if len(public) != pvk.vk.num_public:  # the count first: no work on a wrong-sized input
        raise MalformedInputError(
            f"{where}public inputs: expected {pvk.vk.num_public}, found {len(public)}")
    return check_fr_list(public, f"{where}public input")  # a batch error names the item


def verify(vk: VerifyingKey | PreparedVerifyingKey, public: Sequence[int], proof: Proof) -> bool:
    """Check a proof against public inputs.

    Returns False only for a well-formed proof that is wrong for these inputs.

    Raises:
        MalformedInputError: a proof point at infinity, the wrong number of public inputs
            (compared before any value is looked at), or a public input that is not an int
            in ``[0, r)`` (bools, floats, negatives and ``x + r`` included: inputs are never
            reduced).
        InputTypeError: ``vk``, ``proof`` or ``public`` (a sequence: list or tuple) of the
            wrong type.
    """
    pvk = _prepared(vk)
    xs = _checked(pvk, public, proof)
    scalars = to_words([1] + xs)
    l_pt = bytes(kernels.g1_msm(pvk.ic_bytes, scalars))
    g1 = (-proof.a).to_bytes() + pvk.alpha_bytes + l_pt + proof.c.to_bytes()
    g2 = proof.b.to_bytes() + pvk.g2_bytes
    return bool(kernels.pairing_check(g1, g2))


def verify_batch(vk: VerifyingKey | PreparedVerifyingKey,
                 items: Sequence[tuple[Sequence[int], Proof]], *, rng: Any = None) -> bool:
    """Check many proofs for one key with a single pairing of k + 3 pairs.

    The k verification equations are combined with random 128-bit coefficients (from
    ``secrets``; ``rng`` with ``randbelow`` or ``randrange`` for reproducible tests): the
    result is True when every proof is valid, and False, except with probability about
    2^-128, when any is not. Call :func:`verify` on each proof to find the bad ones.

    Examples:
        >>> import warnings
        >>> from zkp import groth16
        >>> from zkp.r1cs import R1CSBuilder
        >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
        >>> _ = b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     pk, vk = groth16.setup(b.build())
        >>> items = [([v * v], groth16.prove(pk, [1, v * v, v])) for v in (2, 3, 4)]
        >>> groth16.verify_batch(vk, items)
        True
        >>> groth16.verify_batch(vk, items + [([26], items[0][1])])
        False

    Raises:
        MalformedInputError: an empty batch, or any proof or input :func:`verify` refuses;
            the message names the item.
        InputTypeError: ``vk`` or an item of the wrong type.
    """
    pvk = _prepared(vk)
    if not isinstance(items, (list, tuple)):
        raise InputTypeError(f"items: expected a list of (public, proof), found {type(items).__name__}")
    if not items:
        raise MalformedInputError("verify_batch: at least one proof is needed")
    publics: list[list[int]] = []
    proofs: list[Proof] = []
    for i, item in enumerate(items):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise InputTypeError(f"items[{i}]: expected a (public, proof) pair")
        publics.append(_checked(pvk, item[0], item[1], f"items[{i}]: "))
        proofs.append(item[1])
    draw = drawer(rng)
    coeffs = [int(draw(1 << 128)) + 1 for _ in proofs]
    n = pvk.vk.num_public
    ic_coeffs = [sum(coeffs) % R] + [sum(r * xs[j] for r, xs in zip(coeffs, publics)) % R for j in range(n)]
    neg_a = [bytes(kernels.g1_msm((-p.a).to_bytes(), to_words([r]))) for p, r in zip(proofs, coeffs)]
    g1 = b"".join(neg_a)
    g1 += bytes(kernels.g1_msm(pvk.alpha_bytes, to_words([ic_coeffs[0]])))
    g1 += bytes(kernels.g1_msm(pvk.ic_bytes, to_words(ic_coeffs)))
    g1 += bytes(kernels.g1_msm(b"".join(p.c.to_bytes() for p in proofs), to_words(coeffs)))
    g2 = b"".join(p.b.to_bytes() for p in proofs) + pvk.g2_bytes
    return bool(kernels.pairing_check(g1, g2))
