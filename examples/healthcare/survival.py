"""Kaplan-Meier curves and a log-rank test across four hospitals over TLS; patient rows stay hidden.

Four hospitals ran the same trial (arm 0: standard care, arm 1: a new treatment) and want
the pooled survival curves and a log-rank test without sharing patient rows. Each hospital
is a separate process talking TLS to the others; it turns its rows into per-month counts
(patients at risk and events, per arm) and the counts are added with a Shamir secure sum
(threshold 2). Revealed: the pooled at-risk and event counts per month and arm, the table a
published Kaplan-Meier figure prints under its curves; hidden: every patient row and every
hospital's own counts. Everyone computes the curves, the median survival and the log-rank
statistic from the pooled table, identical to what pooled rows give. A second run in one
process shows hospital 4 going offline right after sharing its counts: the others finish
with its patients included and name it as missing.

    python -m examples.healthcare.survival [--members 5000] [--horizon 60] [--seed 7] [--in-process]

``--members`` is the number of patients per hospital.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any, Sequence, TextIO

from mpc.protocols import run_in_process
from zkmpc.statistics.networked import party_document, run_local_parties
from zkmpc.statistics.survival import (Patient, PooledCounts, check_documents, count_table, kaplan_meier, log_rank,
                                       median_survival, pooled_counts)
from zkmpc.usecases import Report, UseCaseError, parse_args

HOSPITALS = 4
THRESHOLD = 2
OFFLINE = 4
HAZARD_RATIO = 0.75          # arm 1 against arm 0
MEDIAN_MONTHS = 30.0         # arm 0's median survival
ROOT = Path(__file__).resolve().parents[2]


def patients(hospital: int, members: int, seed: int) -> list[Patient]:
    """Hospital ``hospital``'s rows (simulated: exponential survival, staggered entry)."""
    rng = random.Random(seed * 1000 + hospital)
    rows = []
    for _ in range(members):
        arm = rng.randrange(2)
        rate = math.log(2) / MEDIAN_MONTHS * (HAZARD_RATIO if arm else 1.0) * rng.uniform(0.85, 1.15)
        death, follow_up = rng.expovariate(rate), rng.uniform(12, 72)
        rows.append(Patient(max(1, math.ceil(min(death, follow_up))), death <= follow_up, arm))
    return rows


def _extend(p: Any) -> None:
    p.add_argument("--horizon", type=int, default=60, help="months of follow-up tabulated")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--in-process", action="store_true", help="the hospitals in one process (no TLS)")
    p.add_argument("--party", type=int, default=None, help="run as this hospital (used by the script itself)")
    p.add_argument("--config", default=None, help="the parties' TLS configuration (with --party)")


def party(opts: Any) -> dict[str, Any]:
    """One hospital's process: its own rows, the secure sum over TLS."""
    rows = patients(opts.party, opts.members, opts.seed)
    return party_document(opts.config, opts.party, lambda ctx: pooled_counts(ctx, rows, opts.horizon),
                          lambda r: {"counts": [list(r[0].at_risk), list(r[0].events)],
                                     "contributors": list(r[1].contributors), "missing": list(r[1].missing)})


def _pooled(doc: dict[str, Any]) -> PooledCounts:
    at_risk, events = doc["counts"]
    return PooledCounts((tuple(at_risk[0]), tuple(at_risk[1])), (tuple(events[0]), tuple(events[1])))


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = parse_args(argv, __doc__, members=5000, extend=_extend)
    if opts.party is not None:
        doc = party(opts)
        print(json.dumps(doc), file=out, flush=True)
        return doc
    data = {h: patients(h, opts.members, opts.seed) for h in range(1, HOSPITALS + 1)}
    report = Report(out, title=f"survival across {HOSPITALS} hospitals, {opts.members:,} patients each, "
                               f"{opts.horizon} months")
    t = time.perf_counter()
    if opts.in_process:
        res = run_in_process(lambda ctx: pooled_counts(ctx, data[ctx.party], opts.horizon), parties=HOSPITALS,
                             threshold=THRESHOLD)
        docs: dict[int, dict[str, Any]] = {h: {"counts": [list(r[0].at_risk), list(r[0].events)]} if isinstance(r, tuple) else {"error": str(r)}
                for h, r in res.items()}
        network = "in one process"
    else:
        docs = run_local_parties("examples.healthcare.survival", HOSPITALS, threshold=THRESHOLD, root=ROOT,
                                 args=["--members", str(opts.members), "--horizon", str(opts.horizon),
                                       "--seed", str(opts.seed)])
        network = f"{HOSPITALS} processes over TLS"
    check_documents(docs)
    seconds = time.perf_counter() - t
    report.fact("network", f"{network}, secure sum of {4 * opts.horizon} counts per hospital, {seconds:.2f} s")
    pooled = _pooled(docs[1])
    curves = [kaplan_meier(pooled.at_risk[a], pooled.events[a]) for a in (0, 1)]
    marks = [m for m in (12, 24, 36, 48, 60) if m <= opts.horizon]
    for arm, name in enumerate(("standard care", "new treatment")):
        report.fact(f"Kaplan-Meier, arm {arm} ({name})",
                    ", ".join(f"S({m})={curves[arm][m - 1]:.3f}" for m in marks)
                    + f"; median {median_survival(curves[arm])} months; at risk at month 1: {pooled.at_risk[arm][0]:,}")
    test = log_rank(pooled)
    report.fact("log-rank test", f"arm 1 observed {test.observed:,} events, expected {test.expected:,.1f}; "
                                 f"chi2 = {test.chi2:.2f}, p = {test.p:.2e}")
    report.fact("every hospital learns", "the pooled at-risk and event counts per month and arm (the table under a "
                                         "Kaplan-Meier figure); no patient row, no other hospital's counts")
    plain = PooledCounts.from_vector([sum(col) for col in zip(*(count_table(rows, opts.horizon)
                                                               for rows in data.values()))], opts.horizon)
    report.fact("equals the table of the pooled patient rows", plain == pooled)
    crashed = run_in_process(lambda ctx: pooled_counts(ctx, data[ctx.party], opts.horizon), parties=HOSPITALS,
                             threshold=THRESHOLD, crash={OFFLINE: "input"})
    survivors = [r for h, r in crashed.items() if h != OFFLINE]
    if not all(isinstance(r, tuple) and r[0] == plain and r[1].missing == (OFFLINE,) for r in survivors):
        raise UseCaseError(f"hospital {OFFLINE} going offline after sharing: expected the full table, found {survivors}")
    report.fact(f"hospital {OFFLINE} offline right after sharing its counts",
                f"hospitals 1-3 finish with its patients included and name it missing")
    report.figures.update(pooled=pooled, plain=plain, log_rank=test, curves=curves, seconds=seconds)
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
