"""Loan eligibility (zkmpc.finance.loan): the native checks equal the circuit at every
boundary, each failing condition has its named error (off chain, and from the circuit's
own constraints for an applicant that skips the checks), and the malicious-witness harness
finds no forgery of a lower threshold, a softer policy, an altered attestation or another
bank, beside true claims it does complete."""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

import pytest

from circuits import CompiledCircuit, UnsatisfiedConstraintError
from circuits.native.eddsa import PrivateKey
from circuits.testing import input_wires, scope_wires
from zkmpc.errors import (AttestationExpiredError, AttestationSignatureError, DebtRatioTooHighError,
                          FinanceFormatError, IncomeTooLowError, ScoreTooLowError, UnlicensedBankError)
from zkmpc.finance import (Applicant, Attestation, Bank, BankRegistry, LoanPolicy, check_eligible, eligible,
                           loan_circuit, refusal)
from zkmpc.finance.attestation import bank_id

from .._helpers import ForgeryCase
from ..conftest import dev_setup

pytestmark = pytest.mark.app_layer

#: bugs planted in scratch edits to see these tests fail (each alone, then restored):
#: (file, what was changed, the test that went red)
PLANTED_BUGS: tuple[tuple[str, str, str], ...] = (
    ("zkmpc/finance/loan.py", "the debt_ratio comparison removed", "test_the_native_checks_equal_the_circuit"),
    ("zkmpc/finance/loan.py", "the debt_ratio comparison on 64 bits, not 72",
     "test_the_native_checks_equal_the_circuit"),
    ("zkmpc/finance/loan.py", "max_dti_percent left out of the scope (circuit and native)",
     "test_a_softer_policy_has_another_scope"),
    ("zkmpc/finance/loan.py", "check_eligible's debt ratio off by one percent of a cent",
     "test_the_native_checks_equal_the_circuit"),
)

DEPTH = 4
NOW = 1_800_000_000
EXPIRES = 2_000_000_000
MIN_INCOME = 3_000_000  # 30,000.00 in cents


@lru_cache(maxsize=None)
def circuit() -> CompiledCircuit:
    return loan_circuit(DEPTH)


class Case(ForgeryCase):
    """An honest application: score 701, income 60,000.00, debt 15,000.00 (25 %)."""

    def __init__(self) -> None:
        rng = random.Random(8)
        self.cs = circuit()
        self.bank, self.other_bank = Bank(rng=rng), Bank(rng=rng)
        self.applicant = Applicant.generate(rng=rng)
        self.registry = BankRegistry([self.other_bank.id, self.bank.id, 12345], depth=DEPTH)
        self.policy = LoanPolicy(session=42, min_income=MIN_INCOME, now=NOW)
        self.att = self.attest()
        self.attack(self.cs, self.cs.solve(self.applicant.assignment(self.cs, self.att, self.registry, self.policy)))

    def attest(self, **changes: int) -> Attestation:
        values = dict(subject=self.applicant.commitment, score=701, income=6_000_000, debt=1_500_000, expiry=EXPIRES)
        values.update(changes)
        return self.bank.attest(**values)

    def policy_claim(self, policy: LoanPolicy) -> dict[int, int]:
        """The public wires of another policy (its thresholds and its scope)."""
        return {self.w("min_score"): policy.min_score, self.w("min_income"): policy.min_income,
                self.w("max_dti_percent"): policy.max_dti_percent, self.w("now"): policy.now,
                self.w("scope"): policy.scope}


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def _policy(**changes: int) -> LoanPolicy:
    values: dict[str, int] = dict(session=42, min_income=MIN_INCOME, now=NOW)
    values.update(changes)
    return LoanPolicy(**values)


#: (attestation changes, policy changes, the expected refusal or None)
BOUNDARIES: list[tuple[dict[str, int], dict[str, int], type[Exception] | None]] = [
    ({"score": 680}, {}, None),
    ({"score": 679}, {}, ScoreTooLowError),
    ({"score": 0}, {}, ScoreTooLowError),
    ({"score": 2**16 - 1}, {}, None),
    ({"income": MIN_INCOME, "debt": 0}, {}, None),
    ({"income": MIN_INCOME - 1, "debt": 0}, {}, IncomeTooLowError),
    ({"income": 10_000_000, "debt": 3_500_000}, {}, None),  # exactly 35 %
    ({"income": 10_000_000, "debt": 3_500_001}, {}, DebtRatioTooHighError),
    ({"income": 2**64 - 1, "debt": 2**64 - 1}, {"max_dti_percent": 100}, None),  # the widest products
    ({"income": 2**64 - 2, "debt": 2**64 - 1}, {"max_dti_percent": 100}, DebtRatioTooHighError),
    ({"income": 2**64 - 1, "debt": 2**64 - 1}, {}, DebtRatioTooHighError),
    ({"debt": 1}, {"max_dti_percent": 0}, DebtRatioTooHighError),
    ({"expiry": NOW + 1}, {}, None),
    ({"expiry": NOW}, {}, AttestationExpiredError),
    ({"expiry": 0}, {}, AttestationExpiredError),
    ({}, {"min_score": 701}, None),
    ({}, {"min_score": 702}, ScoreTooLowError),
]


@pytest.mark.parametrize("att_changes, policy_changes, expected", BOUNDARIES)
def test_the_native_checks_equal_the_circuit(case: Case, att_changes: dict[str, int], policy_changes: dict[str, int],
                                            expected: type[Exception] | None) -> None:
    att, policy = case.attest(**att_changes), _policy(**policy_changes)
    assert eligible(att, policy) is (expected is None)
    proof = case.registry.proof(case.bank.id)
    unchecked = case.applicant.assignment_unchecked(case.cs, att, proof.path_bits, proof.siblings, proof.root, policy)
    if expected is None:
        check_eligible(att, policy)
        w = case.cs.solve(unchecked)
        assert w.public == policy.signals(case.registry.root, case.applicant.nullifier(policy.session))
        return
    with pytest.raises(expected):
        check_eligible(att, policy)
    with pytest.raises(expected):
        case.applicant.assignment(case.cs, att, case.registry, policy)
    with pytest.raises(UnsatisfiedConstraintError) as info:  # an applicant that skips the checks
        case.cs.solve(unchecked)
    assert type(refusal(info.value)) is expected


def test_a_forged_attestation_or_an_unlicensed_bank_is_refused(case: Case) -> None:
    att = case.att
    altered = Attestation(att.subject, 800, att.income, att.debt, att.expiry, att.bank_key, att.signature)
    with pytest.raises(AttestationSignatureError):
        case.applicant.assignment(case.cs, altered, case.registry, case.policy)
    proof = case.registry.proof(case.bank.id)
    with pytest.raises(UnsatisfiedConstraintError) as info:
        case.cs.solve(case.applicant.assignment_unchecked(case.cs, altered, proof.path_bits, proof.siblings,
                                                          proof.root, case.policy))
    assert type(refusal(info.value)) is AttestationSignatureError
    rogue = Bank(b"rogue bank")
    signed = rogue.attest(subject=att.subject, score=800, income=att.income, debt=att.debt, expiry=att.expiry)
    with pytest.raises(UnlicensedBankError):
        case.applicant.assignment(case.cs, signed, case.registry, case.policy)
    with pytest.raises(UnsatisfiedConstraintError) as info:  # the rogue's key with a licensed bank's path
        case.cs.solve(case.applicant.assignment_unchecked(case.cs, signed, proof.path_bits, proof.siblings,
                                                          proof.root, case.policy))
    assert type(refusal(info.value)) is UnlicensedBankError
    stranger = Applicant(777)
    with pytest.raises(FinanceFormatError, match="subject"):
        stranger.assignment(case.cs, att, case.registry, case.policy)


def test_values_out_of_range_are_refused_before_any_proof() -> None:
    bank = Bank(b"bank")
    for kw in ({"score": 2**16}, {"income": -1}, {"debt": 2**64}, {"expiry": True}, {"subject": 2**254}):
        values: dict[str, Any] = dict(subject=1, score=700, income=1, debt=0, expiry=1)
        values.update(kw)
        with pytest.raises(FinanceFormatError):
            bank.attest(**values)
    for kw2 in ({"max_dti_percent": 101}, {"min_score": 2**16}, {"now": -1}, {"session": 2**255}):
        with pytest.raises(FinanceFormatError):
            _policy(**kw2)
    with pytest.raises(FinanceFormatError):
        BankRegistry([1, 1])
    with pytest.raises(FinanceFormatError):
        loan_circuit(33)


def test_thresholds_cannot_be_crossed(case: Case) -> None:
    for name, value in (("score", 679), ("income", MIN_INCOME - 1), ("debt", 2_100_001), ("expiry", NOW)):
        assert case.forge({case.w(name): value}) is None, name
        assert case.forge({case.w(name): value}, movable=("sig_r8", "sig_s")) is None, name
    assert case.forge({case.w("score"): 702}) is None  # a true score, but not the signed one


def test_a_softer_policy_has_another_scope(case: Case) -> None:
    # a threshold moved alone: the scope no longer matches
    assert case.forge({case.w("min_score"): 600}) is None
    assert case.forge({case.w("max_dti_percent"): 50}) is None
    # thresholds and scope moved together: a true claim completes, a false one does not
    assert case.forge(case.policy_claim(_policy(min_score=701))) is not None
    assert case.forge(case.policy_claim(_policy(min_score=702))) is None
    assert case.forge(case.policy_claim(_policy(max_dti_percent=25))) is not None
    assert case.forge(case.policy_claim(_policy(max_dti_percent=24))) is None
    assert case.forge(case.policy_claim(_policy(min_income=6_000_001))) is None
    assert case.forge(case.policy_claim(_policy(now=EXPIRES))) is None


def test_the_bank_the_holder_and_the_nullifier_are_bound(case: Case) -> None:
    mallory = PrivateKey(b"mallory").public_key
    assert case.forge({case.w("bank_key"): mallory[0], case.w("bank_key", 1): mallory[1]},
                      movable=("sig_r8", "sig_s")) is None
    assert case.forge({case.w("registry_root"): case.registry.root + 1}) is None
    leaf = bank_id(mallory)
    assert case.forge({case.w("bank_siblings"): leaf}) is None  # another path
    assert case.forge({case.w("holder_secret"): 12345}) is None
    null = case.witness.public[-1]
    assert case.forge({case.w("nullifier"): null + 1}) is None
    assert case.forge({case.w("session"): 43}) is None  # the same nullifier in another session
    assert not case.search.non_boolean(input_wires(case.cs, "bank_path"))


def test_the_debt_ratio_holds_against_single_and_paired_wire_changes(case: Case) -> None:
    wires = scope_wires(case.cs, "debt_ratio")
    assert len(wires) > 70  # the product and the 72-bit comparison
    assert not case.search.sweep(wires)
    assert not case.search.pairs(wires, max_pairs=10)
    assert not case.search.non_boolean([w for w in wires if w in set(case.search.internal)][:10])


@pytest.mark.slow
def test_the_comparisons_hold_against_single_and_paired_wire_changes(case: Case) -> None:
    wires = [w for s in ("debt_ratio", "score", "income", "expiry") for w in scope_wires(case.cs, s)]
    assert len(wires) > 200
    assert not case.search.sweep(wires)
    assert not case.search.pairs(wires, max_pairs=50)
    assert not case.search.non_boolean([w for w in wires if w in set(case.search.internal)][:30])


def test_a_proof_verifies_for_its_policy_only(case: Case) -> None:
    from zkp import groth16

    pk, vk = dev_setup(case.cs.r1cs)
    proof = groth16.prove(pk, case.witness, rng=random.Random(1))
    public = list(case.witness.public)
    assert groth16.verify(vk, public, proof)
    softer = _policy(min_score=600)
    assert not groth16.verify(vk, softer.signals(public[0], public[-1]), proof)
