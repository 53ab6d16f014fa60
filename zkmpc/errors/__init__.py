"""The errors of the application layer (``zkmpc``): subclasses of ``ValueError`` (or
``RuntimeError`` for a chain or process that fails), so callers catch either the package's
hierarchy or the standard one. Each area of the package keeps its classes in its own
module here (``_identity``, ``_credentials``, ...); every class is imported from
``zkmpc.errors``, and shows there (its ``__module__``: tracebacks, reprs and pickles name
``zkmpc.errors.<Class>`` wherever the class is defined). A new area: a new module, imported
below, its names added to ``__all__``."""

from __future__ import annotations

from ._base import ZkmpcError
from ._contracts import (ContractError, ContractInputError, ContractRevertError, NotAdminError,
                         InvalidRootError, UnknownRootError, StaleRootError, ExpiredRootError,
                         ScopeNotOpenError, NullifierUsedError, InvalidProofError, VerifierRevertedError,
                         UnauthorisedSignerError, RelayOutOfOrderError, UnknownRootSetError)
from ._app import (UseCaseError, ProverRequestError, PaillierFileError)
from ._identity import (IdentityError, GroupError, GroupStorageError, MembershipProofError, RateLimitError,
                        RateLimitExceededError, RateLimitEpochError, RateLimitRootError, RateLimitReplayError,
                        RateLimitProofError, NationalIdError, NationalIdRecordError, NationalIdSignatureError,
                        NationalIdAgeError, NationalIdRegionError, PassportError, PassportFormatError,
                        PassportSignerError, PassportSignatureError, PassportDataGroupError,
                        PassportNotRegisteredError, PassportAgeError, PassportNationalityError,
                        PassportExpiredError, PassportSanctionedError)
from ._credentials import (CredentialError, CredentialFormatError, IssuerSignatureError, SchemaMismatchError,
                           CredentialExpiredError, CredentialRevokedError, QueryFalseError,
                           NullifierReplayError, UnknownIssuerError, StaleIssuerStateError,
                           RequestMismatchError, InvalidPresentationError, UnknownClaimError)
from ._education import (EducationError, EducationFormatError, DiplomaNotIssuedError, DegreeMismatchError,
                         YearBelowThresholdError, UnknownBatchRootError, TranscriptSignatureError,
                         GpaBelowThresholdError, UnknownRegistrarError, PresentationReplayError,
                         InvalidEducationProofError, InvalidRatingError, NotEnrolledError, DuplicateVoteError)
from ._finance import (FinanceError, FinanceFormatError, AttestationSignatureError, UnlicensedBankError,
                       AttestationExpiredError, ScoreTooLowError, IncomeTooLowError, DebtRatioTooHighError,
                       UnknownDepositError, UnapprovedDepositError, DoubleWithdrawalError,
                       InvalidWithdrawalError)
from ._transport import (LicenceError, LicenceFormatError, LicenceSignatureError, LicenceClassError,
                         UnderAgeError, LicenceExpiredError, LicenceSuspendedError, RoadPricingError,
                         TripRecordError, SpotCheckOpeningError, SpotCheckMismatchError)
from ._statistics import (AggregationError, ContributionFormatError, ContributionRangeError,
                          InvalidContributionProofError, ShareOpeningError, DuplicateContributionError,
                          AggregateMismatchError, PartyFailedError, AnalysisError, OpenBinError,
                          PrivacyParameterError, NoiseAlreadyAddedError)
from ._ai import (FederatedError, UpdateLengthError, UpdateNotFiniteError, UpdateRangeError, ServerModelError,
                  ModelError, ModelFormatError, NonFiniteWeightError, FixedPointRangeError,
                  ShapeMismatchError, UnsupportedLayerError, ScoreBelowThresholdError, InputCommitmentError,
                  AccuracyBelowClaimError, WeightCommitmentError)

__all__ = ["ZkmpcError", "IdentityError", "GroupError", "GroupStorageError", "MembershipProofError", "ContractError",
           "ContractInputError", "ContractRevertError", "NotAdminError", "InvalidRootError",
           "UnknownRootError", "StaleRootError", "ExpiredRootError", "ScopeNotOpenError",
           "NullifierUsedError", "InvalidProofError", "VerifierRevertedError", "UnauthorisedSignerError",
           "RelayOutOfOrderError", "UnknownRootSetError", "UseCaseError", "CredentialError",
           "CredentialFormatError", "IssuerSignatureError", "SchemaMismatchError", "CredentialExpiredError",
           "CredentialRevokedError", "QueryFalseError", "NullifierReplayError", "UnknownIssuerError",
           "StaleIssuerStateError", "RequestMismatchError", "InvalidPresentationError", "UnknownClaimError",
           "EducationError", "EducationFormatError", "DiplomaNotIssuedError", "DegreeMismatchError",
           "YearBelowThresholdError", "UnknownBatchRootError", "TranscriptSignatureError",
           "GpaBelowThresholdError", "UnknownRegistrarError", "PresentationReplayError",
           "InvalidEducationProofError", "InvalidRatingError", "NotEnrolledError", "DuplicateVoteError",
           "FinanceError", "FinanceFormatError", "AttestationSignatureError", "UnlicensedBankError",
           "AttestationExpiredError", "ScoreTooLowError", "IncomeTooLowError", "DebtRatioTooHighError",
           "UnknownDepositError", "UnapprovedDepositError", "DoubleWithdrawalError",
           "InvalidWithdrawalError", "LicenceError", "LicenceFormatError", "LicenceSignatureError",
           "LicenceClassError", "UnderAgeError", "LicenceExpiredError", "LicenceSuspendedError",
           "RateLimitError", "RateLimitExceededError", "RateLimitEpochError", "RateLimitRootError",
           "RateLimitReplayError", "RateLimitProofError", "AggregationError", "ContributionFormatError",
           "ContributionRangeError", "InvalidContributionProofError", "ShareOpeningError",
           "DuplicateContributionError", "AggregateMismatchError", "FederatedError", "UpdateLengthError",
           "UpdateNotFiniteError", "UpdateRangeError", "ServerModelError", "ModelError", "ModelFormatError",
           "NonFiniteWeightError", "FixedPointRangeError", "ShapeMismatchError", "UnsupportedLayerError",
           "ScoreBelowThresholdError", "InputCommitmentError", "AccuracyBelowClaimError",
           "WeightCommitmentError", "ProverRequestError", "PaillierFileError", "PartyFailedError",
           "AnalysisError", "OpenBinError", "PrivacyParameterError", "NoiseAlreadyAddedError",
           "RoadPricingError", "TripRecordError", "SpotCheckOpeningError", "SpotCheckMismatchError",
           "NationalIdError", "NationalIdRecordError", "NationalIdSignatureError", "NationalIdAgeError",
           "NationalIdRegionError", "PassportError", "PassportFormatError", "PassportSignerError",
           "PassportSignatureError", "PassportDataGroupError", "PassportNotRegisteredError",
           "PassportAgeError", "PassportNationalityError", "PassportExpiredError", "PassportSanctionedError"]


def _shown_here() -> None:
    """Each class's ``__module__`` set to this package, where callers import it from."""
    for name in __all__:
        globals()[name].__module__ = __name__


_shown_here()
