"""The errors of :mod:`zkmpc.education`: diplomas, transcripts, course evaluations."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["EducationError", "EducationFormatError", "DiplomaNotIssuedError", "DegreeMismatchError",
           "YearBelowThresholdError", "UnknownBatchRootError", "TranscriptSignatureError",
           "GpaBelowThresholdError", "UnknownRegistrarError", "PresentationReplayError",
           "InvalidEducationProofError", "InvalidRatingError", "NotEnrolledError", "DuplicateVoteError"]


class EducationError(ZkmpcError, ValueError):
    """Base class of the education layer's refusals."""


class EducationFormatError(EducationError):
    """A diploma, transcript, statement or ballot that is malformed (a value outside its
    range, a wrong number of courses or public signals...)."""


class DiplomaNotIssuedError(EducationError):
    """The diploma is not a leaf of the batch (its Merkle proof does not lead to the root)."""


class DegreeMismatchError(EducationError):
    """The diploma is of another degree than the one the statement asks for."""


class YearBelowThresholdError(EducationError):
    """The diploma's year is below the statement's minimum year."""


class UnknownBatchRootError(EducationError):
    """The proof is against a batch root the university never published."""


class TranscriptSignatureError(EducationError):
    """The registrar's signature does not verify on the transcript (forged or altered)."""


class GpaBelowThresholdError(EducationError):
    """The transcript's credit-weighted GPA is below the statement's threshold."""


class UnknownRegistrarError(EducationError):
    """The proof names a registrar the verifier does not trust."""


class PresentationReplayError(EducationError):
    """The session nullifier was already accepted (a replayed or second presentation)."""


class InvalidEducationProofError(EducationError):
    """The proof does not verify against its public signals."""


class InvalidRatingError(EducationError):
    """A course-evaluation vote outside the rating scale."""


class NotEnrolledError(EducationError):
    """A course-evaluation vote proven against a group root that is not the course's
    enrolment group (a non-member's proof)."""


class DuplicateVoteError(EducationError):
    """A second vote of the same student (the same nullifier) in one course evaluation."""
