"""Five hospitals publish diagnosis counts with proven-valid inputs; anyone checks the totals, one drops out.

Five hospitals count their patients per diagnosis (diabetes, hypertension, asthma, COPD)
and want the regional totals without revealing their own counts. Each hospital splits its
count vector into two additive shares, one for the health authority and one for the
university (the two aggregators), publishes a Pedersen commitment to each share and a
Groth16 proof that the shares add up to counts below 2^16. The aggregators check that the
shares they receive open the commitments; anyone checks the proofs in one batch and the
aggregators' published totals against the sum of the commitments. The contributions are
also posted to an app contract (the exported Groth16 verifier behind it; the tag is the
signal recorded once, so a re-posted submission reverts), and batch-verified in one call
of the exported verifier's ``verifyProofs``. Hospital 4 drops out after
publishing (its shares never arrive), a sixth submission reuses another hospital's proof,
and the university first publishes a wrong total: each is refused by name, and the totals
of the rest are still right.

    python -m examples.healthcare.diagnosis_stats [--members 5] [--seed 7] [--rpc URL --dev-keys]
"""

from __future__ import annotations

import random
import sys
import warnings
from typing import Any, Sequence, TextIO

from zkmpc.aggregation import (ORDER, AggregationKeys, Aggregator, Auditor, Contribution, Contributor, Shape,
                               Total)
from zkmpc.contracts import AppLayout
from zkmpc.errors import AggregateMismatchError, InvalidProofError, NullifierUsedError
from zkmpc.usecases import OnChain, Report, UseCaseError, open_chain, parse_args
from zkp.evm import OnchainVerifier

DIAGNOSES = ("diabetes", "hypertension", "asthma", "COPD")
SHAPE = Shape(k=2, length=len(DIAGNOSES), bits=16)
AGGREGATORS = ("health authority", "university")
DROPPED = 4


def counts(hospital: int, seed: int) -> list[int]:
    """Hospital ``hospital``'s patients per diagnosis (a deterministic sample)."""
    rng = random.Random(seed * 1000 + hospital)
    size = rng.randrange(2000, 9000)
    return [int(size * rate * rng.uniform(0.8, 1.2)) for rate in (0.09, 0.27, 0.08, 0.05)]


def _require(ok: bool) -> None:
    if not ok:
        raise UseCaseError("verifyProofs answered false")


def post(report: Report, chain: Any, keys: AggregationKeys, accepted: list[Contribution], forged: Contribution) -> None:
    """Post the accepted contributions to an app contract; a re-post and the forgery revert."""
    onchain = OnChain.deploy(chain, keys.circuit, AppLayout(num_public=SHAPE.num_public, nullifier=0),
                             keys=(keys.proving_key, keys.verifying_key))
    gas = [onchain.app.validate(c.proof, c.public_signals()).gas_used for c in accepted]
    report.fact("posted on chain", f"{len(gas)} contributions, validateProof {max(gas):,} gas at most")
    report.figures["gas"] = gas
    verifier = OnchainVerifier.deploy(keys.verifying_key, chain, allow_development=True)
    items = [(c.public_signals(), c.proof) for c in accepted]
    if not verifier.verify_batch(items):
        raise UseCaseError("the verifier's verifyProofs refused the accepted contributions")
    report.fact("batch-verified on chain (verifyProofs, one call)",
                f"{len(items)} proofs, {verifier.batch_gas(items):,} gas")
    report.expect_refusal("verifyProofs with the forged submission in the batch",
                          lambda: _require(verifier.verify_batch(items + [(forged.public_signals(), forged.proof)])),
                          UseCaseError)
    first = accepted[0]
    report.expect_refusal(f"hospital {first.tag}'s contribution posted again",
                          lambda: onchain.app.validate(first.proof, first.public_signals()), NullifierUsedError)
    report.expect_refusal("the forged submission on chain",
                          lambda: onchain.app.validate(forged.proof, forged.public_signals()), InvalidProofError)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = parse_args(argv, __doc__, members=5, extend=lambda p: p.add_argument("--seed", type=int, default=7))
    rng = random.Random(opts.seed)
    report = Report(out, title=f"diagnosis counts from {opts.members} hospitals, verifiable inputs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a development setup: a deployment runs a ceremony
        keys = AggregationKeys.setup(SHAPE, rng=rng)
    report.fact("circuit", f"{keys.circuit.r1cs.num_constraints:,} constraints, {SHAPE.num_public} public signals")
    data = {h: counts(h, opts.seed) for h in range(1, opts.members + 1)}
    made = {h: Contributor(keys).contribute(h, data[h], rng=rng) for h in data}
    forged = Contribution(99, made[1][0].commitments, made[2][0].proof)  # another hospital's proof
    screening = Auditor(keys).screen([*(c for c, _ in made.values()), forged], rng=rng)
    for exc in screening.refused:
        report.refused(f"submission {exc.contributor}: another hospital's proof", exc)
    post(report, open_chain(opts), keys, list(screening.accepted), forged)
    aggregators = [Aggregator(keys, i) for i in range(SHAPE.k)]
    for con in screening.accepted:
        if con.tag == DROPPED:
            continue  # hospital 4 published, then went offline before sending its shares
        for agg, share in zip(aggregators, made[con.tag][1]):
            agg.receive(con, share)
    tags = [t for t in aggregators[0].tags if t in aggregators[1].tags]
    report.fact("dropped out (no shares received)", f"hospital {DROPPED}")
    accepted = [c for c in screening.accepted if c.tag in tags]
    totals = [agg.total(tags) for agg in aggregators]
    wrong = Total(1, totals[1].tags, ((totals[1].values[0] + 500) % ORDER,) + totals[1].values[1:], totals[1].blinding)
    report.expect_refusal(f"the {AGGREGATORS[1]}'s total with 500 diabetes patients added",
                          lambda: Auditor(keys).check(accepted, [totals[0], wrong]), AggregateMismatchError)
    result = Auditor(keys).check(accepted, totals)
    for name, total in zip(AGGREGATORS, totals):
        report.fact(f"{name} learns", f"one uniformly random share per hospital; publishes "
                                      f"{str(total.values[0])[:12]}... (mod l) for diabetes, meaningless alone")
    report.fact("anyone learns", f"hospitals {', '.join(map(str, result.tags))}: "
                + ", ".join(f"{d} {v:,}" for d, v in zip(DIAGNOSES, result.values)))
    plain = [sum(data[t][j] for t in tags) for j in range(len(DIAGNOSES))]
    report.fact("equals the plain sum of the hospitals that stayed", list(result.values) == plain)
    report.figures["totals"] = result.values
    report.figures["plain"] = tuple(plain)
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
