"""The errors of :mod:`zkmpc.identity`: identities, groups, membership proofs, rate limits,
national-ID records and e-passports."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["IdentityError", "GroupError", "GroupStorageError", "MembershipProofError", "RateLimitError",
           "RateLimitExceededError", "RateLimitEpochError", "RateLimitRootError", "RateLimitReplayError",
           "RateLimitProofError", "NationalIdError", "NationalIdRecordError", "NationalIdSignatureError",
           "NationalIdAgeError", "NationalIdRegionError", "PassportError", "PassportFormatError",
           "PassportSignerError", "PassportSignatureError", "PassportDataGroupError",
           "PassportNotRegisteredError", "PassportAgeError", "PassportNationalityError",
           "PassportExpiredError", "PassportSanctionedError"]


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


# --- rate limits (zkmpc.identity.ratelimit: N proofs per member per epoch)


class RateLimitError(ZkmpcError, ValueError):
    """Base class of the rate limit's refusals; raised itself for malformed inputs (a limit
    below 1, an epoch or counter that is not a field element, a proof of another circuit)."""


class RateLimitExceededError(RateLimitError):
    """A counter at or above the epoch's limit: the member has used their N proofs."""


class RateLimitEpochError(RateLimitError):
    """A proof made for another epoch than the one the verifier accepts now."""


class RateLimitRootError(RateLimitError):
    """A proof against a root that is not one of the group's recent roots."""


class RateLimitReplayError(RateLimitError):
    """A nullifier already accepted in its epoch (a replayed proof, or a counter used twice)."""


class RateLimitProofError(RateLimitError):
    """A proof that does not verify against its public signals."""


# --- national ID (RSA-signed records)


class NationalIdError(ZkmpcError, ValueError):
    """A national-ID proof that cannot be made: the record does not support the claim."""


class NationalIdRecordError(NationalIdError):
    """Bytes that are not a national-ID record (version, name length, date), or a field
    that does not fit its place in one."""


class NationalIdSignatureError(NationalIdError):
    """A record whose signature does not verify under the issuer key asked for: another
    issuer's key, or a record byte changed after signing."""


class NationalIdAgeError(NationalIdError):
    """A holder under the age the proof claims on the given date."""


class NationalIdRegionError(NationalIdError):
    """A record of another region than the one the proof claims."""


# --- passport (ICAO 9303 e-passports, ECDSA P-256 document signers)


class PassportError(ZkmpcError, ValueError):
    """A passport proof that cannot be made: the document does not support the claim."""


class PassportFormatError(PassportError):
    """Bytes that are not a passport's data in the fixed layout: an MRZ of the wrong length,
    a check digit that does not match, a DER header or a field out of its place."""


class PassportSignerError(PassportError):
    """A document signer that is not trusted: its certificate is not issued by the country's
    signing authority (CSCA), or its key is not a leaf of the trusted-signer tree."""


class PassportSignatureError(PassportError):
    """A document signer's ECDSA P-256 signature that does not verify over the signed
    attributes under the signer's key."""


class PassportDataGroupError(PassportError):
    """A data group whose SHA-256 is not the one the signed security object holds (a data
    group byte changed after signing), or a security object whose hash is not the signed one."""


class PassportNotRegisteredError(PassportError):
    """A passport commitment that is not a member of the registered group."""


class PassportAgeError(PassportError):
    """A holder under the age the proof claims on the given date."""


class PassportNationalityError(PassportError):
    """A nationality that is not in the application's allowlist."""


class PassportExpiredError(PassportError):
    """A passport whose date of expiry is before the date the proof is made for."""


class PassportSanctionedError(PassportError):
    """A document (issuing state and number) that is on the sanctions list."""
