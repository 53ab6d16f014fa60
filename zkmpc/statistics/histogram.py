"""A histogram round: contributors submit one-hot votes through :mod:`zkmpc.aggregation`,
the auditor screens the proofs, each aggregator checks its shares, the published totals are
checked against the commitments; every refusal names its contribution.

:func:`collect_histogram` runs the whole round in one process (each aggregator an
:class:`~zkmpc.aggregation.Aggregator` of its own, holding only its shares); a submission
whose shares never arrive (``shares=None``) is a dropout: published, left out of the totals.

    >>> import random
    >>> from zkmpc.aggregation import Contributor, Shape
    >>> keys = development_keys(Shape(k=2, length=2, kind="onehot", bits=1))
    >>> rng = random.Random(3)
    >>> made = [Contributor(keys).contribute(tag, one_hot(v, 2), rng=rng) for tag, v in ((1, 0), (2, 1), (3, 1))]
    >>> subs = [Submission(c, s) for c, s in made[:2]] + [Submission(made[2][0], None)]
    >>> got = collect_histogram(keys, subs, rng=rng)
    >>> got.counts, got.tags, got.dropped
    ((1, 1), (1, 2), (3,))
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from ..aggregation import AggregationKeys, Aggregator, Auditor, Contribution, Shape, Total
from ..errors import AggregationError, ContributionFormatError

__all__ = ["Submission", "Collected", "collect_histogram", "development_keys", "one_hot"]


def one_hot(index: int, length: int) -> list[int]:
    """The one-hot vote for bucket ``index`` of ``length``.

    >>> one_hot(2, 4)
    [0, 0, 1, 0]

    Raises:
        ContributionFormatError: ``index`` outside ``[0, length)``.
    """
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < length:
        raise ContributionFormatError(f"one_hot: expected a bucket in [0, {length}), found {index!r}")
    return [1 if j == index else 0 for j in range(length)]


@lru_cache(maxsize=4)
def development_keys(shape: Shape) -> AggregationKeys:
    """Keys of ``shape`` from a development setup (the setup's randomness is known to this
    process: a deployment runs a ceremony), cached per process and shape."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AggregationKeys.setup(shape)


@dataclass(frozen=True)
class Submission:
    """What one contributor sends: the public contribution and, privately, one share per
    aggregator (None: the contributor vanished after publishing)."""

    contribution: object
    shares: tuple[Any, ...] | None


@dataclass(frozen=True)
class Collected:
    """A checked histogram: the counts over ``tags``, the refusals (each names its tag), the
    dropouts, and the totals the aggregators published."""

    counts: tuple[int, ...]
    tags: tuple[int, ...]
    refused: tuple[AggregationError, ...]
    dropped: tuple[int, ...]
    totals: tuple[Total, ...]


def _deliver(aggregators: Sequence[Aggregator], con: Contribution, shares: tuple[Any, ...]) -> AggregationError | None:
    """Give each aggregator its share; the first refusal, if any."""
    if len(shares) != len(aggregators):
        return ContributionFormatError(f"contribution {con.tag}: expected {len(aggregators)} shares, found "
                                       f"{len(shares)}", contributor=con.tag)
    for agg, share in zip(aggregators, shares):
        try:
            agg.receive(con, share)
        except AggregationError as exc:
            return exc
    return None


def collect_histogram(keys: AggregationKeys, submissions: Sequence[Submission], *, rng: Any = None) -> Collected:
    """Screen, deliver the shares, total and check (see the module docstring).

    Raises:
        AggregateMismatchError: the totals do not open the commitments (cannot happen with
            the honest aggregators run here; a deployment checks the published totals).
        ContributionFormatError: a submission that is not a contribution at all.
    """
    screening = Auditor(keys).screen([s.contribution for s in submissions], rng=rng)
    shares_of = {id(s.contribution): s.shares for s in submissions}
    aggregators = [Aggregator(keys, i) for i in range(keys.shape.k)]
    refused, dropped, kept = list(screening.refused), [], []
    for con in screening.accepted:
        shares = shares_of[id(con)]
        if shares is None:
            dropped.append(con.tag)
            continue
        exc = _deliver(aggregators, con, shares)
        if exc is None:
            kept.append(con)
        else:
            refused.append(exc)
    tags = [c.tag for c in kept]
    totals = tuple(agg.total(tags) for agg in aggregators)
    result = Auditor(keys).check(kept, totals)
    return Collected(result.values, result.tags, tuple(refused), tuple(dropped), totals)
