"""Statistics over verifiable private aggregation: histogram rounds and small-cell suppression
(used by the telemetry and origin-destination use cases)."""

from .histogram import Collected, Submission, collect_histogram, development_keys, one_hot
from .suppression import Published, suppress_small_cells

__all__ = ["Collected", "Submission", "collect_histogram", "development_keys", "one_hot", "Published",
           "suppress_small_cells"]
