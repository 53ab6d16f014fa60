"""Native twin of :mod:`circuits.gadgets.bigint`: integers as limbs in base ``2**width``.

    >>> to_limbs(0x1234, 8, 3)
    [52, 18, 0]
    >>> from_limbs([52, 18, 0], 8)
    4660
    >>> limb_count(2048, 121)
    17
"""

from __future__ import annotations

from typing import Sequence

__all__ = ["to_limbs", "from_limbs", "limb_count"]


def limb_count(bits: int, width: int) -> int:
    """How many limbs of ``width`` bits hold ``bits`` bits."""
    return max(1, -(-bits // width))


def to_limbs(x: int, width: int, k: int) -> list[int]:
    """The ``k`` limbs of ``0 <= x < 2**(width * k)``, least significant first.

    Raises:
        ValueError: ``x`` is negative or does not fit.
    """
    if x < 0 or x >> (width * k):
        raise ValueError(f"to_limbs: expected 0 <= x < 2**{width * k}, found a value of {x.bit_length()} bits"
                         + (" (negative)" if x < 0 else ""))
    mask = (1 << width) - 1
    return [(x >> (width * i)) & mask for i in range(k)]


def from_limbs(limbs: Sequence[int], width: int) -> int:
    """The integer ``sum(limbs[i] * 2**(width * i))``."""
    return sum(int(v) << (width * i) for i, v in enumerate(limbs))
