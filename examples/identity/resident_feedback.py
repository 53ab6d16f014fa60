"""Anonymous resident feedback: one signal per resident per consultation (Semaphore proof, group contract).

The city keeps its residents in a group (Semaphore v4 identities in a lean Merkle tree;
the same identities and group work with Semaphore's own libraries) and records the
group's root in a group contract. For a public consultation the city opens its id as a
scope. A resident sends feedback with a Semaphore proof:

- they are a resident (their commitment is a leaf of a recorded root);
- the nullifier ``Poseidon(hash(consultation), secret)`` is recorded by the contract, so a
  resident speaks once per consultation;
- the message is the feedback's hash: the proof does not verify for another text.

Private: which resident wrote which feedback (and whether two consultations' feedback
came from the same resident). Refused: a second signal in the same consultation, a
non-resident, a feedback text altered after proving, a consultation that is not open.

    python -m examples.identity.resident_feedback [--members 10000] [--rpc URL --dev-keys]
"""

from __future__ import annotations

import hashlib
import secrets
import sys
from pathlib import Path
from typing import Any, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zkmpc.contracts import AppLayout, GroupContract
from zkmpc.errors import InvalidProofError, MembershipProofError, NullifierUsedError, ScopeNotOpenError, UnknownRootError
from zkmpc.identity import Group, Identity
from zkmpc.identity import semaphore as sem
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

#: the circuit's depth: 2^20 residents
DEPTH = 20
#: the consultation's id (the scope), e.g. "2026/12: the new tram line"
CONSULTATION = 2026_12_01


def residents(members: int, people: list[Identity]) -> Group:
    """The city's register: ``members`` residents, the demo's among them (the others'
    commitments are random: their keys stay with them)."""
    others = [secrets.randbelow(1 << 250) + 1 for _ in range(max(0, members - len(people)))]
    return Group([p.commitment for p in people[:1]] + others + [p.commitment for p in people[1:]])


def feedback_hash(text: str) -> int:
    """The message a feedback binds: the SHA-256 of its text, as an int."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="Resident feedback: one signal per resident per consultation")
    alice, bob = Identity(), Identity()
    city = residents(args.members, [alice, bob])
    report.fact("residents", f"{city.size:,} (tree depth {city.depth}, circuit depth {DEPTH})")
    cs = sem.semaphore_circuit(DEPTH)
    chain = open_chain(args)
    # the runner's keys and verifier; the proofs go to Semaphore's group contract, which
    # hashes the message and the scope itself
    onchain = OnChain.deploy(chain, cs, AppLayout(num_public=4, roots=(0,), nullifier=1, scope=3))
    contract = GroupContract.deploy(chain, onchain.app.verifier())
    contract.add_root(city.root)
    contract.set_scope(CONSULTATION, True)

    def signal(who: Identity, text: str, *, group: Group = city, scope: int = CONSULTATION) -> tuple[Any, int]:
        message = feedback_hash(text)
        return onchain.prove(sem.witness_inputs(cs, who, group, message=message, scope=scope)), message

    def send(proved: Any, message: int, scope: int = CONSULTATION) -> Any:
        return contract.validate(proved.proof, root=proved.public[0], nullifier=proved.public[1], message=message,
                                 scope=scope)

    proved, message = signal(alice, "More trams after 22:00, please.")
    report.proof(proved, send(proved, message), onchain=onchain,
                 what="a resident's feedback: a member of the register, one nullifier per consultation")
    other, other_message = signal(bob, "The stop at the market is too far from the school.")
    report.proof(other, send(other, other_message), onchain=onchain, what="another resident's feedback")
    again, again_message = signal(alice, "And cheaper tickets.")
    report.expect_refusal("a second signal by the same resident", lambda: send(again, again_message),
                          NullifierUsedError)
    report.expect_refusal("a non-resident (no proof of membership)", lambda: signal(Identity(), "I vote twice"),
                          MembershipProofError)
    outsider = Identity()
    outsiders = Group([Identity().commitment, outsider.commitment])
    forged, forged_message = signal(outsider, "From elsewhere", group=outsiders)
    report.expect_refusal("a non-resident's proof against another group's root",
                          lambda: send(forged, forged_message), UnknownRootError)
    carol = Identity()
    city.add_member(carol.commitment)
    contract.add_root(city.root)
    late, _ = signal(carol, "Original text")
    report.expect_refusal("a feedback text altered after proving",
                          lambda: send(late, feedback_hash("Altered text")), InvalidProofError)
    closed, closed_message = signal(carol, "Too late?", scope=CONSULTATION - 1)
    report.expect_refusal("a consultation that is not open",
                          lambda: send(closed, closed_message, scope=CONSULTATION - 1), ScopeNotOpenError)
    report.fact("signals recorded", sum(contract.is_nullifier_used(p.public[1]) for p in (proved, other)))
    return report.figures


if __name__ == "__main__":
    main()
