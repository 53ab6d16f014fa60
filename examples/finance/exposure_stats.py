"""Banks report range-proven encrypted exposures; any 3 of 5 supervisors decrypt only the cross-bank statistics.

Five supervisors hold shares of a threshold Paillier key (any three decrypt, two cannot).
Each bank encrypts, in one report (``mpc.stats``), the number of its large exposures, their
sum, their sum of squares and a histogram (below 10 million, 10 to 100 million, above), and
proves in zero knowledge that every ciphertext is in range (``StatsSpec(range_bits=32)``:
exposures below 2^32 thousand, Fiat-Shamir proofs bound to the bank's name and the
ciphertext's place). The supervisors check every proof before adding a report; one bank
swaps its total for the encryption of an exposure of 2^60 and is refused by name. Three
supervisors (two are away) each send a partial decryption of the totals with its proof of
correctness; the statistics of the honest banks come out, and no single report is ever
decrypted. A partial decryption from the wrong key share is refused too.

    python -m examples.finance.exposure_stats [--members 6] [--bits 2048] [--seed 5]
"""

from __future__ import annotations

import decimal
import random
import sys
from decimal import Decimal
from typing import Any, Sequence, TextIO

from mpc.encoding import FixedPoint
from mpc.paillier import Ciphertext
from mpc.paillier.batch import sum_
from mpc.paillier.rangeproof import RangeProofError, verify_range
from mpc.paillier.threshold import (KeyShare, PartialDecryption, PartialDecryptionError, ThresholdPublicKey,
                                    combine, partial_decrypt, threshold_keygen, verify_partial)
from mpc.stats import Report as StatsReport
from mpc.stats import StatsSpec, make_report, proof_context
from zkmpc.usecases import Report, UseCaseError, options

#: exposures in thousands, whole numbers, below 2^32 thousand; at most 1,000 per report
SPEC = StatsSpec(FixedPoint(decimals=0, bound=Decimal(2**32 - 1)), min_reports=3, max_values_per_report=1000,
                 bins=(Decimal(10_000), Decimal(100_000)), range_bits=32)
SUPERVISORS, QUORUM = 5, 3
PRESENT = (1, 3, 5)
LIAR = "bank 2"


def exposures(bank: int, seed: int) -> list[int]:
    """A bank's large exposures, in thousands (a deterministic sample)."""
    rng = random.Random(seed * 100 + bank)
    return [int(rng.lognormvariate(10, 1.2)) % 2**32 for _ in range(rng.randrange(20, 60))]


def check_report(tpk: ThresholdPublicKey, report: StatsReport) -> None:
    """What each supervisor checks before adding a report: every ciphertext under the key,
    with a range proof of the spec's bounds that verifies in its holder's context.

    Raises:
        RangeProofError: naming the holder and the ciphertext.
    """
    cts, proofs = report.ciphertexts(), report.range_proofs
    bits = SPEC.proof_bits(report.weight_total is not None)
    if proofs is None or len(proofs) != len(cts) or len(report.bins) != len(SPEC.bins) + 1:
        raise RangeProofError(f"{report.holder!r}: expected {len(cts)} range proofs and {len(SPEC.bins) + 1} bins")
    for i, (c, proof, b) in enumerate(zip(cts, proofs, bits)):
        tpk.public_key.check_same(c.public_key)
        if proof.bits != b or not verify_range(tpk.public_key, c, proof, context=proof_context(report.holder, i)):
            raise RangeProofError(f"{report.holder!r}: ciphertext {i}: the range proof of {b} bits does not verify")


def decrypt(tpk: ThresholdPublicKey, shares: Sequence[KeyShare], c: Ciphertext) -> int:
    """Three supervisors' verified partial decryptions of ``c``, combined.

    Raises:
        PartialDecryptionError: a partial decryption whose proof does not verify (naming it).
    """
    partials = [partial_decrypt(s, c) for s in shares]
    bad = [p.index for p in partials if not verify_partial(tpk, c, p)]
    if bad:
        raise PartialDecryptionError(f"supervisor(s) {bad}: the partial decryption's proof does not verify", bad)
    return combine(tpk, c, partials)


def statistics(tpk: ThresholdPublicKey, shares: Sequence[KeyShare], reports: Sequence[StatsReport]) -> dict[str, Any]:
    """The decrypted totals of ``reports`` (at least ``SPEC.min_reports``), read as statistics."""
    if len(reports) < SPEC.min_reports:
        raise UseCaseError(f"{len(reports)} reports, at least {SPEC.min_reports} are needed")
    total = [decrypt(tpk, shares, sum_([r.ciphertexts()[i] for r in reports])) for i in range(3 + len(SPEC.bins) + 1)]
    n, s, s2 = total[0], total[1], total[2]
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        mean = Decimal(s) / n
        std = max(Decimal(s2) / n - mean * mean, Decimal(0)).sqrt()
    return {"banks": len(reports), "count": n, "total": s, "mean": round(mean, 1), "std": round(std, 1),
            "histogram": tuple(total[3:])}


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = options(argv, __doc__, members=6, bits=2048, seed=5)
    report = Report(out, title=f"exposure statistics across {opts.members} banks, threshold Paillier (3 of 5)")
    tpk, shares = threshold_keygen(opts.bits, SUPERVISORS, QUORUM, insecure=opts.bits < 2048)
    data = {f"bank {b}": exposures(b, opts.seed) for b in range(1, opts.members + 1)}
    sent = {name: make_report(tpk.public_key, name, values, SPEC) for name, values in data.items()}
    honest = sent[LIAR]
    lie = tpk.public_key.encrypt(2**60)  # an exposure of 2^60 thousand, keeping the honest report's proofs
    sent[LIAR] = StatsReport(honest.holder, honest.count, lie, honest.squares, honest.bins,
                             range_proofs=honest.range_proofs)
    accepted = []
    for name, rep in sent.items():
        try:
            check_report(tpk, rep)
        except RangeProofError as exc:
            report.refused(f"{name}'s report with a total of 2^60 (the proof is for another ciphertext)", exc)
            continue
        accepted.append(rep)
    report.fact("reports accepted (range proofs verified)", len(accepted))
    present = [shares[i - 1] for i in PRESENT]
    theirs = partial_decrypt(shares[1], accepted[0].count)
    wrong = PartialDecryption(1, theirs.value, theirs.e, theirs.z)
    report.expect_refusal("supervisor 1's partial decryption made with supervisor 2's share",
                          lambda: _check_partial(tpk, accepted[0].count, wrong), PartialDecryptionError)
    stats = statistics(tpk, present, accepted)
    away = [i for i in range(1, SUPERVISORS + 1) if i not in PRESENT]
    report.fact(f"supervisors {', '.join(map(str, PRESENT))} (decrypt) learn", "the statistics below, no single "
                "bank's figures (they decrypt only sums over at least 3 banks)")
    report.fact(f"supervisors {', '.join(map(str, away))} (away) learn", "nothing (two key shares decrypt nothing)")
    report.fact("each bank learns", "nothing about the others (it sees only the public key)")
    report.fact("anyone with the published statistics learns",
                f"{stats['banks']} banks, {stats['count']:,} exposures, total {stats['total']:,} thousand, mean "
                f"{stats['mean']:,}, std {stats['std']:,}, histogram (<10M, 10-100M, >100M) {stats['histogram']}")
    honest_values = [v for name, values in data.items() if name != LIAR for v in values]
    plain = (len(honest_values), sum(honest_values),
             tuple(sum(1 for v in honest_values if SPEC.bin_of(v) == b) for b in range(len(SPEC.bins) + 1)))
    if (stats["count"], stats["total"], stats["histogram"]) != plain:
        raise UseCaseError(f"the statistics {stats} differ from the plain ones {plain}")
    report.fact("equals the plain statistics of the honest banks (never pooled in reality)", True)
    report.figures["stats"], report.figures["plain"] = stats, plain
    return report.figures


def _check_partial(tpk: ThresholdPublicKey, c: Ciphertext, partial: PartialDecryption) -> None:
    if not verify_partial(tpk, c, partial):
        raise PartialDecryptionError(f"supervisor {partial.index}: the partial decryption's proof does not verify",
                                     [partial.index])


if __name__ == "__main__":
    main(sys.argv[1:])
