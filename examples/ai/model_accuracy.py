"""A model owner proves that committed private weights reach at least 80 % accuracy on a public test set.

A model owner trains a classifier (a logistic regression on their own synthetic data,
8 features) and publishes a Poseidon commitment to its fixed-point weights, recorded in a
model registry's app contract. A buyer publishes a test set and a required accuracy (the
number of correct samples, a scope the buyer opens on chain). The owner proves, revealing
no weight:

- the private weights open the published commitment and fit the format;
- with them the model classifies at least the required number of test samples correctly
  (the test set is part of the circuit: its products with the weights are free).

Refused: a claim above the model's real accuracy (no proof exists), a proof of a lower
accuracy than the buyer requires (a scope never opened), and another model's weights
against the commitment (off chain, and on chain as an unknown commitment).

    python -m examples.ai.model_accuracy [--members 1000] [--rpc URL --dev-keys]

``--members`` is the size of the public test set.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from circuits.errors import UnsatisfiedConstraintError
from zkmpc.ai import FixedPointModel, constraints_by_layer
from zkmpc.ai.accuracy import ModelOwner, TestSet, accuracy_circuit, min_correct_for
from zkmpc.contracts import AppLayout
from zkmpc.errors import AccuracyBelowClaimError, ScopeNotOpenError, UnknownRootError, WeightCommitmentError
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

LAYOUT = AppLayout(num_public=2, roots=(0,), scope=1)  # commitment, min_correct
REQUIRED = 80.0
FEATURES = 8


def dataset(n: int, seed: int) -> tuple[Any, Any]:
    """``n`` samples of a fixed binary task (a hidden linear rule with noise)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    truth = np.linspace(-1.5, 1.5, FEATURES)
    x = rng.normal(0, 1, size=(n, FEATURES))
    return x, ((x @ truth + 0.3 + rng.normal(0, 1.0, n)) > 0).astype(int)


def train(n: int, seed: int) -> FixedPointModel:
    """A logistic regression on ``n`` of the owner's samples."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    x, y = dataset(n, seed)
    return FixedPointModel.from_sklearn(LogisticRegression().fit(x, y))


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=1000)
    report = Report(out, title="ai: committed private weights reach a public accuracy on a public test set")
    model = train(5000, seed=1)
    owner = ModelOwner(model)
    x, y = dataset(args.members, seed=2)
    test = TestSet.from_floats(model, x.tolist(), y.tolist())
    correct = test.correct(model)
    cs = accuracy_circuit(model, test)
    report.fact("public test set", f"{len(test):,} samples, {FEATURES} features")
    report.fact("constraints by part", constraints_by_layer(cs))
    onchain = OnChain.deploy(open_chain(args), cs, LAYOUT)
    onchain.app.add_root(owner.commitment, set=0)  # the registry records the owner's published commitment
    required = min_correct_for(REQUIRED, len(test))
    onchain.app.set_scope(required)
    report.fact("buyer's requirement", f">= {REQUIRED:.0f} % ({required:,} of {len(test):,} correct)")
    proved = onchain.prove(owner.assignment(cs, test, min_correct=required, published=owner.commitment))
    report.proof(proved, onchain.validate(proved), what=f"the committed weights classify >= {required:,} of "
                                                        f"{len(test):,} test samples correctly (weights hidden)",
                 onchain=onchain)
    report.fact("the model's real accuracy (known to the owner only)",
                f"{correct:,} correct, {correct / len(test):.1%}")
    _refusals(report, onchain, owner, test, required, correct)
    return report.figures


def _refusals(report: Report, onchain: OnChain, owner: ModelOwner, test: TestSet, required: int,
              correct: int) -> None:
    cs = onchain.circuit
    report.expect_refusal(f"a claim of {correct + 1:,} correct, one more than the model achieves",
                          lambda: owner.assignment(cs, test, min_correct=correct + 1), AccuracyBelowClaimError)
    honest = owner.assignment(cs, test, min_correct=correct)
    setattr(honest, "min_correct", correct + 1)  # a claim the model does not reach
    report.expect_refusal("the same claim given to the circuit anyway (no witness exists)", lambda: cs.solve(honest),
                          UnsatisfiedConstraintError)
    lower = min_correct_for(REQUIRED - 20, len(test))
    weak = onchain.prove(owner.assignment(cs, test, min_correct=lower))
    report.expect_refusal(f"a proof of {lower:,} correct ({REQUIRED - 20:.0f} %), below the buyer's requirement",
                          lambda: onchain.validate(weak), ScopeNotOpenError)
    other = ModelOwner(train(200, seed=3), salt=owner.salt)  # another model, the same salt
    report.expect_refusal("another model's weights against the published commitment (off chain)",
                          lambda: other.assignment(cs, test, min_correct=required, published=owner.commitment),
                          WeightCommitmentError)
    swapped = onchain.prove(other.assignment(cs, test, min_correct=required))
    report.expect_refusal("another model's proof with its own commitment (on chain)",
                          lambda: onchain.validate(swapped), UnknownRootError)


if __name__ == "__main__":
    main(sys.argv[1:])
