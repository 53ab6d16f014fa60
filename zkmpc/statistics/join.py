"""A cross table joined across two data holders without either revealing its rows: party 1
holds a category per person (a degree field), party 2 a few 0/1 indicators per person
(employed, a salary band); the table counts, per category, the people both know and how many
of them have each indicator.

One run of :func:`mpc.psi.psi_categories_party1` does it: party 1's identifiers grouped by
category, party 2's indicators packed into one Paillier plaintext per person (slot ``j`` of
:data:`SLOT_BITS` bits holds indicator ``j``, so the homomorphic sum over an intersection adds
every indicator at once; a slot cannot overflow below 2^32 people). Party 1 learns each
category's matched count (or that it is below ``min_intersection``); party 2 learns the table
and publishes it with small-cell suppression (and, if asked, noise: it is the party that
releases the table, see :mod:`zkmpc.statistics.privacy`). Neither learns who matched.
Semi-honest parties, as :mod:`mpc.psi`.

    >>> import asyncio
    >>> from mpc import paillier
    >>> from mpc.net import InProcessHub
    >>> _, sk = paillier.keygen(bits=1024, insecure=True)
    >>> spec = JoinSpec(rows=("law", "maths"), columns=("employed",), min_intersection=2)
    >>> edu = {"p1": "law", "p2": "law", "p3": "maths", "p4": "maths", "p5": "maths"}
    >>> work = {"p1": [1], "p2": [0], "p3": [1], "p4": [1], "p9": [1]}
    >>> async def demo():
    ...     hub = InProcessHub([1, 2], session=bytes(16))
    ...     return await asyncio.gather(
    ...         join_categories(hub.network(1), spec, edu, peer=2, insecure=True),
    ...         join_indicators(hub.network(2), spec, work, peer=1, private_key=sk))
    >>> matched, table = asyncio.run(demo())
    >>> matched
    {'law': 2, 'maths': 2}
    >>> print(table.text())
           matched  employed
    law          2         1
    maths        2         2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from mpc.net.network import Network
from mpc.paillier import PrivateKey, RandomnessPool
from mpc.psi import Identifier, psi_categories_party1, psi_categories_party2

from ..errors import AnalysisError
from .analysis import CrossTable

__all__ = ["SLOT_BITS", "JoinSpec", "pack_slots", "unpack_slots", "join_categories", "join_indicators"]

#: bits per packed indicator: a slot's sum stays below 2^32 (PSI sets are far smaller)
SLOT_BITS = 32


def pack_slots(slots: Sequence[int], bits: int = SLOT_BITS) -> int:
    """Small non-negative ints in one: slot ``j`` at bit ``j * bits``.

        >>> pack_slots([1, 0, 3]) == 1 + (3 << 64)
        True
    """
    out = 0
    for j, v in enumerate(slots):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 1 << bits:
            raise AnalysisError(f"slot {j}: expected an int in [0, 2^{bits}), found {v!r}")
        out |= v << (j * bits)
    return out


def unpack_slots(value: int, n: int, bits: int = SLOT_BITS) -> tuple[int, ...]:
    """The ``n`` slots of ``value`` (the inverse of :func:`pack_slots`, also of a sum of packed values).

        >>> unpack_slots(pack_slots([1, 0, 3]) + pack_slots([1, 1, 0]), 3)
        (2, 1, 3)
    """
    if not 0 <= value < 1 << (n * bits):
        raise AnalysisError(f"a packed value of {n} slots of {bits} bits: expected [0, 2^{n * bits}), found {value}")
    mask = (1 << bits) - 1
    return tuple((value >> (j * bits)) & mask for j in range(n))


@dataclass(frozen=True)
class JoinSpec:
    """What both parties agree on: party 1's categories (the table's rows, in order), party
    2's indicators (its columns), the least matched count a row needs to be revealed at all."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    min_intersection: int = 10

    def __post_init__(self) -> None:
        for name in ("rows", "columns"):
            labels = tuple(getattr(self, name))
            if not labels or len(set(labels)) != len(labels) or not all(isinstance(x, str) and x for x in labels):
                raise AnalysisError(f"JoinSpec.{name}: expected distinct non-empty names, found {labels!r}")
            object.__setattr__(self, name, labels)
        if "matched" in self.columns:
            raise AnalysisError("JoinSpec.columns: 'matched' is the table's count column, pick another name")


async def join_categories(net: Network, spec: JoinSpec, records: Mapping[Any, str], *, peer: int,
                          timeout: float = 600.0, insecure: bool = False, rng: Any = None) -> dict[str, int | None]:
    """Party 1: ``records`` maps a person to a category of ``spec.rows``; returns each
    category's matched count (None: below ``spec.min_intersection``, withheld).

    Raises:
        AnalysisError: a category outside ``spec.rows``.
        PSIError: as :func:`mpc.psi.psi_categories_party1`.
    """
    index = {name: i for i, name in enumerate(spec.rows)}
    groups: list[list[Identifier]] = [[] for _ in spec.rows]
    for person, category in records.items():
        if category not in index:
            raise AnalysisError(f"person {person!r}: category {category!r} is not one of {list(spec.rows)}")
        groups[index[category]].append(person)
    got = await psi_categories_party1(net, groups, peer=peer, min_intersection=spec.min_intersection,
                                      timeout=timeout, insecure=insecure, rng=rng)
    return {name: None if r is None else r.cardinality for name, r in zip(spec.rows, got)}


async def join_indicators(net: Network, spec: JoinSpec, records: Mapping[Any, Sequence[int]], *, peer: int,
                          private_key: PrivateKey, pool: RandomnessPool | None = None, timeout: float = 600.0,
                          rng: Any = None) -> CrossTable:
    """Party 2: ``records`` maps a person to its 0/1 indicators (``spec.columns``, in
    order); returns the exact table (rows withheld below ``spec.min_intersection``), which
    this party publishes after :meth:`~zkmpc.statistics.CrossTable.suppressed`.

    Raises:
        AnalysisError: an indicator vector of the wrong length or not 0/1, or a key too small
            for the packed slots.
        PSIError: as :func:`mpc.psi.psi_categories_party2`.
    """
    width = len(spec.columns)
    if width * SLOT_BITS >= private_key.public_key.max_int.bit_length() - 1:
        raise AnalysisError(f"{width} indicators of {SLOT_BITS} bits do not fit the Paillier plaintext "
                            f"({private_key.public_key.max_int.bit_length()} bits)")
    packed: dict[Identifier, int] = {}
    for person, flags in records.items():
        if len(flags) != width or any(f not in (0, 1) or isinstance(f, bool) for f in flags):
            raise AnalysisError(f"person {person!r}: expected {width} indicators of 0 or 1, found {list(flags)!r}")
        packed[person] = pack_slots(flags)
    got = await psi_categories_party2(net, packed, peer=peer, min_intersection=spec.min_intersection,
                                      private_key=private_key, pool=pool, timeout=timeout, rng=rng)
    cells = tuple((None,) * (width + 1) if r is None else (r.cardinality, *unpack_slots(r.intersection_sum or 0, width))
                  for r in got)
    return CrossTable(spec.rows, ("matched", *spec.columns), cells, title="matched people by category")
