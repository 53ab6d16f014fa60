"""Statistics over private aggregation: histogram rounds, small-cell suppression, and the
analyst's output (histograms carrying their edges, tables, quantiles, differential-privacy
noise, DataFrames, plots and HTML)."""

from .analysis import Bin, CrossTable, Histogram, Statistics
from .histogram import Collected, Submission, collect_histogram, development_keys, one_hot
from .privacy import DiscreteGaussian, DiscreteLaplace, Mechanism
from .suppression import Published, suppress_small_cells

__all__ = ["Collected", "Submission", "collect_histogram", "development_keys", "one_hot", "Published",
           "suppress_small_cells", "Bin", "CrossTable", "Histogram", "Statistics", "DiscreteGaussian",
           "DiscreteLaplace", "Mechanism"]
