"""zkmpc.credentials: issue, revoke, publish, prove, verify, and every refusal with its
named error (on the holder's side, in the circuit when the holder's checks are skipped,
and on the verifier's side)."""

from __future__ import annotations

import random
import sqlite3
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from circuits import UnsatisfiedConstraintError
from circuits.native.eddsa import PrivateKey, Signature
from zkmpc.credentials import (NEVER, Claim, Credential, CredentialKeys, Holder, Issuer, Op, Params, Presentation,
                               Query, StateRegistry, Verifier, dump_credential, dump_presentation, issuer_id,
                               load_credential, load_presentation, refusal, schema_hash)
from zkmpc.errors import (CredentialError, CredentialExpiredError, CredentialFormatError, CredentialRevokedError,
                          InvalidPresentationError, IssuerSignatureError, NullifierReplayError, QueryFalseError,
                          RequestMismatchError, SchemaMismatchError, StaleIssuerStateError, UnknownClaimError,
                          UnknownIssuerError)

LEVELS = 6
AGE = schema_hash("test/age/v1")
NOW = 1_800_000_000
EXPIRES = 1_900_000_000


@pytest.fixture(scope="module")
def keys() -> CredentialKeys:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CredentialKeys.setup(Params(levels=LEVELS), rng=random.Random(7))


class World:
    def __init__(self, keys: CredentialKeys, rng: random.Random) -> None:
        self.rng = rng
        self.keys = keys
        self.registry = StateRegistry()
        self.issuer = Issuer(rng=rng)
        self.holder = Holder.generate(rng=rng)
        self.cred = self.issuer.issue(AGE, self.holder.commitment, slots=[34, 250, 7], expiration=EXPIRES, rng=rng)
        self.issuer.publish(self.registry, at=NOW - 100)
        self.verifier = Verifier(keys.params, keys.verifying_key, self.registry)

    def request(self, query: Query = Query(slot=0, op="ge", values=(18,)), **kw: Any) -> Any:
        kw.setdefault("now", NOW)
        kw.setdefault("rng", self.rng)
        return self.verifier.request(AGE, query, **kw)

    def prove(self, request: Any, cred: Credential | None = None, holder: Holder | None = None) -> Presentation:
        cred = cred or self.cred
        status = self.issuer.revocation_status(cred.claim.nonce)
        return (holder or self.holder).prove(self.keys, cred, status, request, rng=self.rng)


@pytest.fixture
def world(keys: CredentialKeys, rng: random.Random) -> World:
    return World(keys, rng)


# ------------------------------------------------------------------ the honest path


def test_a_presentation_is_accepted_once_and_discloses_only_the_chosen_slots(world: World) -> None:
    req = world.request(disclose=[1, 2])
    pres = world.prove(req)
    ok = world.verifier.accept(pres, req)
    assert ok.disclosed == {1: 250, 2: 7}
    assert ok.issuer == world.issuer.id and ok.nullifier == world.holder.nullifier(req.session)
    assert pres.signals.count(34) == 0  # the queried slot is not disclosed
    with pytest.raises(NullifierReplayError):
        world.verifier.accept(pres, req)
    again = world.prove(req)  # a fresh proof (another randomisation) of the same holder and session
    assert again.proof != pres.proof
    with pytest.raises(NullifierReplayError):
        world.verifier.accept(again, req)
    other_session = world.request()
    world.verifier.accept(world.prove(other_session), other_session)  # a new session is a new nullifier


def test_every_operator_end_to_end(world: World) -> None:
    for query in (Query(0, Op.EQ, (34,)), Query(0, Op.NE, (35,)), Query(0, Op.LT, (35,)), Query(0, Op.LE, (34,)),
                  Query(0, Op.GT, (33,)), Query(0, Op.GE, (34,)), Query(1, Op.IN, (276, 250, 380)),
                  Query(1, Op.NIN, (276, 380)), Query(0, Op.BETWEEN, (34, 34))):
        req = world.request(query)
        assert world.verifier.accept(world.prove(req), req).disclosed == {}


def test_presentation_and_credential_json_round_trip(world: World) -> None:
    req = world.request(disclose=[0])
    pres = world.prove(req)
    back = load_presentation(dump_presentation(pres))
    assert back == pres
    assert world.verifier.accept(back, req).disclosed == {0: 34}
    assert load_credential(dump_credential(world.cred)) == world.cred
    text = dump_presentation(pres)
    for bad in (text.replace('"public": ["', '"public": ["0'), text.replace('"version"', '"versio"'),
                text.replace(str(pres.signals[0]), str(pres.signals[0] + 21888242871839275222246405745257275088548364400416034343698204186575808495617)),
                "[]", "{", '{"version": 1}'):
        with pytest.raises(CredentialFormatError):
            load_presentation(bad)


# ------------------------------------------------------------------ refusals on the holder's side


def test_expiry_is_exclusive(world: World) -> None:
    c = world.issuer.issue(AGE, world.holder.commitment, slots=[34], expiration=NOW + 1, rng=world.rng)
    req = world.request()
    world.verifier.accept(world.prove(req, c), req)  # now = expiration - 1
    status = world.issuer.revocation_status(c.claim.nonce)
    for now in (NOW + 1, NOW + 2):
        with pytest.raises(CredentialExpiredError):
            world.prove(world.request(now=now), c)
        with pytest.raises(CredentialExpiredError):  # the holder's own check, before the circuit's
            world.holder.check(c, status, world.request(now=now))


def test_revoked_claims_cannot_be_presented(world: World) -> None:
    world.issuer.revoke(world.cred.claim.nonce, at=NOW - 50)
    world.issuer.publish(world.registry, at=NOW - 50)
    with pytest.raises(CredentialRevokedError):
        world.prove(world.request())
    with pytest.raises(UnknownClaimError):
        world.issuer.revoke(world.cred.claim.nonce)
    with pytest.raises(UnknownClaimError):
        world.issuer.revoke(12345)


def test_forged_issuer_signatures_are_refused(world: World) -> None:
    c = world.cred
    forged = [
        replace(c, claim=replace(c.claim, slots=(17,) + c.claim.slots[1:])),  # an altered slot
        replace(c, signature=Signature(c.signature.R8, (c.signature.S + 1))),
        replace(c, issuer_key=PrivateKey(b"another issuer").public_key),  # signed by someone else
    ]
    for cred in forged:
        with pytest.raises(IssuerSignatureError):
            world.prove(world.request(), cred)
    mallory = PrivateKey(b"mallory")  # a self-signed claim: valid signature, unknown issuer
    own = Credential(c.claim, mallory.public_key, mallory.sign(c.claim.hash()))
    with pytest.raises(UnknownIssuerError):
        world.prove(world.request(issuers=[world.issuer.id]), own)


def test_wrong_schema_and_false_queries_are_refused(world: World) -> None:
    with pytest.raises(SchemaMismatchError):
        world.holder.prove(world.keys, world.cred, world.issuer.revocation_status(world.cred.claim.nonce),
                           world.verifier.request(schema_hash("test/diploma/v1"), Query(0, "ge", (18,)), now=NOW))
    for query in (Query(0, Op.GE, (35,)), Query(0, Op.LT, (34,)), Query(0, Op.EQ, (33,)), Query(1, Op.NIN, (250,)),
                  Query(0, Op.BETWEEN, (35, 99))):
        with pytest.raises(QueryFalseError):
            world.prove(world.request(query))


def test_another_holders_credential_is_refused(world: World) -> None:
    with pytest.raises(CredentialFormatError, match="not this holder"):
        world.prove(world.request(), holder=Holder.generate(rng=world.rng))


def _solve_unchecked(world: World, request: Any, cred: Credential, holder: Holder | None = None) -> CredentialError:
    """What the circuit says when the holder's own checks are skipped."""
    status = world.issuer.revocation_status(cred.claim.nonce)
    assignment = (holder or world.holder).assignment_unchecked(world.keys.params, cred, status, request)
    with pytest.raises(UnsatisfiedConstraintError) as info:
        world.keys.circuit.solve(assignment)
    return refusal(info.value)


def test_the_circuit_refuses_what_the_holder_checks_with_the_same_errors(world: World) -> None:
    c = world.cred
    assert isinstance(_solve_unchecked(world, world.request(Query(0, "gt", (34,))), c), QueryFalseError)
    assert isinstance(_solve_unchecked(world, world.request(now=EXPIRES), c), CredentialExpiredError)
    forged = replace(c, claim=replace(c.claim, slots=(99,) + c.claim.slots[1:]))
    assert isinstance(_solve_unchecked(world, world.request(), forged), IssuerSignatureError)
    wrong_schema = world.verifier.request(schema_hash("test/other"), Query(0, "ge", (18,)), now=NOW)
    assert isinstance(_solve_unchecked(world, wrong_schema, c), IssuerSignatureError)  # the schema is signed
    world.issuer.revoke(c.claim.nonce)
    assert isinstance(_solve_unchecked(world, world.request(), c), CredentialRevokedError)


# ------------------------------------------------------------------ refusals on the verifier's side


def test_the_verifier_refuses_a_presentation_for_another_request(world: World) -> None:
    req = world.request(disclose=[1])
    pres = world.prove(req)
    with pytest.raises(SchemaMismatchError):
        world.verifier.check(pres, replace(req, schema=schema_hash("test/diploma/v1")))
    for change in ({"now": NOW + 1}, {"session": req.session + 1}, {"disclose": (1, 2)},
                   {"query": Query(0, "ge", (17,))}, {"query": Query(0, "gt", (18,))}, {"query": Query(1, "ge", (18,))}):
        with pytest.raises(RequestMismatchError):
            world.verifier.check(pres, replace(req, **change))
    with pytest.raises(CredentialFormatError):
        world.verifier.check(Presentation(pres.proof, pres.signals[:-1]), req)
    world.verifier.accept(pres, req)


def test_the_verifier_refuses_proofs_that_do_not_verify(world: World) -> None:
    req = world.request()
    pres = world.prove(req)
    other = world.prove(world.request())  # a valid proof for other signals
    with pytest.raises(InvalidPresentationError):
        world.verifier.check(Presentation(other.proof, pres.signals), req)
    signals = list(pres.signals)
    signals[-1 - 8 - 8] ^= 1  # the nullifier, changed: someone else's or a fresh one
    with pytest.raises(InvalidPresentationError):
        world.verifier.check(Presentation(pres.proof, tuple(signals)), req)


def test_stale_and_unknown_issuer_states(world: World, keys: CredentialKeys) -> None:
    req = world.request()
    pres = world.prove(req)  # against the state published at NOW - 100
    other = world.issuer.issue(AGE, 42, slots=[1], expiration=NEVER, rng=world.rng)
    world.issuer.revoke(other.claim.nonce)
    world.issuer.publish(world.registry, at=NOW - 10)  # a revocation since
    with pytest.raises(StaleIssuerStateError):
        world.verifier.check(pres, req)
    lenient = Verifier(keys.params, keys.verifying_key, world.registry, state_window=60)
    assert lenient.accept(pres, req).issuer == world.issuer.id  # replaced 10 s before now: in the window
    fresh = world.prove(world.request())  # against the new state
    world.verifier.accept(fresh, world.request(session=fresh.signals[-18], now=NOW))
    unknown = Issuer(rng=world.rng)
    cred = unknown.issue(AGE, world.holder.commitment, slots=[40], expiration=EXPIRES, rng=world.rng)
    pres = world.holder.prove(keys, cred, unknown.revocation_status(cred.claim.nonce), req, rng=world.rng)
    with pytest.raises(UnknownIssuerError, match="never published"):
        world.verifier.check(pres, req)
    unknown.publish(world.registry, at=NOW)
    world.verifier.check(pres, req)  # published: any issuer is accepted by a request naming none
    with pytest.raises(UnknownIssuerError, match="not among"):
        world.verifier.check(pres, replace(req, issuers=(world.issuer.id,)))


# ------------------------------------------------------------------ persistence and shapes


def test_issuer_state_persists_in_sqlite(tmp_path: Path, rng: random.Random) -> None:
    path = tmp_path / "issuer.db"
    with Issuer(path, rng=rng) as issuer:
        creds = [issuer.issue(AGE, 1000 + i, slots=[i], expiration=NEVER, rng=rng) for i in range(5)]
        issuer.revoke(creds[1].claim.nonce, at=5)
        issuer.revoke(creds[3].claim.nonce, at=6)
        key, root, state = issuer.public_key, issuer.revocation_root, issuer.state
    assert path.stat().st_mode & 0o777 == 0o600
    with Issuer(path) as again:
        assert (again.public_key, again.revocation_root, again.state) == (key, root, state)
        assert [again.is_revoked(c.claim.nonce) for c in creds] == [False, True, False, True, False]
        assert again.claim(creds[2].claim.nonce) == creds[2].claim
        assert again.id == issuer_id(key)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM claims").fetchone() == (5,)


def test_registry_persists_and_orders_states(tmp_path: Path) -> None:
    path = tmp_path / "states.db"
    with StateRegistry(path) as reg:
        reg.publish(issuer=1, state=10, at=100)
        reg.publish(issuer=1, state=10, at=150)  # the current state again: nothing
        reg.publish(issuer=2, state=20, at=120)
        reg.publish(issuer=1, state=11, at=200)
        with pytest.raises(CredentialFormatError):
            reg.publish(issuer=1, state=12, at=199)  # before the current state
        with pytest.raises(CredentialFormatError):
            reg.publish(issuer=2, state=10, at=300)  # a state published before
    with StateRegistry(path) as reg:
        assert reg.current(1) == 11 and reg.current(2) == 20
        assert reg.lookup(10).replaced_at == 200 and reg.lookup(11).replaced_at is None
        with pytest.raises(UnknownIssuerError):
            reg.current(3)


def test_a_fixed_operator_circuit(rng: random.Random) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keys = CredentialKeys.setup(Params(levels=4, operator=Op.BETWEEN), rng=rng)
    registry, issuer, holder = StateRegistry(), Issuer(rng=rng), Holder.generate(rng=rng)
    cred = issuer.issue(AGE, holder.commitment, slots=[34], expiration=EXPIRES, rng=rng)
    issuer.publish(registry, at=NOW)
    verifier = Verifier(keys.params, keys.verifying_key, registry)
    req = verifier.request(AGE, Query(0, "between", (18, 65)), now=NOW, rng=rng)
    pres = holder.prove(keys, cred, issuer.revocation_status(cred.claim.nonce), req, rng=rng)
    assert len(pres.signals) == keys.params.num_public == 3 + 2 + 3 + 16
    verifier.accept(pres, req)
    with pytest.raises(CredentialFormatError, match="answers between"):
        verifier.request(AGE, Query(0, "ge", (18,)), now=NOW)


def test_malformed_inputs_are_refused() -> None:
    r = 21888242871839275222246405745257275088548364400416034343698204186575808495617
    for kw in ({"nonce": 2**64}, {"expiration": -1}, {"schema": r}, {"slots": (0,) * 7}, {"slots": (r,) + (0,) * 7},
               {"subject": True}):
        base: dict[str, Any] = {"schema": 1, "subject": 2, "nonce": 3, "expiration": 4, "slots": (0,) * 8}
        with pytest.raises(CredentialFormatError):
            Claim(**{**base, **kw})
    for args in ((8, "eq", (1,)), (0, "lte", (1,)), (0, "in", ()), (0, "in", tuple(range(11))), (0, "eq", (1, 2)),
                 (0, "between", (1,)), (0, "eq", (r,)), (0, 0, (1,))):
        with pytest.raises(CredentialFormatError):
            Query(*args)  # type: ignore[arg-type]
    with pytest.raises(CredentialFormatError):
        Params(levels=1)
    with pytest.raises(CredentialFormatError):
        Holder(0)
    with pytest.raises(CredentialFormatError):
        schema_hash("")


def test_the_benchmark_runs_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import credentials as bench

    assert bench.main(["--levels", "6", "--repeat", "1", "--ops", "between", "--revoked", "4"]) == 0
    out = capsys.readouterr().out
    assert "public-op between" in out and "fixed between" in out and "57,184" in out
    counts = bench.query_gadget_counts()
    assert counts["any (public operator)"] == 431 and counts["between"] == 323 and counts["eq"] == 2


# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = pytest.mark.app_layer
