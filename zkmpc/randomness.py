"""Randomness for the application layer: ``secrets`` by default, a seeded source in tests.

    >>> import random
    >>> from zkmpc.randomness import random_below
    >>> 10 <= random_below(20, floor=10) < 20
    True
    >>> random_below(1000, rng=random.Random(1)) == random_below(1000, rng=random.Random(1))
    True
"""

from __future__ import annotations

import secrets
from typing import Protocol

from .errors import ZkmpcError

__all__ = ["Rng", "random_below"]

#: unusable draws in a row after which a source is refused as broken
MAX_DRAWS = 64


class Rng(Protocol):
    """What a randomised function of the application layer needs: ``secrets.SystemRandom()``
    (the default), or a seeded ``random.Random`` in tests."""

    def getrandbits(self, k: int, /) -> int: ...


def random_below(n: int, *, floor: int = 0, rng: Rng | None = None,
                 error: type[ZkmpcError] = ZkmpcError) -> int:
    """A uniform int in ``[floor, n)``: ``secrets``, or ``rng`` by rejection sampling (each
    draw lands with probability above 1/2 for a uniform source; :data:`MAX_DRAWS` misses in a
    row mean a broken one, refused with ``error``)."""
    if rng is None:
        return floor + secrets.randbelow(n - floor)
    k = max(n.bit_length(), 1)
    for _ in range(MAX_DRAWS):
        v = rng.getrandbits(k)
        if isinstance(v, int) and floor <= v < n:
            return v
    raise error(f"rng: {MAX_DRAWS} draws of getrandbits({k}) in a row gave nothing in [{floor}, {n}); "
                "expected a uniform source")
