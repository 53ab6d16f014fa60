"""The AI model use cases at a small size: a private applicant's credit score above a public
threshold (examples/ai/credit_score.py) and committed weights' accuracy on a public test
set (examples/ai/model_accuracy.py), validated on the embedded EVM with their refusals;
the malicious-witness harness on both circuits (a higher threshold or accuracy, another
input or weight behind the commitment)."""

from __future__ import annotations

import io

import numpy as np
import pytest

from circuits.errors import UnsatisfiedConstraintError
from circuits.native.ml import to_field
from circuits.testing import ForgerySearch, input_wires
from examples.ai import credit_score, model_accuracy
from zkmpc.ai import FixedPointModel
from zkmpc.ai.accuracy import ModelOwner, TestSet, accuracy_circuit, predict
from zkmpc.ai.credit import CreditApplicant, credit_circuit
from zkmpc.errors import ModelFormatError, ShapeMismatchError

from ..conftest import unbound_wires

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]


def test_credit_score_on_the_embedded_evm() -> None:
    out = io.StringIO()
    figures = credit_score.main(["--members", "500"], out)
    assert [r[1] for r in figures["refused"]] == [
        "ScoreBelowThresholdError", "UnsatisfiedConstraintError", "InputCommitmentError", "UnknownRootError",
        "ScopeNotOpenError", "FixedPointRangeError"]
    (proof,) = figures["proofs"]
    assert proof["constraints"] == 628 and 200_000 < proof["gas"] < 260_000
    assert figures["facts"]["constraints by layer"] == {"input": 474, "layer0": 130, "threshold": 24}
    assert "validateProof" in out.getvalue()


def test_credit_score_on_a_node(anvil_url: str) -> None:
    figures = credit_score.main(["--members", "300", "--rpc", anvil_url, "--dev-keys"], io.StringIO())
    assert [r[1] for r in figures["refused"]][3:5] == ["UnknownRootError", "ScopeNotOpenError"]
    assert figures["proofs"][0]["gas"] > 200_000


def test_model_accuracy_on_the_embedded_evm() -> None:
    figures = model_accuracy.main(["--members", "40"], io.StringIO())
    assert [r[1] for r in figures["refused"]] == [
        "AccuracyBelowClaimError", "UnsatisfiedConstraintError", "ScopeNotOpenError", "WeightCommitmentError",
        "UnknownRootError"]
    (proof,) = figures["proofs"]
    assert proof["what"].startswith("the committed weights classify >= 32 of 40")
    assert 200_000 < proof["gas"] < 260_000
    parts = figures["facts"]["constraints by part"]
    assert parts["test_set"] == 40 * 34  # one rescale per sample (its top bit is the sign): the products are free


def small_model() -> FixedPointModel:
    return FixedPointModel.from_arrays([np.array([[1.0], [-2.0], [0.5]])], [np.array([0.25])], ["sigmoid"])


def test_no_forged_credit_score() -> None:
    model = small_model()
    cs = credit_circuit(model)
    alice = CreditApplicant(model, [3.0, 0.5, 1.0], salt=77)  # logit 2.75: score 0.9297 (952 / 1024)
    threshold = model.fmt.encode(0.9)
    w = cs.solve(alice.assignment(cs, threshold))
    assert unbound_wires(cs, w) == []
    search = ForgerySearch(cs, w)
    (t,) = input_wires(cs, "threshold")
    assert search.forge({t: alice.score() + 1}) is None  # a threshold above the score
    assert search.forge({t: threshold + 1}) is not None  # control: a slightly higher threshold is true
    x0 = input_wires(cs, "x")[0]
    assert search.forge({x0: to_field(alice.x[0] + 1)}) is None  # another input behind the commitment


def test_no_forged_accuracy() -> None:
    model = small_model()
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, (12, 3))
    test = TestSet.from_floats(model, x.tolist(), (x @ np.array([1.0, -2.0, 0.3]) > 0).astype(int).tolist())
    correct = test.correct(model)
    assert correct == sum(predict(model, r) == y for r, y in zip(test.x, test.labels)) and 0 < correct < 12
    cs = accuracy_circuit(model, test)
    w = cs.solve(ModelOwner(model, salt=5).assignment(cs, test, min_correct=correct))
    assert unbound_wires(cs, w) == []
    search = ForgerySearch(cs, w)
    (m,) = input_wires(cs, "min_correct")
    assert search.forge({m: correct + 1}) is None
    assert search.forge({m: correct - 1}) is not None  # control: a lower claim is true
    w0 = input_wires(cs, "weights")[0]
    assert search.forge({w0: w.values()[w0] + 1}) is None  # another weight behind the commitment


def test_accuracy_of_a_multiclass_mlp() -> None:
    """Three classes: the prediction is the argmax in circuit, a hit its equality with the label."""
    rng = np.random.default_rng(4)
    w1, w2 = rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (4, 3))
    model = FixedPointModel.from_arrays([w1, w2], [np.zeros(4), np.zeros(3)], ["relu", "none"])
    x = rng.normal(0, 1, (10, 3))
    labels = np.argmax(np.maximum(x @ w1, 0) @ w2, axis=1)
    labels[:3] = (labels[:3] + 1) % 3  # three wrong labels
    test = TestSet.from_floats(model, x.tolist(), labels.tolist())
    correct = test.correct(model)
    assert 5 <= correct <= 7
    cs = accuracy_circuit(model, test)
    owner = ModelOwner(model, salt=9)
    assert cs.solve(owner.assignment(cs, test, min_correct=correct)).public == [owner.commitment, correct]
    too_many = owner.assignment(cs, test, min_correct=correct)
    setattr(too_many, "min_correct", correct + 1)
    with pytest.raises(UnsatisfiedConstraintError, match="accuracy"):
        cs.solve(too_many)


def test_use_case_inputs_are_checked() -> None:
    model = small_model()
    with pytest.raises(ShapeMismatchError):
        TestSet.from_floats(model, [[0.0, 1.0, 2.0]], [0, 1])
    with pytest.raises(ShapeMismatchError):
        TestSet.from_floats(model, [[0.0, 1.0, 2.0]], [2])
    two = FixedPointModel.from_arrays([np.eye(2)], [np.zeros(2)], ["none"])
    with pytest.raises(ModelFormatError, match="one sigmoid output"):
        credit_circuit(two)
