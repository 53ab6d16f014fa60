"""Input checks shared by the native twins."""

from __future__ import annotations

from zkp.field import R

from ..errors import CircuitTypeError


def field_element(v: object, what: str) -> int:
    """``v`` if it is an int in ``[0, r)`` (bools refused), else :class:`CircuitTypeError`."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise CircuitTypeError(f"{what}: expected an int, found {type(v).__name__}")
    if not 0 <= v < R:
        raise CircuitTypeError(f"{what}: not a field element (0 <= x < r)")
    return v
