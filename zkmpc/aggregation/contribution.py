"""Contributions (public) and shares (one per aggregator, private), and the contributor.

A :class:`Contributor` splits a value (or a vector, or a one-hot vector) into ``k``
additive shares mod ``l`` (Baby Jubjub's subgroup order), commits to each share vector
with a fresh blinding factor, and proves with Groth16 that the committed shares add up to a
valid value (:mod:`.circuit`). It publishes the :class:`Contribution` (tag, commitments,
proof) and sends :class:`Share` ``i`` to aggregator ``i`` over a private channel.

    >>> import random, warnings
    >>> from zkmpc.aggregation import AggregationKeys, Shape
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")                # a development setup warns
    ...     keys = AggregationKeys.setup(Shape(k=2, bits=8), rng=random.Random(1))
    >>> contribution, shares = Contributor(keys).contribute(7, 200, rng=random.Random(2))
    >>> contribution.tag, len(contribution.commitments), [s.index for s in shares]
    (7, 2, [0, 1])
    >>> sum(s.values[0] for s in shares) % ORDER
    200
    >>> Contributor(keys).contribute(8, 256)
    Traceback (most recent call last):
    ...
    zkmpc.errors.ContributionRangeError: contribution 8: value 0 is 256, expected an int in [0, 255]
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Sequence

from zkp import groth16
from zkp.errors import MalformedInputError
from zkp.field import R, from_words
from zkp.groth16 import Proof

from ..errors import ContributionFormatError, ContributionRangeError
from .generators import ORDER, Point
from .keys import AggregationKeys

__all__ = ["Contribution", "Share", "Contributor", "check_tag"]


def check_tag(tag: object) -> int:
    """A contribution's tag: an int in [0, r)."""
    if isinstance(tag, bool) or not isinstance(tag, int) or not 0 <= tag < R:
        raise ContributionFormatError(f"tag: expected an int in [0, r), found {tag!r}")
    return tag


@dataclass(frozen=True)
class Contribution:
    """What a contributor publishes: its ``tag``, one commitment per aggregator, the proof."""

    tag: int
    commitments: tuple[Point, ...]
    proof: Proof

    def public_signals(self) -> list[int]:
        """The circuit's public signals: ``tag``, then each commitment's x and y."""
        return [self.tag, *(c for point in self.commitments for c in point)]

    def to_bytes(self) -> bytes:
        """``tag``, the commitments' coordinates (32 bytes each, big-endian), the proof
        (256 bytes): ``32 + 64 k + 256`` bytes."""
        return b"".join(v.to_bytes(32, "big") for v in self.public_signals()) + self.proof.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, k: int) -> Contribution:
        """Decode a contribution of ``k`` commitments (sizes, ranges and proof points
        checked; whether the commitments are curve points is the auditor's check).

        Raises:
            ContributionFormatError: a wrong length, a value >= r, a bad proof encoding
                (naming the tag once it is read).
        """
        size = 32 + 64 * k + 256
        if not isinstance(data, (bytes, bytearray)) or len(data) != size:
            found = len(data) if isinstance(data, (bytes, bytearray)) else type(data).__name__
            raise ContributionFormatError(f"contribution: expected {size} bytes for {k} commitments, found {found}")
        values = from_words(data[:32 + 64 * k])
        tag = values[0]
        if any(v >= R for v in values):
            raise ContributionFormatError(f"contribution: a tag or coordinate >= r ({tag if tag < R else 'tag'})",
                                          contributor=tag if tag < R else None)
        try:
            proof = Proof.from_bytes(bytes(data[32 + 64 * k:]))
        except MalformedInputError as exc:
            raise ContributionFormatError(f"contribution {tag}: {exc}", contributor=tag) from None
        points = tuple((values[1 + 2 * i], values[2 + 2 * i]) for i in range(k))
        return cls(tag, points, proof)


@dataclass(frozen=True)
class Share:
    """What aggregator ``index`` receives privately from contributor ``tag``: its share of
    each value and the blinding factor of its commitment."""

    tag: int
    index: int
    values: tuple[int, ...]
    blinding: int

    def to_bytes(self) -> bytes:
        """``tag``, ``index``, ``blinding``, then the values: 32 bytes each, big-endian."""
        return b"".join(int(v).to_bytes(32, "big") for v in (self.tag, self.index, self.blinding, *self.values))

    @classmethod
    def from_bytes(cls, data: bytes, length: int) -> Share:
        """Decode a share of ``length`` values (the aggregator checks the ranges).

            >>> s = Share(5, 1, (7, 8), 9)
            >>> Share.from_bytes(s.to_bytes(), 2) == s
            True

        Raises:
            ContributionFormatError: a wrong length (an oversized message included).
        """
        size = 32 * (3 + length)
        if not isinstance(data, (bytes, bytearray)) or len(data) != size:
            found = len(data) if isinstance(data, (bytes, bytearray)) else type(data).__name__
            raise ContributionFormatError(f"share: expected {size} bytes for {length} values, found {found}")
        v = from_words(data)
        return cls(v[0], v[1], tuple(v[3:]), v[2])


def _draw(rng: Any) -> int:
    return int(rng.randrange(ORDER)) if rng is not None else secrets.randbelow(ORDER)


class Contributor:
    """Makes contributions of the keys' shape (see the module docstring)."""

    def __init__(self, keys: AggregationKeys) -> None:
        self.keys = keys

    def _values(self, tag: int, value: int | Sequence[int]) -> list[int]:
        shape = self.keys.shape
        values: list[object] = list(value) if isinstance(value, (list, tuple)) else [value]
        if len(values) != shape.length:
            raise ContributionFormatError(f"contribution {tag}: expected {shape.length} values, found {len(values)}",
                                          contributor=tag)
        ints: list[int] = []
        for j, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= shape.max_value():
                raise ContributionRangeError(f"contribution {tag}: value {j} is {v!r}, expected an int in "
                                             f"[0, {shape.max_value()}]", contributor=tag)
            ints.append(v)
        if shape.kind == "onehot" and sum(ints) != 1:
            raise ContributionRangeError(f"contribution {tag}: expected a one-hot vector (one 1, the rest 0), "
                                         f"found {sum(ints)} ones", contributor=tag)
        return ints

    def split(self, tag: int, value: int | Sequence[int], *, rng: Any = None) -> tuple[Share, ...]:
        """The ``k`` shares of ``value`` (an int, or a sequence of ``length`` ints) with fresh
        blinding factors; ``rng`` (with ``randrange``) for tests, ``secrets`` otherwise."""
        check_tag(tag)
        values = self._values(tag, value)
        k = self.keys.shape.k
        rows = [[_draw(rng) for _ in values] for _ in range(k - 1)]
        rows.append([(v - sum(col)) % ORDER for v, col in zip(values, zip(*rows))])
        return tuple(Share(tag, i, tuple(row), _draw(rng)) for i, row in enumerate(rows))

    def contribute(self, tag: int, value: int | Sequence[int], *, rng: Any = None) -> tuple[Contribution, tuple[Share, ...]]:
        """Split ``value``, commit to each share and prove it: the public contribution and the
        private shares (share ``i`` for aggregator ``i``).

        Raises:
            ContributionRangeError: a value outside ``[0, 2^bits)``, or not one-hot.
            ContributionFormatError: a tag outside [0, r), a wrong number of values.
        """
        shares = self.split(tag, value, rng=rng)
        gens = self.keys.generators
        commitments = tuple(gens.commit(s.values, s.blinding) for s in shares)
        values = self._values(tag, value)
        wraps = [sum(s.values[j] for s in shares) // ORDER for j in range(len(values))]
        circuit = self.keys.circuit
        assignment = circuit.circuit(tag=tag, commitments=[list(c) for c in commitments],
                                     shares=[list(s.values) for s in shares], blindings=[s.blinding for s in shares],
                                     values=values, wraps=wraps)
        witness = circuit.solve(assignment)
        proof = groth16.prove(self.keys.proving_key, witness, rng=rng)
        return Contribution(tag, commitments, proof), shares
