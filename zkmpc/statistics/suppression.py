"""Small-cell suppression: a published table withholds every cell counted from fewer than
``threshold`` contributors (``0 < count < threshold``), so no published count singles out a
handful of people. Empty cells are published as 0 (an empty cell reveals that nobody fell
in it, the usual convention of statistical offices; pass ``suppress_zero=True`` to withhold
them too). Only the cells are published, no margins: row or column totals over a withheld
cell would let anyone recover it by subtraction, and secondary suppression is not done.

    >>> p = suppress_small_cells([12, 3, 0, 40], threshold=5)
    >>> p.cells, p.withheld, p.published_total
    ((12, None, 0, 40), 1, 52)
    >>> suppress_small_cells([12, 3, 0], threshold=5, suppress_zero=True).cells
    (12, None, None)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import ContributionFormatError

__all__ = ["Published", "suppress_small_cells"]


@dataclass(frozen=True)
class Published:
    """A table as published: ``cells`` (None where withheld) and the threshold applied."""

    cells: tuple[int | None, ...]
    threshold: int

    @property
    def withheld(self) -> int:
        """How many cells are withheld."""
        return sum(1 for c in self.cells if c is None)

    @property
    def published_total(self) -> int:
        """The sum of the published cells (not the grand total: withheld cells are left out)."""
        return sum(c for c in self.cells if c is not None)


def suppress_small_cells(counts: Sequence[int], threshold: int, *, suppress_zero: bool = False) -> Published:
    """Withhold the cells with ``0 < count < threshold`` (and the zeros with ``suppress_zero``).

    Raises:
        ContributionFormatError: a threshold below 1, or a count that is not an int >= 0.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ContributionFormatError(f"threshold: expected an int >= 1, found {threshold!r}")
    for j, c in enumerate(counts):
        if isinstance(c, bool) or not isinstance(c, int) or c < 0:
            raise ContributionFormatError(f"cell {j}: expected a count (an int >= 0), found {c!r}")
    low = 0 if suppress_zero else 1
    return Published(tuple(None if low <= c < threshold else c for c in counts), threshold)
