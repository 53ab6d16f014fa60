"""Three biobanks test SNPs for allele association over TLS; only whether p < 5e-8 is revealed.

Three biobanks genotyped their own participants (cases and controls) on a common panel of
SNPs. For each SNP they want to know whether the allele is associated with the disease at
genome-wide significance (chi-square on the pooled 2x2 allele table, p < 5e-8), without
pooling genotypes, counts or even the statistic. Each biobank is a separate process
talking TLS to the two others; their allele counts are Shamir-shared (threshold 2), the
chi-square inequality is evaluated on the shares (Beaver multiplications, then a secure
comparison with the public critical value, preprocessing from a dealer that sees no data)
and only one bit per SNP is opened. The script then shows two refusals: a biobank that
vanishes before sharing its counts (the others abort and name it) and counts beyond the
public bound.

    python -m examples.healthcare.biobank_association [--members 100000] [--snps 20] [--seed 7] [--in-process]

``--members`` is the number of participants per biobank (a third of them cases).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Sequence, TextIO

import numpy as np

from mpc.errors import EncodingError
from mpc.net.errors import ProtocolAbort
from mpc.protocols import Crashed, run_in_process
from mpc.protocols.base import Context
from mpc.protocols.preprocessing import Preprocessing
from zkmpc.statistics.association import (AlleleTable, CRITICAL, association_needs, chi_square, comparison_bits,
                                          deal_for_association, genome_wide_significant, p_value, pool, significant)
from zkmpc.statistics.networked import party_document, run_local_parties
from zkmpc.usecases import Report, parse_args

BANKS = 3
THRESHOLD = 2
ODDS = {0: 1.30, 1: 1.04, 2: 1.02}  # the SNPs with a true effect; the others have none
ROOT = Path(__file__).resolve().parents[2]


def cohort(bank: int, members: int, snps: int, seed: int) -> list[AlleleTable]:
    """Biobank ``bank``'s allele counts per SNP (simulated: Hardy-Weinberg alleles, a
    third of the participants cases)."""
    rng = np.random.default_rng(seed * 100 + bank)
    freq = np.random.default_rng(seed).uniform(0.1, 0.5, snps)    # the panel's allele frequencies
    cases = members // 3
    controls = members - cases
    tables = []
    for j in range(snps):
        odds = ODDS.get(j, 1.0)
        f_case = odds * freq[j] / (1 - freq[j] + odds * freq[j])
        alt_case = int(rng.binomial(2 * cases, f_case))
        alt_control = int(rng.binomial(2 * controls, freq[j]))
        tables.append(AlleleTable(alt_case, 2 * cases - alt_case, alt_control, 2 * controls - alt_control))
    return tables


def _extend(p: Any) -> None:
    p.add_argument("--snps", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--in-process", action="store_true", help="the three biobanks in one process (no TLS)")
    p.add_argument("--party", type=int, default=None, help="run as this biobank (used by the script itself)")
    p.add_argument("--config", default=None, help="the parties' TLS configuration (with --party)")
    p.add_argument("--party-file", default=None, help="this biobank's preprocessing from the dealer (with --party)")


def _job(tables: list[AlleleTable], pre: Preprocessing, bound: int) -> Any:
    return lambda ctx: genome_wide_significant(ctx, tables, pre=pre, total_bound=bound)


def party(opts: Any) -> dict[str, Any]:
    """One biobank's process: its own counts, its preprocessing, the protocol over TLS."""
    tables = cohort(opts.party, opts.members, opts.snps, opts.seed)
    pre = Preprocessing.from_bytes(Path(opts.party_file).read_bytes())
    return party_document(opts.config, opts.party, _job(tables, pre, BANKS * 2 * opts.members),
                          lambda flags: {"significant": list(flags)})


def _vanished(data: dict[int, list[AlleleTable]], bound: int, snps: int) -> ProtocolAbort:
    pre = deal_for_association(snps, bound, parties=list(data), threshold=THRESHOLD)

    async def job(ctx: Context) -> tuple[bool, ...]:
        if ctx.party == 3:
            raise Crashed("biobank 3 went offline before sharing its counts")
        return await genome_wide_significant(ctx, data[ctx.party], pre=pre[ctx.party], total_bound=bound)
    out = run_in_process(job, parties=list(data), threshold=THRESHOLD)
    abort = out[1]
    if not isinstance(abort, ProtocolAbort) or abort.missing != (3,):
        raise RuntimeError(f"expected an abort naming biobank 3, found {abort!r}")
    return abort


def _oversized(data: dict[int, list[AlleleTable]], bound: int) -> None:
    pre = deal_for_association(1, bound, parties=list(data), threshold=THRESHOLD)
    inflated = {b: [AlleleTable(bound, 1, 1, 1)] if b == 2 else t[:1] for b, t in data.items()}
    out = run_in_process(lambda ctx: genome_wide_significant(ctx, inflated[ctx.party], pre=pre[ctx.party],
                                                             total_bound=bound), parties=list(data), threshold=THRESHOLD,
                         timeout=2)
    raise out[2] if isinstance(out[2], BaseException) else RuntimeError("inflated counts were accepted")


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = parse_args(argv, __doc__, members=100_000, extend=_extend)
    if opts.party is not None:
        doc = party(opts)
        print(json.dumps(doc), file=out, flush=True)
        return doc
    bound = BANKS * 2 * opts.members                  # public: alleles genotyped in all
    data = {b: cohort(b, opts.members, opts.snps, opts.seed) for b in range(1, BANKS + 1)}
    report = Report(out, title=f"allele association across {BANKS} biobanks, {opts.members:,} participants each, "
                               f"{opts.snps} SNPs")
    needs = association_needs(opts.snps, bound)
    report.fact("comparison", f"{comparison_bits(bound)}-bit integers, chi2 > {float(CRITICAL)} (p < 5e-8); "
                              f"dealt: {needs.triples:,} triples, {needs.bits:,} bits, {needs.masks} masks")
    pre = deal_for_association(opts.snps, bound, parties=list(data), threshold=THRESHOLD)
    t = time.perf_counter()
    if opts.in_process:
        res = run_in_process(lambda ctx: genome_wide_significant(ctx, data[ctx.party], pre=pre[ctx.party],
                                                                 total_bound=bound), parties=list(data),
                             threshold=THRESHOLD, timeout=120)
        flags: dict[int, Any] = {b: r if isinstance(r, BaseException) else list(r) for b, r in res.items()}
        network = "in one process"
    else:
        docs = run_local_parties("examples.healthcare.biobank_association", BANKS, threshold=THRESHOLD, root=ROOT,
                                 args=["--members", str(opts.members), "--snps", str(opts.snps), "--seed",
                                       str(opts.seed)], secrets={b: p.to_bytes() for b, p in pre.items()})
        flags = {b: d.get("significant", d) for b, d in docs.items()}
        network = "3 processes over TLS"
    seconds = time.perf_counter() - t
    report.fact("network", f"{network}, {seconds:.2f} s")
    for b in data:
        mine = [j for j, s in enumerate(flags[b]) if s] if isinstance(flags[b], list) else flags[b]
        report.fact(f"biobank {b} learns", f"SNPs {mine} are genome-wide significant; nothing about the other "
                                           f"biobanks' counts, the statistics or the p-values")
    hits = [j for j, s in enumerate(flags[1]) if s] if isinstance(flags[1], list) else []
    pooled = pool(list(data.values()))
    expected = [significant(t) for t in pooled]
    report.fact("check by a trusted party holding every count",
                ", ".join(f"SNP {j}: chi2 {float(chi_square(pooled[j])):.1f}, p {p_value(float(chi_square(pooled[j]))):.1e}"
                          for j in sorted(set(hits) | set(ODDS))))
    agree = all(flags[b] == expected for b in data)
    report.fact("the biobanks' answers equal the trusted computation", agree)
    report.refused("biobank 3 vanished before sharing its counts; biobanks 1 and 2 abort naming it",
                   _vanished(data, bound, min(opts.snps, 2)))
    report.expect_refusal("biobank 2 declares more alleles than the public bound", lambda: _oversized(data, bound),
                          EncodingError)
    report.figures.update(significant=flags, expected=expected, seconds=seconds)
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
