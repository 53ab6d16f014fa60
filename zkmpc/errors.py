"""The errors of the application layer (``zkmpc``): subclasses of ``ValueError`` (or
``RuntimeError`` for a chain or process that fails), so callers catch either the package's
hierarchy or the standard one. Each area of the package keeps its classes in its own
section below."""

from __future__ import annotations

__all__ = ["ZkmpcError", "IdentityError", "GroupError", "GroupStorageError", "MembershipProofError"]


class ZkmpcError(Exception):
    """Base class of every error raised by the zkmpc application layer."""


# --- identity (zkmpc.identity: identities, groups, their storage, the membership proof)


class IdentityError(ZkmpcError, ValueError):
    """A private key, public key or exported identity that is malformed."""


class GroupError(ZkmpcError, ValueError):
    """A refused group operation: a member that is 0 or not a field element, an index out of
    range, a removed member updated, a group beyond 2^32 members, a malformed export."""


class GroupStorageError(ZkmpcError, RuntimeError):
    """A group store that cannot be opened or read: a file that is not a zkmpc group
    database, another schema version, a group name that is missing or already taken."""


class MembershipProofError(ZkmpcError, ValueError):
    """Membership-proof inputs that are malformed: a depth outside 1..32, a Merkle proof
    longer than the circuit's depth, a message or scope that is not a 256-bit value."""
