"""The finance use cases (examples/finance/loan.py, voucher_pool.py) run end to end at a
small size on the embedded EVM: the proofs are validated on chain, and every refusal the
examples claim happens, with the named error it claims."""

from __future__ import annotations

import io

import pytest

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]


def _proofs_on_chain(figures: dict, constraints: int) -> None:
    assert figures["proofs"], "no proof was validated"
    for p in figures["proofs"]:
        assert p["constraints"] == constraints
        assert 200_000 < p["gas"] < 400_000
        assert p["prove_s"] > 0


def test_loan_eligibility() -> None:
    from examples.finance import loan

    out = io.StringIO()
    figures = loan.main(["--members", "64"], out=out)
    _proofs_on_chain(figures, 10_951)
    assert len(figures["proofs"]) == 2
    refused = dict(figures["refused"])
    assert list(refused.values()) == [
        "ScoreTooLowError", "IncomeTooLowError", "DebtRatioTooHighError", "AttestationExpiredError",
        "AttestationSignatureError", "UnlicensedBankError", "NullifierUsedError", "ScopeNotOpenError",
        "UnknownRootError", "InvalidProofError"]
    assert figures["facts"]["licensed banks in the registry"] == 64
    assert figures["facts"]["nullifiers recorded"] == 2
    assert "refused: a score of 679 (ScoreTooLowError)" in out.getvalue()


def test_voucher_pool() -> None:
    from examples.finance import voucher_pool

    figures = voucher_pool.main(["--members", "64"], out=io.StringIO())
    _proofs_on_chain(figures, 10_377)
    assert [e for _, e in figures["refused"]] == [
        "InvalidWithdrawalError", "InvalidProofError", "DoubleWithdrawalError", "DoubleWithdrawalError",
        "NullifierUsedError", "UnapprovedDepositError", "UnknownRootError", "UnknownDepositError",
        "UnknownRootError"]
    facts = figures["facts"]
    assert facts["deposits (off chain, in the operator's SQLite book)"] == 64
    assert facts["approved in the association set"] == 57
    assert facts["withdrawals recorded"] == 1


def test_voucher_pool_on_a_node(anvil_url: str) -> None:
    """The same run against anvil (``--rpc``): two root sets and the reverts on a real node."""
    from examples.finance import voucher_pool

    figures = voucher_pool.main(["--members", "16", "--rpc", anvil_url, "--dev-keys"], out=io.StringIO())
    _proofs_on_chain(figures, 10_377)
    assert [e for _, e in figures["refused"]].count("UnknownRootError") == 2
