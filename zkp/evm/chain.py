"""EVM chains to deploy verifiers on: an in-process EVM, or any node over JSON-RPC.

:class:`EmbeddedEVM` runs revm in-process (the ``pyrevm`` package, ``pip install
zkmpc[evm]``): no node, no network, a fresh state per object. :class:`RpcChain` talks to any
JSON-RPC endpoint through web3.py (also in the ``evm`` extra): anvil, a testnet, mainnet.
Both report the gas of a call as a transaction would pay it: 21,000, the calldata, and the
execution.

Both answer a read-only :meth:`~Chain.call` (nothing is recorded) and send state-changing
transactions with :meth:`~Chain.transact`, whose :class:`Receipt` holds the gas used, the
events (:class:`Log`) and, for a revert, the revert data (a custom error, for instance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import ChainError, InputTypeError, ToolError

__all__ = ["CallResult", "Chain", "EmbeddedEVM", "Log", "Receipt", "RpcChain"]

_GAS_CAP = 30_000_000
_HALTED = "outofgas"  # anvil: "EVM error OutOfGas", geth: "out of gas" (spaces dropped)
_REVERT_OUTPUT = re.compile(r"output: 0x([0-9a-fA-F]*)")


@dataclass(frozen=True)
class CallResult:
    """What a call returned: its output, whether it reverted (an exceptional halt such as
    running out of gas counts as a revert: the call returned nothing), and the gas a
    transaction making the same call uses (None where the chain cannot tell without
    sending one). For a revert, ``output`` is the revert data (empty for a halt or a bare
    ``revert(0, 0)``)."""

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


@dataclass(frozen=True)
class Log:
    """An event a transaction emitted: the emitting contract, its topics, its data."""

    address: str
    topics: tuple[bytes, ...]
    data: bytes


@dataclass(frozen=True)
class Receipt:
    """A transaction's outcome: whether it reverted (then ``revert_data`` holds what the
    contract reverted with, empty for a halt), the gas it used, its events."""

    reverted: bool
    gas_used: int
    logs: tuple[Log, ...] = ()
    revert_data: bytes = b""


class Chain(Protocol):
    @property
    def chain_id(self) -> int: ...
    def deploy(self, bytecode: bytes) -> str: ...
    def call(self, to: str, data: bytes, *, gas: int | None = None) -> CallResult: ...
    def transact(self, to: str, data: bytes, *, sender: str | None = None, gas: int | None = None) -> Receipt: ...
    def transaction_gas(self, to: str, data: bytes) -> int: ...
    def timestamp(self) -> int: ...


def _need_bytes(data: object, what: str) -> bytes:
    if not isinstance(data, (bytes, bytearray)):
        raise InputTypeError(f"{what}: expected bytes, found {type(data).__name__}")
    return bytes(data)


def _need_gas(gas: object) -> int | None:
    if gas is not None and (not isinstance(gas, int) or isinstance(gas, bool) or not 0 < gas <= _GAS_CAP):
        raise InputTypeError(f"gas: expected an int in [1, {_GAS_CAP}] or None, found {gas!r}")
    return gas


class EmbeddedEVM:
    """An in-process EVM (revm through pyrevm) with one funded sender.

    Example (``compiled`` from :func:`zkp.evm.compile_solidity`)::

        evm = EmbeddedEVM()
        address = evm.deploy(compiled.bytecode)
        result = evm.call(address, data)          # read-only: nothing is recorded
        receipt = evm.transact(address, data)     # recorded; receipt.logs, receipt.gas_used

    Any address may send a transaction (gas is free here). The block starts at timestamp 1
    and moves only with :meth:`advance_time`.

    Each transaction starts from settled state, as on a node: every account and storage
    slot cold (EIP-2929) and every slot's original value its present one (EIP-2200).
    pyrevm keeps one journal across message calls, which would price a slot an earlier
    transaction touched as warm; so after each deployment and transaction the state is
    moved into a fresh pyrevm instance (the storage keys are read from pyrevm's journal).
    """

    SENDER = "0x" + "5a" * 20

    def __init__(self) -> None:
        try:
            import pyrevm
        except ImportError as exc:
            raise ToolError("the embedded EVM needs pyrevm: pip install 'zkmpc[evm]'") from exc
        self._pyrevm: Any = pyrevm
        self._evm = pyrevm.EVM()
        self._evm.set_balance(self.SENDER, 10**24)
        self._slots: dict[str, set[int]] = {}  # every storage key ever written, per account

    def __repr__(self) -> str:
        return "EmbeddedEVM(pyrevm)"

    @property
    def chain_id(self) -> int:
        env: Any = self._evm.env  # pyrevm's stubs type env's properties wrongly
        return int(env.cfg.chain_id)

    def deploy(self, bytecode: bytes) -> str:
        code = _need_bytes(bytecode, "bytecode")
        try:
            address = str(self._evm.deploy(self.SENDER, code, gas=_GAS_CAP))
        except RuntimeError as exc:
            raise ChainError(f"deployment failed: {exc}") from exc
        self._settle()
        return address

    def _settle(self) -> None:
        """Move the present state into a fresh pyrevm instance: a new journal, in which
        every account and slot is cold and every slot's original value is its present one.

        pyrevm writes an account's first inserted slot to its database but later ones into
        its journal (warm, with original value 0) once the account is loaded; each insertion
        is therefore made inside a checkpoint that is rolled back, which unloads the account
        and keeps the database write."""
        old = self._evm
        journal = old.journal_str
        found = re.findall(r"(0x[0-9a-fA-F]{40}): Account \{.*?storage: \{(.*?)\}, status", journal)
        keys = [(address.lower(), int(k)) for address, text in found for k in re.findall(r"(\d+): StorageSlot", text)]
        if len(found) != len(old.journal_state) or len(keys) != journal.count("StorageSlot {"):
            raise ChainError(f"pyrevm {getattr(self._pyrevm, '__version__', '?')}: its journal's format "
                             "changed; the embedded EVM cannot carry its state to the next transaction")
        for address, key in keys:
            self._slots.setdefault(address, set()).add(key)
        new = self._pyrevm.EVM()

        def to_database(insert: Any, *args: Any) -> None:
            checkpoint = new.snapshot()
            insert(*args)
            new.revert(checkpoint)

        accounts = sorted({a.lower() for a in (*old.db_accounts, *old.journal_state)})
        for address in accounts:
            code = old.get_code(address)
            info = self._pyrevm.AccountInfo(nonce=old.basic(address).nonce, code=code or None)
            to_database(new.insert_account_info, address, info)
            slots = self._slots.get(address, set())
            for key in sorted(slots):
                value = old.storage(address, key)
                if value:
                    to_database(new.insert_account_storage, address, key, value)
                else:  # a slot reads 0 unless written: nothing to carry
                    slots.discard(key)
        for address in accounts:  # balances live in the journal only (gas is free: senders only)
            if old.get_balance(address):
                new.set_balance(address, old.get_balance(address))
        env: Any = old.env
        b = env.block
        new.set_block_env(self._pyrevm.BlockEnv(
            number=b.number, coinbase=b.coinbase, timestamp=b.timestamp, difficulty=b.difficulty,
            prevrandao=b.prevrandao, basefee=b.basefee, gas_limit=b.gas_limit))
        self._evm = new

    def _run(self, sender: str, to: str, payload: bytes, gas: int | None) -> tuple[bytes, bool, int, tuple[Log, ...]]:
        """Execute a message call (recorded in the state unless the caller rolls it back):
        (output or revert data, reverted, gas used, logs)."""
        try:
            out = self._evm.message_call(sender, to, payload, gas=gas if gas is not None else _GAS_CAP)
        except RuntimeError as exc:
            text = str(exc)
            if text.startswith(("Revert", "Halt")):  # a revert, or out of gas and the like
                m = _REVERT_OUTPUT.search(text) if text.startswith("Revert") else None
                used = re.search(r"gas_used: (\d+)", text)
                return (bytes.fromhex(m.group(1)) if m else b""), True, int(used.group(1)) if used else 0, ()
            raise ChainError(f"call failed: {text}") from exc
        result = self._evm.result
        if result is None:
            return bytes(out), False, 0, ()
        logs = tuple(Log(str(lg.address), tuple(lg.data[0]), bytes(lg.data[1])) for lg in result.logs)
        return bytes(out), False, int(result.gas_used), logs

    def call(self, to: str, data: bytes, *, gas: int | None = None) -> CallResult:
        payload = _need_bytes(data, "data")
        checkpoint = self._evm.snapshot()
        try:
            out, reverted, used, _ = self._run(self.SENDER, to, payload, _need_gas(gas))
        finally:
            self._evm.revert(checkpoint)
        return CallResult(out, reverted, None if reverted else used)

    def transact(self, to: str, data: bytes, *, sender: str | None = None, gas: int | None = None) -> Receipt:
        """Run a transaction and record its effects (none when it reverts)."""
        out, reverted, used, logs = self._run(sender or self.SENDER, to, _need_bytes(data, "data"), _need_gas(gas))
        self._settle()
        return Receipt(reverted, used, logs, out if reverted else b"")

    def transaction_gas(self, to: str, data: bytes) -> int:
        res = self.call(to, data)
        if res.reverted or res.gas_used is None:
            raise ChainError("the transaction reverted")
        return res.gas_used

    def timestamp(self) -> int:
        """The timestamp of the block transactions run in."""
        env: Any = self._evm.env
        return int(env.block.timestamp or 0)

    def advance_time(self, seconds: int) -> None:
        """Move to a later block, ``seconds`` later."""
        if not isinstance(seconds, int) or seconds < 0:
            raise InputTypeError(f"seconds: expected an int >= 0, found {seconds!r}")
        env: Any = self._evm.env
        b = env.block
        self._evm.set_block_env(self._pyrevm.BlockEnv(
            number=(b.number or 0) + 1, coinbase=b.coinbase, timestamp=(b.timestamp or 0) + seconds,
            difficulty=b.difficulty, prevrandao=b.prevrandao, basefee=b.basefee, gas_limit=b.gas_limit))


def _revert_data(exc: Exception) -> bytes | None:
    """The revert data web3.py attached to a revert exception (None when it is not one)."""
    name = type(exc).__name__
    text = str(exc).lower()
    if not ("ContractLogicError" in name or "ContractCustomError" in name or "ContractPanicError" in name
            or "revert" in text or _HALTED in text.replace(" ", "")):
        return None
    data = getattr(exc, "data", None)
    if isinstance(data, str) and data.startswith("0x") and re.fullmatch(r"[0-9a-fA-F]*", data[2:]) \
            and len(data) % 2 == 0:
        return bytes.fromhex(data[2:])
    return b""


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
            self._chain_id = int(self._w3.eth.chain_id)
        except ChainError:
            raise
        except Exception as exc:  # connection refused, bad URL, not a JSON-RPC node
            raise ChainError(f"{url}: cannot reach the node ({type(exc).__name__}: {exc})") from exc

    def __repr__(self) -> str:
        return f"RpcChain({self.url!r}, chain_id={self.chain_id})"

    @property
    def chain_id(self) -> int:
        return self._chain_id

    def _submit(self, tx: dict[str, Any]) -> Any:
        """Send ``tx`` and wait for its receipt (whatever its status)."""
        tx = {"from": self.sender, **tx}
        try:
            if self._key is None or tx["from"] != self.sender:
                h = self._w3.eth.send_transaction(tx)
            else:
                tx.setdefault("nonce", self._w3.eth.get_transaction_count(self.sender))
                tx.setdefault("chainId", self.chain_id)
                tx.setdefault("gas", int(self._w3.eth.estimate_gas(tx) * 1.2))
                tx.setdefault("gasPrice", self._w3.eth.gas_price)
                signed = self._w3.eth.account.sign_transaction(tx, self._key)
                h = self._w3.eth.send_raw_transaction(signed.raw_transaction)
            return self._w3.eth.wait_for_transaction_receipt(h, timeout=self._timeout)
        except Exception as exc:
            raise ChainError(f"transaction failed: {type(exc).__name__}: {exc}") from exc

    def _send(self, tx: dict[str, Any]) -> Any:
        receipt = self._submit(tx)
        if receipt["status"] != 1:
            raise ChainError(f"transaction {receipt['transactionHash'].hex()} reverted "
                             f"(gas used {receipt['gasUsed']})")
        return receipt

    def deploy(self, bytecode: bytes) -> str:
        receipt = self._send({"data": "0x" + _need_bytes(bytecode, "bytecode").hex()})
        return str(receipt["contractAddress"])

    def call(self, to: str, data: bytes, *, gas: int | None = None) -> CallResult:
        tx: dict[str, Any] = {"from": self.sender, "to": to, "data": "0x" + _need_bytes(data, "data").hex()}
        if _need_gas(gas) is not None:
            tx["gas"] = gas
        try:
            out = self._w3.eth.call(tx)
        except Exception as exc:
            revert = _revert_data(exc)
            if revert is not None:
                return CallResult(revert, True, None)
            raise ChainError(f"eth_call failed: {type(exc).__name__}: {exc}") from exc
        return CallResult(bytes(out), False, None)

    def transact(self, to: str, data: bytes, *, sender: str | None = None, gas: int | None = None) -> Receipt:
        """Send a transaction from ``sender`` (an unlocked account; default this chain's
        sender) and wait for it to be mined. Without ``gas`` the node's estimate is the
        limit, and a transaction the estimate shows reverting is not sent (its revert data is
        in the receipt, ``gas_used`` 0). A mined transaction that reverts is replayed as a
        call on the state before its block to recover its revert data."""
        tx: dict[str, Any] = {"from": sender or self.sender, "to": to,
                              "data": "0x" + _need_bytes(data, "data").hex()}
        if _need_gas(gas) is None:
            try:
                tx["gas"] = int(self._w3.eth.estimate_gas(tx))
            except Exception as exc:
                revert = _revert_data(exc)
                if revert is None:
                    raise ChainError(f"eth_estimateGas failed: {type(exc).__name__}: {exc}") from exc
                return Receipt(True, 0, (), revert)
        else:
            tx["gas"] = gas
        receipt = self._submit(tx)
        logs = tuple(Log(str(lg["address"]), tuple(bytes(t) for t in lg["topics"]), bytes(lg["data"]))
                     for lg in receipt["logs"])
        if receipt["status"] == 1:
            return Receipt(False, int(receipt["gasUsed"]), logs)
        try:
            self._w3.eth.call(tx, receipt["blockNumber"] - 1)
            revert = b""
        except Exception as exc:
            revert = _revert_data(exc) or b""
        return Receipt(True, int(receipt["gasUsed"]), (), revert)

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

    def accounts(self) -> list[str]:
        """The node's unlocked accounts (anvil and hardhat have ten)."""
        return [str(a) for a in self._w3.eth.accounts]

    def request(self, method: str, params: list[Any]) -> Any:
        """A raw JSON-RPC request (``anvil_setBalance``, ``evm_mine``...); its result.

        Raises:
            ChainError: the node answered with an error.
        """
        resp = self._w3.provider.make_request(method, params)
        if "error" in resp:
            raise ChainError(f"{method}: {resp['error']}")
        return resp.get("result")

    def timestamp(self) -> int:
        """The latest block's timestamp."""
        return int(self._w3.eth.get_block("latest")["timestamp"])

    def advance_time(self, seconds: int) -> None:
        """Mine a block ``seconds`` later (anvil and hardhat: ``evm_increaseTime``)."""
        if not isinstance(seconds, int) or seconds < 0:
            raise InputTypeError(f"seconds: expected an int >= 0, found {seconds!r}")
        self.request("evm_increaseTime", [seconds])
        self.request("evm_mine", [])
