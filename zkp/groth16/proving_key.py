"""The Groth16 proving key held in memory (built by :func:`zkp.groth16.setup`, read whole
from a ``.zkey`` or zkmpc's binary format); a ``.zkey`` prover reads the file in place
instead (:class:`zkp.groth16.Prover`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..curve import G1Point, G2Point
from ..errors import MalformedInputError
from .keys import _DEV_NOTE, VerifyingKey

if TYPE_CHECKING:  # numpy, the QAP and R1CS load where a key needs them
    from ..qap import QapMatrices
    from ..r1cs import R1CS

__all__ = ["ProvingKey"]


@dataclass(frozen=True, eq=False)
class ProvingKey:
    """The proving key: the constraint system (or, for a key read from a snarkjs ``.zkey``,
    only its A and B matrices: ``cs`` is None and ``matrices_`` holds them) plus packed point
    vectors.

    a_g1, b_g1, b_g2: ``[u_i(t)]_1, [v_i(t)]_1, [v_i(t)]_2`` for every wire;
    l_g1: ``[(beta*u_i + alpha*v_i + w_i)(t) / delta]_1`` for the private wires;
    h_g1: ``[L_(2i+1)(t) / delta]_1`` for i < n, the odd-indexed Lagrange basis of the
    2n-th roots of unity (snarkjs's H basis: the prover's scalars are ``A*B - C`` on the
    odd 2n-th roots, with no division by Z and no final inverse NTT).
    """

    vk: VerifyingKey
    cs: R1CS | None
    domain_size: int
    alpha_g1: G1Point
    beta_g1: G1Point
    delta_g1: G1Point
    beta_g2: G2Point
    delta_g2: G2Point
    a_g1: bytes
    b_g1: bytes
    b_g2: bytes
    l_g1: bytes
    h_g1: bytes
    matrices_: QapMatrices | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.cs is None and self.matrices_ is None:
            raise MalformedInputError("proving key: needs the R1CS or the QAP matrices")
        nw, npub, n = self.num_wires, self.num_public, self.domain_size
        sizes = {"a_g1": 64 * nw, "b_g1": 64 * nw, "b_g2": 128 * nw,
                 "l_g1": 64 * (nw - npub - 1), "h_g1": 64 * n}
        for name, size in sizes.items():
            if len(getattr(self, name)) != size:
                raise MalformedInputError(f"proving key: {name} must be {size} bytes, "
                                          f"found {len(getattr(self, name))}")
        if self.vk.num_public != npub:
            raise MalformedInputError("proving key: verifying key and R1CS disagree on public inputs")

    @property
    def development(self) -> bool:
        return self.vk.development

    @cached_property
    def matrices(self) -> QapMatrices:
        """A and B as snarkjs stores them (from the R1CS when the key has one)."""
        if self.matrices_ is not None:
            return self.matrices_
        assert self.cs is not None
        from ..qap import QapMatrices

        return QapMatrices.from_r1cs(self.cs)

    @property
    def num_wires(self) -> int:
        return self.cs.num_wires if self.cs is not None else self.matrices.num_wires

    @property
    def num_public(self) -> int:
        return self.cs.num_public if self.cs is not None else self.matrices.num_public

    @property
    def num_constraints(self) -> int:
        return self.cs.num_constraints if self.cs is not None else self.matrices.num_constraints

    def __repr__(self) -> str:
        dev = ", development=True" if self.development else ""
        return (f"ProvingKey(constraints={self.num_constraints}, wires={self.num_wires}, "
                f"public={self.num_public}, domain={self.domain_size}{dev})")

    def _repr_html_(self) -> str:
        from ..display import html_table

        rows = [("constraints", f"{self.num_constraints:,}"), ("wires", f"{self.num_wires:,}"),
                ("public inputs", self.num_public), ("domain", f"2^{self.domain_size.bit_length() - 1}")]
        return html_table("Groth16 proving key (BN254)", rows, note=_DEV_NOTE if self.development else "")
