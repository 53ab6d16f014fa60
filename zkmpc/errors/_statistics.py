"""The errors of :mod:`zkmpc.aggregation` and :mod:`zkmpc.statistics`: committed shares,
the analyst's output, the MPC use cases' parties."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["AggregationError", "ContributionFormatError", "ContributionRangeError", "InvalidContributionProofError",
           "ShareOpeningError", "DuplicateContributionError", "AggregateMismatchError", "PartyFailedError",
           "AnalysisError", "OpenBinError", "PrivacyParameterError", "NoiseAlreadyAddedError"]


# --- aggregation (zkmpc.aggregation: verifiable private aggregation of committed shares)


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


# --- mpc use cases (biobank association, survival)


class PartyFailedError(ZkmpcError, RuntimeError):
    """A party process of a networked use case that ended without printing its result
    (a crash, not a protocol abort); the message quotes its error output."""


# --- statistics (analyst output)


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
