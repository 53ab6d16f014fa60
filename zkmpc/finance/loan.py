"""Loan eligibility from a bank-signed attestation, proven without revealing it.

The circuit (:func:`loan_circuit`) proves, for a lender's public :class:`LoanPolicy`:

- ``registry``: the attesting bank's id ``Poseidon(key)`` is a leaf of the regulator's
  registry of licensed banks (``registry_root``; which bank stays hidden);
- ``signature``: the bank's EdDSA-Poseidon signature verifies on the attestation
  (:mod:`.attestation`) of the applicant's commitment ``Poseidon(holder_secret)``;
- ``score``: ``score >= min_score`` (16 bits); ``income``: ``income >= min_income``
  (64 bits); ``debt_ratio``: ``debt * 100 <= max_dti_percent * income`` (both sides
  below 2^72, compared on 72 bits: no wrap); ``expiry``: ``now < expiry``;
- ``policy``: ``scope = Poseidon(POLICY_TAG, session, min_score, min_income,
  max_dti_percent, now)``, so a contract that accepts only open scopes accepts only the
  lender's own thresholds (a proof against a softer policy has a scope nobody opened);
- ``session``: ``nullifier = Poseidon(holder_secret, session)``: one application per
  applicant per lender session.

Public signals, in order: ``registry_root, min_score, min_income, max_dti_percent, now,
session, scope, nullifier`` (:data:`PUBLIC_SIGNALS`). Private: the bank, the score, the
income, the debt, the expiry, the signature and the holder secret.

    >>> import random
    >>> from zkmpc.finance import Applicant, Bank, BankRegistry, LoanPolicy
    >>> rng = random.Random(7)
    >>> bank, alice = Bank(rng=rng), Applicant.generate(rng=rng)
    >>> att = bank.attest(subject=alice.commitment, score=701, income=60_000_00, debt=15_000_00, expiry=2_000_000_000)
    >>> policy = LoanPolicy(session=42, min_income=30_000_00, now=1_800_000_000)
    >>> eligible(att, policy), policy.min_score, policy.max_dti_percent
    (True, 680, 35)
    >>> cs = loan_circuit(depth=4)
    >>> registry = BankRegistry([bank.id], depth=4)
    >>> w = cs.solve(alice.assignment(cs, att, registry, policy))
    >>> w.public == policy.signals(registry.root, alice.nullifier(policy.session))
    True
    >>> poor = bank.attest(subject=alice.commitment, score=701, income=40_000_00, debt=15_000_00, expiry=2_000_000_000)
    >>> alice.assignment(cs, poor, registry, policy)          # 15,000 / 40,000 = 37.5 %
    Traceback (most recent call last):
    ...
    zkmpc.errors.DebtRatioTooHighError: debt 1500000 is above 35 % of income 4000000
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from circuits import Bool, Circuit, CompiledCircuit, Field, Public, Secret, UInt, UnsatisfiedConstraintError, compile
from circuits.gadgets import assert_ge, assert_le, assert_lt, assert_member, eddsa_poseidon_verify, nullifier, poseidon
from circuits.native import nullifier as native_nullifier
from circuits.native import poseidon as native_poseidon
from circuits.types import InputSpec
from zkp.field import R

from ..credentials import Rng
from ..errors import (AttestationExpiredError, AttestationSignatureError, DebtRatioTooHighError, FinanceError,
                      FinanceFormatError, IncomeTooLowError, ScoreTooLowError, UnlicensedBankError)
from ._check import field_element, random_below, uint
from .attestation import ATTESTATION_TAG, MONEY_BITS, SCORE_BITS, TIME_BITS, Attestation, BankRegistry

__all__ = ["LoanPolicy", "Applicant", "loan_circuit", "loan_class", "eligible", "check_eligible", "refusal",
           "POLICY_TAG", "PUBLIC_SIGNALS", "DTI_BITS"]

#: domain tag of a policy's scope
POLICY_TAG = int.from_bytes(b"zkmpc/finance/loan-policy/v1", "big")
#: the public signals, in order
PUBLIC_SIGNALS = ("registry_root", "min_score", "min_income", "max_dti_percent", "now", "session", "scope",
                  "nullifier")
#: width of the debt-to-income comparison: 100 * debt and max_dti_percent * income are below 2^72
DTI_BITS = MONEY_BITS + 8


@dataclass(frozen=True)
class LoanPolicy:
    """A lender's thresholds for one session: ``score >= min_score``, ``income >=
    min_income`` (cents), ``debt <= max_dti_percent % of income``, attestation valid at
    ``now`` (unix seconds)."""

    session: int
    min_income: int
    now: int
    min_score: int = 680
    max_dti_percent: int = 35

    def __post_init__(self) -> None:
        field_element(self.session, "session")
        uint(self.min_income, MONEY_BITS, "min_income")
        uint(self.now, TIME_BITS, "now")
        uint(self.min_score, SCORE_BITS, "min_score")
        if isinstance(self.max_dti_percent, bool) or not isinstance(self.max_dti_percent, int) \
                or not 0 <= self.max_dti_percent <= 100:
            raise FinanceFormatError(f"max_dti_percent: expected an int in [0, 100], found {self.max_dti_percent!r}")

    @property
    def scope(self) -> int:
        """``Poseidon(POLICY_TAG, session, min_score, min_income, max_dti_percent, now)``:
        the scope a lender opens on chain for this policy."""
        return native_poseidon([POLICY_TAG, self.session, self.min_score, self.min_income, self.max_dti_percent,
                                self.now])

    def signals(self, registry_root: int, nullifier: int) -> list[int]:
        """The public signals of a proof under this policy (:data:`PUBLIC_SIGNALS`)."""
        return [registry_root, self.min_score, self.min_income, self.max_dti_percent, self.now, self.session,
                self.scope, nullifier]


def check_eligible(att: Attestation, policy: LoanPolicy) -> None:
    """Raise the named error of the first condition ``att`` fails under ``policy``
    (signature, expiry, score, income, debt ratio); the native twin of the circuit's
    checks (the registry aside: :meth:`BankRegistry.proof` refuses an unlicensed bank)."""
    if not att.signature_valid():
        raise AttestationSignatureError("the bank's signature does not verify on this attestation (forged or altered)")
    if policy.now >= att.expiry:
        raise AttestationExpiredError(f"the attestation expired at {att.expiry}; the policy's now is {policy.now}")
    if att.score < policy.min_score:
        raise ScoreTooLowError(f"score {att.score} is below the minimum {policy.min_score}")
    if att.income < policy.min_income:
        raise IncomeTooLowError(f"income {att.income} is below the minimum {policy.min_income}")
    if att.debt * 100 > policy.max_dti_percent * att.income:
        raise DebtRatioTooHighError(f"debt {att.debt} is above {policy.max_dti_percent} % of income {att.income}")


def eligible(att: Attestation, policy: LoanPolicy) -> bool:
    """True iff :func:`check_eligible` passes."""
    try:
        check_eligible(att, policy)
    except FinanceError:
        return False
    return True


def _inputs(depth: int) -> dict[str, InputSpec]:
    return {"registry_root": Public[Field], "min_score": Public[UInt[SCORE_BITS]],
            "min_income": Public[UInt[MONEY_BITS]], "max_dti_percent": Public[UInt[8]],
            "now": Public[UInt[TIME_BITS]], "session": Public[Field], "scope": Public[Field],
            "nullifier": Public[Field], "holder_secret": Secret[Field], "score": Secret[UInt[SCORE_BITS]],
            "income": Secret[UInt[MONEY_BITS]], "debt": Secret[UInt[MONEY_BITS]], "expiry": Secret[UInt[TIME_BITS]],
            "bank_key": Secret[Field, 2], "sig_r8": Secret[Field, 2], "sig_s": Secret[Field],
            "bank_path": Secret[Bool, depth], "bank_siblings": Secret[Field, depth]}


def _define(self: Any, api: Any) -> None:
    with api.scope("registry"):
        assert_member(api, self.registry_root, poseidon(api, list(self.bank_key)), list(self.bank_path),
                      list(self.bank_siblings))
    with api.scope("signature"):
        subject = poseidon(api, [self.holder_secret])
        msg = poseidon(api, [api.constant(ATTESTATION_TAG), self.score, self.income, self.debt, self.expiry, subject])
        eddsa_poseidon_verify(api, tuple(self.bank_key), tuple(self.sig_r8), self.sig_s, msg)
    with api.scope("expiry"):
        assert_lt(api, self.now, self.expiry)
    with api.scope("score"):
        assert_ge(api, self.score, self.min_score)
    with api.scope("income"):
        assert_ge(api, self.income, self.min_income)
    with api.scope("debt_ratio"):
        assert_le(api, api.scale(self.debt, 100), api.mul(self.max_dti_percent, self.income), bits=DTI_BITS)
    with api.scope("policy"):
        api.assert_equal(poseidon(api, [api.constant(POLICY_TAG), self.session, self.min_score, self.min_income,
                                        self.max_dti_percent, self.now]), self.scope)
    with api.scope("session"):
        api.assert_equal(nullifier(api, self.holder_secret, self.session), self.nullifier)


def input_length(circuit: CompiledCircuit, name: str) -> int:
    """The length of the array input ``name`` of ``circuit`` (:class:`FinanceFormatError`
    if it has none: a circuit of another kind)."""
    for item in circuit.layout:
        if item.name == name and item.spec.shape:
            return int(item.spec.shape[0])
    raise FinanceFormatError(f"expected a circuit with an array input {name!r}, found {circuit.circuit.__name__}")


@lru_cache(maxsize=8)
def loan_class(depth: int = 20) -> type[Circuit]:
    """The circuit class for a bank registry of ``depth`` levels (1..32)."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 32:
        raise FinanceFormatError(f"depth: expected an int in [1, 32], found {depth!r}")
    name = f"LoanEligibility{depth}"
    return type(name, (Circuit,), {"__annotations__": _inputs(depth), "define": _define, "__module__": __name__,
                                   "__qualname__": name})


@lru_cache(maxsize=8)
def loan_circuit(depth: int = 20) -> CompiledCircuit:
    """The compiled circuit (see the module docstring); 10,951 constraints at depth 20."""
    return compile(loan_class(depth))


#: the scope of a failing constraint -> the refusal it means
_REFUSALS: tuple[tuple[str, Callable[[str], FinanceError]], ...] = (
    ("registry", UnlicensedBankError), ("signature", AttestationSignatureError), ("expiry", AttestationExpiredError),
    ("score", ScoreTooLowError), ("income", IncomeTooLowError), ("debt_ratio", DebtRatioTooHighError),
)


def refusal(exc: UnsatisfiedConstraintError) -> FinanceError:
    """The named error for a constraint of the loan circuit that a witness breaks (by the
    scope in its label); :class:`FinanceFormatError` for any other."""
    path = (exc.label or "").split(" @ ", 1)[0].split("/")
    for scope, cls in _REFUSALS:
        if scope in path:
            return cls(f"the witness breaks constraint {exc.label}")
    return FinanceFormatError(f"the witness breaks constraint {exc.label}: {exc}")


class Applicant:
    """A bank's customer applying for loans, identified by ``secret`` (non-zero)."""

    def __init__(self, secret: int) -> None:
        if field_element(secret, "holder secret") == 0:
            raise FinanceFormatError("holder secret: expected a non-zero field element, found 0")
        self._secret = secret
        self.commitment = native_poseidon([secret])

    @classmethod
    def generate(cls, *, rng: Rng | None = None) -> Applicant:
        """An applicant with a uniform random secret (``secrets``, or ``rng`` in tests)."""
        return cls(random_below(R, floor=1, rng=rng))

    def __repr__(self) -> str:
        return f"Applicant(commitment={self.commitment:#x})"

    def nullifier(self, session: int) -> int:
        """``Poseidon(secret, session)``: this applicant's nullifier in a lender session."""
        return native_nullifier(self._secret, field_element(session, "session"))

    def assignment(self, circuit: CompiledCircuit, att: Attestation, registry: BankRegistry,
                   policy: LoanPolicy) -> Circuit:
        """The circuit's assignment, after :func:`check_eligible` and the registry's proof
        (their named errors). A circuit of another depth than the registry's is refused."""
        if att.subject != self.commitment:
            raise FinanceFormatError(f"the attestation's subject {att.subject:#x} is not this applicant's commitment")
        check_eligible(att, policy)
        proof = registry.proof(att.bank)
        return self.assignment_unchecked(circuit, att, proof.path_bits, proof.siblings, proof.root, policy)

    def assignment_unchecked(self, circuit: CompiledCircuit, att: Attestation, path: tuple[int, ...],
                             siblings: tuple[int, ...], root: int, policy: LoanPolicy) -> Circuit:
        """The assignment with none of :meth:`assignment`'s checks (solving it refuses
        what the constraints refuse: :func:`refusal` names it)."""
        cls: type[Circuit] = circuit.circuit
        depth = input_length(circuit, "bank_siblings")
        if len(siblings) != depth:
            raise FinanceFormatError(f"registry proof: expected {depth} siblings, found {len(siblings)}")
        return cls(registry_root=root, min_score=policy.min_score, min_income=policy.min_income,
                   max_dti_percent=policy.max_dti_percent, now=policy.now, session=policy.session,
                   scope=policy.scope, nullifier=self.nullifier(policy.session), holder_secret=self._secret,
                   score=att.score, income=att.income, debt=att.debt, expiry=att.expiry,
                   bank_key=list(att.bank_key), sig_r8=list(att.signature.R8), sig_s=att.signature.S,
                   bank_path=list(path), bank_siblings=list(siblings))
