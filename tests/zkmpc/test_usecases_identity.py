"""The identity use cases: anonymous resident feedback (Semaphore, group contract) and a
residency credential issued on chain A and checked on chain B; and the library piece the
second needs, a credential question pinned in the circuit (zkmpc.credentials.pinned),
under the malicious-witness harness: the pinned schema, slot, operator, values, session
and disclosure cannot be moved, while the generic circuit lets them move (the control)."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import pytest

from circuits.testing import ForgerySearch, input_wires
from zkmpc.credentials import Holder, Issuer, Op, Params, Query, compile_credential_circuit, schema_hash
from zkmpc.errors import CredentialExpiredError, CredentialFormatError, QueryFalseError
from zkmpc.credentials.pinned import Pinned, compile_pinned, pinned_class, signal_index

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]

PARAMS = Params(levels=4)
SCHEMA = schema_hash("city/residency/v1")
QUESTION = Pinned(SCHEMA, Query(0, Op.EQ, (75056,)), session=2026, disclose=(1,))
NOW = 1_800_000_000


@lru_cache(maxsize=None)
def pinned() -> Any:
    return compile_pinned(PARAMS, QUESTION)


class Case:
    def __init__(self) -> None:
        import random

        rng = random.Random(3)
        self.issuer, self.holder = Issuer(rng=rng), Holder.generate(rng=rng)
        self.cred = self.issuer.issue(SCHEMA, self.holder.commitment, slots=[75056, 4], expiration=NOW + 10, rng=rng)
        self.status = self.issuer.revocation_status(self.cred.claim.nonce)
        self.p = pinned()
        self.witness = self.p.compiled.solve(self.p.assignment(self.holder, self.cred, self.status, now=NOW))
        self.search = ForgerySearch(self.p.compiled, self.witness)

    def w(self, name: str, i: int = 0) -> int:
        return int(input_wires(self.p.compiled, name)[i])


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def test_the_pinned_question_cannot_be_moved(case: Case) -> None:
    claims = [{case.w("values"): 75057}, {case.w("operator"): int(Op.NE), case.w("values"): 1},
              {case.w("operator"): int(Op.IN)}, {case.w("slot"): 1, case.w("values"): 4},
              {case.w("schema"): SCHEMA + 1}, {case.w("session"): 2027},
              {case.w("disclose", 1): 0, case.w("disclosed", 1): 0}, {case.w("disclose", 0): 1}]
    assert case.search.forge_all(claims) == []
    # control: the generic circuit lets the holder answer another question (ne 1) with this claim
    generic = compile_credential_circuit(PARAMS)
    w = generic.solve(case.holder.assignment_unchecked(PARAMS, case.cred, case.status, QUESTION.request(NOW)))
    moved = {int(input_wires(generic, "operator")[0]): int(Op.NE), int(input_wires(generic, "values")[0]): 1}
    assert ForgerySearch(generic, w).forge(moved) is not None
    # now stays free (the contract's scope): an earlier date completes
    assert case.search.forge({case.w("now"): NOW - 5}) is not None


def test_pinned_refusals_and_signal_positions(case: Case) -> None:
    p = case.p
    assert p.compiled.r1cs.num_constraints == compile_credential_circuit(PARAMS).r1cs.num_constraints + 22
    names = p.compiled.public_names
    for name in ("issuer_state", "now", "nullifier", "session"):
        assert names[signal_index(PARAMS, name)] == name
    assert case.witness.public[signal_index(PARAMS, "nullifier")] == case.holder.nullifier(2026)
    other = case.issuer.issue(SCHEMA, case.holder.commitment, slots=[69123], expiration=NOW + 10)
    with pytest.raises(QueryFalseError):
        p.assignment(case.holder, other, case.issuer.revocation_status(other.claim.nonce), now=NOW)
    with pytest.raises(CredentialExpiredError):
        p.assignment(case.holder, case.cred, case.status, now=NOW + 10)
    with pytest.raises(CredentialFormatError):
        pinned_class(Params(levels=4, operator=Op.NE), QUESTION)
    with pytest.raises(CredentialFormatError):
        Pinned(SCHEMA, Query(0, Op.EQ, (1,)), session=2026, disclose=(9,))
    with pytest.raises(CredentialFormatError):
        signal_index(PARAMS, "secret")


# ------------------------------------------------------------------ the examples


FEEDBACK_REFUSALS = [
    ("a second signal by the same resident", "NullifierUsedError"),
    ("a non-resident (no proof of membership)", "MembershipProofError"),
    ("a non-resident's proof against another group's root", "UnknownRootError"),
    ("a feedback text altered after proving", "InvalidProofError"),
    ("a consultation that is not open", "ScopeNotOpenError"),
]


def check_feedback(figures: dict[str, Any], members: int) -> None:
    assert [tuple(r) for r in figures["refused"]] == FEEDBACK_REFUSALS
    assert len(figures["proofs"]) == 2 and figures["facts"]["signals recorded"] == 2
    for p in figures["proofs"]:
        assert p["constraints"] == 6369  # Semaphore v4's circuit at depth 20
        assert 200_000 < p["gas"] < 289_000  # the issue's ceiling for validateProof
    assert figures["facts"]["residents"].startswith(f"{members:,} ")


def test_resident_feedback_on_the_embedded_evm() -> None:
    from examples.identity import resident_feedback

    check_feedback(resident_feedback.main(["--members", "64"], io.StringIO()), 64)


def test_resident_feedback_on_anvil(anvil_url: str, solc_ready: None) -> None:
    from examples.identity import resident_feedback

    check_feedback(resident_feedback.main(["--members", "40", "--rpc", anvil_url, "--dev-keys"], io.StringIO()), 40)


RESIDENCY_REFUSALS = [
    ("the same registration again", "NullifierUsedError"),
    ("a resident of another city", "QueryFalseError"),
    ("an expired credential", "CredentialExpiredError"),
    ("the expired credential dated the day before yesterday (that date is not open)", "ScopeNotOpenError"),
    ("a revoked credential (against the new state)", "CredentialRevokedError"),
    ("a state chain B never received (published on A, not relayed)", "UnknownRootError"),
    ("the revoked credential's proof against the replaced state", "StaleRootError"),
]


def test_residency_credential_on_two_embedded_evms() -> None:
    from examples.identity import residency_credential

    figures = residency_credential.main(["--members", "8", "--levels", "10"], io.StringIO())
    assert [tuple(r) for r in figures["refused"]] == RESIDENCY_REFUSALS
    assert len(figures["proofs"]) == 2
    for p in figures["proofs"]:
        assert p["constraints"] == 9_273  # the pinned circuit at 10 levels (16,713 at the default 40: 248 a level)
        assert 200_000 < p["gas"] < 400_000
    assert figures["facts"]["registry office"].startswith("8 credentials issued, revocation tree of 10 levels")
