"""Loan eligibility from a bank-signed attestation: score >= 680, income >= X, debt-to-income <= 35 %, not expired.

A bank in the regulator's registry of licensed banks (a Merkle tree of depth 20; its root
is on chain) signs an attestation of a customer's credit score, yearly income, total debt
and an expiry, about the customer's commitment. The customer proves to a lender, without
revealing any of them nor which bank signed:

- the attestation is signed by a licensed bank and is theirs (they know the secret);
- score >= 680, income >= the lender's minimum, debt <= 35 % of income, not expired at
  the lender's date;
- one application per customer per lender session (a nullifier).

The lender's thresholds and date are public signals hashed into the scope the lender
opens on chain, so a proof against softer thresholds is refused there. Each failing
condition is refused off chain with its named error; a replay, a softer policy, a rogue
registry and altered signals are refused on chain.

    python -m examples.finance.loan [--members N] [--rpc URL --dev-keys]
"""

from __future__ import annotations

import dataclasses
import secrets
import sys
import time
from pathlib import Path
from typing import Any, Sequence, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zkmpc.contracts import AppLayout
from zkmpc.errors import (AttestationExpiredError, AttestationSignatureError, DebtRatioTooHighError,
                          IncomeTooLowError, InvalidProofError, NullifierUsedError, ScopeNotOpenError,
                          ScoreTooLowError, UnknownRootError, UnlicensedBankError)
from zkmpc.finance import Applicant, Attestation, Bank, BankRegistry, LoanPolicy, loan_circuit
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

DEPTH = 20
MIN_INCOME = 30_000_00  # cents
LAYOUT = AppLayout(num_public=8, roots=(0,), nullifier=7, scope=6)  # registry_root, ..., scope, nullifier
YEAR = 365 * 24 * 3600


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="finance: loan eligibility from a bank-signed attestation")
    now = int(time.time())
    bank = Bank()
    others = [secrets.randbelow(2**253) + 1 for _ in range(args.members - 1)]  # the other licensed banks' ids
    registry = BankRegistry([*others[: len(others) // 2], bank.id, *others[len(others) // 2:]], depth=DEPTH)
    report.fact("licensed banks in the registry", len(registry))
    cs = loan_circuit(DEPTH)
    onchain = OnChain.deploy(open_chain(args), cs, LAYOUT)
    onchain.app.add_root(registry.root, set=0)
    policy = LoanPolicy(session=secrets.randbelow(2**64), min_income=MIN_INCOME, now=now)
    onchain.app.set_scope(policy.scope)
    report.fact("lender policy", f"score >= {policy.min_score}, income >= {MIN_INCOME / 100:,.2f}, "
                                 f"debt <= {policy.max_dti_percent} % of income, valid on {now}")

    def attest(who: Applicant, score: int, income: int, debt: int, expiry: int = now + YEAR) -> Attestation:
        return bank.attest(subject=who.commitment, score=score, income=income, debt=debt, expiry=expiry)

    alice = Applicant.generate()
    att = attest(alice, score=712, income=58_000_00, debt=14_500_00)
    proved = onchain.prove(alice.assignment(cs, att, registry, policy))
    receipt = onchain.validate(proved)
    report.proof(proved, receipt, what="a licensed bank attests score >= 680, income >= 30,000.00, "
                                       "debt <= 35 % of income, not expired (bank and figures hidden)", onchain=onchain)
    _refusals_off_chain(report, cs, registry, policy, attest, now)
    _refusals_on_chain(report, onchain, registry, policy, attest, proved)
    return report.figures


def _refusals_off_chain(report: Report, cs: Any, registry: BankRegistry, policy: LoanPolicy, attest: Any,
                        now: int) -> None:
    bob = Applicant.generate()
    cases = [("a score of 679", attest(bob, 679, 80_000_00, 0), ScoreTooLowError),
             ("an income of 29,999.99", attest(bob, 800, MIN_INCOME - 1, 0), IncomeTooLowError),
             ("debt at 35.01 % of income", attest(bob, 800, 100_000_00, 35_010_00), DebtRatioTooHighError),
             ("an attestation that expired at the lender's date", attest(bob, 800, 80_000_00, 0, expiry=now),
              AttestationExpiredError)]
    for what, att, error in cases:
        report.expect_refusal(what, lambda a=att: bob.assignment(cs, a, registry, policy), error)
    good = attest(bob, 650, 80_000_00, 0)
    altered = Attestation(good.subject, 700, good.income, good.debt, good.expiry, good.bank_key, good.signature)
    report.expect_refusal("an attestation whose score was raised after signing",
                          lambda: bob.assignment(cs, altered, registry, policy), AttestationSignatureError)
    rogue = Bank().attest(subject=bob.commitment, score=850, income=1_000_000_00, debt=0, expiry=now + YEAR)
    report.expect_refusal("an attestation from a bank outside the registry",
                          lambda: bob.assignment(cs, rogue, registry, policy), UnlicensedBankError)


def _refusals_on_chain(report: Report, onchain: OnChain, registry: BankRegistry, policy: LoanPolicy,
                       attest: Any, proved: Any) -> None:
    cs = onchain.circuit
    report.expect_refusal("the same application again (its nullifier)", lambda: onchain.validate(proved),
                          NullifierUsedError)
    carol = Applicant.generate()
    softer = LoanPolicy(session=policy.session, min_income=MIN_INCOME, now=policy.now, min_score=600)
    weak = onchain.prove(carol.assignment(cs, attest(carol, 650, 80_000_00, 0), registry, softer))
    report.expect_refusal("a score of 650 proven against min_score 600 (a scope the lender never opened)",
                          lambda: onchain.validate(weak), ScopeNotOpenError)
    rogue_bank = Bank()
    rogue_registry = BankRegistry([rogue_bank.id], depth=DEPTH)
    rogue_att = rogue_bank.attest(subject=carol.commitment, score=850, income=1_000_000_00, debt=0,
                                  expiry=policy.now + YEAR)
    rogue = onchain.prove(carol.assignment(cs, rogue_att, rogue_registry, policy))
    report.expect_refusal("a proof against a registry of the applicant's own making",
                          lambda: onchain.validate(rogue), UnknownRootError)
    dave = Applicant.generate()
    honest = onchain.prove(dave.assignment(cs, attest(dave, 700, 50_000_00, 0), registry, policy))
    bent = dataclasses.replace(honest, public=[*honest.public[:7], honest.public[7] + 1])
    report.expect_refusal("a valid proof sent with another nullifier", lambda: onchain.validate(bent),
                          InvalidProofError)
    report.proof(honest, onchain.validate(honest), what="the same proof with its own signals", onchain=onchain)
    report.fact("nullifiers recorded", sum(onchain.app.is_nullifier_used(p.public[7]) for p in (proved, honest)))


if __name__ == "__main__":
    main(sys.argv[1:])
