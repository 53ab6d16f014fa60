"""A public credit-scoring model scores a private applicant above the lender's threshold; the proof is checked on chain.

A lender publishes a logistic-regression credit model (trained here with scikit-learn on
synthetic applicants; standardisation folded into the weights) as a circuit with the
model's fixed-point weights as constants. At intake the lender checks the applicant's
documents and records a Poseidon commitment to their five features (a root of the
lender's app contract). The applicant proves, revealing none of the features:

- the features open the recorded commitment;
- the model's score of them (PLAN sigmoid, 10 fractional bits) is at least the lender's
  threshold (a scope the lender opens on chain).

Refused: an applicant below the threshold (no proof exists), features altered after
intake (off chain by the commitment, on chain as an unknown root), a proof against a
softer threshold the lender never opened, and a NaN feature.

    python -m examples.ai.credit_score [--members 10000] [--rpc URL --dev-keys]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from circuits.errors import UnsatisfiedConstraintError
from circuits.native.ml import to_field
from zkmpc.ai import FixedPointModel, constraints_by_layer
from zkmpc.ai.credit import CreditApplicant, credit_circuit
from zkmpc.contracts import AppLayout
from zkmpc.errors import (FixedPointRangeError, InputCommitmentError, ScopeNotOpenError, ScoreBelowThresholdError,
                          UnknownRootError)
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

FEATURES = ("income (k)", "debt-to-income", "years employed", "late payments (2 years)", "credit utilisation")
LAYOUT = AppLayout(num_public=2, roots=(0,), scope=1)  # input_commitment, threshold
THRESHOLD = 0.70
SEED = 20


def applicants(n: int, seed: int) -> tuple[Any, Any]:
    """``n`` synthetic applicants (features as in FEATURES) and whether they repaid."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.gamma(4, 12, n), rng.beta(2, 5, n), rng.exponential(6, n), rng.poisson(0.6, n),
                         rng.beta(2, 3, n)])
    logit = 0.04 * x[:, 0] - 4 * x[:, 1] + 0.15 * x[:, 2] - 0.9 * x[:, 3] - 2 * x[:, 4] + 1.0
    return x, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


def train(n: int) -> tuple[FixedPointModel, float]:
    """The lender's model on ``n`` applicants, and its float accuracy on them."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    x, y = applicants(n, SEED)
    mu, sd = x.mean(axis=0), x.std(axis=0)
    est = LogisticRegression().fit((x - mu) / sd, y)
    w = est.coef_[0] / sd
    b = est.intercept_ - (w * mu).sum()
    return FixedPointModel.from_arrays([w.reshape(-1, 1)], [b], ["sigmoid"]), float(est.score((x - mu) / sd, y))


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="ai: a private applicant's credit score above a public threshold")
    model, accuracy = train(args.members)
    report.fact("model", f"logistic regression on {args.members:,} synthetic applicants, {accuracy:.1%} accurate; "
                         f"features: {', '.join(FEATURES)}")
    cs = credit_circuit(model)
    report.fact("constraints by layer", constraints_by_layer(cs))
    onchain = OnChain.deploy(open_chain(args), cs, LAYOUT)
    threshold = model.fmt.encode(THRESHOLD)
    onchain.app.set_scope(threshold)
    report.fact("lender's threshold", f"score >= {THRESHOLD}")

    alice = CreditApplicant(model, [85.0, 0.18, 9.0, 0.0, 0.25])
    onchain.app.add_root(alice.commitment, set=0)  # intake: the documents checked, the commitment recorded
    proved = onchain.prove(alice.assignment(cs, threshold, recorded=alice.commitment))
    report.proof(proved, onchain.validate(proved), what=f"the applicant's score is >= {THRESHOLD} "
                                                        "(features and score hidden)", onchain=onchain)
    report.fact("applicant's score (known to the applicant only)", f"{model.fmt.decode(alice.score()):.3f}")
    _refusals(report, onchain, model, alice, threshold)
    return report.figures


def _refusals(report: Report, onchain: OnChain, model: FixedPointModel, alice: CreditApplicant,
              threshold: int) -> None:
    cs = onchain.circuit
    bob = CreditApplicant(model, [45.0, 0.35, 3.0, 1.0, 0.5])
    onchain.app.add_root(bob.commitment, set=0)
    report.expect_refusal(f"an applicant scoring {model.fmt.decode(bob.score()):.3f} < {THRESHOLD}",
                          lambda: bob.assignment(cs, threshold, recorded=bob.commitment), ScoreBelowThresholdError)
    report.expect_refusal("the same applicant's witness given to the circuit anyway (no witness exists)",
                          lambda: cs.solve(cs.circuit(input_commitment=bob.commitment, threshold=threshold,
                                                      x=[to_field(v) for v in bob.x],
                                                      salt=bob.salt)), UnsatisfiedConstraintError)
    altered = CreditApplicant(model, [90.0, 0.1, 10.0, 0.0, 0.1], salt=bob.salt)  # a better applicant's figures
    report.expect_refusal("features altered after intake (off chain: the recorded commitment)",
                          lambda: altered.assignment(cs, threshold, recorded=bob.commitment), InputCommitmentError)
    forged = onchain.prove(altered.assignment(cs, threshold))
    report.expect_refusal("features altered after intake, proven against their own commitment (on chain)",
                          lambda: onchain.validate(forged), UnknownRootError)
    softer = model.fmt.encode(0.4)
    soft = onchain.prove(bob.assignment(cs, softer, recorded=bob.commitment))
    report.expect_refusal("a score >= 0.4 proven against a threshold the lender never opened",
                          lambda: onchain.validate(soft), ScopeNotOpenError)
    report.expect_refusal("a NaN feature", lambda: CreditApplicant(model, [40.0, float("nan"), 1.0, 0.0, 0.5]),
                          FixedPointRangeError)


if __name__ == "__main__":
    main(sys.argv[1:])
