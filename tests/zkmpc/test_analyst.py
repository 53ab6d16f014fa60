"""Analyst output (zkmpc.statistics.analysis, .privacy): histograms with their edges, quantiles,
suppression, differential-privacy noise (statistically, fixed seeds), DataFrames, plots, HTML."""

from __future__ import annotations

import math
import random
import sys
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest

from mpc.errors import MissingExtraError
from zkmpc.errors import AnalysisError, NoiseAlreadyAddedError, OpenBinError, PrivacyParameterError
from zkmpc.statistics import CrossTable, DiscreteGaussian, DiscreteLaplace, Histogram, Statistics
from zkmpc.statistics.privacy import sample_discrete_gaussian, sample_discrete_laplace

pytestmark = pytest.mark.app_layer


def hist() -> Histogram:
    return Histogram.from_counts([0, 10, 20, 40], [5, 10, 5], underflow=2, overflow=3, title="ages")


# --- edges, cells ----------------------------------------------------------------------------

def test_edges_and_open_cells_are_explicit() -> None:
    h = hist()
    assert h.edges == (Decimal(0), Decimal(10), Decimal(20), Decimal(40))
    assert (h.underflow, h.overflow, h.total) == (2, 3, 25)
    bins = h.bins()
    assert (bins[0].low, bins[0].high, bins[-1].low, bins[-1].high) == (None, Decimal(0), Decimal(40), None)
    assert [b.label for b in bins] == ["(-inf, 0)", "[0, 10)", "[10, 20)", "[20, 40)", "[40, +inf)"]


@pytest.mark.parametrize("edges, counts", [([0, 0, 1], [1, 2]), ([1, 0], [1]), ([], []), ([0, "x"], [1])])
def test_bad_edges_are_refused(edges: list, counts: list) -> None:
    with pytest.raises(AnalysisError, match="edge"):
        Histogram.from_counts(edges, counts)


def test_counts_must_match_edges() -> None:
    with pytest.raises(AnalysisError, match="2 edges bound 1 bins, found 2"):
        Histogram.from_counts([0, 1], [1, 2])
    with pytest.raises(AnalysisError, match="3 cells"):
        Histogram((Decimal(0), Decimal(1)), (1, 2))
    with pytest.raises(AnalysisError, match="expected an int or None"):
        Histogram.from_counts([0, 1], [1.5])  # type: ignore[list-item]


def test_histogram_from_mpc_stats_carries_the_spec_edges() -> None:
    from mpc import paillier
    from mpc.encoding import FixedPoint
    from mpc.stats import Aggregator, StatsSpec, make_report

    pk, sk = paillier.keygen(bits=1024, insecure=True)
    spec = StatsSpec(FixedPoint(1, Decimal(1000)), min_reports=2, bins=(Decimal(18), Decimal(30), Decimal(65)))
    data = {"a": ["17.5", "22", "31", "70"], "b": ["18", "29.9", "30", "64.9", "65"]}
    agg = Aggregator(sk, spec)
    for holder, values in data.items():
        agg.add(make_report(pk, holder, values, spec))
    stats = Statistics.from_summary(agg.result(), spec, title="ages")
    h = stats.histogram
    assert h is not None and h.edges == spec.bins
    plain = Counter(spec.bin_of(Decimal(v)) for vs in data.values() for v in vs)
    assert h.counts == tuple(plain[i] for i in range(4)) == (1, 3, 3, 2)
    assert (stats.count, stats.reports) == (9, 2)
    assert "ages" in stats._repr_html_() and "<svg" in stats._repr_html_()
    with pytest.raises(AnalysisError, match="no bin edges"):
        Histogram.from_summary(agg.result(), StatsSpec(spec.encoding, min_reports=2))


def test_histogram_from_a_verifiable_round() -> None:
    from zkmpc.aggregation import Contributor, Shape
    from zkmpc.statistics import Submission, collect_histogram, development_keys, one_hot

    keys = development_keys(Shape(k=2, length=3, kind="onehot", bits=1))
    rng = random.Random(4)
    votes = [0, 2, 2, 1, 2]
    made = [Contributor(keys).contribute(t, one_hot(v, 3), rng=rng) for t, v in enumerate(votes, 1)]
    got = collect_histogram(keys, [Submission(c, s) for c, s in made], rng=rng)
    h = Histogram.from_collected(got, ["0", "1.5", "3", "10"], title="trips by km")
    assert h.counts == (0, 1, 1, 3, 0)
    assert h.edges[-1] == Decimal(10)
    assert h.quantile(0.5) == 3 + Decimal("0.5") / 3 * 7  # rank 2.5: 2 below, 3 in [3, 10)


# --- quantiles -------------------------------------------------------------------------------

def test_quantiles_interpolate_inside_the_bin() -> None:
    h = Histogram.from_counts([0, 10, 20, 40], [5, 10, 5])
    assert h.quantile(0.5) == 15  # rank 10: 5 below, 5 of the 10 in [10, 20)
    assert h.quantile(0.25) == 10
    assert h.quantile(0.9) == Decimal(32)  # rank 18: 15 below, 3 of 5 in [20, 40): 20 + 3/5 * 20
    assert h.quantile(0) == 0 and h.quantile(1) == 40


def test_quantiles_of_uniform_data_are_close_to_the_exact_ones() -> None:
    rng = random.Random(9)
    values = [rng.uniform(0, 100) for _ in range(20000)]
    edges = list(range(0, 101, 10))
    counts = Counter(min(int(v // 10), 9) for v in values)
    h = Histogram.from_counts(edges, [counts[i] for i in range(10)])
    ordered = sorted(values)
    for q in (0.1, 0.5, 0.77):
        assert abs(float(h.quantile(q)) - ordered[int(q * len(values))]) < 1.0


def test_quantile_in_an_open_cell_is_refused() -> None:
    h = hist()  # 2 below 0, 3 from 40
    with pytest.raises(OpenBinError, match=r"underflow cell \(\(-inf, 0\)\)"):
        h.quantile(0.05)
    with pytest.raises(OpenBinError, match="overflow"):
        h.quantile(0.99)
    assert h.quantile(0.5) == Decimal("15.5")


def test_quantile_refusals() -> None:
    with pytest.raises(AnalysisError, match=r"\[0, 1\]"):
        hist().quantile(1.5)
    with pytest.raises(AnalysisError, match="empty"):
        Histogram.from_counts([0, 1], [0]).quantile(0.5)
    with pytest.raises(AnalysisError, match="before suppression"):
        hist().suppressed(4).quantile(0.5)


# --- suppression -----------------------------------------------------------------------------

def test_suppression_withholds_small_cells_and_records_the_threshold() -> None:
    s = hist().suppressed(5)
    assert s.counts == (None, 5, 10, 5, None) and s.threshold == 5
    assert s.total == 20 and "2 withheld" in repr(s)
    assert Histogram.from_counts([0, 1], [0]).suppressed(5, suppress_zero=True).counts == (None, None, None)
    t = CrossTable(("law", "maths"), ("employed", "not"), ((40, 3), (0, 9))).suppressed(5)
    assert t.cells == ((40, None), (0, 9)) and "withheld" in t.text()


# --- differential privacy --------------------------------------------------------------------

def laplace_pmf(z: int, eps: float) -> float:
    a = math.exp(-eps)
    return (1 - a) / (1 + a) * a ** abs(z)


@pytest.mark.parametrize("eps", [0.5, 1.0])
def test_discrete_laplace_has_the_geometric_distribution(eps: float) -> None:
    mech = DiscreteLaplace(epsilon=eps)
    rng = random.Random(20261204)
    n = 6000
    draws = [sample_discrete_laplace(mech.scale, rng) for _ in range(n)]
    freq = Counter(draws)
    for z in (-2, -1, 0, 1, 2):  # each frequency within 5 standard errors of the exact pmf
        p = laplace_pmf(z, eps)
        assert abs(freq[z] / n - p) < 5 * math.sqrt(p * (1 - p) / n), (z, freq[z] / n, p)
    a = math.exp(-eps)
    var = 2 * a / (1 - a) ** 2
    assert abs(sum(draws) / n) < 5 * math.sqrt(var / n)
    assert abs(sum(d * d for d in draws) / n - var) < 0.15 * var


def test_discrete_gaussian_has_the_variance_it_claims() -> None:
    mech = DiscreteGaussian(epsilon=1.0, delta=1e-5)
    rng = random.Random(7)
    n = 4000
    draws = [sample_discrete_gaussian(mech.sigma2, rng) for _ in range(n)]
    s2 = float(mech.sigma2)
    assert abs(sum(draws) / n) < 5 * math.sqrt(s2 / n)
    assert abs(sum(d * d for d in draws) / n - s2) < 0.12 * s2
    # the privacy accounting: rho-zCDP with rho = 1 / (2 sigma^2) gives epsilon at delta
    rho = 1 / (2 * s2)
    assert rho + 2 * math.sqrt(rho * math.log(1 / 1e-5)) <= 1.0
    assert rho + 2 * math.sqrt(rho * math.log(1 / 1e-5)) > 0.999


def test_sensitivity_scales_the_noise() -> None:
    assert DiscreteLaplace(epsilon=0.5, sensitivity=3).scale == Fraction(6)
    assert DiscreteGaussian(epsilon=1.0, delta=1e-6, sensitivity=2).sigma2 > 4 * 28


@pytest.mark.parametrize("make", [lambda: DiscreteLaplace(epsilon=0), lambda: DiscreteLaplace(epsilon=-1),
                                  lambda: DiscreteLaplace(epsilon=math.inf),
                                  lambda: DiscreteLaplace(epsilon=1, sensitivity=0),
                                  lambda: DiscreteGaussian(epsilon=1, delta=0),
                                  lambda: DiscreteGaussian(epsilon=1, delta=1.5),
                                  lambda: DiscreteLaplace(epsilon=True)])  # type: ignore[arg-type]
def test_privacy_parameters_are_checked(make: object) -> None:
    with pytest.raises(PrivacyParameterError, match="expected"):
        make()  # type: ignore[operator]


def test_noise_is_added_once_and_recorded() -> None:
    mech = DiscreteLaplace(epsilon=1.0)
    a = hist().noised(mech, rng=random.Random(1))
    assert a.noise == mech.describe() and a.edges == hist().edges
    assert a.counts == hist().noised(mech, rng=random.Random(1)).counts  # the seed fixes it
    assert all(isinstance(c, int) and c >= 0 for c in a.counts)
    with pytest.raises(NoiseAlreadyAddedError, match="once"):
        a.noised(mech)
    with pytest.raises(AnalysisError, match="before suppression"):
        hist().suppressed(4).noised(mech)
    b = hist().noised(mech)  # the OS CSPRNG
    assert len(b.counts) == 5 and "noise" in b._repr_html_()
    raw = Histogram.from_counts([0, 1], [0], underflow=0, overflow=0).noised(DiscreteLaplace(epsilon=0.1), clamp=False,
                                                                              rng=random.Random(3))
    assert raw.counts == (-3, 22, -4)  # unclamped, negative values pass through
    t = CrossTable(("a",), ("x", "y"), ((10, 20),)).noised(mech, rng=random.Random(2))
    with pytest.raises(NoiseAlreadyAddedError):
        t.noised(mech)


# --- output ----------------------------------------------------------------------------------

def test_dataframe() -> None:
    df = hist().suppressed(5).to_dataframe()
    assert list(df.columns) == ["low", "high", "label", "count"]
    assert str(df["count"].dtype) == "Int64" and df["count"].isna().tolist() == [True, False, False, False, True]
    assert df["low"][1] == Decimal(0) and df["high"][4] is None
    t = CrossTable(("law", "maths"), ("employed", "not"), ((40, 3), (25, 9))).suppressed(5).to_dataframe()
    assert t.loc["law", "employed"] == 40 and t.isna().sum().sum() == 1


def test_plot() -> None:
    ax = hist().suppressed(6).plot()
    assert len(ax.patches) == 3  # the three bins; the open cells are in the title
    assert "below 0: withheld" in ax.get_title() and "from 40: withheld" in ax.get_title()
    assert [round(p.get_width()) for p in ax.patches] == [10, 10, 20]


@pytest.mark.parametrize("module, call", [("pandas", lambda: hist().to_dataframe()),
                                          ("matplotlib", lambda: hist().plot()),
                                          ("pandas", lambda: CrossTable(("a",), ("b",), ((1,),)).to_dataframe())])
def test_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch, module: str, call: object) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError, match=r"zkmpc\[analysis\]"):
        call()  # type: ignore[operator]


def test_html_and_repr() -> None:
    h = Histogram.from_counts([0, 1], [7], underflow=1, overflow=0, title="<script>")
    page = h.suppressed(2)._repr_html_()
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "withheld" in page and "cells below 2 withheld" in page and "<svg" in page and "[0, 1)" in page
    assert repr(h) == "Histogram(edges 0..1, 1 bins, underflow 1, overflow 0, total 8)"
    t = CrossTable(("law",), ("employed",), ((3,),), title="jobs")
    assert "jobs" in t._repr_html_() and repr(t.suppressed(5)) == "CrossTable(1 x 1, 1 withheld)"


def test_table_noise_keeps_withheld_rows_and_goes_before_suppression() -> None:
    t = CrossTable(("a", "b"), ("x", "y"), ((10, 20), (None, None)))
    n = t.noised(DiscreteLaplace(epsilon=1.0), rng=random.Random(2))
    assert n.cells[1] == (None, None) and all(isinstance(c, int) for c in n.cells[0])
    with pytest.raises(AnalysisError, match="before suppression"):
        t.suppressed(15).noised(DiscreteLaplace(epsilon=1.0))
