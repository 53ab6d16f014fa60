"""The errors of the application layer (``zkmpc``): subclasses of ``ValueError`` (or
``RuntimeError`` for a chain or process that fails), so callers catch either the package's
hierarchy or the standard one. Each area of the package keeps its classes in its own
section below."""

from __future__ import annotations

__all__ = ["ZkmpcError", "IdentityError", "GroupError", "GroupStorageError", "MembershipProofError"]


class ZkmpcError(Exception):
    """Base class of every error raised by the zkmpc application layer."""


# --- contracts (zkmpc.contracts: group contracts, relayed roots)

__all__ += ["ContractError", "ContractInputError", "ContractRevertError", "NotAdminError", "InvalidRootError", "UnknownRootError",
            "StaleRootError", "ExpiredRootError", "ScopeNotOpenError", "NullifierUsedError", "InvalidProofError",
            "VerifierRevertedError", "UnauthorisedSignerError", "RelayOutOfOrderError", "UnknownRootSetError"]


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


# --- use cases (zkmpc.usecases: the runner and the catalogue of examples/<sector>/)

__all__ += ["UseCaseError"]


class UseCaseError(ZkmpcError, ValueError):
    """A use case that cannot run as asked: an unknown name or sector, examples that are not
    installed, a demonstrated refusal that did not happen."""


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


# --- credentials (zkmpc.credentials): issuers, holders, verifiers


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


__all__ += ["CredentialError", "CredentialFormatError", "IssuerSignatureError", "SchemaMismatchError",
            "CredentialExpiredError", "CredentialRevokedError", "QueryFalseError", "NullifierReplayError",
            "UnknownIssuerError", "StaleIssuerStateError", "RequestMismatchError", "InvalidPresentationError",
            "UnknownClaimError"]


# --- education (diplomas, transcripts, course evaluations)

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


__all__ += ["EducationError", "EducationFormatError", "DiplomaNotIssuedError", "DegreeMismatchError",
            "YearBelowThresholdError", "UnknownBatchRootError", "TranscriptSignatureError",
            "GpaBelowThresholdError", "UnknownRegistrarError", "PresentationReplayError",
            "InvalidEducationProofError", "InvalidRatingError", "NotEnrolledError", "DuplicateVoteError"]


# --- finance (zkmpc.finance: loan eligibility, the voucher pool)


class FinanceError(ZkmpcError, ValueError):
    """Base class of the finance use cases' refusals."""


class FinanceFormatError(FinanceError):
    """A malformed attestation, policy, deposit or withdrawal (a value outside its range,
    a wrong number of public signals, a proof deeper than the circuit...)."""


class AttestationSignatureError(FinanceError):
    """The bank's signature does not verify on the attestation (forged or altered)."""


class UnlicensedBankError(FinanceError):
    """The attesting bank is not in the regulator's registry of licensed banks."""


class AttestationExpiredError(FinanceError):
    """The attestation's expiry is not after the policy's ``now``."""


class ScoreTooLowError(FinanceError):
    """The attested credit score is below the policy's minimum."""


class IncomeTooLowError(FinanceError):
    """The attested income is below the policy's minimum."""


class DebtRatioTooHighError(FinanceError):
    """The attested debt is above the policy's share of the income (debt-to-income)."""


class UnknownDepositError(FinanceError):
    """The commitment is not in the voucher pool's deposit tree."""


class UnapprovedDepositError(FinanceError):
    """The deposit is not in the pool's approved association set."""


class DoubleWithdrawalError(FinanceError):
    """The deposit's nullifier was already spent (a second withdrawal)."""


class InvalidWithdrawalError(FinanceError):
    """The withdrawal's proof does not verify against its public signals (e.g. a
    front-runner replaced the recipient)."""


__all__ += ["FinanceError", "FinanceFormatError", "AttestationSignatureError", "UnlicensedBankError",
            "AttestationExpiredError", "ScoreTooLowError", "IncomeTooLowError", "DebtRatioTooHighError",
            "UnknownDepositError", "UnapprovedDepositError", "DoubleWithdrawalError", "InvalidWithdrawalError"]


# --- transport (zkmpc.transport: driver-licence eligibility)


class LicenceError(ZkmpcError, ValueError):
    """Base class of the driver-licence refusals."""


class LicenceFormatError(LicenceError):
    """A malformed licence, date, class set or request."""


class LicenceSignatureError(LicenceError):
    """The licensing authority's signature does not verify on the licence."""


class LicenceClassError(LicenceError):
    """The licence does not hold every class the request requires."""


class UnderAgeError(LicenceError):
    """The holder is younger than the request's minimum age on its date."""


class LicenceExpiredError(LicenceError):
    """The licence's expiry date is not after the request's date."""


class LicenceSuspendedError(LicenceError):
    """The licence number is in the authority's suspension list."""


__all__ += ["LicenceError", "LicenceFormatError", "LicenceSignatureError", "LicenceClassError", "UnderAgeError",
            "LicenceExpiredError", "LicenceSuspendedError"]


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


__all__ += ["RateLimitError", "RateLimitExceededError", "RateLimitEpochError", "RateLimitRootError",
            "RateLimitReplayError", "RateLimitProofError"]


# --- aggregation (zkmpc.aggregation: verifiable private aggregation of committed shares)

__all__ += ["AggregationError", "ContributionFormatError", "ContributionRangeError", "InvalidContributionProofError",
            "ShareOpeningError", "DuplicateContributionError", "AggregateMismatchError"]


class AggregationError(ZkmpcError, ValueError):
    """Base class of the aggregation layer's refusals; ``contributor`` names the contribution
    refused (its tag), or is None when the refusal is not about one contribution."""

    def __init__(self, message: str, *, contributor: int | None = None) -> None:
        super().__init__(message)
        self.contributor = contributor


class ContributionFormatError(AggregationError):
    """A malformed contribution, share or shape: wrong lengths or counts, a value that is
    not an int, a share or blinding factor outside [0, l), a coordinate >= r, a commitment
    that is not a point of Baby Jubjub's prime-order subgroup."""


class ContributionRangeError(AggregationError):
    """A contributor's own value outside [0, 2^bits) (or a vector that is not one-hot): it
    cannot be proven, so the contributor is refused before any proof is made."""


class InvalidContributionProofError(AggregationError):
    """A contribution whose Groth16 proof does not verify against its tag and commitments."""


class ShareOpeningError(AggregationError):
    """A share (with its blinding factor) that does not open the contributor's commitment
    for this aggregator."""


class DuplicateContributionError(AggregationError):
    """A second contribution with a tag already received (a replay)."""


class AggregateMismatchError(AggregationError):
    """Published totals and blinding sums that do not open the sum of the accepted
    contributions' commitments (a wrong or dishonest aggregator), or totals that disagree
    on the set of contributors."""


# --- ai: federated learning (zkmpc.ai.federated)

__all__ += ["FederatedError", "UpdateLengthError", "UpdateNotFiniteError", "UpdateRangeError", "ServerModelError"]


class FederatedError(ZkmpcError, ValueError):
    """Base class of federated learning's refusals, raised by an institution before it
    sends anything for the round."""


class UpdateLengthError(FederatedError):
    """An update with a length other than the model's parameter count."""


class UpdateNotFiniteError(FederatedError):
    """An update with NaN or an infinity in it."""


class UpdateRangeError(FederatedError):
    """A value beyond the fixed-point bound of the update format, or a row count outside
    ``[1, max_rows]`` (a weight past the fixed-point range)."""


class ServerModelError(FederatedError):
    """A model from the server that is malformed (length, NaN) or is not the previous model
    plus the average the secure sum of the round gave."""

# --- ai models (zkmpc.ai: fixed-point models, their circuits and use cases)

__all__ += ["ModelError", "ModelFormatError", "NonFiniteWeightError", "FixedPointRangeError", "ShapeMismatchError",
            "UnsupportedLayerError", "ScoreBelowThresholdError", "InputCommitmentError", "AccuracyBelowClaimError",
            "WeightCommitmentError"]


class ModelError(ZkmpcError, ValueError):
    """Base class of the model errors (zkmpc.ai)."""


class ModelFormatError(ModelError):
    """A model that cannot be loaded: an unknown scikit-learn estimator or activation, an
    ONNX graph whose shape is not a chain of layers, an unreadable file."""


class NonFiniteWeightError(ModelError):
    """A weight or bias that is NaN or infinite."""


class FixedPointRangeError(ModelError):
    """A weight, bias, input or intermediate value outside the fixed-point format's range
    (or a NaN/infinite input): the circuit cannot represent it."""


class ShapeMismatchError(ModelError):
    """Layers whose shapes do not chain, or an input of the wrong length."""


class UnsupportedLayerError(ModelError):
    """An ONNX operator (or activation) the model circuits do not implement; the message
    names it."""


class ScoreBelowThresholdError(ModelError):
    """A model's score for a private input below the public threshold: nothing to prove."""


class InputCommitmentError(ModelError):
    """A private input (or salt) that does not open the commitment on record."""


class AccuracyBelowClaimError(ModelError):
    """A model whose accuracy on the public test set is below the accuracy claimed."""


class WeightCommitmentError(ModelError):
    """Weights (or a salt) that do not open the committed model's commitment."""

# --- command line (zkmpc.cli: the prover client, the Paillier commands)

__all__ += ["ProverRequestError", "PaillierFileError"]


class ProverRequestError(ZkmpcError, ValueError):
    """A prover server (``zkmpc prover serve``) refused a request (``status`` is the HTTP
    status)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class PaillierFileError(ZkmpcError, ValueError):
    """A file given to ``zkmpc paillier`` that cannot be used: the message names the file
    and, for a CSV value, its line (``data.csv:7: column 'salary': ...``)."""

# --- mpc use cases (biobank association, survival)
__all__ += ["PartyFailedError"]


class PartyFailedError(ZkmpcError, RuntimeError):
    """A party process of a networked use case that ended without printing its result
    (a crash, not a protocol abort); the message quotes its error output."""

# --- statistics (analyst output)
__all__ += ["AnalysisError", "OpenBinError", "PrivacyParameterError", "NoiseAlreadyAddedError"]


class AnalysisError(ZkmpcError, ValueError):
    """A statistics result that cannot be built or analysed as asked: edges not strictly
    increasing, counts that do not match the edges, a suppressed cell where a count is needed."""


class OpenBinError(AnalysisError):
    """A quantile that falls in the underflow or overflow bin: an open bin has no width to
    interpolate in."""


class PrivacyParameterError(AnalysisError):
    """A differential-privacy parameter out of range: epsilon <= 0, delta outside (0, 1),
    a sensitivity that is not an int >= 1."""


class NoiseAlreadyAddedError(AnalysisError):
    """Noise asked for on a result already noised: the privacy budget is spent once, by the
    party that releases the result."""


# --- transport (road pricing)
__all__ += ["RoadPricingError", "TripRecordError", "SpotCheckOpeningError", "SpotCheckMismatchError"]


class RoadPricingError(ZkmpcError, ValueError):
    """A road-pricing declaration that cannot be made or accepted (a wrong fee, another
    vehicle's secret, a tariff other than the published one)."""


class TripRecordError(RoadPricingError):
    """A malformed trip record, tariff or slot count: a zone or band out of range, a
    distance or price past its bits, a number of slots that is not a power of two."""


class SpotCheckOpeningError(RoadPricingError):
    """A spot check answered with an opening that is for another slot or does not reach
    the declared trip root."""


class SpotCheckMismatchError(RoadPricingError):
    """A committed segment that disagrees with what the roadside camera saw: the vehicle
    declared another zone or band than the one it drove in."""


# --- national ID (RSA-signed records)
__all__ += ["NationalIdError", "NationalIdRecordError", "NationalIdSignatureError", "NationalIdAgeError",
            "NationalIdRegionError"]


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
__all__ += ["PassportError", "PassportFormatError", "PassportSignerError", "PassportSignatureError",
            "PassportDataGroupError", "PassportNotRegisteredError", "PassportAgeError", "PassportNationalityError",
            "PassportExpiredError", "PassportSanctionedError"]


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
