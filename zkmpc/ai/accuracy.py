"""Accuracy of committed private weights on a public test set.

A model owner publishes a Poseidon commitment to their model's weights
(:meth:`FixedPointModel.commitment` with a secret salt) and proves, revealing nothing else,
that the committed weights classify at least ``min_correct`` of a public test set
correctly. The test set (fixed-point inputs and labels) is part of the circuit: products
of a private weight and a public input are free linear combinations, so each sample costs
its rescales and activations (the last rescale's top bit is a one-output prediction). The
prediction is the decision of the last layer before its activation: ``logit >= 0`` for one output (what the sigmoid's 0.5 threshold means),
the first largest output otherwise (:func:`predict`, the native twin).

Public signals: ``[commitment, min_correct]``.

    >>> import numpy as np
    >>> from zkmpc.ai import FixedPointModel
    >>> model = FixedPointModel.from_arrays([np.array([[1.0], [-1.0]])], [np.array([0.0])], ["sigmoid"])
    >>> test = TestSet.from_floats(model, [[2.0, 1.0], [0.0, 1.0], [1.0, 3.0], [3.0, 0.0]], [1, 0, 1, 1])
    >>> test.correct(model)
    3
    >>> cs = accuracy_circuit(model, test)
    >>> cs.solve(ModelOwner(model, salt=5).assignment(cs, test, min_correct=3)).public == [model.commitment(5), 3]
    True
    >>> ModelOwner(model, salt=5).assignment(cs, test, min_correct=4)
    Traceback (most recent call last):
    ...
    zkmpc.errors.AccuracyBelowClaimError: the model classifies 3 of 4 test samples correctly (75.00 %): ...
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from circuits import Circuit, CompiledCircuit, Field, Public, Secret, compile
from circuits.api import API
from circuits.gadgets.ml import argmax, commit, linear_signed, sign_checked
from circuits.native import ml as native
from circuits.native.ml import to_field

from ..errors import AccuracyBelowClaimError, ShapeMismatchError, WeightCommitmentError
from ..randomness import random_below
from .circuit import activate
from .model import FixedPointModel

__all__ = ["TestSet", "accuracy_class", "accuracy_circuit", "ModelOwner", "predict", "min_correct_for"]


@dataclass(frozen=True)
class TestSet:
    """A public test set: fixed-point inputs and integer labels."""

    x: tuple[tuple[int, ...], ...]
    labels: tuple[int, ...]

    __test__ = False  # not a pytest class

    @classmethod
    def from_floats(cls, model: FixedPointModel, x: Sequence[Sequence[float]], labels: Sequence[int]) -> TestSet:
        """Quantized in ``model``'s format (its refusals: wrong lengths, NaN, out of range)."""
        if len(x) != len(labels) or not len(x):
            raise ShapeMismatchError(f"test set: expected as many labels as inputs (at least one), found "
                                     f"{len(x)} inputs, {len(labels)} labels")
        classes = max(model.outputs, 2)
        bad = [int(v) for v in labels if not 0 <= int(v) < classes]
        if bad:
            raise ShapeMismatchError(f"test set: expected labels in [0, {classes}), found {bad[0]}")
        return cls(tuple(tuple(model.quantize(row)) for row in x), tuple(int(v) for v in labels))

    def __len__(self) -> int:
        return len(self.labels)

    def correct(self, model: FixedPointModel) -> int:
        """How many samples ``model`` classifies correctly (:func:`predict`)."""
        return sum(predict(model, row) == y for row, y in zip(self.x, self.labels))


def predict(model: FixedPointModel, x: Sequence[int]) -> int:
    """The class the accuracy circuit gives ``x``: ``logit >= 0`` for one output, else the
    first largest output (the last activation skipped for one output)."""
    h = model.check_input(x)
    for k, lay in enumerate(model.layers):
        h = native.linear(h, lay.rows(), list(lay.bias), model.fmt)
        last = k == len(model.layers) - 1
        if last and model.outputs == 1:
            return int(h[0] >= 0)
        if lay.activation == "relu":
            h = [native.relu(v, model.fmt) for v in h]
        elif lay.activation == "sigmoid":
            h = [native.sigmoid(v, model.fmt) for v in h]
    return native.argmax(h, model.fmt)


def min_correct_for(percent: float, n: int) -> int:
    """The number of correct samples out of ``n`` that ``percent`` % accuracy means."""
    return math.ceil(percent * n / 100 - 1e-9)


def _layers(api: API, model: FixedPointModel, x: Sequence[int], ws: Sequence[Any]) -> Any:
    """The prediction bit (one output) or the predicted index of ``x`` with weights ``ws``."""
    fmt = model.fmt
    h: list[Any] = [api.constant(to_field(v)) for v in x]
    pos = 0
    for k, lay in enumerate(model.layers):
        n_w = lay.inputs * lay.outputs
        flat = ws[pos:pos + n_w]
        rows = [[flat[i * lay.outputs + j] for i in range(lay.inputs)] for j in range(lay.outputs)]
        bias = list(ws[pos + n_w:pos + n_w + lay.outputs])
        pos += n_w + lay.outputs
        signed = linear_signed(api, h, rows, bias, fmt)
        if k == len(model.layers) - 1 and model.outputs == 1:
            return signed[0][1]  # the logit's sign bit, proven by its rescale
        h = [activate(api, q, lay.activation, fmt, nonneg=s) for q, s in signed]
    return argmax(api, h, fmt)


def _define(model: FixedPointModel, test: TestSet) -> Any:
    def define(self: Any, api: API) -> None:
        fmt = model.fmt
        with api.scope("weights"):
            ws = [sign_checked(api, w, fmt) for w in self.weights]
            api.assert_equal(commit(api, ws, self.salt), self.commitment)
        hits = []
        with api.scope("test_set"):
            for row, label in zip(test.x, test.labels):
                out = _layers(api, model, row, ws)
                if model.outputs == 1:
                    hits.append(out if label else 1 - out)
                else:
                    hits.append(api.is_zero(out - label))
        with api.scope("accuracy"):
            api.to_bits(api.lincomb([(h, 1) for h in hits]) - self.min_correct, len(test).bit_length() + 1)
    return define


@lru_cache(maxsize=8)
def accuracy_class(model: FixedPointModel, test: TestSet) -> type[Circuit]:
    """The circuit class for ``model``'s architecture (its weights are private inputs) on
    ``test``."""
    ann = {"commitment": Public[Field], "min_correct": Public[Field],
           "weights": Secret[Field, model.num_weights], "salt": Secret[Field]}
    name = f"Accuracy{model.inputs}x{model.outputs}on{len(test)}"
    return type(name, (Circuit,), {"__annotations__": ann, "define": _define(model, test), "__module__": __name__,
                                   "__qualname__": name})


@lru_cache(maxsize=8)
def accuracy_circuit(model: FixedPointModel, test: TestSet) -> CompiledCircuit:
    """The compiled accuracy circuit (``model`` gives the architecture and format only)."""
    return compile(accuracy_class(model, test))


class ModelOwner:
    """A model owner: the private model and the salt of its commitment (``secrets``, or
    ``rng`` in tests)."""

    def __init__(self, model: FixedPointModel, *, salt: int | None = None, rng: Any = None) -> None:
        self.model = model
        self.salt = random_below(2**253, rng=rng) if salt is None else salt

    @property
    def commitment(self) -> int:
        """The published commitment to the weights."""
        return self.model.commitment(self.salt)

    def assignment(self, cs: CompiledCircuit, test: TestSet, *, min_correct: int,
                   published: int | None = None) -> Circuit:
        """The assignment proving at least ``min_correct`` correct samples.

        Raises:
            WeightCommitmentError: ``published`` is given and these weights do not open it.
            AccuracyBelowClaimError: fewer correct samples than claimed (no proof exists).
        """
        if published is not None and published != self.commitment:
            raise WeightCommitmentError(f"these weights do not open the published commitment {published:#x}")
        got = test.correct(self.model)
        if got < min_correct:
            raise AccuracyBelowClaimError(f"the model classifies {got} of {len(test)} test samples correctly "
                                          f"({100 * got / len(test):.2f} %): below the claimed {min_correct}")
        return cs.circuit(commitment=self.commitment, min_correct=min_correct,
                          weights=[to_field(w) for w in self.model.flat_weights()], salt=self.salt)
