"""Artificial intelligence: proofs about models and private inputs, and federated learning.

Fixed-point models (from numpy, scikit-learn or ONNX) and their circuits, with a private
input and public or committed private weights; federated training across institutions by
secure aggregation is :mod:`zkmpc.ai.federated`.

    >>> import numpy as np
    >>> from zkmpc.ai import FixedPointModel, model_circuit, assignment
    >>> m = FixedPointModel.from_arrays([np.array([[2.0], [-1.0]])], [np.array([0.5])], ["none"])
    >>> cs = model_circuit(m)
    >>> cs.solve(assignment(cs, m, m.quantize([1.0, 0.5]))).public == [m.fmt.encode(2.0)]
    True
"""

from circuits.native.ml import FixedPoint

from .circuit import assignment, constraints_by_layer, model_circuit, model_class, model_forward
from .model import ACTIVATIONS, DEFAULT_FORMAT, ONNX_OPERATORS, FixedPointModel, Layer

__all__ = ["FixedPoint", "FixedPointModel", "Layer", "ACTIVATIONS", "ONNX_OPERATORS", "DEFAULT_FORMAT",
           "model_circuit", "model_class", "model_forward", "assignment", "constraints_by_layer"]
