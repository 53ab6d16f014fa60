"""The Groth16 prover: fresh blinding (r, s) for every proof.

:func:`prove` takes a :class:`ProvingKey` for one proof, or a :class:`PreparedProvingKey`
for many: preparing lays the key out once as the C kernels read it (snarkjs's ``.zkey``
layout, the A and B matrices as one sparse array) and, by default, precomputes tables of
shifted bases, so each proof is a sparse mat-vec, NTTs and five MSMs with no per-proof
conversion of the key. Both give proofs of the same distribution (with the same ``rng``,
the same proof), and both check every proof against the key's verifying key before
returning it.

Example:
    >>> import random, warnings
    >>> from zkp import groth16
    >>> from zkp.r1cs import R1CSBuilder
    >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
    >>> _ = b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     pk, vk = groth16.setup(b.build())
    >>> prepared = PreparedProvingKey(pk)           # once, for a prover that proves many times
    >>> proof = prove(prepared, [1, 9, 3])
    >>> groth16.verify(vk, [9], proof)
    True
    >>> prove(prepared, [1, 9, 3], rng=random.Random(5)) == prove(pk, [1, 9, 3], rng=random.Random(5))
    True
    >>> prove(prepared, [1, 9, 4])
    Traceback (most recent call last):
    ...
    zkp.errors.UnsatisfiedError: witness breaks constraint 0 (y*y == x): 4 * 4 != 9 (expected A.w * B.w == C.w)
"""

from __future__ import annotations

from typing import Any, NoReturn, Sequence

import numpy as np

from .._backend import kernels
from ..curve import G1Point
from ..errors import InputTypeError, MalformedInputError, UnsatisfiedError
from ..field import R, to_words
from ..progress import Progress, reporter
from ..witness import Witness
from ._random import random_fr
from .keys import Proof, VerifyingKey
from .proving_key import ProvingKey
from .zkey_prover import PROVE_STEPS, Prover, _b_in_g2

__all__ = ["prove", "PreparedProvingKey"]


def _witness(witness: Witness | Sequence[int], num_wires: int, num_public: int) -> Witness:
    if isinstance(witness, Witness):
        w = witness
    elif isinstance(witness, (list, tuple)):
        w = Witness.from_ints(witness, num_public)
    else:
        raise InputTypeError(f"witness: expected a Witness or a list of ints, found {type(witness).__name__}")
    if len(w) != num_wires:
        raise MalformedInputError(f"witness: expected {num_wires} wires, found {len(w)}")
    return w


def _le_words(w: Witness) -> bytes:
    """The witness as 32-byte little-endian words (a ``.wtns`` body: what the kernels read)."""
    return np.frombuffer(w.to_bytes(), dtype=np.uint8).reshape(-1, 32)[:, ::-1].tobytes()


def _unsatisfied(pk: ProvingKey, w: Witness) -> NoReturn:
    """The witness gave a proof that does not verify: name the constraint it breaks when the
    key has its R1CS (a key from a ``.zkey`` alone has only A and B)."""
    if pk.cs is not None:
        values = w.values()
        a, b, c = pk.cs.evaluate(values)
        for i, (x, y, z) in enumerate(zip(a, b, c)):
            if x * y % R != z:
                raise UnsatisfiedError(f"witness breaks constraint {i} ({pk.cs.label(i)}): {x} * {y} != {z} "
                                       f"(expected A.w * B.w == C.w)", index=i, label=pk.cs.label(i))
    raise UnsatisfiedError("the witness does not satisfy the circuit (the proof does not verify "
                           "against the key's own verifying key); load the .r1cs to find the constraint")


def prove(pk: ProvingKey | PreparedProvingKey, witness: Witness | Sequence[int], *, rng: Any = None,
          progress: Progress = None) -> Proof:
    """Prove that ``witness`` satisfies ``pk``'s constraint system.

    Args:
        pk: the proving key, or a :class:`PreparedProvingKey` made from it (many proofs).
        witness: every wire's value (``cs.solve(...)`` gives one).
        rng: keyword-only randomness source for tests (default ``secrets``).
        progress: keyword-only progress report (see :mod:`zkp.progress`): it hears the
            steps of :data:`zkp.groth16.zkey_prover.PROVE_STEPS` in order.

    Raises:
        UnsatisfiedError: the witness breaks a constraint (the error names it when the key
            has its R1CS).
        MalformedInputError: wrong witness length or values outside [0, r).
    """
    if isinstance(pk, PreparedProvingKey):
        return pk.prove(witness, rng=rng, progress=progress)
    if not isinstance(pk, ProvingKey):
        raise InputTypeError(f"pk: expected a ProvingKey, found {type(pk).__name__}")
    wit = _witness(witness, pk.num_wires, pk.num_public)
    report, total = reporter(progress, "prove"), len(PROVE_STEPS)
    w = wit.values()
    npub = pk.num_public
    report(PROVE_STEPS[0], 0, total)
    h = _h_from_matrices(pk, _le_words(wit))
    r, s = random_fr(rng), random_fr(rng)
    ww = wit.to_bytes()
    d1 = pk.delta_g1.to_bytes()
    report(PROVE_STEPS[1], 1, total)
    msm_h = bytes(kernels.g1_msm(pk.h_g1, h))
    # each of the key's vectors goes to its MSM as it is (no concatenated copy per proof);
    # the single points and blinding terms join in a few-point MSM after
    report(PROVE_STEPS[2], 2, total)
    pa = kernels.g1_msm(pk.alpha_g1.to_bytes() + bytes(kernels.g1_msm(pk.a_g1, ww)) + d1, to_words([1, 1, r]))
    report(PROVE_STEPS[3], 3, total)
    pb1 = kernels.g1_msm(pk.beta_g1.to_bytes() + bytes(kernels.g1_msm(pk.b_g1, ww)) + d1, to_words([1, 1, s]))
    report(PROVE_STEPS[4], 4, total)
    pb2 = kernels.g2_msm(pk.beta_g2.to_bytes() + bytes(kernels.g2_msm(pk.b_g2, ww)) + pk.delta_g2.to_bytes(),
                         to_words([1, 1, s]))
    report(PROVE_STEPS[5], 5, total)
    lh = bytes(kernels.g1_msm(pk.l_g1, ww[32 * (npub + 1):])) + msm_h
    pc = kernels.g1_msm(lh + pa + pb1 + d1, to_words([1, 1, s, r, (-r * s) % R]))
    proof = Proof(G1Point.from_bytes(pa), _b_in_g2(pb2), G1Point.from_bytes(pc))
    report(PROVE_STEPS[6], 6, total)
    if not _verifies(pk.vk, w[1:npub + 1], proof):
        _unsatisfied(pk, wit)
    report(PROVE_STEPS[6], total, total)
    return proof


def _h_from_matrices(pk: ProvingKey, w_le: bytes) -> bytes:
    """h (big-endian words) from the key's A and B by the C sparse mat-vec kernel: on the
    domain C = A * B when the witness satisfies (a witness that does not gives a proof that
    does not verify, which :func:`prove` checks)."""
    h = kernels.qap_h_zkey(pk.matrices.zkey_coefficients(), w_le, pk.domain_size)
    return np.frombuffer(h, dtype=np.uint8).reshape(-1, 32)[:, ::-1].tobytes()


def _verifies(vk: Any, public: Sequence[int], proof: Proof) -> bool:
    from .verifier import verify

    return verify(vk, list(public), proof)


class PreparedProvingKey:
    """A proving key made ready for many proofs (a server, a batch, a Dask worker).

    Preparing writes the key once in the layout the C kernels prove from in place (a
    ``.zkey`` in memory, read by :class:`zkp.groth16.Prover`) and, with ``tables``,
    precomputes levels of shifted bases so that each MSM is one window (about 60 MB for a
    6,000-constraint circuit, a few seconds to build; ``table_bytes`` caps them). Give it to
    :func:`prove` (or anything that takes a proving key and calls :func:`prove`) instead of
    the key.

    Args:
        pk: the proving key.
        tables: precompute the shifted bases (default): for many proofs.
        table_bytes: the most memory the tables may take (without room, none are built).

    Raises:
        InputTypeError: ``pk`` is not a ProvingKey.

    Security: variable-time arithmetic; fresh ``(r, s)`` from ``secrets`` for every proof
    (or the given ``rng``); every proof is verified before it is returned.
    """

    __slots__ = ("pk", "_prover")

    def __init__(self, pk: ProvingKey, *, tables: bool = True, table_bytes: int = 512 << 20) -> None:
        from ..formats.zkey import write_zkey

        if not isinstance(pk, ProvingKey):
            raise InputTypeError(f"pk: expected a ProvingKey, found {type(pk).__name__}")
        self.pk = pk
        self._prover = Prover(write_zkey(pk), tables=tables, table_bytes=table_bytes)

    @property
    def vk(self) -> VerifyingKey:
        return self.pk.vk

    @property
    def num_wires(self) -> int:
        return self.pk.num_wires

    @property
    def num_public(self) -> int:
        return self.pk.num_public

    @property
    def has_tables(self) -> bool:
        """True when the shifted-base tables were built (they fit in ``table_bytes``)."""
        return bool(self._prover._tables)

    def prove(self, witness: Witness | Sequence[int], *, rng: Any = None, progress: Progress = None) -> Proof:
        """A proof for ``witness`` (as :func:`prove`)."""
        wit = _witness(witness, self.num_wires, self.num_public)
        try:
            proof, _ = self._prover.prove(_le_words(wit), rng=rng, progress=progress)
        except UnsatisfiedError:  # named below, outside the handler (no chained traceback)
            pass
        else:
            return proof
        _unsatisfied(self.pk, wit)

    def __reduce__(self) -> NoReturn:
        raise InputTypeError("a PreparedProvingKey does not travel (its tables are large): send the "
                             "ProvingKey (zkp.formats.binary.dump_proving_key) and prepare it where it proves")

    def __repr__(self) -> str:
        return f"PreparedProvingKey({self.pk!r}, tables={self.has_tables})"
