"""One student, one vote: an anonymous course evaluation over a Semaphore group, tallied on chain.

The university records the identity commitments of the students enrolled in a course as a
Semaphore group (a LeanIMT, its root recorded by the group contract's admin). Each
evaluation of the course is a Semaphore scope; a vote is a Semaphore proof whose message is
the rating (1 to 5). The contract validates each vote and records its nullifier
``Poseidon(hash(scope), secret)``; the tally is read from its ``ProofValidated`` events.

- proven: "I am one of the enrolled students, this is my only vote in this evaluation,
  and my rating is r" (root, nullifier, rating and scope are public);
- private: which student voted, and the link between a student's votes in two evaluations.

Refusals shown: a second vote by the same student, a vote by someone not enrolled (no
Merkle proof; or a proof against a group of their own making), a rating outside 1..5, a
rating changed on a valid proof, a vote in an evaluation that is not open.

The other enrolled students' commitments are random stand-ins (in practice each student
derives their identity on their own device and hands in only the commitment).

    python -m examples.education.course_evaluation [--members 10000] [--voters 10] [--rpc URL --dev-keys]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Sequence, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zkp import groth16
from zkp.evm import compile_solidity, export_verifier
from zkp.field import R
from zkmpc import errors as E
from zkmpc.contracts import GroupContract
from zkmpc.education import BallotBox, ballot_message, evaluation_scope, tally, votes_from_logs
from zkmpc.identity import Group, Identity, SemaphoreProof, semaphore_circuit
from zkmpc.identity.semaphore import witness_inputs
from zkmpc.usecases import OnChain, Proved, Report, open_chain, parse_args

DEPTH = 20


def _voters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--voters", type=int, default=10, help="how many enrolled students vote (default 10)")


class Evaluation:
    """The course's group contract, the Semaphore keys, and a timed vote."""

    def __init__(self, chain: Any) -> None:
        self.circuit = semaphore_circuit(DEPTH)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
            self.pk, self.vk = groth16.setup(self.circuit.r1cs)
        source = export_verifier(self.vk, contract_name="SemaphoreVerifier", allow_development=True)
        verifier = chain.deploy(compile_solidity(source, "SemaphoreVerifier").bytecode)
        self.contract = GroupContract.deploy(chain, verifier)

    def vote(self, who: Identity, group: Group, rating: int, scope: int) -> tuple[SemaphoreProof, Proved]:
        t0 = time.perf_counter()
        w = self.circuit.solve(witness_inputs(self.circuit, who, group, message=ballot_message(rating), scope=scope))
        t1 = time.perf_counter()
        proof = groth16.prove(self.pk, w)
        t2 = time.perf_counter()
        root, nullifier = w.public[0], w.public[1]
        return (SemaphoreProof(DEPTH, root, nullifier, rating, scope, proof),
                Proved(proof, list(w.public), t1 - t0, t2 - t1))

    def validate(self, vote: SemaphoreProof, *, message: int | None = None) -> Any:
        return self.contract.validate(vote.points, root=vote.merkle_tree_root, nullifier=vote.nullifier,
                                      message=vote.message if message is None else message, scope=vote.scope)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000, extend=_voters)
    report = Report(out, title="education/course_evaluation: one student, one vote")
    t0 = time.perf_counter()
    voters = [Identity() for _ in range(min(args.voters, args.members))]
    others = [secrets.randbelow(R - 1) + 1 for _ in range(args.members - len(voters))]
    group = Group([v.commitment for v in voters] + others)
    report.fact("students enrolled (group members)", group.size)
    report.fact("group depth (circuit depth)", f"{group.depth} ({DEPTH})")
    report.fact("group built in", f"{time.perf_counter() - t0:.1f} s")
    ev = Evaluation(open_chain(args))
    ev.contract.add_root(group.root)
    scope = evaluation_scope("CS101 Algorithms", "2026 autumn")
    ev.contract.set_scope(scope)
    box = BallotBox(ev.vk, scope, [group.root])
    logs: list[Any] = []
    for i, voter in enumerate(voters):
        vote, proved = ev.vote(voter, group, 5 - i % 3, scope)
        receipt = ev.validate(vote)
        logs += receipt.logs
        box.accept(vote)
        if i == 0:
            report.proof(proved, receipt, what="an enrolled student's single rating of CS101", constraints=
                         ev.circuit.r1cs.num_constraints)
    counted = tally(votes_from_logs(logs, scope=scope, contract=ev.contract.address))
    report.fact("votes validated on chain", counted.votes)
    report.fact("tally (rating: votes)", ", ".join(f"{r}: {n}" for r, n in counted.counts.items()))
    report.fact("mean rating", f"{float(counted.mean):.2f}")
    report.fact("on-chain tally equals the off-chain ballot box", counted == box.tally())
    refusals(report, ev, group, voters, scope, box)
    return report.figures


def refusals(report: Report, ev: Evaluation, group: Group, voters: list[Identity], scope: int,
             box: BallotBox) -> None:
    again, _ = ev.vote(voters[0], group, 1, scope)
    report.expect_refusal("a second vote by the same student (on chain)", lambda: ev.validate(again),
                          E.NullifierUsedError)
    report.expect_refusal("the same (off chain)", lambda: box.accept(again), E.DuplicateVoteError)
    outsider = Identity()
    report.expect_refusal("a student not enrolled (no Merkle proof)", lambda: ev.vote(outsider, group, 5, scope),
                          E.MembershipProofError)
    own = Group([outsider.commitment, secrets.randbelow(R)])
    fake, _ = ev.vote(outsider, own, 5, scope)
    report.expect_refusal("a student not enrolled, with a group of their own (on chain)", lambda: ev.validate(fake),
                          E.UnknownRootError)
    report.expect_refusal("the same (off chain)", lambda: box.accept(fake), E.NotEnrolledError)
    report.expect_refusal("a rating of 7", lambda: ev.vote(voters[0], group, 7, scope), E.InvalidRatingError)
    late = Identity()
    group.add_member(late.commitment)  # a late enrolment: a new root
    ev.contract.add_root(group.root)
    vote, _ = ev.vote(late, group, 4, scope)
    report.expect_refusal("a valid vote with its rating changed from 4 to 1", lambda: ev.validate(vote, message=1),
                          E.InvalidProofError)
    ev.validate(vote)  # the genuine vote still counts
    report.fact("a late enrolment's vote (new root) validated", True)
    closed = evaluation_scope("CS101 Algorithms", "2027 spring")
    early, _ = ev.vote(voters[1], group, 3, closed)
    report.expect_refusal("a vote in an evaluation that is not open", lambda: ev.validate(early), E.ScopeNotOpenError)


if __name__ == "__main__":
    main(sys.argv[1:])
