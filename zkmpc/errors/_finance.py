"""The errors of :mod:`zkmpc.finance`: loan eligibility and the voucher pool."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["FinanceError", "FinanceFormatError", "AttestationSignatureError", "UnlicensedBankError",
           "AttestationExpiredError", "ScoreTooLowError", "IncomeTooLowError", "DebtRatioTooHighError",
           "UnknownDepositError", "UnapprovedDepositError", "DoubleWithdrawalError",
           "InvalidWithdrawalError"]


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
