"""Two banks learn how many customers they share and the total exposure to them, no customer list changes hands.

Bank A holds a watchlist of customer identifiers; bank B holds its customers with the
exposure (in thousands) it has to each. They run private intersection-sum with cardinality
(``mpc.psi``: commutative blinding in BN254's G1, Paillier for the exposures, as Google's
Private Join and Compute does) with a minimum-intersection threshold agreed in advance.
Bank A learns the size of B's list and how many customers are shared; bank B learns the size
of A's list, the count and the sum of its exposures to the shared customers, and not which
customers they are. A second run against a small list (fewer shared customers than the
threshold) reveals nothing to bank B, and bank A's code stops before sending anything.

    python -m examples.finance.watchlist_overlap [--members 10000] [--shared 1200] [--threshold 100]
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from typing import Any, Sequence, TextIO

from mpc import paillier
from mpc.errors import PSIThresholdError
from mpc.net import InProcessHub
from mpc.psi import PSIResult, psi_party1, psi_party2
from zkmpc.usecases import Report, UseCaseError, options


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
    """One PSI run between bank A (party 1) and bank B (party 2).

    Raises:
        PSIThresholdError: fewer than ``threshold`` shared customers (raised by both banks).
    """
    results = asyncio.run(_run(watchlist, book, threshold, key))
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results[0], results[1]


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = options(argv, __doc__, members=10_000, shared=1_200, threshold=100, bits=2048, seed=11)
    report = Report(out, title=f"watchlist overlap, {opts.members:,} x {opts.members:,} customer ids")
    _, key = paillier.keygen(bits=opts.bits, insecure=opts.bits < 2048)  # bank B's
    watchlist, book = customers(opts.members, opts.shared, opts.seed)
    started = time.perf_counter()
    a, b = run(watchlist, book, opts.threshold, key)
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
    report.fact("PSI run", f"{report.figures['seconds']:.2f} s in one process")
    small = dict(list(book.items())[:opts.threshold - 1])  # B's small book shares threshold - 1 customers
    report.expect_refusal(f"a run against a book sharing {opts.threshold - 1} customers: neither bank "
                          "learns the count or the sum", lambda: run(watchlist, small, opts.threshold, key),
                          PSIThresholdError)
    report.figures["cardinality"], report.figures["sum"] = b.cardinality, b.intersection_sum
    report.figures["plain"] = plain
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
