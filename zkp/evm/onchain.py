"""A deployed verifier: compile, deploy, verify and measure gas in three lines.

    >>> import warnings
    >>> from zkp import groth16
    >>> from zkp.r1cs import R1CSBuilder
    >>> from zkp.evm import OnchainVerifier
    >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
    >>> _ = b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     pk, vk = groth16.setup(b.build())
    >>> verifier = OnchainVerifier.deploy(vk, allow_development=True)  # solc, then an EmbeddedEVM
    >>> proof = groth16.prove(pk, [1, 9, 3])
    >>> verifier.verify(proof, [9]), verifier.verify(proof, [4])
    (True, False)
"""

from __future__ import annotations

from typing import Sequence

from ..errors import InputTypeError, MalformedInputError
from ..groth16.keys import Proof, VerifyingKey
from .calldata import batch_calldata, calldata
from .chain import Chain, EmbeddedEVM
from .solc import CompiledContract, compile_solidity
from .verifier import DEFAULT_PRAGMA, export_verifier

__all__ = ["OnchainVerifier"]


class OnchainVerifier:
    """The exported verifier of one key, deployed at ``address`` on ``chain``."""

    def __init__(self, chain: Chain, address: str, vk: VerifyingKey,
                 compiled: CompiledContract | None = None) -> None:
        if not isinstance(vk, VerifyingKey):
            raise InputTypeError(f"vk: expected a VerifyingKey, found {type(vk).__name__}")
        self.chain, self.address, self.vk, self.compiled = chain, address, vk, compiled

    def __repr__(self) -> str:
        return f"OnchainVerifier({self.address}, num_public={self.vk.num_public}, on {self.chain!r})"

    @classmethod
    def deploy(cls, vk: VerifyingKey, chain: Chain | None = None, *, contract_name: str = "Groth16Verifier",
               pragma: str = DEFAULT_PRAGMA, allow_development: bool = False) -> OnchainVerifier:
        """Export ``vk``'s verifier, compile it (solc) and deploy it on ``chain`` (a fresh
        :class:`EmbeddedEVM` by default).

        Raises:
            SetupError: a development key without ``allow_development=True`` (see
                :func:`~zkp.evm.export_verifier`), before anything is compiled or deployed.
        """
        source = export_verifier(vk, contract_name=contract_name, pragma=pragma,
                                 allow_development=allow_development)
        compiled = compile_solidity(source, contract_name)
        chain = chain if chain is not None else EmbeddedEVM()
        return cls(chain, chain.deploy(compiled.bytecode), vk, compiled)

    def _data(self, proof: Proof, public: Sequence[int]) -> bytes:
        cd = calldata(proof, public)
        if len(cd.inputs) != self.vk.num_public:
            raise MalformedInputError(f"public inputs: expected {self.vk.num_public}, found {len(cd.inputs)}")
        return cd.to_bytes()

    def verify(self, proof: Proof, public: Sequence[int], *, gas: int | None = None) -> bool:
        """Call ``verifyProof`` (no transaction); the contract's answer.

        Raises:
            ChainError: the call reverted: a point the precompiles refuse, or too little
                ``gas``.
        """
        return self.chain.call(self.address, self._data(proof, public), gas=gas).as_bool()

    def verify_batch(self, items: Sequence[tuple[Sequence[int], Proof]]) -> bool:
        """Call ``verifyProofs`` for ``[(public, proof), ...]``."""
        return self.chain.call(self.address, batch_calldata(items)).as_bool()

    def gas(self, proof: Proof, public: Sequence[int]) -> int:
        """Gas of a ``verifyProof`` transaction (21,000 + calldata + execution)."""
        return self.chain.transaction_gas(self.address, self._data(proof, public))

    def batch_gas(self, items: Sequence[tuple[Sequence[int], Proof]]) -> int:
        return self.chain.transaction_gas(self.address, batch_calldata(items))
