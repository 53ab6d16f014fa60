"""Phones report their region to two aggregators as proven one-hot votes; anyone checks the histogram.

A health app counts its active users per region without learning where any one of them is.
Each phone splits its one-hot region vote into two additive shares, one for the app's
operator and one for a public-health institute (the two aggregators), publishes a Pedersen
commitment to each share and a Groth16 proof that the shares add up to a one-hot vector
(``zkmpc.aggregation``, the round run by ``zkmpc.statistics.collect_histogram``). The
auditor (anyone) batch-verifies the proofs; each aggregator checks that its share opens its
commitment; anyone checks the published totals against the commitments. A phone that claims
two regions with another vote's proof, a phone that sends the institute a share that does not
open, and an honest app asked to vote twice are refused, each named; a phone that vanishes
after publishing is left out, and the histogram of the rest is right.

What is simulated (the full size, ``--members 100000``): the proofs are each phone's own work,
done on 10^5 devices in parallel; one process cannot prove 10^5 of them (about 1 s each), so
the first ``--proven`` phones (a pool of real contributions) run the whole protocol and the
votes of the other phones are added in the clear by the simulator, printed apart as such.
With ``--proven`` equal to ``--members`` (the tests) nothing is simulated.

    python -m examples.healthcare.app_telemetry [--members 100000] [--proven 256] [--seed 3]
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any, Sequence, TextIO

from zkmpc.aggregation import ORDER, Contribution, Contributor, Shape, Share
from zkmpc.errors import ContributionRangeError
from zkmpc.statistics import Submission, collect_histogram, development_keys, one_hot
from zkmpc.usecases import Report, UseCaseError, options

REGIONS = ("north", "south", "east", "west")
SHAPE = Shape(k=2, length=len(REGIONS), kind="onehot", bits=1)
AGGREGATORS = ("app operator", "health institute")
WEIGHTS = (0.4, 0.3, 0.2, 0.1)


def region_of(phone: int, seed: int) -> int:
    """The region phone ``phone`` is in (a deterministic sample)."""
    return random.Random(seed * 10**6 + phone).choices(range(len(REGIONS)), WEIGHTS)[0]


def misbehaving(contributor: Contributor, first: int, seed: int, rng: Any) -> tuple[list[Submission], dict[str, int]]:
    """Three phones after the pool: two regions claimed with a one-hot proof, a share that
    does not open, a dropout (all their contributions published)."""
    two, bad_share, gone = first, first + 1, first + 2
    honest, _ = contributor.contribute(two, one_hot(0, len(REGIONS)), rng=rng)
    forged_shares = contributor.split(two, one_hot(0, len(REGIONS)), rng=rng)  # then +1 for region 1
    shifted = Share(two, 1, ((forged_shares[1].values[0],) + ((forged_shares[1].values[1] + 1) % ORDER,)
                             + forged_shares[1].values[2:]), forged_shares[1].blinding)
    gens = contributor.keys.generators
    forged = Contribution(two, (gens.commit(forged_shares[0].values, forged_shares[0].blinding),
                                gens.commit(shifted.values, shifted.blinding)), honest.proof)
    con, shares = contributor.contribute(bad_share, one_hot(region_of(bad_share, seed), len(REGIONS)), rng=rng)
    wrong = Share(bad_share, 1, shares[1].values, (shares[1].blinding + 1) % ORDER)
    dropped, _ = contributor.contribute(gone, one_hot(region_of(gone, seed), len(REGIONS)), rng=rng)
    subs = [Submission(forged, (forged_shares[0], shifted)), Submission(con, (shares[0], wrong)),
            Submission(dropped, None)]
    return subs, {"two regions": two, "bad share": bad_share, "dropout": gone}


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = options(argv, __doc__, members=100_000, proven=256, seed=3)
    proven = min(opts.proven, opts.members)
    if proven < 1:
        raise UseCaseError(f"--proven: expected at least 1 phone, found {opts.proven}")
    rng = random.Random(opts.seed)
    report = Report(out, title=f"app telemetry from {opts.members:,} phones, histogram by region, two aggregators")
    keys = development_keys(SHAPE)
    report.fact("contribution circuit", f"{keys.circuit.r1cs.num_constraints:,} constraints (one-hot over "
                                        f"{len(REGIONS)} regions, 2 shares)")
    contributor = Contributor(keys)
    started = time.perf_counter()
    subs = [Submission(*contributor.contribute(p, one_hot(region_of(p, opts.seed), len(REGIONS)), rng=rng))
            for p in range(1, proven + 1)]
    report.figures["prove_s"] = (time.perf_counter() - started) / proven
    report.fact("proving (each phone's own work)", f"{report.figures['prove_s']:.2f} s per phone")
    report.expect_refusal("an honest app asked to vote for two regions",
                          lambda: contributor.contribute(proven + 9, [1, 1, 0, 0], rng=rng), ContributionRangeError)
    bad, who = misbehaving(contributor, proven + 1, opts.seed, rng)
    started = time.perf_counter()
    got = collect_histogram(keys, subs + bad, rng=rng)
    report.figures["check_s"] = time.perf_counter() - started
    named = {exc.contributor: exc for exc in got.refused}
    for what, tag in who.items():
        if what == "dropout":
            continue
        if tag not in named:
            raise UseCaseError(f"phone {tag} ({what}) was not refused")
        report.refused(f"phone {tag}: {what}", named[tag])
    report.fact("dropped out after publishing (left out)", ", ".join(f"phone {t}" for t in got.dropped))
    report.fact("screening and checking", f"{len(subs) + len(bad)} contributions in {report.figures['check_s']:.2f} s "
                                          "(batch Groth16, share openings, totals against commitments)")
    for name in AGGREGATORS:
        report.fact(f"the {name} learns", "one uniformly random share per phone (nothing about its region), the "
                                          "refusals, and the checked histogram")
    report.fact("each phone learns", "nothing but the published histogram")
    report.fact(f"anyone learns ({len(got.tags):,} proven phones)",
                ", ".join(f"{r} {c:,}" for r, c in zip(REGIONS, got.counts)))
    plain = [0] * len(REGIONS)
    for p in range(1, proven + 1):
        plain[region_of(p, opts.seed)] += 1
    if list(got.counts) != plain:
        raise UseCaseError(f"the histogram {got.counts} differs from the plain one {plain}")
    report.fact("equals the plain count of the proven phones", True)
    simulated = [0] * len(REGIONS)
    for p in range(proven + 4, opts.members + 4):
        simulated[region_of(p, opts.seed)] += 1
    if opts.members > proven:
        report.fact(f"simulated in the clear ({opts.members - proven:,} more phones, not proven here)",
                    ", ".join(f"{r} {c:,}" for r, c in zip(REGIONS, simulated)))
        report.fact(f"histogram of all {opts.members:,} phones (proven + simulated)",
                    ", ".join(f"{r} {a + b:,}" for r, a, b in zip(REGIONS, got.counts, simulated)))
    report.figures["counts"], report.figures["plain"] = got.counts, tuple(plain)
    report.figures["refused_tags"] = {t: type(e).__name__ for t, e in named.items()}
    report.figures["dropped"] = got.dropped
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
