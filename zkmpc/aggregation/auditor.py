"""The auditor (anyone): screens published contributions and checks published totals.

:meth:`Auditor.screen` refuses malformed contributions and replays, then checks the proofs
in batches with Groth16 batch verification (one pairing product of ``n + 3`` pairs per batch;
a failing batch is split in halves until the bad proofs are found, so ``b`` bad proofs among
``n`` cost about ``b log2 n`` extra batches). :meth:`Auditor.check` checks the aggregators'
totals against the sum of the accepted contributions' commitments and returns the aggregate.

    >>> import random, warnings
    >>> from zkmpc.aggregation import AggregationKeys, Aggregator, Contributor, Shape
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     keys = AggregationKeys.setup(Shape(k=2, bits=8), rng=random.Random(1))
    >>> rng = random.Random(2)
    >>> made = [Contributor(keys).contribute(tag, v, rng=rng) for tag, v in ((1, 10), (2, 20), (3, 30))]
    >>> bad = Contribution(3, made[2][0].commitments, made[0][0].proof)   # another's proof
    >>> screening = Auditor(keys).screen([made[0][0], made[1][0], bad])
    >>> [c.tag for c in screening.accepted], screening.refused
    ([1, 2], (InvalidContributionProofError('contribution 3: the proof does not verify'),))
    >>> aggregators = [Aggregator(keys, i) for i in range(2)]
    >>> for con, shares in made:
    ...     for agg, share in zip(aggregators, shares):
    ...         agg.receive(con, share)
    >>> totals = [agg.total([1, 2]) for agg in aggregators]
    >>> Auditor(keys).check(screening.accepted, totals).values
    (30,)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from circuits.native import babyjub as bj
from zkp import groth16
from zkp.errors import MalformedInputError
from zkp.field import R
from zkp.groth16 import PreparedVerifyingKey, Proof

from ..errors import (AggregateMismatchError, AggregationError, ContributionFormatError, DuplicateContributionError,
                      InvalidContributionProofError)
from .aggregator import Total
from .contribution import Contribution, check_tag
from .generators import ORDER, sum_points
from .keys import AggregationKeys

__all__ = ["Auditor", "Screening", "Aggregate", "DEFAULT_BATCH"]

#: proofs per batch-verification call
DEFAULT_BATCH = 2048


@dataclass(frozen=True)
class Screening:
    """The contributions accepted (in the order given) and the refusals (each names its
    contribution by ``contributor``, its tag; a replayed tag is refused after its first copy)."""

    accepted: tuple[Contribution, ...]
    refused: tuple[AggregationError, ...] = ()

    def refused_tags(self) -> dict[int | None, type[AggregationError]]:
        """The refused tags and the class of their refusal."""
        return {e.contributor: type(e) for e in self.refused}


@dataclass(frozen=True)
class Aggregate:
    """The checked result: the tags summed and the sums of their values."""

    tags: tuple[int, ...]
    values: tuple[int, ...]


def _is_coordinate(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v < R


class Auditor:
    """Checks contributions and results of the keys' shape without seeing any input."""

    def __init__(self, keys: AggregationKeys) -> None:
        self.keys = keys
        self._pvk: PreparedVerifyingKey = keys.prepared()

    def check_format(self, contribution: object) -> Contribution:
        """``contribution`` itself when it is well formed: a :class:`Contribution` with a tag
        in [0, r), ``k`` commitments on the curve (their subgroup membership follows from
        the proof: the circuit computes them from subgroup generators), a :class:`Proof`.

        Raises:
            ContributionFormatError: naming the contribution (its tag, when it has one).
        """
        if not isinstance(contribution, Contribution):
            raise ContributionFormatError(f"expected a Contribution, found {type(contribution).__name__}")
        tag = check_tag(contribution.tag)
        points = contribution.commitments
        k = self.keys.shape.k
        if not isinstance(points, tuple) or len(points) != k:
            raise ContributionFormatError(f"contribution {tag}: expected {k} commitments", contributor=tag)
        for i, p in enumerate(points):
            if not (isinstance(p, tuple) and len(p) == 2 and all(_is_coordinate(v) for v in p) and bj.on_curve(p)):
                raise ContributionFormatError(f"contribution {tag}: commitment {i} is not a Baby Jubjub point "
                                              f"with coordinates in [0, r): {p!r}", contributor=tag)
        if not isinstance(contribution.proof, Proof):
            raise ContributionFormatError(f"contribution {tag}: expected a Proof, found "
                                          f"{type(contribution.proof).__name__}", contributor=tag)
        return contribution

    def _batch_ok(self, items: Sequence[Contribution], rng: Any) -> bool:
        try:
            return groth16.verify_batch(self._pvk, [(c.public_signals(), c.proof) for c in items], rng=rng)
        except MalformedInputError:
            return False

    def _bad_proofs(self, items: Sequence[Contribution], rng: Any) -> list[Contribution]:
        """The contributions of ``items`` whose proofs fail (bisection)."""
        if self._batch_ok(items, rng):
            return []
        if len(items) == 1:
            return list(items)
        half = len(items) // 2
        return self._bad_proofs(items[:half], rng) + self._bad_proofs(items[half:], rng)

    def screen(self, contributions: Sequence[object], *, batch: int = DEFAULT_BATCH, rng: Any = None) -> Screening:
        """Accept the well-formed, first-seen contributions whose proofs verify; refuse the
        others with a named error each (by tag). ``rng`` as ``groth16.verify_batch``.

        Raises:
            ContributionFormatError: an item that is not a contribution at all (no tag to
                name it by).
        """
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ContributionFormatError(f"batch: expected an int >= 1, found {batch!r}")
        refused: list[AggregationError] = []
        seen: set[int] = set()
        formed: list[Contribution] = []
        for item in contributions:
            try:
                con = self.check_format(item)
            except ContributionFormatError as exc:
                if exc.contributor is None:
                    raise
                refused.append(exc)
                continue
            if con.tag in seen:
                refused.append(DuplicateContributionError(f"contribution {con.tag}: published twice",
                                                          contributor=con.tag))
                continue
            seen.add(con.tag)
            formed.append(con)
        bad: set[int] = set()
        for start in range(0, len(formed), batch):
            for con in self._bad_proofs(formed[start:start + batch], rng):
                bad.add(id(con))
                refused.append(InvalidContributionProofError(f"contribution {con.tag}: the proof does not verify",
                                                             contributor=con.tag))
        return Screening(tuple(c for c in formed if id(c) not in bad), tuple(refused))

    def check(self, accepted: Sequence[Contribution], totals: Sequence[Total]) -> Aggregate:
        """The aggregate of ``accepted`` when every aggregator's total opens the sum of its
        commitments: ``sum_c C_c[i] = sum_j T_i[j] G_j + R_i H`` for each aggregator ``i``;
        the values are ``sum_i T_i[j] mod l``.

        Raises:
            AggregateMismatchError: a missing or extra total, totals over another set of
                contributions, or a total that does not open the commitments (named).
        """
        shape = self.keys.shape
        tags = tuple(c.tag for c in accepted)
        if len(set(tags)) != len(tags):
            raise AggregateMismatchError(f"accepted: expected distinct tags, found {len(tags) - len(set(tags))} repeated")
        by_index = {t.index: t for t in totals if isinstance(t, Total)}
        if sorted(by_index) != list(range(shape.k)) or len(totals) != shape.k:
            raise AggregateMismatchError(f"expected one total from each of aggregators 0..{shape.k - 1}, found "
                                         f"{sorted(by_index)} ({len(totals)} items)")
        for i in range(shape.k):
            total = by_index[i]
            if sorted(total.tags) != sorted(tags):
                raise AggregateMismatchError(f"aggregator {i}: its total is over {len(total.tags)} contributions, "
                                             f"expected the {len(tags)} accepted")
            scalars = (*total.values, total.blinding) if isinstance(total.values, tuple) else ()
            if len(total.values) != shape.length or not all(isinstance(v, int) and not isinstance(v, bool)
                                                            and 0 <= v < ORDER for v in scalars):
                raise AggregateMismatchError(f"aggregator {i}: expected {shape.length} sums and a blinding sum in [0, l)")
            expected = sum_points([c.commitments[i] for c in accepted])
            if self.keys.generators.commit(total.values, total.blinding) != expected:
                raise AggregateMismatchError(f"aggregator {i}: its total does not open the sum of commitment {i} "
                                             f"of the {len(tags)} accepted contributions")
        values = tuple(sum(by_index[i].values[j] for i in range(shape.k)) % ORDER for j in range(shape.length))
        return Aggregate(tags, values)
