"""The rate-limiting nullifier (zkmpc.identity.ratelimit): constraint count, the circuit's
nullifier against its native twin, proofs and the off-chain verifier's refusals (each a
named error), and the malicious-witness harness on the circuit: no counter at or above the
limit, no nullifier of another epoch or counter, no second set of nullifiers from
``secret + l``. Each false claim sits beside a true one the harness completes, so "no
forgery" is not the harness giving up."""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from circuits.errors import UnsatisfiedConstraintError
from circuits.native import babyjub as bj
from circuits.native.poseidon import poseidon
from circuits.testing import ForgerySearch, input_wires, scope_wires
from zkp.field import R
from zkmpc.errors import (MembershipProofError, RateLimitEpochError, RateLimitError, RateLimitExceededError,
                          RateLimitProofError, RateLimitReplayError, RateLimitRootError)
from zkmpc.identity import Group, Identity
from zkmpc.identity import ratelimit as rl
from zkmpc.identity.semaphore import hash_value, replace

from ..conftest import dev_setup

pytestmark = pytest.mark.app_layer

LIMIT = 3
SERVICE = 0xBEEF
TODAY = rl.epoch_of(SERVICE, rl.day(1_800_000_000))
TOMORROW = rl.epoch_of(SERVICE, rl.day(1_800_000_000) + 1)


@lru_cache(maxsize=None)
def keyed(depth: int = 5, limit: int = LIMIT) -> tuple[rl.RateLimitCircuit, Any, Any]:
    circuit = rl.ratelimit_circuit(depth, limit=limit)
    pk, vk = dev_setup(circuit.compiled.r1cs)
    return circuit, pk, vk


def people(n: int) -> list[Identity]:
    return [Identity(f"rider {i}") for i in range(n)]


def test_constraints_public_signals_and_limits() -> None:
    circuit = rl.ratelimit_circuit(20, limit=10)
    assert circuit.compiled.public_names == list(rl.PUBLIC_SIGNALS)
    n = circuit.compiled.r1cs.num_constraints
    assert n == 6396, n  # Semaphore's 6,369, a 3-input Poseidon for the nullifier, 4 counter bits and their check
    # the counter check grows with the limit's bits only
    sizes = {limit: rl.ratelimit_circuit(4, limit=limit).compiled.r1cs.num_constraints for limit in (1, 2, 16, 17)}
    assert max(sizes.values()) - min(sizes.values()) <= 8, sizes
    for bad in (0, -1, rl.MAX_LIMIT + 1, True, 2.0):
        with pytest.raises(RateLimitError, match="limit"):
            rl.ratelimit_circuit(4, limit=bad)  # type: ignore[arg-type]
    for depth in (0, 33, True):
        with pytest.raises(RateLimitError, match="depth"):
            rl.ratelimit_circuit(depth, limit=2)


def test_periods_and_epochs() -> None:
    assert rl.day(0) == 0 and rl.day(86_399) == 0 and rl.day(86_400) == 1
    assert rl.month(31 * 86_400 - 1) == 0 and rl.month(31 * 86_400) == 1  # January 1970 has 31 days
    assert rl.epoch_of(1, 5) == poseidon([1, 5]) != rl.epoch_of(2, 5)
    for bad in (-1, R, "1", None):
        with pytest.raises(RateLimitError):
            rl.epoch_of(bad, 1)  # type: ignore[arg-type]
        with pytest.raises(RateLimitError):
            rl.day(bad)  # type: ignore[arg-type]


def test_the_circuit_nullifier_equals_its_native_twin(rng: random.Random) -> None:
    circuit, _, _ = keyed()
    crowd = people(7)
    group = Group([p.commitment for p in crowd])
    group.remove_member(3)  # a removal: proofs shorter than the depth
    for _ in range(6):
        who = rng.choice([0, 1, 2, 4, 5, 6])
        epoch, counter = rng.randrange(R), rng.randrange(LIMIT)
        w = circuit.compiled.solve(rl.witness_inputs(circuit, crowd[who], group, epoch=epoch, counter=counter,
                                                     message=rng.randrange(1 << 256)))
        assert w.public[0] == group.root
        assert w.public[1] == rl.rate_nullifier(crowd[who], epoch, counter) == \
            poseidon([crowd[who].secret_scalar, epoch, counter])
        assert circuit.compiled.r1cs.is_satisfied(w.values())


def test_n_proofs_per_epoch_then_refusals() -> None:
    circuit, pk, vk = keyed()
    crowd = people(5)
    group = Group([p.commitment for p in crowd])
    limiter = rl.RateLimiter(circuit, vk)
    limiter.add_root(group.root)
    rider = crowd[2]
    proofs = [rl.generate_proof(rider, group, epoch=TODAY, counter=c, message=100 + c, circuit=circuit,
                                proving_key=pk) for c in range(LIMIT)]
    assert [limiter.accept(p, epoch=TODAY) for p in proofs] == [p.nullifier for p in proofs]
    assert len({p.nullifier for p in proofs}) == LIMIT
    with pytest.raises(RateLimitExceededError, match="below the limit 3, found 3"):
        rl.generate_proof(rider, group, epoch=TODAY, counter=LIMIT, message=1, circuit=circuit, proving_key=pk)
    with pytest.raises(RateLimitReplayError, match="already accepted"):
        limiter.accept(proofs[1], epoch=TODAY)  # a replayed ride
    again = rl.generate_proof(rider, group, epoch=TODAY, counter=0, message=999, circuit=circuit, proving_key=pk)
    with pytest.raises(RateLimitReplayError):
        limiter.accept(again, epoch=TODAY)  # a counter used twice, whatever the message
    tomorrow = rl.generate_proof(rider, group, epoch=TOMORROW, counter=0, message=1, circuit=circuit, proving_key=pk)
    with pytest.raises(RateLimitEpochError, match="expected a proof for epoch"):
        limiter.accept(tomorrow, epoch=TODAY)  # tomorrow's ride today
    assert limiter.accept(tomorrow, epoch=TOMORROW) == tomorrow.nullifier  # a fresh quota tomorrow
    other = rl.generate_proof(crowd[0], group, epoch=TODAY, counter=0, message=1, circuit=circuit, proving_key=pk)
    with pytest.raises(RateLimitProofError):
        limiter.accept(replace(other, message=2), epoch=TODAY)  # a tampered message
    with pytest.raises(RateLimitProofError):
        limiter.accept(replace(other, nullifier=other.nullifier + 1), epoch=TODAY)
    assert limiter.accept(other, epoch=TODAY) == other.nullifier


def test_roots_window_and_membership() -> None:
    circuit, pk, vk = keyed()
    crowd = people(4)
    group = Group([p.commitment for p in crowd[:3]])
    limiter = rl.RateLimiter(circuit, vk, root_window=2)
    old = rl.generate_proof(crowd[0], group, epoch=TODAY, counter=0, message=1, circuit=circuit, proving_key=pk)
    with pytest.raises(RateLimitRootError, match="recent roots"):
        limiter.accept(old, epoch=TODAY)  # no root published yet
    limiter.add_root(group.root)
    group.add_member(crowd[3].commitment)
    limiter.add_root(group.root)
    limiter.check(old, epoch=TODAY)  # the previous root is still in the window
    group.add_member(Identity("late").commitment)
    limiter.add_root(group.root)
    with pytest.raises(RateLimitRootError):
        limiter.accept(old, epoch=TODAY)  # out of the window
    with pytest.raises(MembershipProofError, match="not a member"):
        rl.generate_proof(Identity("stranger"), group, epoch=TODAY, counter=0, message=1, circuit=circuit,
                          proving_key=pk)
    with pytest.raises(MembershipProofError, match="leaf"):
        rl.generate_proof(Identity("stranger"), group.proof(0), epoch=TODAY, counter=0, message=1,
                          circuit=circuit, proving_key=pk)
    big = Group(range(1, 40))
    big.update_member(0, crowd[0].commitment)
    with pytest.raises(MembershipProofError, match="at most 5 siblings"):
        rl.generate_proof(crowd[0], big, epoch=TODAY, counter=0, message=1, circuit=circuit, proving_key=pk)
    for bad in (dict(counter=-1), dict(counter=True), dict(epoch=R), dict(epoch="1")):
        kw: dict[str, Any] = dict(epoch=TODAY, counter=0) | bad
        with pytest.raises(RateLimitError):
            rl.generate_proof(crowd[0], group, message=1, circuit=circuit, proving_key=pk, **kw)
    other_circuit, other_pk, _ = keyed(5, LIMIT + 1)
    wide = rl.generate_proof(crowd[0], group, epoch=TODAY, counter=LIMIT, message=1, circuit=other_circuit,
                             proving_key=other_pk)
    with pytest.raises(RateLimitError, match="limit 3, found depth 5 and limit 4"):
        limiter.accept(wide, epoch=TODAY)  # a proof of a looser circuit
    with pytest.raises(RateLimitError, match="RateLimitProof"):
        limiter.accept(object(), epoch=TODAY)  # type: ignore[arg-type]


def test_accepted_nullifiers_persist(tmp_path: Path) -> None:
    circuit, pk, vk = keyed()
    crowd = people(2)
    group = Group([p.commitment for p in crowd])
    proof = rl.generate_proof(crowd[1], group, epoch=TODAY, counter=1, message=5, circuit=circuit, proving_key=pk)
    path = str(tmp_path / "rides.db")
    first = rl.RateLimiter(circuit, vk, path=path)
    first.add_root(group.root)
    first.accept(proof, epoch=TODAY)
    first.close()
    second = rl.RateLimiter(circuit, vk, path=path)
    second.add_root(group.root)
    assert second.is_used(TODAY, proof.nullifier)
    with pytest.raises(RateLimitReplayError):
        second.accept(proof, epoch=TODAY)
    second.close()


# ------------------------------------------------------------------ the malicious prover


class Honest:
    """A member whose ``secret + l`` fits 251 bits (so the bits could encode it), at counter 1
    of ``LIMIT`` in TODAY."""

    def __init__(self, depth: int = 4) -> None:
        self.circuit = rl.ratelimit_circuit(depth, limit=LIMIT)
        self.cs = self.circuit.compiled
        self.ident = next(i for i in (Identity(f"k{k}") for k in range(100))
                          if i.secret_scalar + bj.SUBORDER < 1 << 251)
        self.group = Group([Identity("a").commitment, self.ident.commitment, Identity("b").commitment])
        self.witness = self.cs.solve(rl.witness_inputs(self.circuit, self.ident, self.group, epoch=TODAY,
                                                       counter=1, message=5))
        self.search = ForgerySearch(self.cs, self.witness)
        self.wire = {name: input_wires(self.cs, name)[0] for name in
                     ("merkle_tree_root", "nullifier", "message", "epoch", "secret", "counter")}

    def claim(self, *, counter: int | None = None, epoch: int | None = None, nullifier: int | None = None,
              secret: int | None = None) -> dict[int, int]:
        out = {}
        for name, value in (("counter", counter), ("epoch", epoch), ("nullifier", nullifier), ("secret", secret)):
            if value is not None:
                out[self.wire[name]] = value
        return out


@pytest.fixture(scope="module")
def honest() -> Honest:
    return Honest()


def test_no_counter_at_or_above_the_limit(honest: Honest) -> None:
    s = honest.ident.secret_scalar
    claims = [honest.claim(counter=c, nullifier=poseidon([s, TODAY, c]))
              for c in (LIMIT, LIMIT + 1, 4, 7, 1 << 32, R - 1, R - LIMIT)]
    assert honest.search.forge_all(claims) == []
    # control: a counter below the limit, with its nullifier, completes
    assert honest.search.forge(honest.claim(counter=2, nullifier=poseidon([s, TODAY, 2]))) is not None
    bits = scope_wires(honest.cs, "counter")
    assert bits and honest.search.non_boolean(bits) + honest.search.sweep(bits) + honest.search.pairs(bits) == []


def test_no_nullifier_of_another_epoch_or_counter(honest: Honest) -> None:
    s, n = honest.ident.secret_scalar, honest.witness.public[1]
    claims = [
        honest.claim(nullifier=poseidon([s, TOMORROW, 1])),          # tomorrow's nullifier, today's epoch
        honest.claim(epoch=TOMORROW),                                # today's nullifier for tomorrow
        honest.claim(nullifier=poseidon([s, TODAY, 0])),             # counter 0's nullifier, counter 1
        honest.claim(nullifier=n + 1),
        honest.claim(nullifier=poseidon([TODAY, s, 1])),             # the inputs in another order
        honest.claim(secret=s + bj.SUBORDER, nullifier=poseidon([s + bj.SUBORDER, TODAY, 1])),  # a second set
        honest.claim(secret=s + 1),
        {honest.wire["merkle_tree_root"]: honest.group.root + 1},
        {honest.wire["message"]: 99, honest.wire["nullifier"]: n + 1},
        {input_wires(honest.cs, "merkle_proof_length")[0]: 3},
    ]
    assert honest.search.forge_all(claims) == []
    # controls: the same member's nullifier for tomorrow, with tomorrow's epoch, completes; and
    # the message is free (bound by the proof, not the witness)
    assert honest.search.forge(honest.claim(epoch=TOMORROW, nullifier=poseidon([s, TOMORROW, 1]))) is not None
    assert honest.search.forge({honest.wire["message"]: 99}) is not None


def test_without_the_counter_check_the_harness_finds_a_fourth_ride(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted bug: the ``counter < limit`` check removed (only it: the secret's check stays)."""
    original = getattr(rl, "assert_bits_le_constant")

    def secret_check_only(api: Any, bits: Any, c: int) -> None:
        if len(bits) > 64:
            original(api, bits, c)

    monkeypatch.setattr(rl, "assert_bits_le_constant", secret_check_only)
    broken = Honest()
    s = broken.ident.secret_scalar
    assert broken.search.forge(broken.claim(counter=LIMIT, nullifier=poseidon([s, TODAY, LIMIT]))) is not None


def test_the_solver_refuses_a_counter_past_the_limit() -> None:
    circuit, _, _ = keyed()
    ident = Identity("solo")
    group = Group([ident.commitment])
    honest = rl.witness_inputs(circuit, ident, group, epoch=TODAY, counter=2, message=1)
    values = {item.name: getattr(honest, item.name) for item in circuit.compiled.layout}
    values.update(counter=LIMIT, nullifier=rl.rate_nullifier(ident, TODAY, LIMIT))
    with pytest.raises(UnsatisfiedConstraintError):
        circuit.compiled.solve(circuit.compiled.circuit(**values))


def test_hash_of_the_message_is_semaphores(honest: Honest) -> None:
    assert honest.witness.public[2] == hash_value(5)
