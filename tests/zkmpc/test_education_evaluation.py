"""Course evaluations (zkmpc.education.evaluation): ratings, scopes, the tally from
``ProofValidated`` events and from the off-chain ballot box, each refusal named."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from zkmpc import errors as E
from zkmpc.education import (PROOF_VALIDATED, BallotBox, Tally, ballot_message, cast_vote, evaluation_scope, tally,
                             votes_from_logs)
from zkmpc.identity import Group, Identity, semaphore_circuit
from zkp.evm.chain import Log

from ..conftest import dev_setup

pytestmark = pytest.mark.app_layer

#: bugs planted in scratch edits to see these tests fail: (file, text, replacement, test that went red)
PLANTED_BUGS: tuple[tuple[str, str, str, str], ...] = (
    ("zkmpc/education/evaluation.py", "        if nullifier in seen:", "        if False:",
     "test_the_tally_counts_each_nullifier_once"),
    ("zkmpc/education/evaluation.py", "        if vote.merkle_tree_root not in self.roots:", "        if False:",
     "test_the_ballot_box"),
    ("zkmpc/education/evaluation.py", "                or int.from_bytes(log.topics[1], \"big\") != scope):", "):",
     "test_votes_are_read_from_the_contracts_events_only"),
    ("zkmpc/education/evaluation.py", "    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:",
     "    if not isinstance(rating, int):", "test_ratings_and_scopes"),
)

ADDRESS = "0x" + "ab" * 20
SCOPE = evaluation_scope("CS101", "2026 autumn")


def _log(scope: int, nullifier: int, message: int, *, address: str = ADDRESS, topic: bytes = PROOF_VALIDATED,
         data: bytes | None = None) -> Log:
    body = (7).to_bytes(32, "big") + message.to_bytes(32, "big") if data is None else data
    return Log(address, (topic, scope.to_bytes(32, "big"), nullifier.to_bytes(32, "big")), body)


def test_ratings_and_scopes() -> None:
    assert [ballot_message(r) for r in range(1, 6)] == [1, 2, 3, 4, 5]
    for bad in (0, 6, -1, True, 3.0, "4"):
        with pytest.raises(E.InvalidRatingError):
            ballot_message(bad)
    assert evaluation_scope("CS101", "2026 autumn") < 2**256
    assert len({evaluation_scope(c, e) for c in ("CS101", "CS102") for e in ("a", "b")}) == 4
    for course, ev in (("", "a"), ("CS101", ""), (1, "a")):
        with pytest.raises(E.EducationFormatError):
            evaluation_scope(course, ev)  # type: ignore[arg-type]


def test_the_tally_counts_each_nullifier_once() -> None:
    assert tally([]) == Tally({1: 0, 2: 0, 3: 0, 4: 0, 5: 0}, 0) and tally([]).mean == 0
    t = tally([(1, 1), (2, 5), (3, 5)])
    assert t.counts[5] == 2 and t.votes == 3 and t.mean == pytest.approx(11 / 3)
    with pytest.raises(E.DuplicateVoteError):
        tally([(1, 1), (2, 5), (1, 5)])
    with pytest.raises(E.InvalidRatingError):
        tally([(1, 9)])


def test_votes_are_read_from_the_contracts_events_only() -> None:
    other = evaluation_scope("CS102", "2026 autumn")
    logs = [_log(SCOPE, 1, 5), _log(other, 2, 1), _log(SCOPE, 3, 4, address="0x" + "cd" * 20),
            _log(SCOPE, 4, 2, topic=b"\x01" * 32), _log(SCOPE, 5, 3)]
    assert votes_from_logs(logs, scope=SCOPE, contract=ADDRESS.upper().replace("0X", "0x")) == [(1, 5), (5, 3)]
    with pytest.raises(E.EducationFormatError):
        votes_from_logs([_log(SCOPE, 1, 5, data=b"\x00" * 32)], scope=SCOPE, contract=ADDRESS)


@pytest.fixture(scope="module")
def keys() -> Any:
    cs = semaphore_circuit(4)
    pk, vk = dev_setup(cs.r1cs, rng=random.Random(4))
    return cs, pk, vk


def test_the_ballot_box(keys: Any) -> None:
    cs, pk, vk = keys
    students = [Identity(f"student {i}") for i in range(3)]
    group = Group([s.commitment for s in students])
    box = BallotBox(vk, SCOPE, [group.root])
    votes = [cast_vote(s, group, r, SCOPE, circuit=cs, proving_key=pk) for s, r in zip(students, (5, 4, 5))]
    assert [box.accept(v) for v in votes] == [5, 4, 5]
    assert box.tally().counts == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}
    again = cast_vote(students[0], group, 1, SCOPE, circuit=cs, proving_key=pk)
    with pytest.raises(E.DuplicateVoteError):
        box.accept(again)
    outsider = Identity("outsider")
    with pytest.raises(E.MembershipProofError):
        cast_vote(outsider, group, 5, SCOPE, circuit=cs, proving_key=pk)
    own = cast_vote(outsider, Group([outsider.commitment]), 5, SCOPE, circuit=cs, proving_key=pk)
    with pytest.raises(E.NotEnrolledError):
        box.accept(own)
    with pytest.raises(E.InvalidRatingError):
        cast_vote(students[1], group, 0, SCOPE, circuit=cs, proving_key=pk)
    fresh = BallotBox(vk, SCOPE, [group.root])
    with pytest.raises(E.InvalidEducationProofError):
        fresh.accept(replace(votes[1], message=1))  # the rating changed on a valid proof
    with pytest.raises(E.EducationFormatError):
        BallotBox(vk, evaluation_scope("CS102", "x"), [group.root]).accept(votes[0])
    assert fresh.tally().votes == 0  # nothing was recorded by the refusals
