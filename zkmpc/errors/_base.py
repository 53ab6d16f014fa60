"""The base class of every error of the application layer."""

from __future__ import annotations

__all__ = ["ZkmpcError"]


class ZkmpcError(Exception):
    """Base class of every error raised by the zkmpc application layer."""
