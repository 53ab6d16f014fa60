"""One student, one vote: course evaluations over a Semaphore group of enrolled students.

The enrolled students' identity commitments form a group (:class:`zkmpc.identity.Group`,
its root recorded by a :class:`zkmpc.contracts.GroupContract`). An evaluation is a
Semaphore scope (:func:`evaluation_scope`, from the course and the evaluation's name); a
vote is a Semaphore proof whose message is the rating (1 to 5, :func:`ballot_message`),
so each student's nullifier ``Poseidon(hash(scope), secret)`` allows one vote per
evaluation, unlinkable to the student and to their votes in other evaluations.

The tally counts the validated votes: from the contract's ``ProofValidated`` events
(:func:`votes_from_logs`), or off chain from a :class:`BallotBox` that verifies each proof,
checks the root and refuses a second nullifier (:func:`tally`).

    >>> scope = evaluation_scope("CS101", "2026 autumn")
    >>> scope == evaluation_scope("CS101", "2026 autumn") != evaluation_scope("CS102", "2026 autumn")
    True
    >>> t = tally([(11, 5), (12, 4), (13, 5)])
    >>> t.counts, t.votes, t.mean
    ({1: 0, 2: 0, 3: 0, 4: 1, 5: 2}, 3, Fraction(14, 3))
    >>> tally([(11, 5), (11, 1)])
    Traceback (most recent call last):
    ...
    zkmpc.errors.DuplicateVoteError: nullifier 0xb voted twice in this evaluation
    >>> ballot_message(6)
    Traceback (most recent call last):
    ...
    zkmpc.errors.InvalidRatingError: a rating: expected an int in [1, 5], found 6

Security: the group must hold only enrolled students (the admin records its roots); the
votes are public, the voters are not; a student who votes with several identities needs
several enrolments.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Sequence

from zkp import groth16
from zkp.evm import keccak256
from zkp.evm.chain import Log

from ..errors import DuplicateVoteError, EducationFormatError, InvalidEducationProofError, InvalidRatingError, \
    NotEnrolledError
from ..identity import Group, Identity, SemaphoreProof, generate_proof, verify_proof

__all__ = ["evaluation_scope", "ballot_message", "cast_vote", "Tally", "tally", "votes_from_logs", "BallotBox",
           "RATINGS", "PROOF_VALIDATED"]

#: the rating scale
RATINGS = range(1, 6)
#: topic 0 of the group contract's ``ProofValidated(scope, nullifier, root, message)``
PROOF_VALIDATED = keccak256(b"ProofValidated(uint256,uint256,uint256,uint256)")


def evaluation_scope(course: str, evaluation: str) -> int:
    """The Semaphore scope of one evaluation of a course: SHA-256 of
    ``b"zkmpc/course-evaluation:" + course + b"/" + evaluation`` (a uint256)."""
    for what, v in (("course", course), ("evaluation", evaluation)):
        if not isinstance(v, str) or not v:
            raise EducationFormatError(f"evaluation_scope: {what}: expected a non-empty str, found {v!r:.80}")
    return int.from_bytes(hashlib.sha256(f"zkmpc/course-evaluation:{course}/{evaluation}".encode()).digest(), "big")


def ballot_message(rating: object) -> int:
    """The Semaphore message of a rating (the rating itself, checked to be 1..5)."""
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise InvalidRatingError(f"a rating: expected an int in [{RATINGS[0]}, {RATINGS[-1]}], found {rating!r:.40}")
    return rating


def cast_vote(identity: Identity, group: Group, rating: int, scope: int, *, circuit: Any,
              proving_key: groth16.ProvingKey, rng: Any = None) -> SemaphoreProof:
    """A student's vote: a Semaphore proof of membership in ``group`` with the rating as
    message and the evaluation as scope.

    Raises:
        InvalidRatingError: a rating outside 1..5. MembershipProofError: not in the group.
    """
    return generate_proof(identity, group, message=ballot_message(rating), scope=scope, circuit=circuit,
                          proving_key=proving_key, rng=rng)


@dataclass(frozen=True)
class Tally:
    """The count of each rating, the number of votes and their exact mean."""

    counts: dict[int, int]
    votes: int

    @property
    def mean(self) -> Fraction:
        total = sum(r * n for r, n in self.counts.items())
        return Fraction(total, self.votes) if self.votes else Fraction(0)


def tally(votes: Iterable[tuple[int, int]]) -> Tally:
    """The tally of ``(nullifier, message)`` pairs.

    Raises:
        DuplicateVoteError: a nullifier twice. InvalidRatingError: a message that is not a rating.
    """
    counts = {r: 0 for r in RATINGS}
    seen: set[int] = set()
    for nullifier, message in votes:
        if nullifier in seen:
            raise DuplicateVoteError(f"nullifier {nullifier:#x} voted twice in this evaluation")
        seen.add(nullifier)
        counts[ballot_message(message)] += 1
    return Tally(counts, len(seen))


def _word(data: bytes, i: int) -> int:
    return int.from_bytes(data[32 * i:32 * i + 32], "big")


def votes_from_logs(logs: Iterable[Log], *, scope: int, contract: str) -> list[tuple[int, int]]:
    """The ``(nullifier, message)`` of each ``ProofValidated`` event of ``contract`` in
    ``scope`` (other events, contracts and scopes are skipped)."""
    out = []
    for log in logs:
        if (log.address.lower() != contract.lower() or len(log.topics) != 3 or log.topics[0] != PROOF_VALIDATED
                or int.from_bytes(log.topics[1], "big") != scope):
            continue
        if len(log.data) != 64:
            raise EducationFormatError(f"ProofValidated: expected 64 bytes of data, found {len(log.data)}")
        out.append((int.from_bytes(log.topics[2], "big"), _word(log.data, 1)))
    return out


class BallotBox:
    """An off-chain ballot box for one evaluation: the enrolment group's valid roots, the
    Semaphore verifying key, the votes accepted so far."""

    def __init__(self, verifying_key: groth16.VerifyingKey, scope: int, roots: Sequence[int]) -> None:
        self.verifying_key, self.scope, self.roots = verifying_key, scope, set(roots)
        self._votes: dict[int, int] = {}

    def accept(self, vote: SemaphoreProof) -> int:
        """Record a vote and return its rating.

        Raises:
            EducationFormatError: a vote of another evaluation. NotEnrolledError: a root that
                is not the enrolment group's. DuplicateVoteError: a second vote.
                InvalidRatingError: not a rating. InvalidEducationProofError: a bad proof.
        """
        if vote.scope != self.scope:
            raise EducationFormatError(f"a vote of scope {vote.scope:#x}; this evaluation is {self.scope:#x}")
        if vote.merkle_tree_root not in self.roots:
            raise NotEnrolledError(f"root {vote.merkle_tree_root:#x} is not the enrolment group's")
        if vote.nullifier in self._votes:
            raise DuplicateVoteError(f"nullifier {vote.nullifier:#x} voted twice in this evaluation")
        rating = ballot_message(vote.message)
        if not verify_proof(vote, self.verifying_key):
            raise InvalidEducationProofError("the vote's Semaphore proof does not verify")
        self._votes[vote.nullifier] = rating
        return rating

    def tally(self) -> Tally:
        """The tally of the accepted votes."""
        return tally(self._votes.items())
