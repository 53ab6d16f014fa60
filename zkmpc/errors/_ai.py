"""The errors of :mod:`zkmpc.ai`: federated learning and fixed-point models."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["FederatedError", "UpdateLengthError", "UpdateNotFiniteError", "UpdateRangeError", "ServerModelError",
           "ModelError", "ModelFormatError", "NonFiniteWeightError", "FixedPointRangeError",
           "ShapeMismatchError", "UnsupportedLayerError", "ScoreBelowThresholdError",
           "InputCommitmentError", "AccuracyBelowClaimError", "WeightCommitmentError"]


# --- ai: federated learning (zkmpc.ai.federated)


class FederatedError(ZkmpcError, ValueError):
    """Base class of federated learning's refusals, raised by an institution before it
    sends anything for the round."""


class UpdateLengthError(FederatedError):
    """An update with a length other than the model's parameter count."""


class UpdateNotFiniteError(FederatedError):
    """An update with NaN or an infinity in it."""


class UpdateRangeError(FederatedError):
    """A value beyond the fixed-point bound of the update format, or a row count outside
    ``[1, max_rows]`` (a weight past the fixed-point range)."""


class ServerModelError(FederatedError):
    """A model from the server that is malformed (length, NaN) or is not the previous model
    plus the average the secure sum of the round gave."""


# --- ai models (zkmpc.ai: fixed-point models, their circuits and use cases)


class ModelError(ZkmpcError, ValueError):
    """Base class of the model errors (zkmpc.ai)."""


class ModelFormatError(ModelError):
    """A model that cannot be loaded: an unknown scikit-learn estimator or activation, an
    ONNX graph whose shape is not a chain of layers, an unreadable file."""


class NonFiniteWeightError(ModelError):
    """A weight or bias that is NaN or infinite."""


class FixedPointRangeError(ModelError):
    """A weight, bias, input or intermediate value outside the fixed-point format's range
    (or a NaN/infinite input): the circuit cannot represent it."""


class ShapeMismatchError(ModelError):
    """Layers whose shapes do not chain, or an input of the wrong length."""


class UnsupportedLayerError(ModelError):
    """An ONNX operator (or activation) the model circuits do not implement; the message
    names it."""


class ScoreBelowThresholdError(ModelError):
    """A model's score for a private input below the public threshold: nothing to prove."""


class InputCommitmentError(ModelError):
    """A private input (or salt) that does not open the commitment on record."""


class AccuracyBelowClaimError(ModelError):
    """A model whose accuracy on the public test set is below the accuracy claimed."""


class WeightCommitmentError(ModelError):
    """Weights (or a salt) that do not open the committed model's commitment."""
