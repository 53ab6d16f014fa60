"""Credit scoring on a private applicant: a public logistic model scores committed private
features, and the proof says only that the score reaches the lender's public threshold.

The lender's intake records a Poseidon commitment to the applicant's features (checked
documents; :meth:`CreditApplicant.commitment`), which becomes a recorded root of the
lender's app contract; the applicant then proves, without revealing them:

- the features open that commitment (with the applicant's salt) and fit the format;
- the public model's PLAN-sigmoid score of them is at least the threshold.

Public signals: ``[input_commitment, threshold]``; the threshold is a scope the lender
opens on chain, so a proof against a softer threshold is refused there.

    >>> import numpy as np
    >>> from zkmpc.ai import FixedPointModel
    >>> model = FixedPointModel.from_arrays([np.array([[1.0], [-2.0]])], [np.array([0.0])], ["sigmoid"])
    >>> cs = credit_circuit(model)
    >>> alice = CreditApplicant(model, [3.0, 0.5], salt=99)
    >>> threshold = model.fmt.encode(0.75)
    >>> w = cs.solve(alice.assignment(cs, threshold))
    >>> w.public == [alice.commitment, threshold]
    True
    >>> alice.assignment(cs, model.fmt.encode(0.95))
    Traceback (most recent call last):
    ...
    zkmpc.errors.ScoreBelowThresholdError: the applicant's score 0.8750 is below the threshold 0.9502: no proof exists
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

from circuits import Circuit, CompiledCircuit, Field, Public, Secret, compile
from circuits.api import API
from circuits.gadgets.ml import commit, sign_checked
from circuits.native import ml as native
from circuits.native.ml import to_field

from ..errors import InputCommitmentError, ModelFormatError, ScoreBelowThresholdError
from ..randomness import random_below
from .circuit import model_forward
from .model import FixedPointModel

__all__ = ["credit_class", "credit_circuit", "CreditApplicant", "LAYOUT_SIGNALS"]

#: the public signals, in order
LAYOUT_SIGNALS = ("input_commitment", "threshold")


def _check_model(model: FixedPointModel) -> None:
    if model.outputs != 1 or model.layers[-1].activation != "sigmoid":
        raise ModelFormatError(f"a credit model: expected one sigmoid output (a logistic score), found "
                               f"{model.outputs} outputs, last activation {model.layers[-1].activation!r}")


def _define(model: FixedPointModel) -> Any:
    def define(self: Any, api: API) -> None:
        fmt = model.fmt
        with api.scope("input"):
            xs = [sign_checked(api, v, fmt) for v in self.x]
            api.assert_equal(commit(api, xs, self.salt), self.input_commitment)
        score = model_forward(api, model, xs)[0]
        with api.scope("threshold"):
            api.to_bits(score - self.threshold, fmt.bits)  # 0 <= score - threshold: both in [0, 1]
    return define


@lru_cache(maxsize=8)
def credit_class(model: FixedPointModel) -> type[Circuit]:
    """The circuit class for a public scoring ``model`` (one sigmoid output)."""
    _check_model(model)
    ann = {"input_commitment": Public[Field], "threshold": Public[Field],
           "x": Secret[Field, model.inputs], "salt": Secret[Field]}
    name = f"CreditScore{model.inputs}"
    return type(name, (Circuit,), {"__annotations__": ann, "define": _define(model), "__module__": __name__,
                                   "__qualname__": name})


@lru_cache(maxsize=8)
def credit_circuit(model: FixedPointModel) -> CompiledCircuit:
    """The compiled credit-scoring circuit of ``model``."""
    return compile(credit_class(model))


class CreditApplicant:
    """An applicant's private features (floats, quantized here: NaN, infinities and
    values out of the format are refused with :class:`FixedPointRangeError`) and the
    salt of their commitment (``secrets``, or ``rng`` in tests)."""

    def __init__(self, model: FixedPointModel, features: Sequence[float], *, salt: int | None = None,
                 rng: Any = None) -> None:
        _check_model(model)
        self.model = model
        self.x = model.quantize(features)
        self.salt = random_below(2**253, rng=rng) if salt is None else salt

    @property
    def commitment(self) -> int:
        """The Poseidon commitment to the features (what the lender's intake records)."""
        return native.commit(self.x, self.salt)

    def score(self) -> int:
        """The model's fixed-point score of the features (exactly the circuit's)."""
        return self.model.forward_fixed(self.x)[0]

    def assignment(self, cs: CompiledCircuit, threshold: int, *, recorded: int | None = None) -> Circuit:
        """The circuit's assignment for ``threshold`` (a fixed-point score).

        Raises:
            InputCommitmentError: ``recorded`` (the commitment on the lender's record) is
                given and these features do not open it.
            ScoreBelowThresholdError: the score is below the threshold (no proof exists).
        """
        if recorded is not None and recorded != self.commitment:
            raise InputCommitmentError("the applicant's features do not open the commitment on record "
                                       f"({recorded:#x}): altered after intake")
        fmt = self.model.fmt
        score = self.score()
        if score < threshold:
            raise ScoreBelowThresholdError(f"the applicant's score {fmt.decode(score):.4f} is below the threshold "
                                           f"{fmt.decode(threshold):.4f}: no proof exists")
        return cs.circuit(input_commitment=self.commitment, threshold=to_field(threshold),
                          x=[to_field(v) for v in self.x], salt=self.salt)
