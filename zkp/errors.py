"""The errors of the ``zkp`` package.

Every error zkp raises on bad input is a subclass of :class:`ZkpError` and of
``ValueError`` (or ``TypeError`` for values of the wrong Python type), so callers can
catch either the package's own hierarchy or the standard one.
"""

from __future__ import annotations

__all__ = [
    "ZkpError",
    "MalformedInputError",
    "InputTypeError",
    "SetupError",
    "UnsatisfiedError",
    "FormatError",
    "ToolError",
    "ChainError",
    "CeremonyError",
    "ProgramCheckFailed",
    "DevelopmentKeyWarning",
]


class ZkpError(Exception):
    """Base class of every error raised by zkp."""


class MalformedInputError(ZkpError, ValueError):
    """An input is not what the function accepts: a point off the curve or outside the
    subgroup, a coordinate >= p, a field element >= r, a wrong length or count."""


class InputTypeError(MalformedInputError, TypeError):
    """An input has the wrong Python type (a bool or float where an int is expected)."""


class SetupError(ZkpError, ValueError):
    """A constraint system or key cannot be set up (empty, too large, inconsistent)."""


class UnsatisfiedError(ZkpError, ValueError):
    """A witness does not satisfy a constraint system; names the first failing row."""

    def __init__(self, message: str, *, index: int = -1, label: str = "") -> None:
        super().__init__(message)
        self.index = index
        self.label = label


class FormatError(MalformedInputError):
    """A file or document (JSON, binary) is malformed, non-canonical or too large."""


class ToolError(ZkpError, RuntimeError):
    """An external tool (solc, node, an EVM node) is missing or failed; says which and how to
    install it. Not an input error: the same call works once the tool is there."""


class ChainError(ZkpError, RuntimeError):
    """A deployment or call on an EVM chain failed (reverted, out of gas, RPC error)."""


class CeremonyError(SetupError):
    """A ceremony transcript or key fails a check; the message names the check and, where
    there is one, the contribution (1-based, as snarkjs numbers them)."""


class ProgramCheckFailed(MalformedInputError):
    """A run reached a ``CHECK`` that the inputs do not satisfy: ``.check`` is its index."""

    def __init__(self, check: int) -> None:
        super().__init__(f"witness program: check {check} is not satisfied")
        self.check = check


class DevelopmentKeyWarning(UserWarning):
    """Issued when keys come from a single-party (development) setup."""
