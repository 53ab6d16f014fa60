"""Three banks report salaries; a regulator learns the mean and the variance, nothing else.

The regulator publishes a Paillier public key and the protocol (fixed-point with 2
decimals, salaries up to 10 million, at least 3 banks). Each bank encrypts its count, sum
and sum of squares in one report, re-randomised when it leaves the bank as JSON. The
regulator adds the reports under encryption and can decrypt only the totals of at least
three banks.

    python -m examples.finance.bank_salaries
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from typing import Any, Sequence

from mpc import paillier
from mpc.encoding import FixedPoint
from mpc.stats import Aggregator, Report, StatsSpec, Summary, make_report
from zkmpc.usecases import options

SPEC = StatsSpec(FixedPoint(decimals=2, bound=Decimal(10_000_000)), min_reports=3)


def payroll(bank: str, rng: random.Random) -> list[Decimal]:
    """A bank's private data (synthetic)."""
    return [Decimal(rng.randrange(2_500_000, 18_000_000)).scaleb(-2) for _ in range(rng.randrange(40, 80))]


def main(argv: Sequence[str] | None = None, out: Any = sys.stdout, *, bits: int = 2048, seed: int = 2026) -> Summary:
    opts = options(argv, __doc__, bits=bits, seed=seed)
    bits, seed = opts.bits, opts.seed
    rng = random.Random(seed)
    public_key, private_key = paillier.keygen(bits=bits)  # the regulator's
    regulator = Aggregator(private_key, SPEC)
    all_salaries: list[Decimal] = []
    for bank in ("Bank of Ada", "Turing Savings", "Lovelace & Co"):
        salaries = payroll(bank, rng)
        all_salaries += salaries
        wire = make_report(public_key, bank, salaries, SPEC).to_json()  # what leaves the bank
        regulator.add(Report.from_json(wire, public_key, SPEC))
        print(f"{bank:<16} sent one report ({len(wire):,} bytes of JSON) about {len(salaries)} salaries", file=out)
    s = regulator.result()
    print(f"regulator learns: {s.count} salaries, mean {s.mean:.2f}, variance {s.variance:.2f}, "
          f"std {s.std:.2f}", file=out)
    exact = sum(all_salaries) / len(all_salaries)
    print(f"check against the pooled data (never pooled in reality): mean {exact:.2f}", file=out)
    return s


if __name__ == "__main__":
    main(sys.argv[1:])
