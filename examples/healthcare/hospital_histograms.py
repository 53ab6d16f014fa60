"""Hospitals publish a blood-pressure histogram from encrypted per-bin counts, without sharing records.

Hospitals publish a histogram of patients' systolic blood pressure without sharing
records: each sends encrypted per-bin counts (one-hot bins summed locally), the health
authority decrypts only the totals over at least four hospitals.

    python -m examples.healthcare.hospital_histograms
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from typing import Any, Sequence

from mpc import paillier
from mpc.encoding import IntegerEncoding
from mpc.stats import Aggregator, Report, StatsSpec, Summary, make_report
from zkmpc.usecases import options

EDGES = tuple(Decimal(e) for e in (90, 120, 130, 140, 160, 180))
LABELS = ("<90", "90-119", "120-129", "130-139", "140-159", "160-179", ">=180")
SPEC = StatsSpec(IntegerEncoding(bound=300), min_reports=4, bins=EDGES)


def main(argv: Sequence[str] | None = None, out: Any = sys.stdout, *, bits: int = 2048, seed: int = 7) -> Summary:
    opts = options(argv, __doc__, bits=bits, seed=seed)
    bits, seed = opts.bits, opts.seed
    rng = random.Random(seed)
    public_key, private_key = paillier.keygen(bits=bits)
    authority = Aggregator(private_key, SPEC)
    for h in range(5):
        readings = [int(rng.gauss(128 + 4 * h, 18)) for _ in range(rng.randrange(50, 120))]
        authority.add(Report.from_json(make_report(public_key, f"hospital {h + 1}", readings, SPEC).to_json(),
                                       public_key, SPEC))
    s = authority.result()
    print(f"{s.reports} hospitals, {s.count} patients, mean systolic {s.mean:.1f} mmHg (std {s.std:.1f})", file=out)
    width = max(s.histogram)
    for label, k in zip(LABELS, s.histogram):
        print(f"  {label:>8} {k:5d} {'#' * (40 * k // width)}", file=out)
    return s


if __name__ == "__main__":
    main(sys.argv[1:])
