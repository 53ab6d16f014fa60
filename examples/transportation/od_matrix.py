"""An origin-destination matrix from proven one-hot trips, two aggregators, small cells withheld.

A city wants to know how many trips go from each zone to each other zone without anyone
learning where one traveller went. Each trip is a one-hot vote over the zone pairs
(origin, destination), split into two additive shares, one for the transport authority and
one for the statistics office, with Pedersen commitments and a Groth16 proof that the shares
add up to a one-hot vector (``zkmpc.aggregation``; the round is
``zkmpc.statistics.collect_histogram``). The matrix is published with small-cell suppression
(``zkmpc.statistics.suppress_small_cells``): a cell counted from 1 to ``threshold - 1`` trips
is withheld ("."), and no row or column totals are published, since a total over a withheld
cell would give it away by subtraction.

Why ``zkmpc.aggregation`` and not secure aggregation (``mpc.protocols.secagg``): a trip must
add exactly one to exactly one cell. Secure aggregation hides the inputs and survives
dropouts, but a client could add 500 to a cell and nobody would notice; here every trip is
proven one-hot and anyone can check the published matrix against the commitments. It also
needs no interaction between the travellers (secure aggregation's pairwise masks make every
client talk to every other through the server), and there are two aggregators, neither of
whom sees a trip. The price is one proof per trip, made on the traveller's own device.

What is simulated (the full size, ``--members 100000`` trips): one process cannot make 10^5
proofs (each about 1 to 3 s), so the first ``--proven`` trips (a pool of real contributions) run
the whole protocol and the other trips are counted in the clear by the simulator and printed
apart, with the same suppression. With ``--proven`` equal to ``--members`` nothing is simulated.

    python -m examples.transportation.od_matrix [--members 100000] [--proven 128] [--zones 4] [--threshold 10]
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any, Sequence, TextIO

from zkmpc.aggregation import ORDER, Contributor, Shape, Share
from zkmpc.statistics import Published, Submission, collect_histogram, development_keys, one_hot, suppress_small_cells
from zkmpc.usecases import Report, UseCaseError, options

ZONES = ("centre", "harbour", "campus", "airport", "old town", "stadium")
AGGREGATORS = ("transport authority", "statistics office")


def trip(number: int, zones: int, seed: int) -> int:
    """Trip ``number``'s zone pair, ``origin * zones + destination`` (a deterministic sample:
    most trips start or end in the centre)."""
    rng = random.Random(seed * 10**7 + number)
    origin = 0 if rng.random() < 0.5 else rng.randrange(zones)
    return origin * zones + (0 if origin and rng.random() < 0.6 else rng.randrange(zones))


def grid(published: Published, zones: int) -> str:
    """The published matrix as text rows (``.`` for a withheld cell)."""
    width = max(8, *(len(z) for z in ZONES[:zones]))
    head = " " * width + "".join(f"{z:>{width + 1}}" for z in ZONES[:zones])
    rows = [f"{ZONES[o]:<{width}}" + "".join(
        f"{'.' if c is None else f'{c:,}':>{width + 1}}" for c in published.cells[o * zones:(o + 1) * zones])
        for o in range(zones)]
    return "\n".join(["      " + head] + ["      " + r for r in rows])


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = options(argv, __doc__, members=100_000, proven=128, zones=4, threshold=10, seed=9)
    if not 2 <= opts.zones <= len(ZONES):
        raise UseCaseError(f"--zones: expected 2 to {len(ZONES)}, found {opts.zones}")
    proven, zones, cells = min(max(opts.proven, 1), opts.members), opts.zones, opts.zones ** 2
    rng = random.Random(opts.seed)
    report = Report(out, title=f"origin-destination matrix from {opts.members:,} trips, {zones} zones, two aggregators")
    keys = development_keys(Shape(k=2, length=cells, kind="onehot", bits=1))
    report.fact("contribution circuit", f"{keys.circuit.r1cs.num_constraints:,} constraints (one-hot over "
                                        f"{cells} zone pairs, 2 shares)")
    contributor = Contributor(keys)
    started = time.perf_counter()
    subs = [Submission(*contributor.contribute(t, one_hot(trip(t, zones, opts.seed), cells), rng=rng))
            for t in range(1, proven + 1)]
    report.fact("proving (each traveller's device)", f"{(time.perf_counter() - started) / proven:.2f} s per trip")
    cheat = proven + 1  # a trip whose share for the statistics office adds 1 to another cell
    con, shares = contributor.contribute(cheat, one_hot(0, cells), rng=rng)
    bumped = Share(cheat, 1, ((shares[1].values[0],) + ((shares[1].values[1] + 1) % ORDER,) + shares[1].values[2:]),
                   shares[1].blinding)
    got = collect_histogram(keys, subs + [Submission(con, (shares[0], bumped))], rng=rng)
    for exc in got.refused:
        report.refused(f"trip {exc.contributor}: a share counting a second zone pair", exc)
    if [e.contributor for e in got.refused] != [cheat]:
        raise UseCaseError(f"expected trip {cheat} refused, found {[e.contributor for e in got.refused]}")
    plain = [0] * cells
    for t in range(1, proven + 1):
        plain[trip(t, zones, opts.seed)] += 1
    if list(got.counts) != plain:
        raise UseCaseError(f"the matrix {got.counts} differs from the plain one {plain}")
    published = suppress_small_cells(list(got.counts), opts.threshold)
    for name in AGGREGATORS:
        report.fact(f"the {name} learns", "one uniformly random share per trip (nothing about it), and the matrix")
    report.fact("each traveller learns", "nothing but the published matrix")
    report.fact(f"anyone learns ({len(got.tags):,} proven trips, cells below {opts.threshold} withheld: "
                f"{published.withheld})", "rows origin, columns destination\n" + grid(published, zones))
    report.fact("the checked matrix equals the plain count of the proven trips", True)
    if opts.members > proven:
        simulated = [0] * cells
        for t in range(proven + 2, opts.members + 2):
            simulated[trip(t, zones, opts.seed)] += 1
        both = suppress_small_cells([a + b for a, b in zip(got.counts, simulated)], opts.threshold)
        report.fact(f"all {opts.members:,} trips ({opts.members - proven:,} simulated in the clear, "
                    f"{both.withheld} cells withheld)", "\n" + grid(both, zones))
    report.figures["counts"], report.figures["plain"] = got.counts, tuple(plain)
    report.figures["published"] = published.cells
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
