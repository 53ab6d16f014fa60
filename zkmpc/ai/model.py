"""Fixed-point models: multilayer perceptrons (and logistic regressions) whose weights are
fixed-point integers, with the float model they came from.

A :class:`FixedPointModel` is a chain of dense layers ``y = x W + b`` (``W`` of shape
``(inputs, outputs)``, scikit-learn's convention), each followed by ``"relu"``,
``"sigmoid"`` or ``"none"``. It is built from numpy arrays (:meth:`FixedPointModel.from_arrays`),
from scikit-learn's ``LogisticRegression`` and ``MLPClassifier`` (relu)
(:meth:`~FixedPointModel.from_sklearn`) or from an ONNX file of a small MLP
(:meth:`~FixedPointModel.from_onnx`: Gemm, MatMul, Add, Relu, Sigmoid). Every check is
made here, before any circuit: NaN or infinite weights (:class:`NonFiniteWeightError`),
values outside the format (:class:`FixedPointRangeError`), shapes that do not chain
(:class:`ShapeMismatchError`), other operators (:class:`UnsupportedLayerError`, naming it).

:meth:`~FixedPointModel.forward_fixed` is the native twin of the model circuit
(:mod:`zkmpc.ai.circuit`): the circuit's outputs equal it exactly. Against the float model
(:meth:`~FixedPointModel.forward_float`, true logistic sigmoid) the difference is at most
:meth:`~FixedPointModel.error_bound`: rounding of inputs, weights and every rescale
(``2**-(frac_bits+1)`` each) carried through the layers, plus the PLAN sigmoid's 0.019.

    >>> import numpy as np
    >>> m = FixedPointModel.from_arrays([np.array([[1.0, -1.0], [0.5, 2.0]])], [np.array([0.0, 0.25])],
    ...                                 ["relu"])
    >>> x = m.quantize([1.0, 2.0])
    >>> [m.fmt.decode(v) for v in m.forward_fixed(x)]       # relu([1 + 1, -1 + 4 + 0.25])
    [2.0, 3.25]
    >>> m.forward_fixed(m.quantize([1.0, float("nan")]))
    Traceback (most recent call last):
    ...
    zkmpc.errors.FixedPointRangeError: input 1: expected a finite number, found nan
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from circuits.native import ml as native
from circuits.native.ml import FixedPoint, FixedPointOverflowError

from ..errors import (FixedPointRangeError, ModelFormatError, NonFiniteWeightError, ShapeMismatchError,
                      UnsupportedLayerError)

__all__ = ["FixedPointModel", "Layer", "ACTIVATIONS", "ONNX_OPERATORS", "DEFAULT_FORMAT"]

ACTIVATIONS = ("relu", "sigmoid", "none")
ONNX_OPERATORS = ("Gemm", "MatMul", "Add", "Relu", "Sigmoid")
DEFAULT_FORMAT = FixedPoint(frac_bits=10, bits=24)


def _numpy() -> Any:
    return _extra("numpy")  # numpy comes with the ai extra's scikit-learn; imported when used


def _extra(module: str) -> Any:
    import importlib

    from mpc.errors import MissingExtraError

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(f"{module} is needed here: pip install 'zkmpc[ai]'") from exc


@dataclass(frozen=True)
class Layer:
    """A dense layer of fixed-point integers: ``weights[i][j]`` from input ``i`` to output
    ``j``, ``bias[j]``, then ``activation``."""

    weights: tuple[tuple[int, ...], ...]
    bias: tuple[int, ...]
    activation: str

    @property
    def inputs(self) -> int:
        return len(self.weights)

    @property
    def outputs(self) -> int:
        return len(self.bias)

    def rows(self) -> list[list[int]]:
        """The weights by output (``W`` transposed), as :func:`circuits.native.ml.linear` takes them."""
        return [[row[j] for row in self.weights] for j in range(self.outputs)]


@dataclass(frozen=True, eq=False)
class FixedPointModel:
    """A chain of fixed-point dense layers in format ``fmt``, with the float arrays they
    were quantized from (``float_layers``: ``(W, b, activation)``). Build it with the
    ``from_*`` constructors."""

    layers: tuple[Layer, ...]
    fmt: FixedPoint
    float_layers: tuple[tuple[Any, Any, str], ...]

    # ------------------------------------------------------------ construction

    @classmethod
    def from_arrays(cls, weights: Sequence[Any], biases: Sequence[Any], activations: Sequence[str], *,
                    fmt: FixedPoint = DEFAULT_FORMAT) -> FixedPointModel:
        """A model from float arrays: ``weights[k]`` of shape ``(inputs, outputs)``,
        ``biases[k]`` of shape ``(outputs,)``, ``activations[k]`` in :data:`ACTIVATIONS`.

        Raises:
            ShapeMismatchError: arrays whose shapes do not chain.
            NonFiniteWeightError: a NaN or infinite weight or bias.
            FixedPointRangeError: a weight or bias outside the fixed-point format.
            ModelFormatError: an unknown activation.
        """
        np = _numpy()
        if not len(weights) == len(biases) == len(activations) or not weights:
            raise ShapeMismatchError(f"expected as many weights, biases and activations (at least one), found "
                                     f"{len(weights)}, {len(biases)}, {len(activations)}")
        layers, floats = [], []
        prev: int | None = None
        for k, (w, b, act) in enumerate(zip(weights, biases, activations)):
            w = np.asarray(w, dtype=float)
            b = np.asarray(b, dtype=float).reshape(-1)
            if w.ndim != 2 or w.shape[1] != b.shape[0] or (prev is not None and w.shape[0] != prev):
                raise ShapeMismatchError(f"layer {k}: expected weights of shape ({prev if prev else 'n'}, "
                                         f"{b.shape[0]}) for {b.shape[0]} biases, found {w.shape}")
            if act not in ACTIVATIONS:
                raise UnsupportedLayerError(f"layer {k}: expected an activation in {ACTIVATIONS}, found {act!r}")
            for what, arr in (("weights", w), ("bias", b)):
                if not np.all(np.isfinite(arr)):
                    where = np.argwhere(~np.isfinite(arr))[0].tolist()
                    raise NonFiniteWeightError(f"layer {k}: expected finite {what}, found "
                                               f"{arr[~np.isfinite(arr)][0]} at {where}")
            qw = tuple(tuple(_encode(fmt, float(v), f"layer {k} weight ({i}, {j})") for j, v in enumerate(row))
                       for i, row in enumerate(w))
            qb = tuple(_encode(fmt, float(v), f"layer {k} bias {j}") for j, v in enumerate(b))
            layers.append(Layer(qw, qb, act))
            floats.append((w.copy(), b.copy(), act))
            prev = w.shape[1]
        return cls(tuple(layers), fmt, tuple(floats))

    @classmethod
    def from_sklearn(cls, estimator: Any, *, fmt: FixedPoint = DEFAULT_FORMAT) -> FixedPointModel:
        """A fitted ``LogisticRegression`` (binary: one sigmoid output, the probability
        of class 1; multiclass: the logits, whose argmax is the class) or ``MLPClassifier``
        with ``activation="relu"`` (output: sigmoid when binary, logits otherwise).

        Raises:
            ModelFormatError: another estimator, or one not fitted.
            UnsupportedLayerError: an MLP activation other than relu (named).
        """
        name = type(estimator).__name__
        if name == "LogisticRegression" and hasattr(estimator, "coef_"):
            w, b = estimator.coef_, estimator.intercept_
            act = "sigmoid" if w.shape[0] == 1 else "none"
            return cls.from_arrays([w.T], [b], [act], fmt=fmt)
        if name == "MLPClassifier" and hasattr(estimator, "coefs_"):
            if estimator.activation != "relu":
                raise UnsupportedLayerError(
                    f"MLPClassifier: expected activation 'relu', found {estimator.activation!r}")
            out = {"logistic": "sigmoid", "softmax": "none", "identity": "none"}.get(estimator.out_activation_)
            if out is None:
                raise UnsupportedLayerError(f"MLPClassifier: output activation {estimator.out_activation_!r}")
            n = len(estimator.coefs_)
            return cls.from_arrays(list(estimator.coefs_), list(estimator.intercepts_),
                                   ["relu"] * (n - 1) + [out], fmt=fmt)
        raise ModelFormatError(f"expected a fitted LogisticRegression or MLPClassifier, found {name}")

    @classmethod
    def from_onnx(cls, source: str | Path | bytes | Any, *, fmt: FixedPoint = DEFAULT_FORMAT) -> FixedPointModel:
        """A small MLP from an ONNX file (a path, its bytes, or a loaded ``ModelProto``):
        a chain of ``Gemm`` (alpha = beta = 1, transB 0 or 1) or ``MatMul`` + ``Add`` with
        initializer weights, each optionally followed by ``Relu`` or ``Sigmoid``.

        Raises:
            UnsupportedLayerError: any other operator (named), or unsupported attributes.
            ModelFormatError: weights that are not initializers, a graph that is not a chain.
        """
        onnx = _extra("onnx")
        from onnx import numpy_helper

        if isinstance(source, (str, Path)):
            try:
                proto = onnx.load(str(source))
            except Exception as exc:  # onnx raises several kinds for unreadable files
                raise ModelFormatError(f"cannot read the ONNX file {source}: {exc}") from exc
        elif isinstance(source, bytes):
            proto = onnx.load_from_string(source)
        else:
            proto = source
        graph = proto.graph
        for node in graph.node:
            if node.op_type not in ONNX_OPERATORS:
                raise UnsupportedLayerError(f"ONNX operator {node.op_type!r} (node {node.name or '?'}) is not "
                                            f"supported: expected only {', '.join(ONNX_OPERATORS)}")
        init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        return cls.from_arrays(*_onnx_layers(graph, init), fmt=fmt)

    # ------------------------------------------------------------ shape

    @property
    def inputs(self) -> int:
        """The number of inputs."""
        return self.layers[0].inputs

    @property
    def outputs(self) -> int:
        """The number of outputs."""
        return self.layers[-1].outputs

    @property
    def num_weights(self) -> int:
        """Weights and biases in all."""
        return sum(lay.inputs * lay.outputs + lay.outputs for lay in self.layers)

    def flat_weights(self) -> list[int]:
        """Every weight and bias, layer by layer (``W`` row by row, then ``b``): the order
        of the circuit's private weights and of the commitment."""
        out: list[int] = []
        for lay in self.layers:
            for row in lay.weights:
                out.extend(row)
            out.extend(lay.bias)
        return out

    def commitment(self, salt: int) -> int:
        """The Poseidon commitment to :meth:`flat_weights` (:func:`circuits.native.ml.commit`)."""
        return native.commit(self.flat_weights(), salt)

    # ------------------------------------------------------------ evaluation

    def quantize(self, x: Sequence[float]) -> list[int]:
        """A float input in the model's format.

        Raises:
            ShapeMismatchError: not :attr:`inputs` values.
            FixedPointRangeError: NaN, infinite or outside the format.
        """
        values = list(x)
        if len(values) != self.inputs:
            raise ShapeMismatchError(f"input: expected {self.inputs} values, found {len(values)}")
        return [_encode(self.fmt, float(v), f"input {i}") for i, v in enumerate(values)]

    def check_input(self, x: Sequence[int]) -> list[int]:
        """A fixed-point input checked (length, ints in the format's range)."""
        values = list(x)
        if len(values) != self.inputs:
            raise ShapeMismatchError(f"input: expected {self.inputs} values, found {len(values)}")
        for i, v in enumerate(values):
            _check(self.fmt, v, f"input {i}")
        return values

    def forward_fixed(self, x: Sequence[int]) -> list[int]:
        """The model on a fixed-point input: exactly what its circuit computes.

        Raises:
            ShapeMismatchError: an input of the wrong length.
            FixedPointRangeError: an input or intermediate value that does not fit the format.
        """
        h = self.check_input(x)
        for k, lay in enumerate(self.layers):
            try:
                h = native.linear(h, lay.rows(), list(lay.bias), self.fmt)
            except FixedPointOverflowError as exc:
                raise FixedPointRangeError(f"layer {k}: {exc}") from None
            h = _activate(h, lay.activation, self.fmt)
        return h

    def predict_fixed(self, x: Sequence[int]) -> int:
        """The class: ``output >= 0.5`` for one sigmoid output, ``output >= 0`` for one
        logit, else the argmax of the outputs (the first largest)."""
        y = self.forward_fixed(x)
        if len(y) == 1:
            return int(y[0] >= (self.fmt.one // 2 if self.layers[-1].activation == "sigmoid" else 0))
        return native.argmax(y, self.fmt)

    def forward_float(self, x: Any) -> Any:
        """The float model (true logistic sigmoid) on inputs ``x`` of shape ``(n, inputs)``."""
        np = _numpy()
        h = np.asarray(x, dtype=float)
        for w, b, act in self.float_layers:
            h = _float_activate(h @ w + b, act)
        return h

    def error_bound(self, x: Any) -> Any:
        """For float inputs ``x`` (shape ``(n, inputs)``), a bound on
        ``|decode(forward_fixed(quantize(x))) - forward_float(x)|`` per output: every
        rounding (input, weight, bias, rescale) is at most ``d = 2**-(frac_bits+1)``; a layer
        turns an input error ``e`` into ``e |W| + d (sum |x| + sum e + 1) + d`` (exact
        products of rounded values), relu keeps it, the sigmoid scales it by 1/4 and adds
        its own 0.019 and a rounding."""
        np = _numpy()
        d = 2.0 ** -(self.fmt.frac_bits + 1)
        h = np.asarray(x, dtype=float)
        e = np.full(h.shape, d)
        for w, b, act in self.float_layers:
            e = e @ np.abs(w) + d * (np.abs(h).sum(axis=1, keepdims=True) + e.sum(axis=1, keepdims=True) + 1) + d
            h = _float_activate(h @ w + b, act)
            if act == "sigmoid":
                e = e / 4 + native.SIGMOID_MAX_ERROR + d
        return e


def _encode(fmt: FixedPoint, v: float, what: str) -> int:
    try:
        return fmt.encode(v, what)
    except FixedPointOverflowError as exc:
        raise FixedPointRangeError(str(exc)) from None


def _check(fmt: FixedPoint, v: int, what: str) -> int:
    try:
        return fmt.check(v, what)
    except FixedPointOverflowError as exc:
        raise FixedPointRangeError(str(exc)) from None
    except TypeError as exc:
        raise ShapeMismatchError(str(exc)) from None


def _activate(h: list[int], act: str, fmt: FixedPoint) -> list[int]:
    if act == "relu":
        return [native.relu(v, fmt) for v in h]
    if act == "sigmoid":
        return [native.sigmoid(v, fmt) for v in h]
    return h


def _float_activate(h: Any, act: str) -> Any:
    np = _numpy()
    if act == "relu":
        return np.maximum(h, 0.0)
    if act == "sigmoid":
        return 1.0 / (1.0 + np.exp(-h))
    return h


def _onnx_layers(graph: Any, init: dict[str, Any]) -> tuple[list[Any], list[Any], list[str]]:
    """The ``(weights, biases, activations)`` of an ONNX chain of dense layers."""
    np = _numpy()
    weights: list[Any] = []
    biases: list[Any] = []
    acts: list[str] = []
    for node in graph.node:
        attrs = {a.name: a for a in node.attribute}
        ins = list(node.input)
        if node.op_type in ("Gemm", "MatMul"):
            if len(ins) < 2 or ins[1] not in init:
                raise ModelFormatError(f"{node.op_type} {node.name or '?'}: expected initializer weights")
            w = init[ins[1]].astype(float)
            if node.op_type == "Gemm":
                for key, ok in (("alpha", 1.0), ("beta", 1.0), ("transA", 0)):
                    if key in attrs and (attrs[key].f if key != "transA" else attrs[key].i) != ok:
                        raise UnsupportedLayerError(f"Gemm {node.name or '?'}: attribute {key} != {ok}")
                if "transB" in attrs and attrs["transB"].i:
                    w = w.T
            b = init[ins[2]].astype(float).reshape(-1) if len(ins) > 2 and ins[2] else np.zeros(w.shape[1])
            weights.append(w)
            biases.append(b)
            acts.append("none")
        elif node.op_type == "Add":
            other = [i for i in ins if i in init]
            if not weights or len(other) != 1:
                raise ModelFormatError(f"Add {node.name or '?'}: expected a bias initializer after a MatMul")
            biases[-1] = biases[-1] + init[other[0]].astype(float).reshape(-1)
        else:  # Relu, Sigmoid
            if not weights or acts[-1] != "none":
                raise ModelFormatError(f"{node.op_type} {node.name or '?'}: expected after a dense layer")
            acts[-1] = node.op_type.lower()
    if not weights:
        raise ModelFormatError("the ONNX graph has no Gemm or MatMul layer")
    return weights, biases, acts
