"""ABI words for the application contracts' calls, and their custom errors decoded into the named
exceptions of :mod:`zkmpc.errors`.

    >>> from zkmpc.contracts.abi import decode_revert, encode_call
    >>> data = encode_call("NullifierUsed(uint256)", [42])
    >>> err = decode_revert(data)
    >>> type(err).__name__, err.error, err.values
    ('NullifierUsedError', 'NullifierUsed', (42,))
"""

from __future__ import annotations

import re
from typing import Sequence

from zkp.evm import keccak256, selector

from .. import errors as E

__all__ = ["ERRORS", "decode_revert", "encode_call", "hash_signal", "need_address", "need_uint"]

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")

# Solidity error signature -> (exception class, what the refusal means)
ERRORS: dict[str, tuple[type[E.ContractRevertError], str]] = {
    "NotAdmin(address)": (E.NotAdminError, "expected the admin as sender, found {0:#042x}"),
    "InvalidRoot(uint256)": (E.InvalidRootError, "root: expected a value in [1, r), found {0}"),
    "UnknownRoot(uint256)": (E.UnknownRootError, "root {0}: expected a root the contract recorded, "
                                                 "found one it never saw"),
    "StaleRoot(uint256,uint256,uint256)": (E.StaleRootError, "root {0}: expected one of the last {2} roots, "
                                                             "found one {1} roots old"),
    "ExpiredRoot(uint256,uint256)": (E.ExpiredRootError, "root {0}: expired at timestamp {1}"),
    "ScopeNotOpen(uint256)": (E.ScopeNotOpenError, "scope {0}: expected a scope the admin opened, found a "
                                                   "closed or unknown one"),
    "NullifierUsed(uint256)": (E.NullifierUsedError, "nullifier {0}: already used (one signal per member "
                                                     "and scope)"),
    "InvalidProof()": (E.InvalidProofError, "the verifier refused the proof: a wrong proof, or a message, "
                                            "scope, root or nullifier other than the proven ones"),
    "VerifierReverted()": (E.VerifierRevertedError, "the verifier reverted: a proof point the precompiles "
                                                    "refuse, or too little gas for the pairing"),
    "UnauthorisedSigner(address)": (E.UnauthorisedSignerError, "relay: expected a signature by an authorised "
                                                               "signer, found one by {0:#042x}"),
    "RelayOutOfOrder(uint256,uint256,uint256,uint256)": (
        E.RelayOutOfOrderError, "relay: expected an attestation newer than (sequence {2}, timestamp {3}), "
                                "found (sequence {0}, timestamp {1})"),
    "UnknownRootSet(uint256)": (E.UnknownRootSetError, "root set {0}: not one the admin records (the app's "
                                                       "sets, set 0 of a relayed app excepted)"),
}
_BY_SELECTOR = {selector(sig): (sig.split("(")[0], sig.count(",") + 1 if "()" not in sig else 0, cls, msg)
                for sig, (cls, msg) in ERRORS.items()}


def need_uint(value: object, what: str, bits: int = 256) -> int:
    """``value`` as an unsigned integer of ``bits`` bits, or :class:`ContractInputError`."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise E.ContractInputError(f"{what}: expected an int, found {type(value).__name__}")
    if not 0 <= value < 1 << bits:
        raise E.ContractInputError(f"{what}: expected an int in [0, 2^{bits}), found {value}")
    return value


def need_address(value: object, what: str) -> str:
    if not isinstance(value, str) or not _ADDRESS.fullmatch(value):
        raise E.ContractInputError(f"{what}: expected a 0x-prefixed 20-byte hex address, found {value!r}")
    return value


def encode_call(signature: str, words: Sequence[int]) -> bytes:
    """Selector of ``signature`` and its static arguments as 32-byte words (addresses as ints)."""
    return selector(signature) + b"".join(need_uint(w, signature).to_bytes(32, "big") for w in words)


def hash_signal(value: int) -> int:
    """Semaphore v4's hash of a message or scope, as the contracts compute it:
    ``keccak256(value as 32 bytes) >> 8`` (below 2^248, so below r).

    >>> hash_signal(0) == int.from_bytes(keccak256(bytes(32)), "big") >> 8
    True
    """
    return int.from_bytes(keccak256(need_uint(value, "signal").to_bytes(32, "big")), "big") >> 8


def decode_revert(data: bytes) -> E.ContractRevertError | None:
    """The named exception for a group contract's custom error, or None for other revert
    data (empty, a Solidity panic, an unknown error)."""
    entry = _BY_SELECTOR.get(bytes(data[:4]))
    if entry is None:
        return None
    name, count, cls, msg = entry
    if len(data) != 4 + 32 * count:
        return None
    values = tuple(int.from_bytes(data[4 + 32 * i:36 + 32 * i], "big") for i in range(count))
    return cls(msg.format(*values), error=name, values=values)
