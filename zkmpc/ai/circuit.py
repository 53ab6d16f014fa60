"""The circuit of a :class:`~zkmpc.ai.model.FixedPointModel`: a private input, public (or
private, committed) weights, public outputs equal to :meth:`FixedPointModel.forward_fixed`.

``model_circuit(model)`` compiles a circuit with inputs

- ``x: Secret[Field, inputs]`` (range-checked to the format, scope ``input``);
- with ``private_weights``: ``weights: Secret[Field, num_weights]`` (range-checked),
  ``salt: Secret[Field]`` and ``commitment: Public[Field]``, the Poseidon commitment
  (:meth:`FixedPointModel.commitment`; scope ``weights``);
- ``y: Public[Field, outputs]``: the outputs (signed, modulo r), or with ``argmax`` a
  single ``label: Public[Field]``, the first largest output.

Public weights are constants of the circuit: the products are free linear combinations,
each layer costs its rescales and activations; private weights cost one constraint per
product. :func:`constraints_by_layer` gives the count by scope (``input``, ``layer0``,
``layer1``..., ``weights``, ``argmax``).

    >>> import numpy as np
    >>> from zkmpc.ai import FixedPointModel
    >>> m = FixedPointModel.from_arrays([np.eye(2), np.array([[1.0], [-1.0]])], [np.zeros(2), np.zeros(1)],
    ...                                 ["relu", "sigmoid"])
    >>> cs = model_circuit(m)
    >>> x = m.quantize([2.0, 1.0])
    >>> [from_field(v) for v in cs.solve(assignment(cs, m, x)).public] == m.forward_fixed(x)
    True
    >>> constraints_by_layer(cs)
    {'input': 48, 'layer0': 70, 'layer1': 130}
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

from circuits import Circuit, CompiledCircuit, Field, Public, Secret, compile
from circuits.api import API
from circuits.gadgets.ml import argmax as argmax_gadget
from circuits.gadgets.ml import commit, linear_signed, relu, sigmoid, sign_checked
from circuits.native.ml import FixedPoint, from_field, to_field
from circuits.var import Var

from ..errors import ModelFormatError, ShapeMismatchError
from .model import FixedPointModel

__all__ = ["model_circuit", "model_class", "model_forward", "activate", "assignment", "constraints_by_layer", "from_field"]


def model_forward(api: API, model: FixedPointModel, xs: Sequence[Var],
                  weights: Sequence[Var] | None = None) -> list[Var]:
    """The model's layers on ``xs`` (range-checked values) in circuit, each in scope
    ``layer<k>``; ``weights``: private weight variables in :meth:`FixedPointModel.flat_weights`
    order (range-checked by the caller), else the model's own as constants."""
    fmt = model.fmt
    h: list[Any] = list(xs)
    pos = 0
    for k, lay in enumerate(model.layers):
        with api.scope(f"layer{k}"):
            if weights is None:
                rows: list[list[Any]] = lay.rows()
                bias: list[Any] = list(lay.bias)
            else:
                n_w = lay.inputs * lay.outputs
                flat = weights[pos:pos + n_w]
                rows = [[flat[i * lay.outputs + j] for i in range(lay.inputs)] for j in range(lay.outputs)]
                bias = list(weights[pos + n_w:pos + n_w + lay.outputs])
                pos += n_w + lay.outputs
            signed = linear_signed(api, h, rows, bias, fmt)
            h = [activate(api, q, lay.activation, fmt, nonneg=s) for q, s in signed]
    return h


def activate(api: API, x: Var, activation: str, fmt: FixedPoint, *, nonneg: Var) -> Var:
    """``activation`` (one of :data:`~zkmpc.ai.model.ACTIVATIONS`) of ``x``, whose sign bit
    ``nonneg`` comes from :func:`circuits.gadgets.ml.rescale_signed`."""
    if activation == "relu":
        return relu(api, x, fmt, nonneg=nonneg)
    if activation == "sigmoid":
        return sigmoid(api, x, fmt, nonneg=nonneg)
    return x


def _define(model: FixedPointModel, private_weights: bool, argmax: bool) -> Any:
    def define(self: Any, api: API) -> None:
        fmt = model.fmt
        with api.scope("input"):
            xs = [sign_checked(api, v, fmt) for v in self.x]
        ws = None
        if private_weights:
            with api.scope("weights"):
                ws = [sign_checked(api, w, fmt) for w in self.weights]
                api.assert_equal(commit(api, ws, self.salt), self.commitment)
        out = model_forward(api, model, xs, ws)
        if argmax:
            with api.scope("argmax"):
                api.assert_equal(argmax_gadget(api, out, fmt), self.label)
        else:
            for v, y in zip(out, self.y):
                api.assert_equal(v, y)
    return define


@lru_cache(maxsize=16)
def model_class(model: FixedPointModel, *, private_weights: bool = False, argmax: bool = False) -> type[Circuit]:
    """The circuit class of ``model`` (see the module docstring)."""
    ann: dict[str, Any] = {}
    if private_weights:
        ann["commitment"] = Public[Field]
    if argmax:
        ann["label"] = Public[Field]
    else:
        ann["y"] = Public[Field, model.outputs]
    ann["x"] = Secret[Field, model.inputs]
    if private_weights:
        ann["weights"] = Secret[Field, model.num_weights]
        ann["salt"] = Secret[Field]
    name = f"Model{model.inputs}x{model.outputs}{'Private' if private_weights else ''}{'Argmax' if argmax else ''}"
    return type(name, (Circuit,), {"__annotations__": ann, "define": _define(model, private_weights, argmax),
                                   "__module__": __name__, "__qualname__": name})


@lru_cache(maxsize=16)
def model_circuit(model: FixedPointModel, *, private_weights: bool = False, argmax: bool = False) -> CompiledCircuit:
    """The compiled circuit of ``model`` (see the module docstring)."""
    return compile(model_class(model, private_weights=private_weights, argmax=argmax))


def assignment(cs: CompiledCircuit, model: FixedPointModel, x: Sequence[int], *, salt: int | None = None) -> Circuit:
    """The assignment of ``cs`` (a :func:`model_circuit` of ``model``) for the fixed-point
    input ``x``: outputs from :meth:`FixedPointModel.forward_fixed` (so every refusal, a
    value out of range or a wrong shape, is raised here before any proving); ``salt`` is
    needed with private weights.

    Raises:
        ShapeMismatchError: an input of the wrong length.
        FixedPointRangeError: an input or intermediate value out of the format's range.
        ModelFormatError: no salt for a circuit with private weights.
    """
    names = {item.name for item in cs.layout}
    y = model.forward_fixed(x)
    values: dict[str, Any] = {"x": [to_field(v) for v in x]}
    if "label" in names:
        values["label"] = model.predict_fixed(x) if len(y) > 1 else int(y[0] >= 0)
        if len(y) == 1:
            raise ShapeMismatchError("an argmax circuit needs at least two outputs")
    else:
        values["y"] = [to_field(v) for v in y]
    if "weights" in names:
        if salt is None:
            raise ModelFormatError("a circuit with private weights needs the commitment's salt")
        values["weights"] = [to_field(w) for w in model.flat_weights()]
        values["salt"] = salt
        values["commitment"] = model.commitment(salt)
    return cs.circuit(**values)


def constraints_by_layer(cs: CompiledCircuit) -> dict[str, int]:
    """Constraints by top-level scope (``input``, ``layer0``..., ``weights``, ``argmax``;
    ``other`` for rows outside any scope), in circuit order of first appearance."""
    out: dict[str, int] = {}
    for label, count in cs.stats().items():
        top = label.split(" @ ", 1)[0].split("/", 1)[0] if "/" in label else "other"
        out[top] = out.get(top, 0) + count
    order = ["input", "weights", *sorted((k for k in out if k.startswith("layer")), key=lambda k: int(k[5:]) if
                                          k[5:].isdigit() else 0), "argmax"]
    return {k: out[k] for k in [*order, *sorted(set(out) - set(order))] if k in out}
