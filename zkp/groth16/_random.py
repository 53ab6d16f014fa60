"""Randomness for Groth16: ``secrets`` by default; tests pass ``rng=``."""

from __future__ import annotations

import secrets
from typing import Any

from ..field import R


def random_fr(rng: Any = None, *, nonzero: bool = True) -> int:
    """A uniform element of Fr (non-zero by default) from ``rng`` or ``secrets``.

    ``rng`` may be any object with ``randbelow(n)`` (like ``secrets``) or ``randrange(n)``
    (like ``random.Random``, for reproducible tests only).
    """
    src = rng if rng is not None else secrets
    draw = getattr(src, "randbelow", None) or getattr(src, "randrange")
    while True:
        v = int(draw(R))
        if v or not nonzero:
            return v
