"""What every application contract's Python side shares: view calls and transactions whose
custom errors come back as the named exceptions of :mod:`zkmpc.errors`, and the admin,
scope and nullifier functions every template has."""

from __future__ import annotations

from typing import Sequence

from zkp.evm import CompiledContract
from zkp.evm.chain import Chain, Receipt

from ..errors import ContractError, ContractInputError
from .abi import decode_revert, encode_call, need_address, need_uint

__all__ = ["ContractClient", "deploy_words", "sender_of"]


def sender_of(chain: Chain) -> str:
    """The chain's default sender (the admin when none is named)."""
    sender = getattr(chain, "sender", None) or getattr(chain, "SENDER", None)
    if not isinstance(sender, str):
        raise ContractInputError(f"admin: {chain!r} has no default sender; pass admin=")
    return sender


def deploy_words(chain: Chain, verifier: str, admin: str | None, max_age: int, *more: int) -> bytes:
    """The constructor arguments every app and group contract starts with (verifier, admin,
    maximum root age), then ``more`` words, ABI-encoded."""
    words = [int(need_address(verifier, "verifier"), 16),
             int(need_address(admin if admin is not None else sender_of(chain), "admin"), 16),
             need_uint(max_age, "max_age", 64), *more]
    return b"".join(w.to_bytes(32, "big") for w in words)


class ContractClient:
    """A deployed zkmpc contract at ``address`` on ``chain``."""

    def __init__(self, chain: Chain, address: str, compiled: CompiledContract | None = None) -> None:
        self.chain, self.address, self.compiled = chain, need_address(address, "address"), compiled

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.address} on {self.chain!r})"

    # ------------------------------------------------------------------ plumbing

    def _read(self, signature: str, words: Sequence[int] = ()) -> list[int]:
        """A view call's returned words; a custom error raises its named exception."""
        res = self.chain.call(self.address, encode_call(signature, words))
        if res.reverted:
            raise self._refusal(res.output, signature)
        if len(res.output) % 32:
            raise ContractError(f"{signature}: expected ABI words, found 0x{res.output.hex()}")
        return [int.from_bytes(res.output[i:i + 32], "big") for i in range(0, len(res.output), 32)]

    def _send(self, signature: str, words: Sequence[int], *, sender: str | None = None,
              gas: int | None = None) -> Receipt:
        receipt = self.chain.transact(self.address, encode_call(signature, words), sender=sender, gas=gas)
        if receipt.reverted:
            raise self._refusal(receipt.revert_data, signature)
        return receipt

    @staticmethod
    def _refusal(data: bytes, what: str) -> Exception:
        err = decode_revert(data)
        if err is not None:
            return err
        return ContractError(f"{what}: reverted without a known error (0x{data.hex()}): out of gas, or "
                             "not a zkmpc contract")

    # ------------------------------------------------------------------ what every template has

    def is_scope_open(self, scope: int) -> bool:
        return self._read("scopeOpen(uint256)", [need_uint(scope, "scope")])[0] == 1

    def is_nullifier_used(self, nullifier: int) -> bool:
        return self._read("nullifierUsed(uint256)", [need_uint(nullifier, "nullifier")])[0] == 1

    def admin(self) -> str:
        return f"0x{self._read('admin()')[0]:040x}"

    def verifier(self) -> str:
        return f"0x{self._read('verifier()')[0]:040x}"

    def set_scope(self, scope: int, is_open: bool = True, *, sender: str | None = None) -> Receipt:
        """Open (or close) a scope: proofs are validated only for open scopes."""
        if not isinstance(is_open, bool):
            raise ContractInputError(f"is_open: expected a bool, found {type(is_open).__name__}")
        return self._send("setScope(uint256,bool)", [need_uint(scope, "scope"), int(is_open)], sender=sender)

    def set_admin(self, admin: str, *, sender: str | None = None) -> Receipt:
        return self._send("setAdmin(address)", [int(need_address(admin, "admin"), 16)], sender=sender)
