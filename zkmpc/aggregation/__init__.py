"""Verifiable private aggregation (see docs/aggregation.md)."""

from .circuit import MAX_AGGREGATORS, Shape, compile_contribution_circuit, contribution_circuit
from .aggregator import Aggregator, Total
from .auditor import Aggregate, Auditor, Screening
from .contribution import Contribution, Contributor, Share
from .generators import ORDER, Generators, hash_to_curve
from .keys import AggregationKeys

__all__ = ["Shape", "MAX_AGGREGATORS", "contribution_circuit", "compile_contribution_circuit", "Contribution",
           "Contributor", "Share", "ORDER", "Generators", "hash_to_curve", "AggregationKeys", "Aggregator", "Total", "Auditor", "Screening", "Aggregate"]
