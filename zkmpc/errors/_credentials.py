"""The errors of :mod:`zkmpc.credentials`: issuers, holders, verifiers."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["CredentialError", "CredentialFormatError", "IssuerSignatureError", "SchemaMismatchError",
           "CredentialExpiredError", "CredentialRevokedError", "QueryFalseError", "NullifierReplayError",
           "UnknownIssuerError", "StaleIssuerStateError", "RequestMismatchError",
           "InvalidPresentationError", "UnknownClaimError"]


class CredentialError(ZkmpcError, ValueError):
    """Base class of the credential layer's refusals."""


class CredentialFormatError(CredentialError):
    """A claim, query, request or presentation that is malformed (a slot outside the field,
    an unknown operator, too many values, a wrong number of public signals...)."""


class IssuerSignatureError(CredentialError):
    """The issuer's signature does not verify on the claim (forged or altered claim)."""


class SchemaMismatchError(CredentialError):
    """The credential or presentation is of another schema than the one requested."""


class CredentialExpiredError(CredentialError):
    """The credential's expiration is not after the request's ``now``."""


class CredentialRevokedError(CredentialError):
    """The credential's revocation nonce is in its issuer's revocation tree."""


class QueryFalseError(CredentialError):
    """The queried slot does not satisfy the query (the holder cannot prove it)."""


class NullifierReplayError(CredentialError):
    """The session nullifier was already accepted by this verifier (a replayed proof)."""


class UnknownIssuerError(CredentialError):
    """The issuer or issuer state is not published, or the issuer is not trusted by the
    request."""


class StaleIssuerStateError(CredentialError):
    """The proof is against an issuer state that was replaced (a revocation may have
    happened since) longer ago than the verifier accepts."""


class RequestMismatchError(CredentialError):
    """A public signal of the presentation differs from the verifier's request (slot,
    operator, values, now, session, disclosure)."""


class InvalidPresentationError(CredentialError):
    """The presentation's proof does not verify against its public signals."""


class UnknownClaimError(CredentialError):
    """The issuer has no claim with this revocation nonce (or it is revoked already)."""
