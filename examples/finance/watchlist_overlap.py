"""Two banks learn how many customers they share and the total exposure to them, no customer list changes hands.

Bank A holds a watchlist of customer identifiers; bank B holds its customers with the
exposure (in thousands) it has to each. They run private intersection-sum with cardinality
(``mpc.psi``: commutative blinding in BN254's G1, Paillier for the exposures, as Google's
Private Join and Compute does) with a minimum-intersection threshold agreed in advance.
Bank A learns the size of B's list and how many customers are shared; bank B learns the size
of A's list, the count and the sum of its exposures to the shared customers, and not which
customers they are. A second run against a small list (fewer shared customers than the
threshold) reveals nothing to bank B, and bank A's code stops before sending anything.

By default the banks are two processes talking TLS (bank B makes its key and its encryption
randomness first, offline); ``--processes 0`` runs both in this process.

    python -m examples.finance.watchlist_overlap [--members 10000] [--shared 1200] [--threshold 100] [--processes 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path
from typing import Any, Sequence, TextIO

from mpc import paillier
from mpc.errors import PSIError, PSIThresholdError
from mpc.net import InProcessHub
from mpc.protocols.base import Context
from mpc.psi import PSIResult, psi_party1, psi_party2
from zkmpc.statistics.networked import as_party, party_document, party_parser, raise_refusal, run_local_parties
from zkmpc.usecases import Report, UseCaseError

ROOT = Path(__file__).resolve().parents[2]
BANKS = {1: "bank A", 2: "bank B"}
LINK_TIMEOUT = 1800.0  # a bank's event loop is busy for a while blinding or encrypting 10^4 values


def customers(n: int, shared: int, seed: int) -> tuple[list[str], dict[str, int]]:
    """Bank A's watchlist and bank B's exposures: ``n`` ids each, ``shared`` of them common."""
    rng = random.Random(seed)
    common = [f"CUST-{rng.randrange(10**12):012d}" for _ in range(shared)]
    only_a = [f"A-{i:09d}" for i in range(n - shared)]
    only_b = [f"B-{i:09d}" for i in range(n - shared)]
    exposures = {c: rng.randrange(1, 50_000) for c in common + only_b}
    return common + only_a, exposures


async def _run(watchlist: list[str], book: dict[str, int], threshold: int, key: Any) -> list[Any]:
    hub = InProcessHub([1, 2], session=bytes(16))
    return list(await asyncio.gather(
        psi_party1(hub.network(1), watchlist, peer=2, min_intersection=threshold, insecure=True),
        psi_party2(hub.network(2), book, peer=1, min_intersection=threshold, private_key=key),
        return_exceptions=True))


def run(watchlist: list[str], book: dict[str, int], threshold: int, key: Any) -> tuple[PSIResult, PSIResult]:
    """One PSI run between bank A (party 1) and bank B (party 2), in this process.

    Raises:
        PSIThresholdError: fewer than ``threshold`` shared customers (raised by both banks).
    """
    results = asyncio.run(_run(watchlist, book, threshold, key))
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results[0], results[1]


# --- as two processes over TLS -------------------------------------------------------------

def _book(opts: argparse.Namespace) -> dict[str, int]:
    book = customers(opts.members, opts.shared, opts.seed)[1]
    return dict(list(book.items())[:opts.small]) if opts.small else book


def party(opts: argparse.Namespace) -> dict[str, Any]:
    """One bank's process: its own list, its key (bank B, offline), the PSI over TLS."""
    if opts.party == 1:
        watchlist = customers(opts.members, opts.shared, opts.seed)[0]

        async def job_a(ctx: Context) -> PSIResult:
            return await psi_party1(ctx.net, watchlist, peer=2, min_intersection=opts.threshold,
                                    timeout=LINK_TIMEOUT, insecure=opts.bits < 2048)
        return party_document(opts.config, 1, job_a, _doc, refusals=(PSIError,))
    book = _book(opts)
    started = time.perf_counter()
    key = paillier.keygen(bits=opts.bits, insecure=opts.bits < 2048)[1]
    pool = paillier.RandomnessPool(key.public_key, djn=paillier.DJNRandomness(key.public_key))
    pool.fill(len(book))
    offline = time.perf_counter() - started

    async def job_b(ctx: Context) -> PSIResult:
        return await psi_party2(ctx.net, book, peer=1, min_intersection=opts.threshold, private_key=key, pool=pool,
                                timeout=LINK_TIMEOUT)
    return {**party_document(opts.config, 2, job_b, _doc, refusals=(PSIError,)), "offline": offline}


def _doc(r: PSIResult) -> dict[str, Any]:
    return {"cardinality": r.cardinality, "sum": r.intersection_sum}


def over_tls(opts: argparse.Namespace, small: int = 0) -> tuple[PSIResult, PSIResult, float]:
    """Both banks as processes over TLS (bank B's book cut to its first ``small`` customers
    when ``small``); returns what each learns and bank B's offline seconds.

    Raises:
        PSIThresholdError: fewer shared customers than the threshold (naming the bank).
        PartyFailedError: a bank's process crashed.
    """
    args = ["--members", str(opts.members), "--shared", str(opts.shared), "--threshold", str(opts.threshold),
            "--bits", str(opts.bits), "--seed", str(opts.seed), "--small", str(small)]
    docs = run_local_parties("examples.finance.watchlist_overlap", 2, threshold=1, root=ROOT, args=args,
                             round_timeout=LINK_TIMEOUT, link_timeout=LINK_TIMEOUT)
    raise_refusal(docs, [PSIThresholdError, PSIError], names=BANKS.__getitem__)
    a, b = (PSIResult(docs[p]["cardinality"], docs[p]["sum"]) for p in (1, 2))
    return a, b, float(docs[2]["offline"])


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = party_parser(__doc__, "the banks", members=10_000, shared=1_200, threshold=100, bits=2048, seed=11)
    p.add_argument("--small", type=int, default=0, help=argparse.SUPPRESS)
    return p.parse_args(list(argv) if argv is not None else [])


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = parse(argv)
    doc = as_party(opts, party, out)  # a bank's own process (launched by over_tls)
    if doc is not None:
        return doc
    report = Report(out, title=f"watchlist overlap, {opts.members:,} x {opts.members:,} customer ids")
    watchlist, book = customers(opts.members, opts.shared, opts.seed)
    started = time.perf_counter()
    if opts.processes:
        a, b, offline = over_tls(opts)
        report.figures["offline"] = offline
        how = f"two processes over TLS (bank B offline first: key and randomness, {offline:.2f} s)"
    else:
        _, key = paillier.keygen(bits=opts.bits, insecure=opts.bits < 2048)  # bank B's
        a, b = run(watchlist, book, opts.threshold, key)
        how = "in one process"
    report.figures["seconds"] = time.perf_counter() - started
    report.fact("minimum shared customers (agreed)", opts.threshold)
    report.fact("bank A learns", f"B has {opts.members:,} customers; {a.cardinality:,} are on A's watchlist")
    report.fact("bank B learns", f"A's list has {opts.members:,} ids; {b.cardinality:,} shared, "
                                 f"total exposure to them {b.intersection_sum:,} thousand")
    shared = set(watchlist) & set(book)
    plain = (len(shared), sum(book[c] for c in shared))
    if (b.cardinality, b.intersection_sum) != plain or a.cardinality != plain[0]:
        raise UseCaseError(f"the PSI result {(b.cardinality, b.intersection_sum)} differs from the plain one {plain}")
    report.fact("equals the plain intersection (never computed in reality)", True)
    report.fact("PSI run", f"{report.figures['seconds']:.2f} s, {how}")
    small = dict(list(book.items())[:opts.threshold - 1])  # B's small book shares threshold - 1 customers
    refused = (lambda: over_tls(opts, small=opts.threshold - 1)) if opts.processes else \
        (lambda: run(watchlist, small, opts.threshold, key))
    report.expect_refusal(f"a run against a book sharing {opts.threshold - 1} customers: neither bank "
                          "learns the count or the sum", refused, PSIThresholdError)
    report.figures["cardinality"], report.figures["sum"] = b.cardinality, b.intersection_sum
    report.figures["plain"] = plain
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
