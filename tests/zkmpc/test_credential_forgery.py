"""The malicious-witness harness (circuits.testing.ForgerySearch) on the whole credential
circuit: starting from an honest witness, a holder cannot flip the query, alter the
claim or its issuer's signature, present a revoked claim, an expired one, another
nullifier or other disclosed values. Each false claim is beside a true one the harness
does complete, so "no forgery" is not the harness giving up."""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

import pytest

from circuits import CompiledCircuit
from circuits.native import babyjub as bj
from circuits.native.eddsa import PrivateKey
from circuits.testing import input_wires
from zkmpc.credentials import Holder, Issuer, Op, Params, Query, Request, compile_credential_circuit, issuer_state

from .._helpers import ForgeryCase

#: bugs planted in scratch copies to see these tests (and those named) fail, as in
#: tests/circuits/test_forgery.py: (file, text, replacement, test that went red). Each was applied
#: alone to a copy of the tree.
PLANTED_BUGS: tuple[tuple[str, str, str, str], ...] = (
    ("zkmpc/credentials/query.py", "    api.assert_equal(api.lincomb([(h, 1) for h in hot.values()]), 1)", "",
     "test_credential_query.py::test_an_unknown_operator_code_has_no_witness"),
    ("zkmpc/credentials/query.py", "    return api.as_uint(v, width)", "    return api.typed(v, width)",
     "test_credential_query.py::test_ordered_operators_refuse_values_past_the_width"),
    ("zkmpc/credentials/query.py", "Op.BETWEEN: api.mul(~x_lt_a, ~b_lt_x)}", "Op.BETWEEN: ~x_lt_a}",
     "test_credential_query.py::test_every_operator_at_its_boundaries"),
    ("zkmpc/credentials/circuit.py", "            api.assert_true(self.now < self.expiration)", "            pass",
     "test_an_expired_claim_cannot_be_presented"),
    ("zkmpc/credentials/circuit.py",
     "            api.assert_equal(poseidon(api, [*self.issuer_key, self.revocation_root]), self.issuer_state)",
     "            pass", "test_a_revoked_claim_cannot_be_presented_against_the_new_state"),
    ("zkmpc/credentials/circuit.py", '                api.enforce(d, s, out, "disclosed")',
     '                api.enforce(d, d, d, "disclosed")', "test_the_nullifier_and_disclosures_are_bound"),
    ("zkmpc/credentials/verifier.py", "        if s.schema != request.schema:", "        if False:",
     "test_credentials.py::test_the_verifier_refuses_a_presentation_for_another_request"),
    ("zkmpc/credentials/verifier.py",
     "        if record.replaced_at is not None and request.now - record.replaced_at >= self.state_window:",
     "        if False:", "test_credentials.py::test_stale_and_unknown_issuer_states"),
    ("zkmpc/credentials/holder.py", "        if request.now >= claim.expiration:",
     "        if request.now > claim.expiration:", "test_credentials.py::test_expiry_is_exclusive"),
)

AGE = 77
NOW = 1_800_000_000
EXPIRES = NOW + 1000


@lru_cache(maxsize=None)
def circuit() -> CompiledCircuit:
    return compile_credential_circuit(Params(levels=4))


class Case(ForgeryCase):
    """An honest witness: slot 0 = 34, slot 1 = 250, query ``slot 0 >= 18``, slot 1 disclosed."""

    def __init__(self, revoke_first: bool = False) -> None:
        rng = random.Random(5)
        self.cs = circuit()
        self.issuer, self.holder = Issuer(rng=rng), Holder.generate(rng=rng)
        self.cred = self.issuer.issue(AGE, self.holder.commitment, slots=[34, 250, 7], expiration=EXPIRES, rng=rng)
        self.other = self.issuer.issue(AGE, 999, slots=[1], expiration=EXPIRES, rng=rng)
        self.request = Request(schema=AGE, query=Query(0, Op.GE, (18,)), now=NOW, session=4242, disclose=(1,))
        self.old_state = self.issuer.state
        status = self.issuer.revocation_status(self.cred.claim.nonce)  # before any revocation
        self.issuer.revoke(self.other.claim.nonce)
        if revoke_first:
            self.issuer.revoke(self.cred.claim.nonce)
        a = self.holder.assignment_unchecked(Params(levels=4), self.cred, status, self.request)
        self.attack(self.cs, self.cs.solve(a))


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def test_the_query_cannot_be_flipped(case: Case) -> None:
    v0, op, slot = case.w("values"), case.w("operator"), case.w("slot")
    for claim in ({v0: 35}, {v0: 2**64 - 1}, {op: int(Op.LT)}, {op: int(Op.LE)}, {op: int(Op.EQ)},
                  {slot: 2}, {slot: 8}, {op: 0}):
        assert case.forge(claim) is None, claim
    # a true claim completes (moving the slot's ordered comparison changes too many wires at
    # once for the harness's local repair, so the control changes the operator)
    assert case.forge({op: int(Op.NE)}) is not None  # 34 != 18


def test_the_claim_and_its_signature_cannot_be_altered(case: Case) -> None:
    s0 = case.w("slots")
    assert case.forge({s0: 17}) is None  # the holder's own slot value
    assert case.forge({s0: 17}, movable=("sig_r8", "sig_s")) is None  # with any signature
    s = case.cred.signature.S
    assert case.forge({case.w("sig_s"): s + bj.SUBORDER}) is None  # the second encoding S + l
    mallory = PrivateKey(b"mallory").public_key
    forged_state = issuer_state(mallory, case.issuer.revocation_status(0).revocation_root)
    assert case.forge({case.w("issuer_key"): mallory[0], case.w("issuer_key", 1): mallory[1],
                       case.w("issuer_state"): forged_state}, movable=("sig_r8", "sig_s")) is None
    assert case.forge({case.w("schema"): AGE + 1}) is None
    assert case.forge({case.w("holder_secret"): 12345}) is None  # another holder's secret


def _smt_claim(case: Case, proof: Any) -> dict[int, int]:
    p = proof.circuit_inputs(4)
    claim = {case.w("revocation_root"): p["root"], case.w("old_key"): p["old_key"],
             case.w("old_value"): p["old_value"], case.w("is_old0"): p["is_old0"]}
    claim.update(dict(zip(input_wires(case.cs, "siblings"), p["siblings"])))
    return claim


def test_a_revoked_claim_cannot_be_presented_against_the_new_state() -> None:
    ok, revoked = Case(), Case(revoke_first=True)
    for c in (ok, revoked):
        assert c.witness.public[0] == c.old_state  # honest: proven against the state before
    new = {ok.w("issuer_state"): ok.issuer.state}
    status = ok.issuer.revocation_status(ok.cred.claim.nonce)
    assert ok.forge({**new, **_smt_claim(ok, status.proof)}) is not None  # not revoked: completes
    new = {revoked.w("issuer_state"): revoked.issuer.state}
    assert revoked.forge(new) is None  # the new state with the old root's proof
    status = revoked.issuer.revocation_status(revoked.cred.claim.nonce)
    assert status.revoked
    assert revoked.forge({**new, **_smt_claim(revoked, status.proof)}) is None  # its membership path
    assert revoked.forge({**new, revoked.w("revocation_root"): revoked.issuer.revocation_root},
                         movable=("siblings", "old_key", "old_value", "is_old0")) is None
    neighbour = revoked.issuer.revocation_status(revoked.other.claim.nonce).proof  # another leaf's path
    assert revoked.forge({**new, **_smt_claim(revoked, neighbour)}) is None
    claim = {**new, **_smt_claim(revoked, status.proof), revoked.w("is_old0"): 0,
             revoked.w("old_key"): revoked.cred.claim.nonce, revoked.w("old_value"): 1}
    assert revoked.forge(claim) is None  # "excluded" by its own leaf


def test_an_expired_claim_cannot_be_presented(case: Case) -> None:
    now = case.w("now")
    for t in (EXPIRES, EXPIRES + 1, 2**64 - 1):
        assert case.forge({now: t}) is None
    assert case.forge({case.w("expiration"): NOW}) is None
    assert case.forge({now: EXPIRES - 1}) is not None


def test_the_nullifier_and_disclosures_are_bound(case: Case) -> None:
    null, session = case.w("nullifier"), case.w("session")
    assert case.forge({null: case.witness.public[input_wires(case.cs, "nullifier")[0] - 1] + 1}) is None
    assert case.forge({session: 4243}) is None  # the same nullifier in another session
    d0, d1 = case.w("disclose"), case.w("disclose", 1)
    out0, out1 = case.w("disclosed"), case.w("disclosed", 1)
    assert case.forge({out1: 251}) is None
    assert case.forge({d1: 0}) is None  # hidden, yet the value stays public: no witness
    assert case.forge({d0: 1}) is None  # revealed as 0
    assert case.forge({d0: 2, out0: 0}) is None
    assert case.forge({d0: 1, out0: 34}) is not None  # revealed truthfully
    assert case.forge({d1: 0, out1: 0}) is not None  # hidden


@pytest.mark.slow
def test_the_credential_scopes_hold_against_single_wire_changes(case: Case) -> None:
    from circuits.testing import scope_wires

    wires = [w for scope in ("query", "slot", "expiry", "disclosure") for w in scope_wires(case.cs, scope)]
    assert wires
    assert not case.search.sweep(wires)
    assert not case.search.non_boolean([w for w in wires if w in set(case.search.internal)][:50])


# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = pytest.mark.app_layer
