"""Input checks shared by the finance modules: ints in a range, never reduced."""

from __future__ import annotations


from zkp.field import R

from ..credentials import Rng
from ..errors import FinanceFormatError
from ..randomness import random_below as shared_random_below

__all__ = ["uint", "field_element", "random_below"]


def uint(v: object, bits: int, what: str) -> int:
    """``v`` if it is an int in ``[0, 2**bits)``, else :class:`FinanceFormatError`."""
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 1 << bits:
        raise FinanceFormatError(f"{what}: expected an int in [0, 2**{bits}), found {v!r:.80}")
    return v


def field_element(v: object, what: str) -> int:
    """``v`` if it is an int in ``[0, r)`` (never reduced), else :class:`FinanceFormatError`."""
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < R:
        raise FinanceFormatError(f"{what}: expected a field element (an int in [0, r)), found {v!r:.80}")
    return v


def random_below(n: int, *, floor: int = 0, rng: Rng | None = None) -> int:
    """A uniform int in ``[floor, n)``: ``secrets``, or ``rng`` (rejection sampling) in tests."""
    return shared_random_below(n, floor=floor, rng=rng, error=FinanceFormatError)