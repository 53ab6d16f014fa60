"""The errors of :mod:`zkmpc.contracts`: group contracts and relayed roots, their named reverts."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["ContractError", "ContractInputError", "ContractRevertError", "NotAdminError", "InvalidRootError",
           "UnknownRootError", "StaleRootError", "ExpiredRootError", "ScopeNotOpenError",
           "NullifierUsedError", "InvalidProofError", "VerifierRevertedError", "UnauthorisedSignerError",
           "RelayOutOfOrderError", "UnknownRootSetError"]


class ContractError(ZkmpcError, RuntimeError):
    """A contract call failed for a reason that is not one of its named refusals: a revert
    without a known custom error, or a chain that refused the transaction."""


class ContractInputError(ZkmpcError, ValueError):
    """A value that cannot go into a contract call: not an int, outside uint256 (or the
    field, or uint64 where the contract says so), a malformed address or key."""


class ContractRevertError(ZkmpcError, ValueError):
    """A group contract refused a call with one of its custom errors (on chain: a revert).
    ``error`` is the Solidity error's name, ``values`` its decoded arguments."""

    def __init__(self, message: str, *, error: str = "", values: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.error = error
        self.values = values


class NotAdminError(ContractRevertError):
    """An admin-only function called by another account."""


class InvalidRootError(ContractRevertError):
    """A root that cannot be recorded: 0, or not below the scalar field's modulus r."""


class UnknownRootError(ContractRevertError):
    """A proof against a root the contract never recorded (a wrong or unrelayed root)."""


class StaleRootError(ContractRevertError):
    """A proof against a root replaced too long ago: outside the window of recent roots."""


class ExpiredRootError(ContractRevertError):
    """A root whose maximum age has passed (relayed roots expire)."""


class ScopeNotOpenError(ContractRevertError):
    """A proof for a scope the contract's admin has not opened (a wrong scope)."""


class NullifierUsedError(ContractRevertError):
    """A nullifier already recorded: the same member signalled twice in one scope."""


class InvalidProofError(ContractRevertError):
    """The verifier answered false: a wrong proof, a tampered message or scope, an input >= r."""


class VerifierRevertedError(ContractRevertError):
    """The verifier reverted: a proof point the precompiles refuse (off the curve, outside
    G2's subgroup, a coordinate >= q), or too little gas for the pairing."""


class UnauthorisedSignerError(ContractRevertError):
    """A relayed root whose signature is forged, malleated, or by a key nobody authorised."""


class RelayOutOfOrderError(ContractRevertError):
    """A relay attestation not newer than the last one relayed (a replay, or an old root)."""


class UnknownRootSetError(ContractRevertError):
    """An app contract's root recorded in a set it does not have (or, on a relayed app, in
    set 0, which only a relay fills)."""
