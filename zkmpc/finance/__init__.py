"""Finance use cases: loan eligibility from a bank-signed attestation
(:mod:`.attestation`, :mod:`.loan`) and a subsidy voucher pool (:mod:`.voucher`)."""

from .attestation import ATTESTATION_TAG, Attestation, Bank, BankRegistry, attestation_message, bank_id
from .loan import (POLICY_TAG, PUBLIC_SIGNALS, Applicant, LoanPolicy, check_eligible, eligible, loan_circuit,
                   loan_class, refusal)
from .voucher import (ADDRESS_BITS, VoucherNote, VoucherPool, voucher_circuit, voucher_class, voucher_refusal,
                      withdrawal_unchecked)

__all__ = ["Attestation", "Bank", "BankRegistry", "attestation_message", "bank_id", "ATTESTATION_TAG",
           "Applicant", "LoanPolicy", "check_eligible", "eligible", "loan_circuit", "loan_class", "refusal",
           "POLICY_TAG", "PUBLIC_SIGNALS", "VoucherNote", "VoucherPool", "voucher_circuit", "voucher_class",
           "voucher_refusal", "withdrawal_unchecked", "ADDRESS_BITS"]
