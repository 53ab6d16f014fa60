"""EVM chains to deploy verifiers on: an in-process EVM, or any node over JSON-RPC.

:class:`EmbeddedEVM` runs revm in-process (the ``pyrevm`` package, ``pip install
zkmpc[evm]``): no node, no network, a fresh state per object. :class:`RpcChain` talks to any
JSON-RPC endpoint through web3.py (also in the ``evm`` extra): anvil, a testnet, mainnet.
Both report the gas of a call as a transaction would pay it: 21,000, the calldata, and the
execution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import ChainError, InputTypeError, ToolError

__all__ = ["CallResult", "Chain", "EmbeddedEVM", "RpcChain"]

_GAS_CAP = 30_000_000
_HALTED = "outofgas"  # anvil: "EVM error OutOfGas", geth: "out of gas" (spaces dropped)


@dataclass(frozen=True)
class CallResult:
    """What a call returned: its output, whether it reverted (an exceptional halt such as
    running out of gas counts as a revert: the call returned nothing), and the gas a
    transaction making the same call uses (None where the chain cannot tell without
    sending one)."""

    output: bytes
    reverted: bool
    gas_used: int | None

    def as_bool(self) -> bool:
        """The returned ``bool``; :class:`ChainError` for a revert or a malformed return."""
        if self.reverted:
            raise ChainError(f"the call reverted (output 0x{self.output.hex()})")
        if len(self.output) != 32 or int.from_bytes(self.output, "big") > 1:
            raise ChainError(f"expected an ABI bool, found 0x{self.output.hex()}")
        return self.output[-1] == 1


class Chain(Protocol):
    def deploy(self, bytecode: bytes) -> str: ...
    def call(self, to: str, data: bytes, *, gas: int | None = None) -> CallResult: ...
    def transaction_gas(self, to: str, data: bytes) -> int: ...


def _need_bytes(data: object, what: str) -> bytes:
    if not isinstance(data, (bytes, bytearray)):
        raise InputTypeError(f"{what}: expected bytes, found {type(data).__name__}")
    return bytes(data)


class EmbeddedEVM:
    """An in-process EVM (revm through pyrevm) with one funded sender.

    Example (``compiled`` from :func:`zkp.evm.compile_solidity`)::

        evm = EmbeddedEVM()
        address = evm.deploy(compiled.bytecode)
        result = evm.call(address, data)
    """

    SENDER = "0x" + "5a" * 20

    def __init__(self) -> None:
        try:
            import pyrevm
        except ImportError as exc:
            raise ToolError("the embedded EVM needs pyrevm: pip install 'zkmpc[evm]'") from exc
        self._evm = pyrevm.EVM()
        self._evm.set_balance(self.SENDER, 10**24)

    def __repr__(self) -> str:
        return "EmbeddedEVM(pyrevm)"

    def deploy(self, bytecode: bytes) -> str:
        code = _need_bytes(bytecode, "bytecode")
        try:
            return str(self._evm.deploy(self.SENDER, code, gas=_GAS_CAP))
        except RuntimeError as exc:
            raise ChainError(f"deployment failed: {exc}") from exc

    def call(self, to: str, data: bytes, *, gas: int | None = None) -> CallResult:
        payload = _need_bytes(data, "data")
        try:
            out = self._evm.message_call(self.SENDER, to, payload, gas=gas if gas is not None else _GAS_CAP)
        except RuntimeError as exc:
            text = str(exc)
            if text.startswith(("Revert", "Halt")):  # a revert, or out of gas and the like
                return CallResult(b"", True, None)
            raise ChainError(f"call failed: {text}") from exc
        result = self._evm.result
        used = int(result.gas_used) if result is not None else None
        return CallResult(bytes(out), False, used)

    def transaction_gas(self, to: str, data: bytes) -> int:
        res = self.call(to, data)
        if res.reverted or res.gas_used is None:
            raise ChainError("the transaction reverted")
        return res.gas_used


class RpcChain:
    """A node reached over JSON-RPC (web3.py). Transactions come from ``private_key``'s
    account, or from the node's first unlocked account (anvil, hardhat) when none is given."""

    def __init__(self, url: str, *, private_key: str | None = None, timeout: float = 60.0) -> None:
        if not isinstance(url, str):
            raise InputTypeError(f"url: expected a str, found {type(url).__name__}")
        try:
            from web3 import Web3
        except ImportError as exc:
            raise ToolError("RPC chains need web3.py: pip install 'zkmpc[evm]'") from exc
        self.url = url
        self._timeout = timeout
        self._w3: Any = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": timeout}))
        self._key = private_key
        try:
            if private_key is not None:
                self.sender = self._w3.eth.account.from_key(private_key).address
            else:
                accounts = self._w3.eth.accounts
                if not accounts:
                    raise ChainError(f"{url}: the node has no unlocked account; pass private_key=")
                self.sender = accounts[0]
            self.chain_id = int(self._w3.eth.chain_id)
        except ChainError:
            raise
        except Exception as exc:  # connection refused, bad URL, not a JSON-RPC node
            raise ChainError(f"{url}: cannot reach the node ({type(exc).__name__}: {exc})") from exc

    def __repr__(self) -> str:
        return f"RpcChain({self.url!r}, chain_id={self.chain_id})"

    def _send(self, tx: dict[str, Any]) -> Any:
        tx = {"from": self.sender, **tx}
        try:
            if self._key is None:
                h = self._w3.eth.send_transaction(tx)
            else:
                tx.setdefault("nonce", self._w3.eth.get_transaction_count(self.sender))
                tx.setdefault("chainId", self.chain_id)
                tx.setdefault("gas", int(self._w3.eth.estimate_gas(tx) * 1.2))
                tx.setdefault("gasPrice", self._w3.eth.gas_price)
                signed = self._w3.eth.account.sign_transaction(tx, self._key)
                h = self._w3.eth.send_raw_transaction(signed.raw_transaction)
            receipt = self._w3.eth.wait_for_transaction_receipt(h, timeout=self._timeout)
        except Exception as exc:
            raise ChainError(f"transaction failed: {type(exc).__name__}: {exc}") from exc
        if receipt["status"] != 1:
            raise ChainError(f"transaction {h.hex()} reverted (gas used {receipt['gasUsed']})")
        return receipt

    def deploy(self, bytecode: bytes) -> str:
        receipt = self._send({"data": "0x" + _need_bytes(bytecode, "bytecode").hex()})
        return str(receipt["contractAddress"])

    def call(self, to: str, data: bytes, *, gas: int | None = None) -> CallResult:
        tx: dict[str, Any] = {"from": self.sender, "to": to, "data": "0x" + _need_bytes(data, "data").hex()}
        if gas is not None:
            tx["gas"] = gas
        try:
            out = self._w3.eth.call(tx)
        except Exception as exc:
            name = type(exc).__name__
            text = str(exc).lower()
            if "ContractLogicError" in name or "revert" in text or _HALTED in text.replace(" ", ""):
                return CallResult(b"", True, None)
            raise ChainError(f"eth_call failed: {name}: {exc}") from exc
        return CallResult(bytes(out), False, None)

    def estimate_gas(self, to: str, data: bytes) -> int:
        """The node's ``eth_estimateGas`` for a transaction making this call: the gas limit
        it would give that transaction."""
        tx = {"from": self.sender, "to": to, "data": "0x" + _need_bytes(data, "data").hex()}
        try:
            return int(self._w3.eth.estimate_gas(tx))
        except Exception as exc:
            raise ChainError(f"eth_estimateGas failed: {type(exc).__name__}: {exc}") from exc

    def transaction_gas(self, to: str, data: bytes) -> int:
        """Send the call as a real transaction and return the receipt's gasUsed."""
        receipt = self._send({"to": to, "data": "0x" + _need_bytes(data, "data").hex(), "gas": _GAS_CAP // 2})
        return int(receipt["gasUsed"])
