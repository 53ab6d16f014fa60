"""Private road pricing: a vehicle commits to its trip, segment by segment, proves the total
fee against the public tariff, and opens single segments when the operator spot-checks them.

A billing period has ``N`` segment slots (a power of two). Segment ``i`` records the road
zone, the time band and the distance driven (in tenths of a kilometre; an unused slot is 0);
its commitment is ``Poseidon(SEGMENT_TAG, i, zone, band, tenths, salt)`` with a fresh random
salt, and the trip's commitment is the Merkle root (Poseidon, two to one) over the ``N``
leaves. The tariff is public: a price in cents per tenth of a kilometre for each (zone,
band) cell, its commitment ``Poseidon(TARIFF_TAG, *prices)`` opened on chain by the operator
(the AppContract's scope: a proof against another tariff has a scope nobody opened).

The circuit (:func:`road_pricing_circuit`) proves, in these scopes:

- ``vehicle``: ``vehicle = Poseidon(VEHICLE_TAG, secret)``: only the vehicle can declare;
- ``tariff``: the prices used hash to ``tariff_hash``;
- ``segment``: each zone < :data:`ZONES`, band < :data:`BANDS` (8-bit comparisons), its price
  is the tariff cell ``zone * BANDS + band`` (one-hot selection), its fee ``price * tenths``;
- ``trip``: the leaves' Merkle root is ``trip_root``;
- ``fee``: the fees add up to ``fee`` (each below 2^32, at most 2^10 slots: no wrap-around);
- ``nullifier``: ``Poseidon(NULLIFIER_TAG, vehicle, period)``: one declaration a period.

Public signals, in order (:data:`PUBLIC_SIGNALS`): ``trip_root, tariff_hash, vehicle,
period, fee, nullifier``. Private: every segment (where, when, how far), the salts, the
vehicle's secret.

**Spot checks.** A roadside camera sees the vehicle in slot ``i`` in some zone and band; the
operator asks for segment ``i``; the vehicle answers with an :class:`Opening` (the record,
its salt and its Merkle path). :func:`spot_check` refuses an opening that does not reach the
declared root (:class:`~zkmpc.errors.SpotCheckOpeningError`: the vehicle cannot answer with
another record than the one it committed) and a record that disagrees with the camera
(:class:`~zkmpc.errors.SpotCheckMismatchError`: a vehicle that declared a cheaper zone is
caught on every checked slot it lied about). The proof hides every unchecked segment.

    >>> import random
    >>> tariff = Tariff.flat(3)
    >>> car = Vehicle(secret=12345)
    >>> trip = car.trip([TripRecord(0, 1, 55), TripRecord(2, 0, 120)], slots=4, rng=random.Random(1))
    >>> trip.fee(tariff)          # 3 * 2 cents x 55 + 3 * 3 cents x 120
    1410
    >>> cs = road_pricing_circuit(4)
    >>> w = cs.solve(car.assignment(cs, trip, tariff, period=202612))
    >>> w.public == car.signals(trip, tariff, period=202612)
    True
    >>> spot_check(trip.root, Observation(1, zone=2, band=0), trip.opening(1))
    >>> spot_check(trip.root, Observation(1, zone=3, band=0), trip.opening(1))
    Traceback (most recent call last):
    ...
    zkmpc.errors.SpotCheckMismatchError: slot 1: the camera saw zone 3 band 0, the committed record says zone 2 band 0
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from circuits import Circuit, CompiledCircuit, Field, Public, Secret, UInt, UnsatisfiedConstraintError, compile
from circuits.gadgets import assert_lt, is_equal, poseidon
from circuits.native import poseidon as native_poseidon
from circuits.types import InputSpec
from zkp.field import R

from ..errors import RoadPricingError, SpotCheckMismatchError, SpotCheckOpeningError, TripRecordError
from ..randomness import Rng, random_below

__all__ = ["ZONES", "BANDS", "TENTHS_BITS", "PRICE_BITS", "PUBLIC_SIGNALS", "SEGMENT_TAG", "TARIFF_TAG",
           "VEHICLE_TAG", "NULLIFIER_TAG", "Tariff", "TripRecord", "Trip", "Opening", "Observation", "Vehicle",
           "segment_leaf", "merkle_root_of", "road_pricing_circuit", "spot_check", "refusal"]

#: road zones (0: motorway ... 3: city centre) and time bands (0: night, 1: day, 2: rush hour)
ZONES, BANDS = 4, 3
#: a segment's distance in tenths of a km, and a tariff price in cents per tenth of a km
TENTHS_BITS, PRICE_BITS = 16, 16
#: the public signals, in order
PUBLIC_SIGNALS = ("trip_root", "tariff_hash", "vehicle", "period", "fee", "nullifier")
SEGMENT_TAG = int.from_bytes(b"zkmpc/road-pricing/segment/v1", "big")
TARIFF_TAG = int.from_bytes(b"zkmpc/road-pricing/tariff/v1", "big")
VEHICLE_TAG = int.from_bytes(b"zkmpc/road-pricing/vehicle/v1", "big")
NULLIFIER_TAG = int.from_bytes(b"zkmpc/road-pricing/period/v1", "big")
MAX_SLOTS = 1 << 10


def _uint(v: object, bits: int, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 1 << bits:
        raise TripRecordError(f"{what}: expected an int in [0, 2^{bits}), found {v!r}")
    return v


@dataclass(frozen=True)
class Tariff:
    """Cents per tenth of a km for each (zone, band): ``prices[zone * BANDS + band]``."""

    prices: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.prices) != ZONES * BANDS:
            raise TripRecordError(f"tariff: expected {ZONES * BANDS} prices (zones x bands), found {len(self.prices)}")
        object.__setattr__(self, "prices", tuple(_uint(p, PRICE_BITS, "tariff price") for p in self.prices))

    @classmethod
    def flat(cls, base: int) -> Tariff:
        """``base`` cents on the motorway at night, more in busier zones and bands
        (``base * (1 + zone) * (1 + band)``)."""
        return cls(tuple(base * (1 + z) * (1 + b) for z in range(ZONES) for b in range(BANDS)))

    def price(self, zone: int, band: int) -> int:
        return self.prices[zone * BANDS + band]

    @property
    def hash(self) -> int:
        """``Poseidon(TARIFF_TAG, *prices)``: the scope the operator opens on chain."""
        return native_poseidon([TARIFF_TAG, *self.prices])


@dataclass(frozen=True)
class TripRecord:
    """One segment: the zone, the time band, tenths of a km driven."""

    zone: int
    band: int
    tenths: int

    def __post_init__(self) -> None:
        if _uint(self.zone, 8, "zone") >= ZONES or _uint(self.band, 8, "band") >= BANDS:
            raise TripRecordError(f"segment: expected zone < {ZONES} and band < {BANDS}, found zone {self.zone} "
                                  f"band {self.band}")
        _uint(self.tenths, TENTHS_BITS, "tenths of a km")


def segment_leaf(index: int, record: TripRecord, salt: int) -> int:
    """The commitment to segment ``index``: ``Poseidon(SEGMENT_TAG, index, zone, band, tenths, salt)``."""
    return native_poseidon([SEGMENT_TAG, index, record.zone, record.band, record.tenths, salt])


def merkle_root_of(leaves: Sequence[int]) -> int:
    """The root of the full binary Poseidon tree over ``leaves`` (a power of two of them)."""
    level = list(leaves)
    while len(level) > 1:
        level = [native_poseidon([level[i], level[i + 1]]) for i in range(0, len(level), 2)]
    return level[0]


def _path(leaves: Sequence[int], index: int) -> tuple[int, ...]:
    level, i, out = list(leaves), index, []
    while len(level) > 1:
        out.append(level[i ^ 1])
        level = [native_poseidon([level[j], level[j + 1]]) for j in range(0, len(level), 2)]
        i //= 2
    return tuple(out)


@dataclass(frozen=True)
class Opening:
    """Segment ``index`` opened: its record, salt and Merkle siblings (leaf level first)."""

    index: int
    record: TripRecord
    salt: int
    siblings: tuple[int, ...]

    def root(self) -> int:
        """The root this opening reaches."""
        node, i = segment_leaf(self.index, self.record, self.salt), self.index
        for sib in self.siblings:
            node = native_poseidon([sib, node] if i & 1 else [node, sib])
            i //= 2
        return node


@dataclass(frozen=True)
class Observation:
    """What a roadside camera saw: the vehicle in slot ``index``, in ``zone`` and ``band``."""

    index: int
    zone: int
    band: int


def spot_check(trip_root: int, seen: Observation, opening: Opening) -> None:
    """The operator's check of one committed segment against a camera's observation.

    Raises:
        SpotCheckOpeningError: the opening is for another slot or does not reach ``trip_root``.
        SpotCheckMismatchError: the committed record disagrees with the observation (another
            zone or band, or no distance in a slot where the vehicle was seen driving).
    """
    if opening.index != seen.index:
        raise SpotCheckOpeningError(f"slot {seen.index} was asked for, the vehicle opened slot {opening.index}")
    if opening.root() != trip_root:
        raise SpotCheckOpeningError(f"slot {seen.index}: the opening does not reach the declared trip root "
                                    f"(a record other than the committed one)")
    rec = opening.record
    if (rec.zone, rec.band) != (seen.zone, seen.band):
        raise SpotCheckMismatchError(f"slot {seen.index}: the camera saw zone {seen.zone} band {seen.band}, the "
                                     f"committed record says zone {rec.zone} band {rec.band}")
    if rec.tenths == 0:
        raise SpotCheckMismatchError(f"slot {seen.index}: the camera saw the vehicle driving, the committed record "
                                     "says it drove 0 km")


@dataclass(frozen=True)
class Trip:
    """A period's records (``slots`` of them, unused ones empty) with their salts."""

    records: tuple[TripRecord, ...]
    salts: tuple[int, ...]

    @property
    def leaves(self) -> list[int]:
        return [segment_leaf(i, r, s) for i, (r, s) in enumerate(zip(self.records, self.salts))]

    @property
    def root(self) -> int:
        """The trip's commitment (published with the declaration)."""
        return merkle_root_of(self.leaves)

    def fee(self, tariff: Tariff) -> int:
        """The total fee in cents under ``tariff``."""
        return sum(tariff.price(r.zone, r.band) * r.tenths for r in self.records)

    def opening(self, index: int) -> Opening:
        """Segment ``index`` opened for a spot check."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.records):
            raise TripRecordError(f"slot: expected an int in [0, {len(self.records)}), found {index!r}")
        return Opening(index, self.records[index], self.salts[index], _path(self.leaves, index))


class Vehicle:
    """A vehicle's on-board unit, identified by ``secret`` (its public id: :attr:`vehicle`)."""

    def __init__(self, secret: int) -> None:
        if isinstance(secret, bool) or not isinstance(secret, int) or not 0 < secret < R:
            raise RoadPricingError("vehicle secret: expected a non-zero field element")
        self._secret = secret
        self.vehicle = native_poseidon([VEHICLE_TAG, secret])

    @classmethod
    def generate(cls, *, rng: Rng | None = None) -> Vehicle:
        """A vehicle with a uniform random secret (``secrets``, or ``rng`` in tests)."""
        return cls(random_below(R, floor=1, rng=rng))

    def __repr__(self) -> str:
        return f"Vehicle(id={self.vehicle:#x})"

    def trip(self, records: Sequence[TripRecord], *, slots: int, rng: Rng | None = None) -> Trip:
        """The period's trip: ``records`` in the first slots, the rest empty, fresh salts."""
        if slots not in _SIZES or len(records) > slots:
            raise TripRecordError(f"slots: expected a power of two in [2, {MAX_SLOTS}] holding the {len(records)} "
                                  f"records, found {slots!r}")
        full = tuple(records) + (TripRecord(0, 0, 0),) * (slots - len(records))
        return Trip(full, tuple(random_below(R, rng=rng) for _ in full))

    def nullifier(self, period: int) -> int:
        return native_poseidon([NULLIFIER_TAG, self.vehicle, period])

    def signals(self, trip: Trip, tariff: Tariff, *, period: int) -> list[int]:
        """The public signals of the declaration (:data:`PUBLIC_SIGNALS`)."""
        return [trip.root, tariff.hash, self.vehicle, period, trip.fee(tariff), self.nullifier(period)]

    def assignment(self, circuit: CompiledCircuit, trip: Trip, tariff: Tariff, *, period: int,
                   fee: int | None = None) -> Circuit:
        """The circuit's assignment (``fee``: the declared fee, the true one by default; a
        wrong one has no witness, see :func:`refusal`)."""
        cls: type[Circuit] = circuit.circuit
        if len(trip.records) != cls.SLOTS:  # type: ignore[attr-defined]
            raise TripRecordError(f"the circuit has {cls.SLOTS} slots, the trip {len(trip.records)}")  # type: ignore[attr-defined]
        _uint(period, 32, "period")
        return cls(trip_root=trip.root, tariff_hash=tariff.hash, vehicle=self.vehicle, period=period,
                   fee=trip.fee(tariff) if fee is None else fee, nullifier=self.nullifier(period),
                   secret=self._secret, zone=[r.zone for r in trip.records], band=[r.band for r in trip.records],
                   tenths=[r.tenths for r in trip.records], salt=list(trip.salts), prices=list(tariff.prices))


_SIZES = frozenset(1 << k for k in range(1, 11))


def _inputs(slots: int) -> dict[str, InputSpec]:
    return {"trip_root": Public[Field], "tariff_hash": Public[Field], "vehicle": Public[Field],
            "period": Public[UInt[32]], "fee": Public[Field], "nullifier": Public[Field],
            "secret": Secret[Field], "zone": Secret[UInt[8], slots], "band": Secret[UInt[8], slots],
            "tenths": Secret[UInt[TENTHS_BITS], slots], "salt": Secret[Field, slots],
            "prices": Secret[UInt[PRICE_BITS], ZONES * BANDS]}


def _define(self: Any, api: Any) -> None:
    with api.scope("vehicle"):
        api.assert_equal(poseidon(api, [api.constant(VEHICLE_TAG), self.secret]), self.vehicle)
    prices = list(self.prices)
    with api.scope("tariff"):
        api.assert_equal(poseidon(api, [api.constant(TARIFF_TAG), *prices]), self.tariff_hash)
    leaves, fees = [], []
    for i in range(self.SLOTS):
        with api.scope("segment"):
            zone, band, tenths = self.zone[i], self.band[i], self.tenths[i]
            assert_lt(api, zone, api.constant(ZONES), bits=8)
            assert_lt(api, band, api.constant(BANDS), bits=8)
            cell = api.lincomb([(zone, BANDS), (band, 1)])
            hot = [is_equal(api, cell, api.constant(j)) for j in range(ZONES * BANDS)]
            price = api.lincomb([(api.mul(h, p), 1) for h, p in zip(hot, prices)])
            fees.append(api.mul(price, tenths))
            leaves.append(poseidon(api, [api.constant(SEGMENT_TAG), api.constant(i), zone, band, tenths,
                                         self.salt[i]]))
    with api.scope("trip"):
        while len(leaves) > 1:
            leaves = [poseidon(api, [leaves[j], leaves[j + 1]]) for j in range(0, len(leaves), 2)]
        api.assert_equal(leaves[0], self.trip_root)
    with api.scope("fee"):
        api.assert_equal(api.lincomb([(f, 1) for f in fees]), self.fee)
    with api.scope("nullifier"):
        api.assert_equal(poseidon(api, [api.constant(NULLIFIER_TAG), self.vehicle, self.period]), self.nullifier)


@lru_cache(maxsize=4)
def road_pricing_circuit(slots: int = 32) -> CompiledCircuit:
    """The compiled circuit for ``slots`` segment slots (a power of two, 2..1024)."""
    if slots not in _SIZES:
        raise TripRecordError(f"slots: expected a power of two in [2, {MAX_SLOTS}], found {slots!r}")
    name = f"RoadPricing{slots}"
    cls = type(name, (Circuit,), {"__annotations__": _inputs(slots), "define": _define, "SLOTS": slots,
                                  "__module__": __name__, "__qualname__": name})
    return compile(cls)


def refusal(exc: UnsatisfiedConstraintError) -> RoadPricingError:
    """The named error for a broken constraint of the circuit (by its scope)."""
    label = (exc.label or "").split(" @ ", 1)[0]
    return RoadPricingError(f"the declaration has no witness: constraint {label or '?'} fails ({exc})")
