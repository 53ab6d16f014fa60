"""A group contract on an EVM chain: membership roots in a window, open scopes, nullifiers,
and proofs validated through an exported Groth16 verifier (public signals: root, nullifier,
message hash, scope hash, as Semaphore v4 orders them).

    >>> from zkp.evm import EmbeddedEVM
    >>> from zkmpc.contracts import GroupContract
    >>> chain = EmbeddedEVM()
    >>> group = GroupContract.deploy(chain, verifier="0x" + "11" * 20, root_window=2)
    >>> for root in (101, 102, 103):
    ...     _ = group.add_root(root)
    >>> group.current_root(), group.root_count(), group.is_root_valid(102), group.is_root_valid(101)
    (103, 3, True, False)

Every refusal raises the named exception of :mod:`zkmpc.errors` that the contract's custom
error stands for (on chain: a revert), e.g. :class:`~zkmpc.errors.NullifierUsedError`.
"""

from __future__ import annotations

from typing import Sequence

from zkp.evm import CompiledContract, calldata
from zkp.evm.chain import Chain, Receipt
from zkp.groth16 import Proof

from ..errors import ContractError, ContractInputError, ContractRevertError
from .abi import encode_call, need_address, need_uint
from .client import ContractClient, deploy_words
from .source import DEFAULT_ROOT_WINDOW, compile_group

__all__ = ["GroupContract", "GroupContractBase", "proof_words"]

_PROOF_ARGS = "uint256[8],uint256,uint256,uint256,uint256"


def proof_words(proof: Proof) -> list[int]:
    """The 8 words of a proof as the verifier reads them (B in EIP-197 order)."""
    if not isinstance(proof, Proof):
        raise ContractInputError(f"proof: expected a zkp.groth16.Proof, found {type(proof).__name__}")
    return calldata(proof, []).words()


class GroupContractBase(ContractClient):
    """What both group contracts answer: roots, scopes, nullifiers, proofs."""

    # ------------------------------------------------------------------ reads

    def current_root(self) -> int:
        return self._read("currentRoot()")[0]

    def root_count(self) -> int:
        """How many roots were ever recorded (the current root's sequence number)."""
        return self._read("rootCount()")[0]

    def root_info(self, root: int) -> tuple[int, int]:
        """(sequence number, timestamp) of a recorded root; (0, 0) for an unknown one."""
        seq, ts = self._read("roots(uint256)", [need_uint(root, "root")])
        return seq, ts

    def check_root(self, root: int) -> None:
        """Raise the contract's refusal for ``root`` (unknown, stale, expired), if any."""
        self._read("checkRoot(uint256)", [need_uint(root, "root")])

    def is_root_valid(self, root: int) -> bool:
        try:
            self.check_root(root)
        except ContractRevertError:
            return False
        return True


    # ------------------------------------------------------------------ admin


    # ------------------------------------------------------------------ proofs

    def proof_calldata(self, function: str, proof: Proof, *, root: int, nullifier: int, message: int,
                       scope: int) -> bytes:
        """The complete ``data`` of a ``validateProof`` or ``verifyProof`` call (message and
        scope as they are: the contract hashes them)."""
        if function not in ("validateProof", "verifyProof"):
            raise ContractInputError(f"function: expected validateProof or verifyProof, found {function!r}")
        args = [need_uint(root, "root"), need_uint(nullifier, "nullifier"), need_uint(message, "message"),
                need_uint(scope, "scope")]
        return encode_call(f"{function}({_PROOF_ARGS})", proof_words(proof) + args)

    def validate(self, proof: Proof, *, root: int, nullifier: int, message: int, scope: int,
                 sender: str | None = None, gas: int | None = None) -> Receipt:
        """Send ``validateProof``: verify, check the root and the scope, record the
        nullifier (its event ``ProofValidated`` is in the receipt's logs).

        Raises:
            ContractRevertError: the contract's refusals, each its own subclass
                (NullifierUsedError, UnknownRootError, StaleRootError, ExpiredRootError,
                ScopeNotOpenError, InvalidProofError, VerifierRevertedError); the
                transaction is not sent when the node's estimate shows one.
            ContractError: a revert without a known error (too little ``gas``).
        """
        data = self.proof_calldata("validateProof", proof, root=root, nullifier=nullifier, message=message,
                                   scope=scope)
        receipt = self.chain.transact(self.address, data, sender=sender, gas=gas)
        if receipt.reverted:
            raise self._refusal(receipt.revert_data, "validateProof")
        return receipt

    def verify(self, proof: Proof, *, root: int, nullifier: int, message: int, scope: int) -> bool:
        """Call the view ``verifyProof``: the verifier's answer, recording nothing (the
        nullifier is not looked at: see :meth:`is_nullifier_used`).

        Raises:
            ContractRevertError: as :meth:`validate` (UnknownRootError, StaleRootError,
                ExpiredRootError, ScopeNotOpenError, VerifierRevertedError).
        """
        data = self.proof_calldata("verifyProof", proof, root=root, nullifier=nullifier, message=message,
                                   scope=scope)
        res = self.chain.call(self.address, data)
        if res.reverted:
            raise self._refusal(res.output, "verifyProof")
        return res.as_bool()


class GroupContract(GroupContractBase):
    """``ZkGroup``: a group whose admin records each new membership root."""

    @classmethod
    def deploy(cls, chain: Chain, verifier: str, *, admin: str | None = None, max_age: int = 0,
               root_window: int = DEFAULT_ROOT_WINDOW, compiled: CompiledContract | None = None) -> GroupContract:
        """Compile (unless ``compiled`` is given: :func:`compile_group`) and deploy a group
        using the verifier at ``verifier`` (exported by :func:`zkp.evm.export_verifier` for
        a circuit whose public signals are root, nullifier, message hash, scope hash);
        ``admin`` defaults to the chain's sender. A root stays valid while it is one of the
        last ``root_window`` roots and, when ``max_age`` is not 0, for ``max_age`` seconds
        after it was recorded (the current root too: recording it again renews it)."""
        compiled = compiled if compiled is not None else compile_group("ZkGroup", root_window=root_window)
        if compiled.name != "ZkGroup":
            raise ContractInputError(f"compiled: expected ZkGroup, found {compiled.name}")
        return cls(chain, chain.deploy(compiled.bytecode + deploy_words(chain, verifier, admin, max_age)), compiled)

    def add_root(self, root: int, *, sender: str | None = None) -> Receipt:
        """Record ``root`` as the group's current root (admin only); the previous roots stay
        valid while in the window."""
        return self._send("addRoot(uint256)", [need_uint(root, "root")], sender=sender)
