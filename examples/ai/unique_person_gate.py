"""A unique-person gate for an AI service: N requests per person per month, the group root relayed to a second chain.

A personhood registry keeps verified unique people in a group (Semaphore v4 identities in
a lean Merkle tree) whose root lives on chain A. The AI service runs on chain B: a signer
attests chain A's current root and a relayer (anyone) carries the attestation to chain B's
contract. Each request to the service is a rate-limiting-nullifier proof
(:mod:`zkmpc.identity.ratelimit`, epoch = this month):

- the requester is a registered person (a leaf of a root relayed from chain A);
- this is their request number k of the month, k < N (N a constant of the circuit);
- the nullifier ``Poseidon(secret, month, k)`` is recorded on chain B, once;
- the request's hash is bound as the proof's message.

Private: who the person is, and which requests are the same person's. Refused: the N+1th
request of a month (no proof exists), a reused counter, a root chain B never received (a
new member's root not yet relayed), and an attestation signed by a key chain B did not
authorise.

    python -m examples.ai.unique_person_gate [--members 10000] [--rpc URL --rpc-b URL --dev-keys]
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from typing import Any, TextIO, cast

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zkmpc.contracts import AppContract, new_signing_key
from zkmpc.errors import NullifierUsedError, RateLimitExceededError, UnauthorisedSignerError, UnknownRootError
from zkmpc.identity import Group, Identity
from zkmpc.identity import ratelimit as rl
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

#: requests per person per month
QUOTA = 50
#: the service's id (epochs are Poseidon(service, month))
SERVICE = 0xA1
DEPTH = 20


def registry(members: int, people: list[Identity]) -> Group:
    """The personhood registry: ``members`` people, the demo's among them (the others'
    commitments are random: their keys stay with them)."""
    others = [secrets.randbelow(1 << 250) + 1 for _ in range(max(0, members - len(people)))]
    return Group(others + [p.commitment for p in people])


def request_hash(text: str) -> int:
    """The message a request binds (its SHA-256, as an int)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="AI service gate: one quota per person per month, across two chains")
    ada = Identity()
    people = registry(args.members, [ada])
    circuit = rl.ratelimit_circuit(DEPTH, limit=QUOTA)
    layout = rl.ratelimit_layout()
    on_a = OnChain.deploy(open_chain(args), circuit.compiled, layout)
    registry_a = cast(AppContract, on_a.app)  # deployed without relayed_from: an AppContract
    registry_a.add_root(people.root)
    signer = new_signing_key()
    gate = OnChain.deploy(open_chain(args, second=True), circuit.compiled, layout, keys=on_a.keys,
                          relayed_from=(registry_a, signer))
    relayer = gate.relayer(registry_a, signer)
    relayed = relayer.relay()
    report.fact("registry on chain A", f"{people.size:,} people (tree depth {people.depth}, circuit depth {DEPTH})")
    report.fact("root relayed to chain B", f"{relayed.gas_used:,} gas")
    month = rl.epoch_of(SERVICE, rl.month(int(time.time())))
    gate.app.set_scope(month, True)

    def request(who: Identity, k: int, text: str) -> Any:
        return gate.prove(rl.witness_inputs(circuit, who, people, epoch=month, counter=k, message=request_hash(text)))

    first = request(ada, 0, "summarise this contract")
    report.proof(first, gate.validate(first), onchain=gate,
                 what=f"request 1 of {QUOTA} this month by a registered person, validated on chain B")
    second = request(ada, 1, "translate it into Welsh")
    report.proof(second, gate.validate(second), onchain=gate, what=f"request 2 of {QUOTA}")
    report.expect_refusal(f"request {QUOTA + 1} this month (no counter >= N has a proof)",
                          lambda: request(ada, QUOTA, "one more"), RateLimitExceededError)
    report.expect_refusal("a request with a used counter", lambda: gate.validate(request(ada, 1, "again")),
                          NullifierUsedError)
    newcomer = Identity()
    people.add_member(newcomer.commitment)
    registry_a.add_root(people.root)  # on chain A only
    early = request(newcomer, 0, "hello")
    report.expect_refusal("a root chain B never received (not relayed yet)", lambda: gate.validate(early),
                          UnknownRootError)
    mallory = new_signing_key()
    report.expect_refusal("an attestation signed by a key chain B did not authorise",
                          lambda: gate.relayer(registry_a, mallory).relay(), UnauthorisedSignerError)
    relayer.relay()
    report.proof(early, gate.validate(early), onchain=gate, what="the newcomer's request once the root is relayed")
    return report.figures


if __name__ == "__main__":
    main()
