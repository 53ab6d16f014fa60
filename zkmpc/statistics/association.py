"""An allele association test across biobanks that reveals only genome-wide significance.

Each biobank holds, per SNP, a 2x2 table of allele counts (cases and controls, alternative
and reference allele). The pooled table's Pearson chi-square statistic (1 degree of
freedom, no continuity correction)

    chi2 = N (a d - b c)^2 / ((a + b)(c + d)(a + c)(b + d))

decides significance: ``p < 5e-8`` exactly when ``chi2 > q``, the critical value
:func:`critical_value` (29.716..., kept as a fraction with 6 decimals). The comparison is
done in MPC without any division: the biobanks secret-share their counts
(:func:`~mpc.protocols.compare.shared_total`), multiply the shares with Beaver triples
(three rounds: the cross products and margins, their square and product, then the factor
``N``) and compare ``q_num (a+b)(c+d)(a+c)(b+d) < q_den N (a d - b c)^2`` with
:func:`~mpc.protocols.compare.less_than`. Only that bit per SNP is opened: no count, no
statistic, no p-value.

    >>> from mpc.protocols import run_in_process
    >>> banks = {1: [AlleleTable(300, 700, 200, 800)], 2: [AlleleTable(310, 690, 190, 810)],
    ...          3: [AlleleTable(10, 20, 12, 18)]}
    >>> bound = 2 * 4100
    >>> pre = deal_for_association(1, bound, parties=[1, 2, 3], threshold=2)
    >>> job = lambda ctx: genome_wide_significant(ctx, banks[ctx.party], pre=pre[ctx.party], total_bound=bound)
    >>> run_in_process(job, parties=3, threshold=2)[1]
    (True,)
    >>> significant(pool(list(banks.values()))[0])
    True

Security:
    Semi-honest biobanks with crash faults (a biobank that vanishes before sharing its
    counts aborts the run, named; after it, ``threshold`` biobanks finish) and a trusted
    dealer of the preprocessing (:mod:`mpc.protocols.preprocessing`). Every count must be
    within ``total_bound`` (the public number of alleles genotyped, ``2 x`` participants):
    each biobank checks its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np
from mpc.errors import EncodingError
from mpc.field import FR, PrimeField, Vector
from mpc.protocols.base import Context, open_vector
from mpc.protocols.compare import (KAPPA, Needs, Preprocessing, constant, deal_preprocessing, less_than, lt_needs,
                                   multiply_shared, shared_total)

__all__ = ["AlleleTable", "GENOME_WIDE", "critical_value", "CRITICAL", "chi_square", "p_value", "significant",
           "pool", "comparison_bits", "association_needs", "deal_for_association", "genome_wide_significant"]

GENOME_WIDE = 5e-8
"""The conventional genome-wide significance level."""


@dataclass(frozen=True)
class AlleleTable:
    """Allele counts of one SNP: cases (alternative, reference), controls (alternative, reference)."""

    case_alt: int
    case_ref: int
    control_alt: int
    control_ref: int

    def cells(self) -> tuple[int, int, int, int]:
        return self.case_alt, self.case_ref, self.control_alt, self.control_ref


def p_value(chi2: float) -> float:
    """Upper tail of the chi-square distribution with 1 degree of freedom."""
    return math.erfc(math.sqrt(max(chi2, 0.0) / 2))


def critical_value(p: float = GENOME_WIDE, *, digits: int = 6) -> Fraction:
    """The chi-square (1 df) value whose upper tail is ``p``, rounded to ``digits`` decimals.

    >>> float(critical_value())
    29.716785
    """
    lo, hi = 0.0, 200.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if p_value(mid) > p else (lo, mid)
    return Fraction(round(lo * 10 ** digits), 10 ** digits)


CRITICAL = critical_value()


def chi_square(t: AlleleTable) -> Fraction:
    """Pearson's statistic of a 2x2 table (0 when a margin is empty)."""
    a, b, c, d = t.cells()
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    return Fraction((a + b + c + d) * (a * d - b * c) ** 2, margins) if margins else Fraction(0)


def significant(t: AlleleTable, critical: Fraction = CRITICAL) -> bool:
    """What the MPC computes, in the clear: ``chi2 > critical`` (exact, in integers)."""
    a, b, c, d = t.cells()
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    return critical.numerator * margins < critical.denominator * (a + b + c + d) * (a * d - b * c) ** 2


def pool(banks: Sequence[Sequence[AlleleTable]]) -> list[AlleleTable]:
    """The pooled tables (what a trusted party holding every count would see)."""
    return [AlleleTable(*(sum(col) for col in zip(*(t.cells() for t in snp)))) for snp in zip(*banks)]


def comparison_bits(total_bound: int, critical: Fraction = CRITICAL) -> int:
    """Signed bit width of both sides of the comparison when every pooled count is at
    most ``total_bound``: ``q_den N (ad - bc)^2 <= q_den T^5``, the margins' product ``<= T^4``."""
    lhs = critical.denominator * total_bound ** 5
    rhs = critical.numerator * total_bound ** 4
    return max(lhs, rhs).bit_length() + 1


def association_needs(snps: int, total_bound: int, critical: Fraction = CRITICAL) -> Needs:
    """Preprocessing of :func:`genome_wide_significant`: 7 triples per SNP and one comparison."""
    return Needs(triples=7 * snps) + lt_needs(snps, comparison_bits(total_bound, critical))


def deal_for_association(snps: int, total_bound: int, *, parties: Sequence[int], threshold: int,
                         field: PrimeField = FR, critical: Fraction = CRITICAL) -> dict[int, Preprocessing]:
    """The dealer's preprocessing for ``snps`` SNPs (masks of ``KAPPA + 1`` bits suffice:
    a comparison truncates ``bits + 1``-bit values by ``bits``)."""
    return deal_preprocessing(association_needs(snps, total_bound, critical), parties=parties, threshold=threshold,
                              field=field, mask_bits=KAPPA + 1)


def _local(ctx: Context, tables: Sequence[AlleleTable], total_bound: int) -> Vector:
    cells = [c for t in tables for c in t.cells()]
    if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in cells) or sum(cells) > len(tables) * total_bound:
        raise EncodingError(f"party {ctx.party}: allele counts must be non-negative ints within the public bound "
                            f"{total_bound} per SNP")
    if any(sum(t.cells()) > total_bound for t in tables):
        raise EncodingError(f"party {ctx.party}: a SNP with more than {total_bound} alleles counted")
    return constant(ctx.field, cells)


async def genome_wide_significant(ctx: Context, tables: Sequence[AlleleTable], *, pre: Preprocessing,
                                  total_bound: int, critical: Fraction = CRITICAL,
                                  tag: str = "gwas") -> tuple[bool, ...]:
    """This biobank's part: ``p < 5e-8`` for every SNP of the common panel (the same
    order at every biobank), and nothing else."""
    f, n = ctx.field, len(tables)
    total = await shared_total(ctx, _local(ctx, tables, total_bound), tag=f"{tag}/counts")
    a, b, c, d = (total[i::4] for i in range(4))
    r1, r2, c1, c2 = f.add(a, b), f.add(c, d), f.add(a, c), f.add(b, d)
    big_n = f.add(r1, r2)
    first = await multiply_shared(ctx, _cat(a, b, r1, c1), _cat(d, c, r2, c2), pre=pre, tag=f"{tag}/cross")
    ad, bc, rows, cols = (first[i * n:(i + 1) * n] for i in range(4))
    diff = f.sub(ad, bc)
    second = await multiply_shared(ctx, _cat(diff, rows), _cat(diff, cols), pre=pre, tag=f"{tag}/square")
    squared, margins = second[:n], second[n:]
    scaled = await multiply_shared(ctx, big_n, squared, pre=pre, tag=f"{tag}/scale")
    lhs = f.mul(margins, critical.numerator % f.modulus)
    rhs = f.mul(scaled, critical.denominator % f.modulus)
    bit = await less_than(ctx, lhs, rhs, bits=comparison_bits(total_bound, critical), pre=pre, tag=f"{tag}/lt")
    opened, _ = await open_vector(ctx, f"{tag}/open", bit)
    return tuple(bool(int(v)) for v in opened)


def _cat(*parts: Vector) -> Vector:
    return np.concatenate(parts)
