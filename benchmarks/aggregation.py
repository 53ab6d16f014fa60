"""Verifiable private aggregation: the contributor's share + proof, the auditor's batch check.

    python -m benchmarks.aggregation [--contributions 10000] [--bits 32] [--k 2] [--pool 64]
                                     [--repeat 3] [--paillier-bits 2048]

Measures, for a shape of ``k`` aggregators and ``bits``-bit values (targets from issue 18):

- the contributor: split + commit + solve + Groth16 proof of one value (target <= 0.3 s),
  best of ``--repeat``;
- an aggregator: the opening check of one share (fixed-base tables), per contribution;
- the auditor on ``--contributions`` contributions (target <= 10 s): format checks, Groth16
  batch verification in batches of ``DEFAULT_BATCH`` proofs, and the check of the totals
  against the sum of the commitments. The contributions are ``--pool`` distinct real ones
  repeated (proving 10^4 would take the run an hour; the batch check's cost does not depend
  on the proofs being distinct: one MSM per batch and one pairing pair per proof);
- the Paillier range proof of a ``bits``-bit value under a ``--paillier-bits`` key (prove,
  verify), the check ``mpc.stats.Aggregator`` runs per ciphertext of a range-proven report;
- peak RSS of the process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import warnings
from typing import Any, Callable


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The best wall-clock time of ``repeat`` runs and the last result."""
    out, times = None, []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def _client(keys: Any, bits: int, repeat: int, rng: random.Random) -> list[tuple[str, float]]:
    from zkmpc.aggregation import Contributor

    c = Contributor(keys)
    value = (1 << bits) - 1
    counter = iter(range(10**9))
    t_split, shares = best(lambda: c.split(next(counter), value, rng=rng), repeat)
    t_commit, _ = best(lambda: [keys.generators.commit(s.values, s.blinding) for s in shares], repeat)
    t_all, _ = best(lambda: c.contribute(next(counter), value, rng=rng), repeat)
    return [("contributor: split", t_split), ("contributor: commit (k commitments)", t_commit),
            ("contributor: share + proof (contribute)", t_all)]


def _world(keys: Any, n: int, pool: int, rng: random.Random) -> list[Any]:
    from zkmpc.aggregation import Contributor

    made = [Contributor(keys).contribute(t, rng.randrange(1 << keys.shape.bits), rng=rng)[0] for t in range(pool)]
    return [made[i % pool] for i in range(n)]


def _auditor(keys: Any, contributions: list[Any], rng: random.Random) -> list[tuple[str, float]]:
    """The auditor's work on ``contributions`` (repeated tags: its steps timed one by one,
    since :meth:`Auditor.screen` and :meth:`Auditor.check` refuse repeated tags)."""
    from zkmpc.aggregation import Auditor
    from zkmpc.aggregation.auditor import DEFAULT_BATCH
    from zkmpc.aggregation.generators import sum_points
    from zkp import groth16

    auditor = Auditor(keys)
    t0 = time.perf_counter()
    for c in contributions:
        auditor.check_format(c)
    t_format = time.perf_counter() - t0
    items = [(c.public_signals(), c.proof) for c in contributions]
    t0 = time.perf_counter()
    ok = all(groth16.verify_batch(auditor._pvk, items[i:i + DEFAULT_BATCH], rng=rng)
             for i in range(0, len(items), DEFAULT_BATCH))
    t_batch = time.perf_counter() - t0
    if not ok:
        raise RuntimeError("batch verification refused honest proofs")
    t0 = time.perf_counter()
    for i in range(keys.shape.k):  # what Auditor.check computes: the sums and one opening each
        sum_points([c.commitments[i] for c in contributions])
        keys.generators.commit([rng.randrange(1 << 250)], rng.randrange(1 << 250))
    t_check = time.perf_counter() - t0
    return [("auditor: format checks", t_format), (f"auditor: batch verification ({DEFAULT_BATCH} per batch)", t_batch),
            ("auditor: totals vs sum of commitments", t_check), ("auditor in all", t_format + t_batch + t_check)]


def _opening(keys: Any, repeat: int, rng: random.Random) -> list[tuple[str, float]]:
    from zkmpc.aggregation import Aggregator, Contributor

    con, shares = Contributor(keys).contribute(10**6, 1, rng=rng)
    agg = Aggregator(keys, 0)
    return [("aggregator: one opening check", best(lambda: agg.check_share(con, shares[0]), repeat)[0])]


def _paillier(modulus_bits: int, bits: int, repeat: int) -> list[tuple[str, float]]:
    from mpc import paillier
    from mpc.paillier.rangeproof import encrypt_in_range, verify_range

    pk, _ = paillier.keygen(bits=modulus_bits, insecure=modulus_bits < 2048)
    value = (1 << bits) - 1
    t_prove, (c, proof) = best(lambda: encrypt_in_range(pk, value, bits, context=b"bench"), repeat)
    t_verify, ok = best(lambda: verify_range(pk, c, proof, context=b"bench"), repeat)
    if not ok:
        raise RuntimeError("an honest range proof did not verify")
    return [(f"encrypt + range proof ({bits} bits, {modulus_bits}-bit n)", t_prove),
            ("verify the range proof", t_verify)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contributions", type=int, default=10_000)
    ap.add_argument("--bits", type=int, default=32)
    ap.add_argument("--k", type=int, default=2)
    ap.add_argument("--pool", type=int, default=64, help="distinct real contributions, repeated")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--paillier-bits", type=int, default=2048)
    args = ap.parse_args(argv)
    from zkmpc.aggregation import AggregationKeys, Shape
    from zkp import backend_info

    rng = random.Random(2026)
    shape = Shape(k=args.k, length=1, bits=args.bits)
    print(f"Aggregation: {shape}, {args.contributions:,} contributions ({args.pool} distinct), "
          f"kernels: {backend_info()['backend']}, python {sys.version.split()[0]}")
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a development setup warns
        keys = AggregationKeys.setup(shape, rng=rng)
    print(f"  circuit: {keys.circuit.r1cs.num_constraints:,} constraints, {shape.num_public} public; "
          f"compile + setup {time.perf_counter() - t0:.2f} s")
    rows = _client(keys, args.bits, args.repeat, rng)
    contributions = _world(keys, args.contributions, args.pool, rng)
    rows += _auditor(keys, contributions, rng)
    rows += _opening(keys, args.repeat, rng)
    rows += _paillier(args.paillier_bits, args.bits, max(1, args.repeat // 3))
    print(f"\n{'step':<52} {'seconds':>10}")
    for name, t in rows:
        print(f"{name:<52} {t:>10.4f}")
    print(f"\ntargets: share + proof <= 0.3 s; {args.contributions:,} contributions checked <= 10 s "
          f"(10^4 in the issue)")
    print(f"peak RSS: {_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
