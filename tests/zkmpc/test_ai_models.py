"""Fixed-point models (zkmpc.ai): loaded from numpy, scikit-learn and ONNX; the native
twin within its documented error of the float model over 1,000 inputs; the circuit equal
to the native twin exactly over a sample; private committed weights; named errors for
NaN/inf weights, out-of-range inputs, mismatched shapes and unsupported operators."""

from __future__ import annotations

import random
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from circuits.errors import UnsatisfiedConstraintError
from circuits.native.ml import FixedPoint, from_field, to_field
from circuits.testing import ForgerySearch, input_wires
from zkmpc.ai import FixedPointModel, assignment, constraints_by_layer, model_circuit
from zkmpc.errors import (FixedPointRangeError, ModelFormatError, NonFiniteWeightError, ShapeMismatchError,
                          UnsupportedLayerError)

from ..conftest import unbound_wires

pytestmark = pytest.mark.app_layer


def data(n: int, d: int, classes: int, seed: int) -> tuple[Any, Any]:
    """A synthetic classification set: Gaussian blobs around random centres."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 2, size=(classes, d))
    y = rng.integers(0, classes, size=n)
    return centres[y] + rng.normal(0, 1, size=(n, d)), y


@pytest.fixture(scope="module")
def logistic() -> FixedPointModel:
    from sklearn.linear_model import LogisticRegression

    x, y = data(400, 6, 2, 1)
    return FixedPointModel.from_sklearn(LogisticRegression().fit(x, y))


@pytest.fixture(scope="module")
def mlp() -> FixedPointModel:
    from sklearn.neural_network import MLPClassifier

    x, y = data(400, 5, 3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged at 400 iterations: good enough weights for the test
        est = MLPClassifier(hidden_layer_sizes=(8,), activation="relu", max_iter=400, random_state=0).fit(x, y)
    return FixedPointModel.from_sklearn(est)


def check_against_float(model: FixedPointModel, x: Any) -> int:
    """Every output of the native twin within error_bound of the float model; returns how
    many predictions agree with the float model's."""
    want = model.forward_float(x)
    bound = model.error_bound(x)
    agree = 0
    for row, w, b in zip(x, want, bound):
        q = model.quantize(row)
        got = np.array([model.fmt.decode(v) for v in model.forward_fixed(q)])
        assert np.all(np.abs(got - w) <= b), (row, got, w, b)
        agree += int(model.predict_fixed(q) == (int(w[0] >= 0.5) if len(w) == 1 else int(np.argmax(w))))
    return agree


def test_logistic_regression_within_its_bound_over_1000_inputs(logistic: FixedPointModel) -> None:
    x, _ = data(1000, 6, 2, 3)
    assert check_against_float(logistic, x) >= 990  # disagreements only within the bound of 0.5
    assert float(logistic.error_bound(x).max()) < 0.025  # the PLAN sigmoid's 0.019 dominates


def test_mlp_within_its_bound_over_1000_inputs(mlp: FixedPointModel) -> None:
    x, _ = data(1000, 5, 3, 4)
    assert check_against_float(mlp, x) >= 995
    assert float(mlp.error_bound(x).max()) < 0.1  # logits: a worst case over every rounding


@pytest.mark.parametrize("which", ["logistic", "mlp"])
def test_the_circuit_equals_the_native_twin(which: str, request: pytest.FixtureRequest) -> None:
    model: FixedPointModel = request.getfixturevalue(which)
    cs = model_circuit(model)
    x, _ = data(40, model.inputs, 2, 5)
    for row in x:
        q = model.quantize(row)
        assert [from_field(v) for v in cs.solve(assignment(cs, model, q)).public] == model.forward_fixed(q)


def test_the_argmax_circuit_gives_the_predicted_class(mlp: FixedPointModel) -> None:
    cs = model_circuit(mlp, argmax=True)
    x, _ = data(20, 5, 3, 6)
    labels = [cs.solve(assignment(cs, mlp, mlp.quantize(row))).public[0] for row in x]
    assert labels == [mlp.predict_fixed(mlp.quantize(row)) for row in x]
    assert len(set(labels)) >= 2


def test_private_weights_cost_one_constraint_per_product_and_are_committed(mlp: FixedPointModel) -> None:
    cs = model_circuit(mlp, private_weights=True)
    stats = cs.stats()
    products = {k: v for k, v in stats.items() if "products/mul" in k}
    assert products == {"layer0/products/mul": 5 * 8, "layer1/products/mul": 8 * 3}
    public = model_circuit(mlp)
    assert not any("products" in k for k in public.stats())  # public weights: free linear combinations
    by_layer = constraints_by_layer(cs)
    assert list(by_layer) == ["input", "weights", "layer0", "layer1"]
    assert sum(by_layer.values()) == sum(stats.values())
    q = mlp.quantize([0.5, -1.0, 2.0, 0.0, 1.5])
    w = cs.solve(assignment(cs, mlp, q, salt=1234))
    assert w.public[0] == mlp.commitment(1234) and [from_field(v) for v in w.public[1:]] == mlp.forward_fixed(q)
    with pytest.raises(UnsatisfiedConstraintError, match="weights"):
        bad = assignment(cs, mlp, q, salt=1234)
        bad.commitment = mlp.commitment(1235)
        cs.solve(bad)


def test_no_forged_output_of_a_model(mlp: FixedPointModel) -> None:
    cs = model_circuit(mlp)
    q = mlp.quantize([0.5, -1.0, 2.0, 0.0, 1.5])
    w = cs.solve(assignment(cs, mlp, q))
    search = ForgerySearch(cs, w, free=unbound_wires(cs, w))
    assert unbound_wires(cs, w) == []
    for i, y in enumerate(mlp.forward_fixed(q)):
        for wrong in (y + 1, y - 1, 0):
            if wrong != y:
                assert search.forge({input_wires(cs, "y")[i]: to_field(wrong)}) is None


def onnx_mlp(path: Path, *, extra_op: str | None = None, alpha: float = 1.0) -> tuple[list[Any], list[Any]]:
    """An ONNX MLP 4-6-2: Gemm (transB) + Relu, MatMul + Add + Sigmoid; its float arrays."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(7)
    w1, b1 = rng.normal(0, 0.5, (6, 4)), rng.normal(0, 0.1, 6)  # Gemm's B with transB = 1: (out, in)
    w2, b2 = rng.normal(0, 0.5, (6, 2)), rng.normal(0, 0.1, 2)
    inits = [numpy_helper.from_array(a.astype(np.float32), n)
             for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    nodes = [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1, alpha=alpha),
             helper.make_node(extra_op or "Relu", ["h"], ["r"]),
             helper.make_node("MatMul", ["r", "w2"], ["m"]), helper.make_node("Add", ["m", "b2"], ["a"]),
             helper.make_node("Sigmoid", ["a"], ["y"])]
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], inits)
    onnx.save(helper.make_model(graph), str(path))
    f32 = [a.astype(np.float32).astype(float) for a in (w1, b1, w2, b2)]
    return [f32[0].T, f32[2]], [f32[1], f32[3]]


def test_an_onnx_mlp_loads_and_proves(tmp_path: Path) -> None:
    path = tmp_path / "mlp.onnx"
    weights, biases = onnx_mlp(path)
    model = FixedPointModel.from_onnx(path)
    same = FixedPointModel.from_arrays(weights, biases, ["relu", "sigmoid"])
    assert model.layers == same.layers
    x, _ = data(1000, 4, 2, 8)
    check_against_float(model, x)
    cs = model_circuit(model)
    for row in x[:10]:
        q = model.quantize(row)
        assert [from_field(v) for v in cs.solve(assignment(cs, model, q)).public] == model.forward_fixed(q)
    assert FixedPointModel.from_onnx(path.read_bytes()).layers == model.layers


def test_unsupported_onnx_operators_are_named(tmp_path: Path) -> None:
    onnx_mlp(tmp_path / "tanh.onnx", extra_op="Tanh")
    with pytest.raises(UnsupportedLayerError, match="'Tanh'"):
        FixedPointModel.from_onnx(tmp_path / "tanh.onnx")
    onnx_mlp(tmp_path / "alpha.onnx", alpha=2.0)
    with pytest.raises(UnsupportedLayerError, match="alpha"):
        FixedPointModel.from_onnx(tmp_path / "alpha.onnx")
    (tmp_path / "junk.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelFormatError):
        FixedPointModel.from_onnx(tmp_path / "junk.onnx")


def test_unsupported_sklearn_models_are_named() -> None:
    from sklearn.neural_network import MLPClassifier
    from sklearn.tree import DecisionTreeClassifier

    x, y = data(100, 3, 2, 9)
    with pytest.raises(UnsupportedLayerError, match="tanh"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tanh = MLPClassifier((4,), activation="tanh", max_iter=50).fit(x, y)
        FixedPointModel.from_sklearn(tanh)
    with pytest.raises(ModelFormatError, match="DecisionTreeClassifier"):
        FixedPointModel.from_sklearn(DecisionTreeClassifier().fit(x, y))


def test_bad_weights_inputs_and_shapes_are_refused_before_proving() -> None:
    w, b = np.ones((3, 2)), np.zeros(2)
    with pytest.raises(NonFiniteWeightError, match="nan"):
        FixedPointModel.from_arrays([np.where(np.eye(3, 2) > 0, np.nan, 1.0)], [b], ["none"])
    with pytest.raises(NonFiniteWeightError, match="inf"):
        FixedPointModel.from_arrays([w], [np.array([0.0, np.inf])], ["none"])
    with pytest.raises(FixedPointRangeError, match="weight"):
        FixedPointModel.from_arrays([w * 1e6], [b], ["none"])
    with pytest.raises(ShapeMismatchError):
        FixedPointModel.from_arrays([w, np.ones((3, 1))], [b, np.zeros(1)], ["relu", "none"])
    with pytest.raises(ShapeMismatchError):
        FixedPointModel.from_arrays([w], [np.zeros(3)], ["none"])
    with pytest.raises(UnsupportedLayerError, match="softplus"):
        FixedPointModel.from_arrays([w], [b], ["softplus"])
    m = FixedPointModel.from_arrays([w], [b], ["none"], fmt=FixedPoint(frac_bits=8, bits=16))
    with pytest.raises(FixedPointRangeError, match="input 1"):
        m.quantize([0.0, 200.0, 0.0])
    with pytest.raises(FixedPointRangeError, match="finite"):
        m.quantize([0.0, float("inf"), 0.0])
    with pytest.raises(ShapeMismatchError):
        m.quantize([0.0, 1.0])
    with pytest.raises(FixedPointRangeError, match="layer 0"):  # 3 * 100 overflows the 16-bit format
        m.forward_fixed(m.quantize([100.0, 100.0, 100.0]))
    cs = model_circuit(m)
    with pytest.raises(FixedPointRangeError):  # before any solving or proving
        assignment(cs, m, [m.fmt.hi + 1, 0, 0])


def test_random_models_equal_their_circuit_at_the_format_edges() -> None:
    rng = random.Random(11)
    fmt = FixedPoint(frac_bits=6, bits=12)
    m = FixedPointModel.from_arrays([np.array([[0.5, -0.25], [1.0, 0.75]])], [np.array([0.1, -0.1])], ["sigmoid"],
                                    fmt=fmt)
    cs = model_circuit(m)
    for _ in range(200):
        q = [rng.choice([fmt.lo // 2, fmt.hi // 2, 0, rng.randint(fmt.lo // 2, fmt.hi // 2)]) for _ in range(2)]
        assert [from_field(v) for v in cs.solve(assignment(cs, m, q)).public] == m.forward_fixed(q)


def test_the_benchmark_runs_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import ai as bench

    assert bench.main(["--inputs", "16", "--hidden", "4", "--outputs", "3", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "constraints: 428 " in out  # 16 inputs x 16 bits, 4 x (24 + 1), 3 x 24
    for row in ("input", "layer0", "layer1", "prove, in process (s)", "zkmpc prove, peak RSS (MB)", "EZKL"):
        assert row in out


def test_onnx_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    from mpc.errors import MissingExtraError

    monkeypatch.setitem(sys.modules, "onnx", None)  # as if the ai extra were not installed
    with pytest.raises(MissingExtraError, match=r"zkmpc\[ai\]"):
        FixedPointModel.from_onnx(tmp_path / "mlp.onnx")
