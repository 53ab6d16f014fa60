"""The errors of the application layer (``zkmpc``): subclasses of ``ValueError`` (or
``RuntimeError`` for a chain or process that fails), so callers catch either the package's
hierarchy or the standard one. Each area of the package keeps its classes in its own
section below."""

from __future__ import annotations

__all__ = ["ZkmpcError"]


class ZkmpcError(Exception):
    """Base class of every error raised by the zkmpc application layer."""
