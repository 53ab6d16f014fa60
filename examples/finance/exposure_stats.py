"""Banks report range-proven encrypted exposures; any 3 of 5 supervisors decrypt only the cross-bank statistics.

Five supervisors hold shares of a threshold Paillier key (any three decrypt, two cannot).
Each bank encrypts, in one report (``mpc.stats``), the number of its large exposures, their
sum, their sum of squares and a histogram (below 10 million, 10 to 100 million, above), and
proves in zero knowledge that every ciphertext is in range (``StatsSpec(range_bits=32)``:
exposures below 2^32 thousand, Fiat-Shamir proofs bound to the bank's name and the
ciphertext's place). The supervisors check every proof before adding a report; one bank
swaps its total for the encryption of an exposure of 2^60 and is refused by name, and the
last bank's report arrives cut short and is refused by name too. Three supervisors (two
vanish after checking the reports, and are named missing) each send a partial decryption of
the totals with its proof of correctness; the statistics of the honest banks come out, and
no single report is ever decrypted. A partial decryption from the wrong key share is refused.

By default every bank and every supervisor is a process, reports and partial decryptions
travel over TLS (a dealer hands out the key shares); ``--processes 0`` runs them all in this
process.

    python -m examples.finance.exposure_stats [--members 6] [--bits 2048] [--seed 5] [--processes 1]
"""

from __future__ import annotations

import argparse
import asyncio
import decimal
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence, TextIO

from mpc.encoding import FixedPoint
from mpc.errors import KeyMismatchError, MalformedDataError
from mpc.net.errors import ProtocolAbort
from mpc.paillier import Ciphertext
from mpc.paillier.batch import sum_
from mpc.paillier.rangeproof import RangeProofError, verify_range
from mpc.paillier.threshold import (KeyShare, PartialDecryption, PartialDecryptionError, ThresholdPublicKey,
                                    combine, dump_key_share, dump_partial, dump_threshold_public_key,
                                    load_key_share, load_partial, load_threshold_public_key, partial_decrypt,
                                    threshold_keygen, verify_partial)
from mpc.protocols.base import Context
from mpc.stats import Report as StatsReport
from mpc.stats import StatsSpec, make_report, proof_context
from zkmpc.statistics.networked import as_party, party_document, party_parser, run_local_parties
from zkmpc.usecases import Report, UseCaseError

#: exposures in thousands, whole numbers, below 2^32 thousand; at most 1,000 per report
SPEC = StatsSpec(FixedPoint(decimals=0, bound=Decimal(2**32 - 1)), min_reports=3, max_values_per_report=1000,
                 bins=(Decimal(10_000), Decimal(100_000)), range_bits=32)
SUPERVISORS, QUORUM = 5, 3
PRESENT = (1, 3, 5)
LIAR = "bank 2"
TOTALS = 3 + len(SPEC.bins) + 1  # count, sum, sum of squares, the histogram's bins
ROUND = 1800.0  # seconds a round may take: a supervisor checks every bank's proofs first
REFUSED = (RangeProofError, MalformedDataError, KeyMismatchError)
ROOT = Path(__file__).resolve().parents[2]


def exposures(bank: int, seed: int) -> list[int]:
    """A bank's large exposures, in thousands (a deterministic sample)."""
    rng = random.Random(seed * 100 + bank)
    return [int(rng.lognormvariate(10, 1.2)) % 2**32 for _ in range(rng.randrange(20, 60))]


def sent_report(tpk: ThresholdPublicKey, bank: int, banks: int, seed: int) -> bytes:
    """What ``bank`` sends the supervisors: its range-proven report as JSON; the liar's with
    its total swapped for an encryption of 2^60, the last bank's cut short in transit."""
    name = f"bank {bank}"
    honest = make_report(tpk.public_key, name, exposures(bank, seed), SPEC)
    if name == LIAR:  # an exposure of 2^60 thousand, keeping the honest report's proofs
        honest = StatsReport(honest.holder, honest.count, tpk.public_key.encrypt(2**60), honest.squares,
                             honest.bins, range_proofs=honest.range_proofs)
    payload = honest.to_json().encode()
    return payload[:len(payload) // 2] if bank == banks else payload


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


def admit(tpk: ThresholdPublicKey, name: str, payload: bytes) -> StatsReport:
    """``name``'s report as a supervisor receives it: parsed, its holder ``name``, its proofs checked.

    Raises:
        MalformedDataError: not a report of the spec, or one naming another holder.
        KeyMismatchError: a report under another key.
        RangeProofError: a range proof that does not verify.
    """
    try:
        report = StatsReport.from_json(payload, tpk.public_key, SPEC)
    except MalformedDataError as exc:
        raise MalformedDataError(f"{name}: {exc}") from None
    if report.holder != name:
        raise MalformedDataError(f"{name}: the report names {report.holder!r} as its holder")
    check_report(tpk, report)
    return report


def totals(reports: Sequence[StatsReport]) -> list[Ciphertext]:
    """The encrypted sums, over ``reports``, of each of a report's ciphertexts."""
    return [sum_([r.ciphertexts()[i] for r in reports]) for i in range(TOTALS)]


def read_statistics(banks: int, total: Sequence[int]) -> dict[str, Any]:
    """The statistics the decrypted totals of ``banks`` reports give."""
    n, s, s2 = total[0], total[1], total[2]
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        mean = Decimal(s) / n
        std = max(Decimal(s2) / n - mean * mean, Decimal(0)).sqrt()
    return {"banks": banks, "count": n, "total": s, "mean": str(round(mean, 1)), "std": str(round(std, 1)),
            "histogram": list(total[3:])}


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
    return read_statistics(len(reports), [decrypt(tpk, shares, c) for c in totals(reports)])


# --- in one process ------------------------------------------------------------------------

def in_process(opts: argparse.Namespace) -> dict[str, Any]:
    """Every bank and supervisor in this process: the same checks and documents as over TLS."""
    tpk, shares = threshold_keygen(opts.bits, SUPERVISORS, QUORUM, insecure=opts.bits < 2048)
    accepted, refused = [], []
    for b in range(1, opts.members + 1):
        try:
            accepted.append(admit(tpk, f"bank {b}", sent_report(tpk, b, opts.members, opts.seed)))
        except REFUSED as exc:
            refused.append([f"bank {b}", type(exc).__name__, str(exc)])
    away = [s for s in range(1, SUPERVISORS + 1) if s not in PRESENT]
    return {"stats": statistics(tpk, [shares[i - 1] for i in PRESENT], accepted), "refused": refused,
            "missing": away, "decrypted_by": list(PRESENT), "tpk": tpk, "shares": shares,
            "count_ct": accepted[0].count}


# --- banks and supervisors as processes over TLS -------------------------------------------

def _supervisors(banks: int) -> list[int]:
    return list(range(banks + 1, banks + SUPERVISORS + 1))


def bank_job(tpk: ThresholdPublicKey, bank: int, banks: int, seed: int) -> Any:
    """A bank: its report to every supervisor, then the statistics they publish."""
    async def job(ctx: Context) -> dict[str, Any]:
        payload = sent_report(tpk, bank, banks, seed)
        for s in _supervisors(banks):
            await ctx.net.send(s, "report", payload)
        got = await published(ctx, banks)
        for s in got:  # the supervisor stays until then (its leaving could overtake its message)
            await ctx.net.send(banks + s, "ack", b"")
        await ctx.net.flush(timeout=ROUND)
        return {"published": {str(s): v for s, v in got.items()}}
    return job


async def published(ctx: Context, banks: int) -> dict[int, Any]:
    """The statistics as each deciding supervisor publishes them to this bank: the first
    copy to arrive names the supervisors that decided, then this bank waits for theirs
    (not for a supervisor that vanished: it never connected to the bank)."""
    waiting = {asyncio.ensure_future(ctx.net.recv(p, "stats", timeout=ROUND)): p for p in _supervisors(banks)}
    first: dict[int, Any] = {}
    while waiting and not first:
        done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        for t in done:
            p = waiting.pop(t)
            if t.exception() is None:
                first[p] = json.loads(t.result())
    if not first:
        return {}
    decided = next(iter(first.values()))["decided"]
    deciding = {t: q for t, q in waiting.items() if q - banks in decided}
    for t in waiting.keys() - deciding.keys():
        t.cancel()  # (a cancelled recv would swallow its message: only those never coming)
    got = await asyncio.gather(*deciding, return_exceptions=True)
    first.update((q, json.loads(v)) for q, v in zip(deciding.values(), got) if not isinstance(v, BaseException))
    return {q - banks: d["stats"] for q, d in first.items()}


def supervisor_job(share: KeyShare, banks: int, vanish: bool) -> Any:
    """A supervisor: check every bank's report, add the accepted ones, exchange verified
    partial decryptions of the totals with the other supervisors, publish the statistics
    to the banks. With ``vanish`` it leaves after checking the reports (the others see it
    disconnect; one that never connects would be missed after ``ROUND`` seconds)."""
    tpk = share.tpk

    async def job(ctx: Context) -> dict[str, Any]:
        got = await ctx.net.gather("report", range(1, banks + 1), timeout=ROUND)
        accepted, refused = [], []
        for b in range(1, banks + 1):
            try:
                accepted.append(admit(tpk, f"bank {b}", got[b]))
            except KeyError:
                refused.append([f"bank {b}", "MissingReport", f"bank {b}: no report within {ROUND:g} s"])
            except REFUSED as exc:
                refused.append([f"bank {b}", type(exc).__name__, str(exc)])
        others = [p for p in _supervisors(banks) if p != ctx.party]
        names = sorted(r.holder for r in accepted)
        for p in others:  # the supervisors agree on the reports they add
            await ctx.net.send(p, "accepted", json.dumps(names).encode())
        await ctx.net.flush(timeout=ROUND)
        lists = await ctx.net.gather("accepted", others, timeout=ROUND)
        if vanish:
            return {"vanished": True, "refused": refused}
        disagree = sorted(p - banks for p, v in lists.items() if v != json.dumps(names).encode())
        if len(accepted) < SPEC.min_reports or disagree:
            raise ProtocolAbort(f"supervisor {share.index}: {len(accepted)} reports accepted (at least "
                                f"{SPEC.min_reports} are needed), supervisors {disagree} accepted others",
                                bad=tuple(disagree), round="accepted")
        cts = totals(accepted)
        mine = [partial_decrypt(share, c) for c in cts]
        for p in others:
            await ctx.net.send(p, "partial", json.dumps([dump_partial(x) for x in mine]).encode())
        theirs = await ctx.net.gather("partial", others, timeout=ROUND)
        valid, bad = {share.index: mine}, []
        for p, payload in theirs.items():
            try:
                parts = [load_partial(x, tpk) for x in json.loads(payload)]
            except (ValueError, TypeError):
                bad.append(p - banks)
                continue
            if len(parts) != TOTALS or any(x.index != p - banks or not verify_partial(tpk, c, x)
                                           for x, c in zip(parts, cts)):
                bad.append(p - banks)
            else:
                valid[p - banks] = parts
        missing = sorted(p - banks for p in others if p not in theirs)
        if len(valid) < QUORUM:
            raise ProtocolAbort(f"supervisor {share.index}: {len(valid)} verified partial decryptions, "
                                f"{QUORUM} are needed (supervisors {missing} missing, {bad} wrong)",
                                missing=tuple(missing), bad=tuple(bad), round="partial")
        used = sorted(valid)[:QUORUM]
        stats = read_statistics(len(accepted), [combine(tpk, c, [valid[s][i] for s in used])
                                                for i, c in enumerate(cts)])
        for b in range(1, banks + 1):
            await ctx.net.send(b, "stats", json.dumps({"stats": stats, "decided": sorted(valid)}).encode())
        await ctx.net.gather("ack", range(1, banks + 1), timeout=ROUND)  # leaving earlier could lose it
        return {"stats": stats, "refused": refused, "missing": missing, "bad": bad, "decrypted_by": used}
    return job


def party(opts: argparse.Namespace) -> dict[str, Any]:
    """One bank's or supervisor's process (party ``members + s`` is supervisor ``s``)."""
    secret = Path(opts.party_file).read_bytes()
    insecure = opts.bits < 2048
    if opts.party <= opts.members:
        job = bank_job(load_threshold_public_key(secret, insecure=insecure), opts.party, opts.members, opts.seed)
    else:
        index = opts.party - opts.members
        job = supervisor_job(load_key_share(secret, insecure=insecure), opts.members, index not in PRESENT)
    return party_document(opts.config, opts.party, job, lambda doc: doc)


def over_tls(opts: argparse.Namespace) -> dict[str, Any]:
    """Banks and supervisors as processes over TLS; the dealer (this process) hands out the
    threshold public key to the banks and a key share to each supervisor.

    Raises:
        UseCaseError: a supervisor aborted (naming the supervisors missing or wrong), or the
            supervisors that decrypted disagree.
    """
    tpk, shares = threshold_keygen(opts.bits, SUPERVISORS, QUORUM, insecure=opts.bits < 2048)
    m = opts.members
    secrets = {b: dump_threshold_public_key(tpk).encode() for b in range(1, m + 1)}
    secrets.update({m + s.index: dump_key_share(s).encode() for s in shares})
    docs = run_local_parties("examples.finance.exposure_stats", m + SUPERVISORS, threshold=1, root=ROOT,
                             args=["--members", str(m), "--bits", str(opts.bits), "--seed", str(opts.seed)],
                             secrets=secrets, round_timeout=ROUND, link_timeout=ROUND)
    sups = {p - m: d for p, d in docs.items() if p > m}
    aborted = [f"supervisor {s}: {d['error']}" for s, d in sups.items() if "error" in d]
    if aborted:
        raise UseCaseError("; ".join(aborted))
    deciding = {s: d for s, d in sups.items() if "stats" in d}
    if not deciding or any(d["stats"] != deciding[min(deciding)]["stats"] or d["refused"] != sups[1]["refused"]
                           for d in deciding.values()):
        raise UseCaseError(f"the supervisors disagree: {sups}")
    first = deciding[min(deciding)]
    banks_saw = [d.get("published", {}) for p, d in docs.items() if p <= m]
    if any(set(map(int, seen)) != set(deciding) or any(v != first["stats"] for v in seen.values()) for seen in banks_saw):
        raise UseCaseError(f"a bank did not receive the published statistics from every deciding supervisor: {banks_saw}")
    vanished = sorted(s for s, d in sups.items() if d.get("vanished"))
    if any(d["missing"] != vanished or d["bad"] for d in deciding.values()):
        raise UseCaseError(f"the supervisors named {[(s, d['missing'], d['bad']) for s, d in deciding.items()]} "
                           f"missing and wrong, {vanished} vanished")
    return {**first, "vanished": vanished, "tpk": tpk, "shares": shares, "count_ct": None}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = party_parser(__doc__, "banks and supervisors", members=6, bits=2048, seed=5)
    opts = p.parse_args(list(argv) if argv is not None else [])
    if opts.members < SPEC.min_reports + 2:
        p.error(f"--members: expected at least {SPEC.min_reports + 2} (two banks are refused), found {opts.members}")
    return opts


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = parse(argv)
    doc = as_party(opts, party, out)  # a bank's or supervisor's own process (launched by over_tls)
    if doc is not None:
        return doc
    report = Report(out, title=f"exposure statistics across {opts.members} banks, threshold Paillier (3 of 5)")
    started = time.perf_counter()
    got = over_tls(opts) if opts.processes else in_process(opts)
    report.figures["seconds"] = time.perf_counter() - started
    classes = {c.__name__: c for c in REFUSED}
    for name, cls, message in got["refused"]:
        what = "with a total of 2^60 (the proof is for another ciphertext)" if name == LIAR else "cut short in transit"
        report.refused(f"{name}'s report {what}", classes.get(cls, UseCaseError)(message))
    report.fact("reports accepted (range proofs verified)", got["stats"]["banks"])
    tpk, shares = got["tpk"], got["shares"]
    c = got["count_ct"] or tpk.public_key.encrypt(1)
    theirs = partial_decrypt(shares[1], c)
    wrong = PartialDecryption(1, theirs.value, theirs.e, theirs.z)
    report.expect_refusal("supervisor 1's partial decryption made with supervisor 2's share",
                          lambda: _check_partial(tpk, c, wrong), PartialDecryptionError)
    stats, away = got["stats"], got["missing"]
    report.fact("run", f"{report.figures['seconds']:.1f} s (key dealing included), " +
                ("banks and supervisors as processes over TLS" if opts.processes else "in one process"))
    report.fact(f"supervisors {', '.join(map(str, got['decrypted_by']))} (decrypt) learn",
                "the statistics below, no single bank's figures (they decrypt only sums over at least 3 banks)")
    if opts.processes:
        report.fact(f"supervisors {', '.join(map(str, away))} vanished after checking the reports",
                    f"named missing by the others, who decrypt without them")
    report.fact(f"supervisors {', '.join(map(str, away))} (away) learn", "nothing (two key shares decrypt nothing)")
    report.fact("each bank learns", "nothing about the others (it sees only the public key and the statistics)")
    report.fact("anyone with the published statistics learns",
                f"{stats['banks']} banks, {stats['count']:,} exposures, total {stats['total']:,} thousand, mean "
                f"{Decimal(stats['mean']):,}, std {Decimal(stats['std']):,}, histogram (<10M, 10-100M, >100M) "
                f"{tuple(stats['histogram'])}")
    refused = {name for name, _, _ in got["refused"]}
    honest_values = [v for b in range(1, opts.members + 1) if f"bank {b}" not in refused
                     for v in exposures(b, opts.seed)]
    plain = (len(honest_values), sum(honest_values),
             tuple(sum(1 for v in honest_values if SPEC.bin_of(v) == b) for b in range(len(SPEC.bins) + 1)))
    if refused != {LIAR, f"bank {opts.members}"} or (stats["count"], stats["total"], tuple(stats["histogram"])) != plain:
        raise UseCaseError(f"the statistics {stats} (refused: {sorted(refused)}) differ from the plain ones {plain}")
    report.fact("equals the plain statistics of the honest banks (never pooled in reality)", True)
    report.figures["stats"], report.figures["plain"], report.figures["missing"] = stats, plain, away
    return report.figures


def _check_partial(tpk: ThresholdPublicKey, c: Ciphertext, partial: PartialDecryption) -> None:
    if not verify_partial(tpk, c, partial):
        raise PartialDecryptionError(f"supervisor {partial.index}: the partial decryption's proof does not verify",
                                     [partial.index])


if __name__ == "__main__":
    main(sys.argv[1:])
