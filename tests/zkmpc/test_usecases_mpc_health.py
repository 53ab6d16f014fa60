"""The MPC health use cases: allele association across biobanks (only p < 5e-8 revealed)
and Kaplan-Meier / log-rank across hospitals (per-time counts securely summed)."""

from __future__ import annotations

import io
from fractions import Fraction

from mpc.errors import EncodingError
from mpc.net.errors import ProtocolAbort
from mpc.protocols import run_in_process
from zkmpc.statistics.association import (CRITICAL, AlleleTable, chi_square, deal_for_association,
                                          genome_wide_significant, p_value, significant)
from zkmpc.statistics.survival import Patient, PooledCounts, count_table, kaplan_meier, log_rank, pooled_counts


def _flip_pair() -> tuple[AlleleTable, AlleleTable]:
    """Two tables one count apart, on either side of the critical value."""
    below = None
    for a in range(300, 2000):
        t = AlleleTable(a, 1000, 300, 1000)
        if significant(t):
            assert below is not None
            return below, t
        below = t
    raise AssertionError("no flip found")


def test_the_threshold_is_genome_wide() -> None:
    assert abs(p_value(float(CRITICAL)) - 5e-8) < 1e-12


def test_association_at_the_threshold_and_degenerate_tables() -> None:
    below, above = _flip_pair()
    assert chi_square(below) <= CRITICAL < chi_square(above)
    split_3 = [(AlleleTable(t.case_alt - 20, t.case_ref - 30, 100, 200), AlleleTable(10, 20, 100, 500),
                AlleleTable(10, 10, t.control_alt - 200, t.control_ref - 700)) for t in (below, above)]
    empty = (AlleleTable(0, 0, 0, 0),) * 3                                    # margins of 0: not significant
    same = (AlleleTable(50, 50, 50, 50),) * 3                                 # no association at all
    banks = {b: [s[b - 1] for s in (*split_3, empty, same)] for b in (1, 2, 3)}
    bound = 10_000
    pre = deal_for_association(4, bound, parties=[1, 2, 3], threshold=2)
    out = run_in_process(lambda ctx: genome_wide_significant(ctx, banks[ctx.party], pre=pre[ctx.party],
                                                             total_bound=bound), parties=3, threshold=2)
    assert out[1] == out[2] == out[3] == (False, True, False, False)
    assert all(p.remaining().triples == 0 for p in pre.values())


def test_biobank_example_in_process() -> None:
    from examples.healthcare.biobank_association import main

    figures = main(["--members", "3000", "--snps", "6", "--in-process"], io.StringIO())
    assert figures["significant"][1] == figures["significant"][2] == figures["expected"]
    assert figures["expected"][0] is True and sum(figures["expected"]) < 6
    assert [name for _, name in figures["refused"]] == ["ProtocolAbort", "EncodingError"]
    assert figures["facts"]["the biobanks' answers equal the trusted computation"] is True


def test_biobank_example_over_tls() -> None:
    from examples.healthcare.biobank_association import main

    figures = main(["--members", "1000", "--snps", "3"], io.StringIO())
    assert figures["significant"] == {b: figures["expected"] for b in (1, 2, 3)}


def test_counts_beyond_the_bound_are_refused() -> None:
    pre = deal_for_association(1, 100, parties=[1, 2, 3], threshold=2)
    tables = {1: [AlleleTable(1, 1, 1, 1)], 2: [AlleleTable(90, 10, 1, 0)], 3: [AlleleTable(-1, 1, 1, 1)]}
    out = run_in_process(lambda ctx: genome_wide_significant(ctx, tables[ctx.party], pre=pre[ctx.party],
                                                             total_bound=100), parties=3, threshold=2, timeout=2)
    assert isinstance(out[2], EncodingError) and isinstance(out[3], EncodingError)
    assert isinstance(out[1], ProtocolAbort) and set(out[1].missing) == {2, 3}


def _log_rank_from_rows(rows: list[Patient]) -> tuple[int, float, float]:
    """Observed, expected and variance straight from rows (an independent computation)."""
    obs, exp, var = 0, 0.0, 0.0
    for t in sorted({r.time for r in rows if r.event}):
        at = [r for r in rows if r.time >= t]
        n, n1 = len(at), sum(r.arm for r in at)
        d = sum(1 for r in at if r.time == t and r.event)
        obs += sum(1 for r in at if r.time == t and r.event and r.arm)
        exp += d * n1 / n
        var += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1) if n > 1 else 0.0
    return obs, exp, var


def test_log_rank_and_kaplan_meier_equal_the_row_computation() -> None:
    from examples.healthcare.survival import patients

    rows = [r for h in (1, 2) for r in patients(h, 150, 3)]
    counts = PooledCounts.from_vector(count_table(rows, 100), 100)
    test = log_rank(counts)
    obs, exp, var = _log_rank_from_rows(rows)
    assert test.observed == obs and abs(test.expected - exp) < 1e-9 and abs(test.variance - var) < 1e-9
    for arm in (0, 1):
        mine = [r for r in rows if r.arm == arm]
        s = 1.0
        for t in range(1, 101):
            n = sum(1 for r in mine if r.time >= t)
            d = sum(1 for r in mine if r.time == t and r.event)
            s *= 1 - d / n if n else 1
            assert abs(kaplan_meier(counts.at_risk[arm], counts.events[arm])[t - 1] - s) < 1e-12


def test_survival_example_in_process() -> None:
    from examples.healthcare.survival import main

    figures = main(["--members", "300", "--horizon", "36", "--in-process"], io.StringIO())
    assert figures["pooled"] == figures["plain"]
    assert figures["log_rank"].observed > 0 and 0 < figures["log_rank"].p < 1
    assert figures["facts"]["equals the table of the pooled patient rows"] is True


def test_survival_example_over_tls() -> None:
    from examples.healthcare.survival import main

    figures = main(["--members", "100", "--horizon", "24"], io.StringIO())
    assert figures["pooled"] == figures["plain"]


def test_a_hospital_that_never_shares_is_left_out_and_named() -> None:
    from examples.healthcare.survival import patients

    data = {h: patients(h, 50, 1) for h in (1, 2, 3)}
    out = run_in_process(lambda ctx: pooled_counts(ctx, data[ctx.party], 12), parties=3, threshold=2,
                         crash={3: "start"})
    expected = PooledCounts.from_vector([sum(c) for c in zip(count_table(data[1], 12), count_table(data[2], 12))], 12)
    assert out[1][0] == out[2][0] == expected
    assert out[1][1].missing == (3,) and out[1][1].contributors == (1, 2)


def test_a_statistic_equal_to_the_critical_value_is_not_significant() -> None:
    t = AlleleTable(420, 580, 350, 650)
    exact = chi_square(t)                                        # a fraction: the boundary itself
    nudged = exact - Fraction(1, exact.denominator * 1000)
    banks = {1: [t, t], 2: [AlleleTable(0, 0, 0, 0)] * 2, 3: [AlleleTable(0, 0, 0, 0)] * 2}
    results = []
    for critical in (exact, nudged):
        pre = deal_for_association(2, 2000, parties=[1, 2, 3], threshold=2, critical=critical)
        out = run_in_process(lambda ctx: genome_wide_significant(ctx, banks[ctx.party], pre=pre[ctx.party],
                                                                 total_bound=2000, critical=critical),
                             parties=3, threshold=2)
        results.append(out[1])
        assert out[1] == (significant(t, critical),) * 2
    assert results == [(False, False), (True, True)]
