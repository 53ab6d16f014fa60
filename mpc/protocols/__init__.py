"""Multi-party protocols over :mod:`mpc.net`: secure sum, mean and variance, Beaver
multiplication, with fixed-point encodings; comparison, equality, truncation, division by
a public value and argmax on shared values (:mod:`mpc.protocols.compare`)."""

from .base import Context, open_vector
from .dealing import share_vector
from .local import Crashed, run_in_process
from .beaver import TripleShare, deal_triples, multiply, product_encoding, secure_dot, share_input
from .stats import StatsResult, secure_stats
from .sum import SumResult, secure_sum
from .verified import verified_sum
from .preprocessing import Needs, Preprocessing, deal_preprocessing
from .compare import argmax, constant, divide_public, equal, less_than, truncate

__all__ = ["Context", "share_vector", "open_vector", "run_in_process", "Crashed", "SumResult", "secure_sum",
           "StatsResult", "secure_stats", "TripleShare", "deal_triples", "multiply", "share_input", "secure_dot",
           "product_encoding", "verified_sum", "Needs", "Preprocessing", "deal_preprocessing", "argmax", "constant",
           "divide_public", "equal", "less_than", "truncate"]
