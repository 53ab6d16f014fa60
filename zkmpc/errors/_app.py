"""The errors of the use-case runner (:mod:`zkmpc.usecases`) and the command line (:mod:`zkmpc.cli`)."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["UseCaseError", "ProverRequestError", "PaillierFileError"]


# --- use cases (zkmpc.usecases: the runner and the catalogue of examples/<sector>/)


class UseCaseError(ZkmpcError, ValueError):
    """A use case that cannot run as asked: an unknown name or sector, examples that are not
    installed, a demonstrated refusal that did not happen."""


# --- command line (zkmpc.cli: the prover client, the Paillier commands)


class ProverRequestError(ZkmpcError, ValueError):
    """A prover server (``zkmpc prover serve``) refused a request (``status`` is the HTTP
    status)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class PaillierFileError(ZkmpcError, ValueError):
    """A file given to ``zkmpc paillier`` that cannot be used: the message names the file
    and, for a CSV value, its line (``data.csv:7: column 'salary': ...``)."""
