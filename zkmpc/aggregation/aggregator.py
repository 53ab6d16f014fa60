"""An aggregator: checks that each share it receives opens its commitment, then publishes the
total of its shares and of their blinding factors.

Aggregator ``i`` holds only share ``i`` of each contribution: uniformly random mod ``l`` for
any ``k - 1`` aggregators, so no coalition short of all ``k`` learns anything about a single
input. Its :class:`Total` opens the sum of the accepted contributions' commitments ``i``,
which anyone checks with :class:`~.auditor.Auditor`.

    >>> import random, warnings
    >>> from zkmpc.aggregation import AggregationKeys, Contributor, Shape
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     keys = AggregationKeys.setup(Shape(k=2, bits=8), rng=random.Random(1))
    >>> con, shares = Contributor(keys).contribute(1, 42, rng=random.Random(2))
    >>> agg = Aggregator(keys, 0)
    >>> agg.receive(con, shares[0])
    >>> agg.receive(con, shares[1])
    Traceback (most recent call last):
    ...
    zkmpc.errors.ContributionFormatError: contribution 1: a share for aggregator 1 sent to aggregator 0
    >>> forged = Share(1, 0, ((shares[0].values[0] + 1) % ORDER,), shares[0].blinding)
    >>> Aggregator(keys, 0).receive(con, forged)
    Traceback (most recent call last):
    ...
    zkmpc.errors.ShareOpeningError: contribution 1: share 0 does not open commitment 0
    >>> agg.total([1]).tags
    (1,)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import AggregateMismatchError, ContributionFormatError, DuplicateContributionError, ShareOpeningError
from .contribution import Contribution, Share, check_tag
from .generators import ORDER
from .keys import AggregationKeys

__all__ = ["Aggregator", "Total"]


@dataclass(frozen=True)
class Total:
    """What aggregator ``index`` publishes: the tags it summed, the sums mod ``l`` of its
    shares of each value, and the sum mod ``l`` of their blinding factors."""

    index: int
    tags: tuple[int, ...]
    values: tuple[int, ...]
    blinding: int


def _scalar(value: object, what: str, tag: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < ORDER:
        raise ContributionFormatError(f"contribution {tag}: {what}: expected an int in [0, l), found {value!r}",
                                      contributor=tag)
    return value


class Aggregator:
    """Aggregator ``index`` (0..k-1) of the keys' shape."""

    def __init__(self, keys: AggregationKeys, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < keys.shape.k:
            raise ContributionFormatError(f"aggregator index: expected an int in [0, {keys.shape.k}), found {index!r}")
        self.keys = keys
        self.index = index
        self._shares: dict[int, Share] = {}

    def check_share(self, contribution: Contribution, share: Share) -> None:
        """Raise unless ``share`` is well formed and opens the contribution's commitment
        ``index``: ``commitment = sum_j values[j] G_j + blinding H``.

        Raises:
            ContributionFormatError: wrong tag, index or lengths; a scalar outside [0, l).
            ShareOpeningError: the share does not open the commitment.
        """
        tag = check_tag(contribution.tag)
        if not isinstance(share, Share) or share.tag != tag:
            found = share.tag if isinstance(share, Share) else type(share).__name__
            raise ContributionFormatError(f"contribution {tag}: expected its share, found one of {found!r}",
                                          contributor=tag)
        if share.index != self.index:
            raise ContributionFormatError(f"contribution {tag}: a share for aggregator {share.index!r} sent to "
                                          f"aggregator {self.index}", contributor=tag)
        if not isinstance(share.values, tuple) or len(share.values) != self.keys.shape.length:
            raise ContributionFormatError(f"contribution {tag}: expected {self.keys.shape.length} share values",
                                          contributor=tag)
        values = [_scalar(v, f"share value {j}", tag) for j, v in enumerate(share.values)]
        blinding = _scalar(share.blinding, "blinding factor", tag)
        if len(contribution.commitments) != self.keys.shape.k:
            raise ContributionFormatError(f"contribution {tag}: expected {self.keys.shape.k} commitments, "
                                          f"found {len(contribution.commitments)}", contributor=tag)
        if self.keys.generators.commit(values, blinding) != contribution.commitments[self.index]:
            raise ShareOpeningError(f"contribution {tag}: share {self.index} does not open commitment {self.index}",
                                    contributor=tag)

    def receive(self, contribution: Contribution, share: Share) -> None:
        """Check ``share`` (:meth:`check_share`) and keep it.

        Raises:
            DuplicateContributionError: a share of this tag was received already.
        """
        self.check_share(contribution, share)
        if share.tag in self._shares:
            raise DuplicateContributionError(f"contribution {share.tag}: received twice", contributor=share.tag)
        self._shares[share.tag] = share

    @property
    def tags(self) -> tuple[int, ...]:
        """The tags of the shares received and kept."""
        return tuple(self._shares)

    def total(self, tags: Sequence[int]) -> Total:
        """The total over the contributions ``tags`` (those every party accepted).

        Raises:
            AggregateMismatchError: a tag whose share this aggregator does not hold (named),
                or a tag given twice.
        """
        if len(set(tags)) != len(tags):
            raise AggregateMismatchError(f"aggregator {self.index}: expected distinct tags, found a repeated one")
        sums = [0] * self.keys.shape.length
        blinding = 0
        for tag in tags:
            share = self._shares.get(tag)
            if share is None:
                raise AggregateMismatchError(f"aggregator {self.index}: no accepted share of contribution {tag}",
                                             contributor=tag)
            sums = [(a + b) % ORDER for a, b in zip(sums, share.values)]
            blinding = (blinding + share.blinding) % ORDER
        return Total(self.index, tuple(tags), tuple(sums), blinding)
