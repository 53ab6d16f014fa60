"""Analyst output: histograms that carry their bin edges (underflow and overflow explicit),
tables, quantiles, suppression and noise, as pandas DataFrames, matplotlib plots and HTML.

A :class:`Histogram` with edges ``e1 < ... < ek`` has ``k + 1`` cells: the underflow
``(-inf, e1)``, the bins ``[e1, e2) ... [e(k-1), ek)`` and the overflow ``[ek, +inf)``. It is
made from :mod:`mpc.stats` results (:meth:`Histogram.from_summary`, the spec's edges), from a
verifiable histogram round of :mod:`zkmpc.aggregation` (:meth:`Histogram.from_collected`:
one-hot bucket ``j`` is ``[edges[j], edges[j+1])``, nothing can fall outside, so under- and
overflow are 0) or from plain counts. A cell may be withheld (``None``) by
:meth:`~Histogram.suppressed`; :meth:`~Histogram.noised` adds differential-privacy noise once
(:mod:`zkmpc.statistics.privacy`).

**Quantiles** (:meth:`Histogram.quantile`) interpolate linearly inside a bin, as for grouped
data (the median of a frequency table: ``L + (q N - F) / f * w``): with ``N`` values in all,
the ``q``-quantile lies in the first cell whose cumulative count reaches ``q N``; if ``F``
values lie below that cell, ``f`` in it, and it spans ``[L, L + w)``, the quantile is
``L + (q N - F) / f * w``, values assumed spread evenly inside a bin. ``q = 0`` gives the lower
edge of the first non-empty bin, ``q = 1`` the upper edge of the last. A quantile that falls in
the underflow or overflow cell has no width to interpolate in: :class:`~zkmpc.errors.OpenBinError`.

pandas and matplotlib are the optional extra ``analysis`` (``pip install 'zkmpc[analysis]'``),
imported when used; without them :meth:`~Histogram.to_dataframe` and :meth:`~Histogram.plot`
raise :class:`mpc.errors.MissingExtraError`. The HTML display (``_repr_html_``, a table and an
inline SVG bar chart) needs neither.

    >>> h = Histogram.from_counts([0, 10, 20, 40], [5, 10, 5], underflow=0, overflow=0)
    >>> h
    Histogram(edges 0..40, 3 bins, underflow 0, overflow 0, total 20)
    >>> [str(b) for b in h.bins()]
    ['(-inf, 0): 0', '[0, 10): 5', '[10, 20): 10', '[20, 40): 5', '[40, +inf): 0']
    >>> h.quantile(0.5), h.quantile(0.25), h.quantile(1)
    (Decimal('15'), Decimal('10'), Decimal('40'))
    >>> h.suppressed(6).counts
    (0, None, 10, None, 0)
"""

from __future__ import annotations

import html
import importlib
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Sequence

from mpc.errors import MissingExtraError

from ..errors import AnalysisError, NoiseAlreadyAddedError, OpenBinError
from .privacy import Mechanism, Uniform
from .suppression import suppress_small_cells

if TYPE_CHECKING:  # pragma: no cover
    from mpc.stats import StatsSpec, Summary

    from .histogram import Collected

__all__ = ["Bin", "Histogram", "CrossTable", "Statistics", "require_extra"]

Number = Decimal | int | float | str


def require_extra(module: str, what: str) -> Any:
    """Import ``module`` of the ``analysis`` extra, or raise MissingExtraError naming it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(f"{what} needs {module}, in the optional extra 'analysis': "
                                "pip install 'zkmpc[analysis]'") from None


def _decimal(x: Number, what: str) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, (Decimal, int, float, str)):
        raise AnalysisError(f"{what}: expected a number, found {x!r}")
    try:
        d = Decimal(str(x)) if isinstance(x, float) else Decimal(x)
    except ArithmeticError:
        raise AnalysisError(f"{what}: expected a number, found {x!r}") from None
    if not d.is_finite():
        raise AnalysisError(f"{what}: expected a finite number, found {x!r}")
    return d


def _edges(edges: Sequence[Number]) -> tuple[Decimal, ...]:
    out = tuple(_decimal(e, f"edge {i}") for i, e in enumerate(edges))
    if not out or any(a >= b for a, b in zip(out, out[1:])):
        raise AnalysisError(f"edges: expected at least one, strictly increasing; found {list(map(str, out))}")
    return out


def _cells(counts: Sequence[int | None], what: str) -> tuple[int | None, ...]:
    for j, c in enumerate(counts):
        if c is not None and (isinstance(c, bool) or not isinstance(c, int)):
            raise AnalysisError(f"{what} {j}: expected an int or None (withheld), found {c!r}")
    return tuple(counts)


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else str(d)


@dataclass(frozen=True)
class Bin:
    """One cell of a histogram: ``[low, high)`` (``None``: unbounded), its count (None: withheld)."""

    low: Decimal | None
    high: Decimal | None
    count: int | None

    @property
    def label(self) -> str:
        lo = "(-inf" if self.low is None else f"[{_fmt(self.low)}"
        hi = "+inf)" if self.high is None else f"{_fmt(self.high)})"
        return f"{lo}, {hi}"

    def __str__(self) -> str:
        return f"{self.label}: {'withheld' if self.count is None else self.count}"


def _svg_bars(labels: Sequence[str], counts: Sequence[int | None], open_ends: bool) -> str:
    """A small bar chart as inline SVG (no dependency); withheld cells hatched, open cells dashed."""
    shown = [c for c in counts if c is not None]
    top = max([1, *shown])
    w, h, bw = 24 * len(counts) + 10, 110, 20
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h + 14}' role='img'>"]
    for i, (lab, c) in enumerate(zip(labels, counts)):
        x = 5 + 24 * i
        tip = f"<title>{html.escape(lab)}: {'withheld' if c is None else c}</title>"
        if c is None:
            parts.append(f"<rect x='{x}' y='{h - 12}' width='{bw}' height='12' fill='none' stroke='gray' "
                         f"stroke-dasharray='2,2'>{tip}</rect>")
            continue
        bh = max(1, round(100 * max(c, 0) / top))
        dash = " stroke='#555' stroke-dasharray='3,2' fill-opacity='0.4'" if open_ends and i in (0, len(counts) - 1) \
            else ""
        parts.append(f"<rect x='{x}' y='{h - bh}' width='{bw}' height='{bh}' fill='#4c72b0'{dash}>{tip}</rect>")
    parts.append(f"<line x1='0' y1='{h}' x2='{w}' y2='{h}' stroke='black'/></svg>")
    return "".join(parts)


def _rows_html(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], note: str) -> str:
    head = "".join(f"<th>{html.escape(str(x))}</th>" for x in header)
    body = "".join("<tr>" + "".join(f"<td style='text-align:right'>{html.escape(str(x))}</td>" for x in r) + "</tr>"
                   for r in rows)
    foot = f"<p style='margin:2px 0'><i>{html.escape(note)}</i></p>" if note else ""
    return (f"<table><caption style='text-align:left'><b>{html.escape(title)}</b></caption><tr>{head}</tr>{body}"
            f"</table>{foot}")


@dataclass(frozen=True)
class Histogram:
    """Counts over ``edges``: ``counts[0]`` the underflow, ``counts[-1]`` the overflow (see the
    module docstring); ``noise`` names the mechanism added, ``threshold`` the suppression applied."""

    edges: tuple[Decimal, ...]
    counts: tuple[int | None, ...]
    title: str = "histogram"
    noise: str | None = None
    threshold: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "edges", _edges(self.edges))
        object.__setattr__(self, "counts", _cells(self.counts, "cell"))
        if len(self.counts) != len(self.edges) + 1:
            raise AnalysisError(f"a histogram over {len(self.edges)} edges has {len(self.edges) + 1} cells "
                                f"(underflow, bins, overflow), found {len(self.counts)}")

    # --- construction -------------------------------------------------------------------

    @classmethod
    def from_counts(cls, edges: Sequence[Number], bins: Sequence[int | None], *, underflow: int | None = 0,
                    overflow: int | None = 0, title: str = "histogram") -> Histogram:
        """``len(edges) - 1`` bin counts between the edges, and the two open cells.

            >>> Histogram.from_counts([0, 1], [3], underflow=1).counts
            (1, 3, 0)
        """
        if len(bins) != len(edges) - 1:
            raise AnalysisError(f"{len(edges)} edges bound {len(edges) - 1} bins, found {len(bins)} counts")
        return cls(tuple(_edges(edges)), (underflow, *bins, overflow), title=title)

    @classmethod
    def from_summary(cls, summary: Summary, spec: StatsSpec, *, title: str = "histogram") -> Histogram:
        """The histogram of a :mod:`mpc.stats` result, over its spec's edges (``spec.bins``).

            >>> from decimal import Decimal
            >>> from mpc import paillier
            >>> from mpc.encoding import FixedPoint
            >>> from mpc.stats import Aggregator, StatsSpec, make_report
            >>> pk, sk = paillier.keygen(bits=1024, insecure=True)
            >>> spec = StatsSpec(FixedPoint(0, Decimal(1000)), min_reports=1, bins=(Decimal(10), Decimal(20)))
            >>> agg = Aggregator(sk, spec)
            >>> agg.add(make_report(pk, "a", [5, 12, 15, 30], spec))
            >>> Histogram.from_summary(agg.result(), spec).counts
            (1, 2, 1)
        """
        if not spec.bins:
            raise AnalysisError("the spec has no bin edges: its result has no histogram")
        return cls(spec.bins, tuple(summary.histogram), title=title)

    @classmethod
    def from_collected(cls, collected: Collected, edges: Sequence[Number], *, title: str = "histogram") -> Histogram:
        """The counts of a verifiable histogram round (:func:`~zkmpc.statistics.collect_histogram`):
        bucket ``j`` is ``[edges[j], edges[j+1])``; a one-hot vote cannot fall outside, so the
        under- and overflow are 0 (bucketing out-of-range values is the contributor's choice)."""
        return cls.from_counts(edges, list(collected.counts), title=title)

    # --- reading --------------------------------------------------------------------------

    @property
    def underflow(self) -> int | None:
        """The count below the first edge."""
        return self.counts[0]

    @property
    def overflow(self) -> int | None:
        """The count at or above the last edge."""
        return self.counts[-1]

    def bins(self) -> list[Bin]:
        """Every cell with its bounds, underflow first."""
        lows: list[Decimal | None] = [None, *self.edges]
        highs: list[Decimal | None] = [*self.edges, None]
        return [Bin(lo, hi, c) for lo, hi, c in zip(lows, highs, self.counts)]

    @property
    def total(self) -> int:
        """The sum of the published cells (withheld cells left out)."""
        return sum(c for c in self.counts if c is not None)

    def _complete(self, what: str) -> tuple[int, ...]:
        if any(c is None for c in self.counts):
            raise AnalysisError(f"{what} needs every cell, found withheld ones: compute it before suppression")
        return tuple(max(c, 0) for c in self.counts if c is not None)

    def quantile(self, q: float | Decimal) -> Decimal:
        """The ``q``-quantile by linear interpolation inside its bin (the module docstring).

        Raises:
            OpenBinError: the quantile falls in the underflow or overflow cell.
            AnalysisError: ``q`` outside [0, 1], an empty histogram, or a withheld cell.
        """
        qd = _decimal(q, "q")
        if not 0 <= qd <= 1:
            raise AnalysisError(f"q: expected a number in [0, 1], found {q!r}")
        cells = self._complete("a quantile")
        n = sum(cells)
        if n == 0:
            raise AnalysisError("a quantile of an empty histogram")
        rank, below = qd * n, 0
        for i, c in enumerate(cells):
            if c > 0 and below + c >= rank:
                if i == 0 or i == len(cells) - 1:
                    side = "underflow" if i == 0 else "overflow"
                    raise OpenBinError(f"the {_fmt(qd)}-quantile falls in the {side} cell "
                                       f"({self.bins()[i].label}): no width to interpolate in")
                lo, hi = self.edges[i - 1], self.edges[i]
                value = lo + (rank - below) / c * (hi - lo)
                return value.to_integral_value() if value == value.to_integral_value() else value.normalize()
            below += c
        raise AssertionError("unreachable: the cumulative count reaches n")  # pragma: no cover

    # --- release --------------------------------------------------------------------------

    def suppressed(self, threshold: int, *, suppress_zero: bool = False) -> Histogram:
        """The cells counted from fewer than ``threshold`` contributors withheld
        (:func:`~zkmpc.statistics.suppress_small_cells`; negative noised counts count as 0)."""
        kept = [None if c is None else max(c, 0) for c in self.counts]
        pub = suppress_small_cells([0 if c is None else c for c in kept], threshold, suppress_zero=suppress_zero)
        cells = tuple(None if k is None else p for k, p in zip(kept, pub.cells))
        return replace(self, counts=cells, threshold=threshold)

    def noised(self, mechanism: Mechanism, *, rng: Uniform | None = None, clamp: bool = True) -> Histogram:
        """Every cell with the mechanism's noise (once: the releasing party adds it; see
        :mod:`zkmpc.statistics.privacy`), clamped at 0 unless ``clamp=False`` (post-processing).

        Raises:
            NoiseAlreadyAddedError: this histogram is already noised.
            AnalysisError: a withheld cell (noise goes on before suppression).
        """
        if self.noise is not None:
            raise NoiseAlreadyAddedError(f"this histogram already carries noise ({self.noise}): noise is added "
                                         "once, by the party that releases it")
        cells = self._complete("noise")
        noisy = mechanism.add(cells, rng=rng)
        return replace(self, counts=tuple(max(v, 0) if clamp else v for v in noisy), noise=mechanism.describe())

    # --- output ---------------------------------------------------------------------------

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per cell: ``low``, ``high`` (None when open), ``label``,
        ``count`` (nullable Int64: ``<NA>`` where withheld). Needs the extra ``analysis``."""
        pd = require_extra("pandas", "Histogram.to_dataframe")
        rows = self.bins()
        return pd.DataFrame({"low": [b.low for b in rows], "high": [b.high for b in rows],
                             "label": [b.label for b in rows],
                             "count": pd.array([b.count for b in rows], dtype="Int64")})

    def plot(self, ax: Any = None) -> Any:
        """Bars over the bins (widths from the edges), the open cells' counts in the title,
        withheld cells marked; returns the matplotlib Axes. Needs the extra ``analysis``."""
        require_extra("matplotlib", "Histogram.plot")
        if ax is None:
            from matplotlib.figure import Figure
            ax = Figure(figsize=(6, 3)).subplots()
        inner = self.bins()[1:-1]
        lows = [float(b.low) for b in inner if b.low is not None]
        widths = [float(b.high - b.low) for b in inner if b.high is not None and b.low is not None]
        ax.bar(lows, [b.count or 0 for b in inner], width=widths, align="edge", edgecolor="black")
        for b, x, w in zip(inner, lows, widths):
            if b.count is None:
                ax.text(x + w / 2, 0, "withheld", ha="center", va="bottom", rotation=90, fontsize=7)
        under, over = (("withheld" if c is None else c) for c in (self.underflow, self.overflow))
        extra = f"; noise: {self.noise}" if self.noise else ""
        ax.set_title(f"{self.title} (below {_fmt(self.edges[0])}: {under}, from {_fmt(self.edges[-1])}: {over}"
                     f"{extra})", fontsize=9)
        ax.set_ylabel("count")
        return ax

    def _note(self) -> str:
        parts = [f"cells below {self.threshold} withheld" if self.threshold is not None else "",
                 f"noise: {self.noise}" if self.noise else ""]
        return "; ".join(p for p in parts if p)

    def _repr_html_(self) -> str:
        rows = [(b.label, "withheld" if b.count is None else b.count) for b in self.bins()]
        return ("<div>" + _rows_html(self.title, ("bin", "count"), rows, self._note())
                + _svg_bars([b.label for b in self.bins()], list(self.counts), open_ends=True) + "</div>")

    def __repr__(self) -> str:
        return (f"Histogram(edges {_fmt(self.edges[0])}..{_fmt(self.edges[-1])}, {len(self.edges) - 1} bins, "
                f"underflow {self.underflow}, overflow {self.overflow}, total {self.total}"
                + (f", {self.counts.count(None)} withheld" if None in self.counts else "")
                + (", noised" if self.noise else "") + ")")


@dataclass(frozen=True)
class CrossTable:
    """Counts by row and column category (``cells[i][j]``: row ``rows[i]``, column ``columns[j]``;
    None where withheld). No margins are published (they would reveal withheld cells).

        >>> t = CrossTable(("law", "maths"), ("employed", "not employed"), ((40, 3), (25, 9)))
        >>> print(t.suppressed(5).text())
               employed  not employed
        law          40      withheld
        maths        25             9
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    title: str = "table"
    noise: str | None = None
    threshold: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(map(str, self.rows)))
        object.__setattr__(self, "columns", tuple(map(str, self.columns)))
        if len(self.cells) != len(self.rows) or any(len(r) != len(self.columns) for r in self.cells):
            raise AnalysisError(f"a {len(self.rows)} x {len(self.columns)} table: expected {len(self.rows)} rows of "
                                f"{len(self.columns)} cells, found {[len(r) for r in self.cells]}")
        object.__setattr__(self, "cells", tuple(_cells(r, f"row {self.rows[i]!r}, cell")
                                                for i, r in enumerate(self.cells)))

    def suppressed(self, threshold: int, *, suppress_zero: bool = False) -> CrossTable:
        """Every cell below ``threshold`` withheld (as :meth:`Histogram.suppressed`)."""
        flat = [c for r in self.cells for c in r]
        kept = [None if c is None else max(c, 0) for c in flat]
        pub = suppress_small_cells([0 if c is None else c for c in kept], threshold, suppress_zero=suppress_zero).cells
        out = [None if k is None else p for k, p in zip(kept, pub)]
        w = len(self.columns)
        return replace(self, cells=tuple(tuple(out[i * w:(i + 1) * w]) for i in range(len(self.rows))),
                       threshold=threshold)

    def noised(self, mechanism: Mechanism, *, rng: Uniform | None = None, clamp: bool = True) -> CrossTable:
        """Every cell noised once (as :meth:`Histogram.noised`; the L1 sensitivity is the
        number of cells one person can be counted in). Cells already withheld (a row a
        protocol never revealed) stay withheld; apply :meth:`suppressed` after the noise.

        Raises:
            NoiseAlreadyAddedError: the table is already noised.
            AnalysisError: the table was suppressed already (noise goes on first).
        """
        if self.noise is not None:
            raise NoiseAlreadyAddedError(f"this table already carries noise ({self.noise}): noise is added once")
        if self.threshold is not None:
            raise AnalysisError("noise on a suppressed table: add it before suppression")
        flat = [c for r in self.cells for c in r]
        drawn = iter(mechanism.add([c for c in flat if c is not None], rng=rng))
        noisy: list[int | None] = []
        for c in flat:
            v = None if c is None else next(drawn)
            noisy.append(v if v is None or not clamp else max(v, 0))
        w = len(self.columns)
        return replace(self, cells=tuple(tuple(noisy[i * w:(i + 1) * w]) for i in range(len(self.rows))),
                       noise=mechanism.describe())

    def text(self) -> str:
        """The table as aligned text (withheld cells say so)."""
        shown = [[("withheld" if c is None else str(c)) for c in r] for r in self.cells]
        first = max([len(r) for r in self.rows] + [0])
        widths = [max([len(c)] + [len(r[j]) for r in shown]) for j, c in enumerate(self.columns)]
        lines = [" " * first + "".join(f"  {c:>{w}}" for c, w in zip(self.columns, widths))]
        lines += [f"{name:<{first}}" + "".join(f"  {v:>{w}}" for v, w in zip(r, widths))
                  for name, r in zip(self.rows, shown)]
        return "\n".join(line.rstrip() for line in lines)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame (rows by columns, nullable Int64). Needs the extra ``analysis``."""
        pd = require_extra("pandas", "CrossTable.to_dataframe")
        data = {c: pd.array([r[j] for r in self.cells], dtype="Int64") for j, c in enumerate(self.columns)}
        return pd.DataFrame(data, index=pd.Index(self.rows))

    def _repr_html_(self) -> str:
        note = "; ".join(p for p in (f"cells below {self.threshold} withheld" if self.threshold else "",
                                     f"noise: {self.noise}" if self.noise else "") if p)
        rows = [(name, *("withheld" if c is None else c for c in r)) for name, r in zip(self.rows, self.cells)]
        return "<div>" + _rows_html(self.title, ("", *self.columns), rows, note) + "</div>"

    def __repr__(self) -> str:
        withheld = sum(1 for r in self.cells for c in r if c is None)
        return f"CrossTable({len(self.rows)} x {len(self.columns)}, {withheld} withheld" + (
            ", noised" if self.noise else "") + ")"


@dataclass(frozen=True)
class Statistics:
    """A summary (count, mean, spread) with its histogram, from :mod:`mpc.stats`.

        >>> from decimal import Decimal
        >>> h = Histogram.from_counts([0, 10], [4])
        >>> s = Statistics(reports=2, count=4, mean=Decimal(5), std=Decimal(2), histogram=h)
        >>> s
        Statistics(4 values from 2 reports, mean 5, std 2)
    """

    reports: int
    count: int
    mean: Decimal
    std: Decimal
    histogram: Histogram | None = None
    title: str = "statistics"

    @classmethod
    def from_summary(cls, summary: Summary, spec: StatsSpec, *, title: str = "statistics") -> Statistics:
        """A :class:`mpc.stats.Summary` with the spec's edges on its histogram."""
        hist = Histogram.from_summary(summary, spec, title=f"{title}: histogram") if spec.bins else None
        return cls(summary.reports, summary.count, summary.mean, summary.std, hist, title)

    def to_dataframe(self) -> Any:
        """One row: reports, count, mean, std (the histogram: ``.histogram.to_dataframe()``)."""
        pd = require_extra("pandas", "Statistics.to_dataframe")
        return pd.DataFrame([{"reports": self.reports, "count": self.count, "mean": self.mean, "std": self.std}])

    def _repr_html_(self) -> str:
        rows = [("reports", self.reports), ("values", self.count), ("mean", f"{self.mean:.6g}"),
                ("std", f"{self.std:.6g}")]
        table = _rows_html(self.title, ("", "value"), rows, "")
        return "<div>" + table + (self.histogram._repr_html_() if self.histogram is not None else "") + "</div>"

    def __repr__(self) -> str:
        return (f"Statistics({self.count} values from {self.reports} reports, mean {self.mean:.6g}, "
                f"std {self.std:.6g})")
