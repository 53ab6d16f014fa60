"""An anonymous season pass limited to N rides a day: the N+1th ride and a replayed ride are refused.

The transit operator keeps its pass holders in a group (their identity commitments in a
lean Merkle tree, Semaphore v4's) and publishes its root on chain. At the gate a rider
proves, with a rate-limiting nullifier (:mod:`zkmpc.identity.ratelimit`):

- they hold a pass (their commitment is a leaf of the published root);
- this is their ride number k of today, with k < N (N is a constant of the circuit);
- the nullifier is ``Poseidon(secret, today, k)``, today's epoch being open on chain;
- the ride's gate and time are bound as the proof's message.

The gate's contract records each nullifier once: a rider has N rides a day, a replayed
ride is refused, and an N+1th ride has no proof at all (no counter k >= N satisfies the
circuit). What stays private: who rides, which pass, and which rides are the same person's
(their nullifiers are unrelated).

    python -m examples.transportation.season_pass [--members 10000] [--rpc URL --dev-keys]
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from typing import Any, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zkmpc.errors import (MembershipProofError, NullifierUsedError, RateLimitExceededError,
                          ScopeNotOpenError)
from zkmpc.identity import Group, Identity
from zkmpc.identity import ratelimit as rl
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

#: rides a day per pass
RIDES_PER_DAY = 3
#: the operator's service id (epochs are Poseidon(service, day))
OPERATOR = 0x7A5517
#: the circuit's depth: 2^20 passes
DEPTH = 20


def pass_holders(members: int, riders: list[Identity]) -> Group:
    """The operator's group: ``members`` passes, the demo's riders among them (the other
    holders' commitments are random: their keys stay with them)."""
    others = [secrets.randbelow(1 << 250) + 1 for _ in range(max(0, members - len(riders)))]
    half = len(others) // 2
    return Group(others[:half] + [r.commitment for r in riders] + others[half:])


def gate_message(gate: int, at: int) -> int:
    """What a ride binds: the gate and the time (any value below 2^256)."""
    return (gate << 64) | at


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="Season pass: N rides a day, anonymous")
    riders = [Identity(), Identity()]
    holders = pass_holders(args.members, riders)
    report.fact("pass holders", f"{holders.size:,} (tree depth {holders.depth}, circuit depth {DEPTH})")
    circuit = rl.ratelimit_circuit(DEPTH, limit=RIDES_PER_DAY)
    onchain = OnChain.deploy(open_chain(args), circuit.compiled, rl.ratelimit_layout())
    onchain.app.add_root(holders.root)
    now = int(time.time())
    today, tomorrow = rl.epoch_of(OPERATOR, rl.day(now)), rl.epoch_of(OPERATOR, rl.day(now) + 1)
    onchain.app.set_scope(today, True)

    def ride(rider: Identity, k: int, *, epoch: int = today, gate: int = 12) -> Any:
        return onchain.prove(rl.witness_inputs(circuit, rider, holders, epoch=epoch, counter=k,
                                               message=gate_message(gate, now + k)))

    alice = riders[0]
    rides = [ride(alice, k) for k in range(RIDES_PER_DAY)]
    for k, proved in enumerate(rides):
        report.proof(proved, onchain.validate(proved), onchain=onchain,
                     what=f"ride {k + 1} of {RIDES_PER_DAY} today: a pass holder, ride counter < {RIDES_PER_DAY}")
    report.expect_refusal(f"ride {RIDES_PER_DAY + 1} today (no counter >= N has a proof)",
                          lambda: ride(alice, RIDES_PER_DAY), RateLimitExceededError)
    report.expect_refusal("a replayed ride (the same proof again)", lambda: onchain.validate(rides[0]),
                          NullifierUsedError)
    report.expect_refusal("an extra ride reusing counter 0 at another gate",
                          lambda: onchain.validate(ride(alice, 0, gate=99)), NullifierUsedError)
    report.expect_refusal("tomorrow's ride today (its epoch is not open)",
                          lambda: onchain.validate(ride(alice, 0, epoch=tomorrow)), ScopeNotOpenError)
    report.expect_refusal("a rider without a pass", lambda: ride(Identity(), 0), MembershipProofError)
    other = ride(riders[1], 0)
    report.proof(other, onchain.validate(other), onchain=onchain, what="another holder's first ride (their own quota)")
    report.fact("rides validated on chain", len(rides) + 1)
    return report.figures


if __name__ == "__main__":
    main()
